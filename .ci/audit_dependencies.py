"""Fail when a locked dependency has a known vulnerability (pip-audit over uv.lock).

Audits exactly what `uv.lock` pins, every group (what production installs and what CI
runs), exported with hashes, so pip-audit resolves and installs nothing. pip-audit asks
PyPI's per-release JSON API by default (AUDIT_SERVICE=osv and AUDIT_OSV_URL ask an OSV
server instead). A vulnerability listed in IGNORED, with why it does not apply, is
reported and passes; any other fails the run, with the versions that fix it.

pip-audit says "No known vulnerabilities found" even for packages the service could not
be asked about. This script counts them instead and says so: when none could be audited
(the service unreachable from this machine), it warns loudly and passes unless
AUDIT_STRICT=1, which CI on a machine that reaches the service should set.

    .venv/bin/python .ci/audit_dependencies.py     # exit 1 and a list on a vulnerability
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Vulnerability id (PYSEC-…, GHSA-…, CVE-…) → why it does not apply to Integra. Keep each
# reason checkable (the code path we do not use, the setting we do not turn on), and
# remove the entry once the fixed release is locked: a stale entry is reported.
IGNORED: dict[str, str] = {}


def audit(requirements: Path) -> dict:
    command = [
        str(ROOT / ".venv" / "bin" / "pip-audit"),
        "--requirement",
        str(requirements),
        "--require-hashes",
        "--disable-pip",
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--vulnerability-service",
        os.environ.get("AUDIT_SERVICE", "pypi"),
    ]
    if os.environ.get("AUDIT_OSV_URL"):
        command += ["--osv-url", os.environ["AUDIT_OSV_URL"]]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        # pip-audit stops without a report when the service fails outright (no route,
        # refused, a 5xx): nothing was audited.
        tail = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"dependencies": [], "error": tail}


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        requirements = Path(scratch) / "requirements.txt"
        subprocess.run(
            [
                str(ROOT / ".tools" / "bin" / "uv"),
                "export",
                "--locked",
                "--all-groups",
                "--no-emit-project",
                "--format",
                "requirements-txt",
                "--quiet",
                "--output-file",
                str(requirements),
            ],
            check=True,
            cwd=ROOT,
        )
        report = audit(requirements)

    dependencies = report["dependencies"]
    audited = [d for d in dependencies if "skip_reason" not in d]
    skipped = [d for d in dependencies if "skip_reason" in d]
    found, ignored = [], []
    for dependency in audited:
        for vuln in dependency["vulns"]:
            ids = {vuln["id"], *vuln.get("aliases", [])}
            known = sorted(ids & IGNORED.keys())
            (ignored if known else found).append((dependency, vuln, known))

    print(f"pip-audit: {len(audited)} locked packages audited, {len(skipped)} not audited")
    for dependency, vuln, known in ignored:
        name = f"{dependency['name']} {dependency['version']} {vuln['id']}"
        print(f"  ignored {name}: {IGNORED[known[0]]}")
    used = {vid for _d, vuln, known in ignored for vid in known}
    for stale in sorted(IGNORED.keys() - used):
        print(f"  stale ignore entry {stale}: no locked package has it now; remove it")
    for dependency, vuln, _known in found:
        fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release yet"
        ids = ", ".join([vuln["id"], *vuln.get("aliases", [])])
        print(f"  VULNERABLE {dependency['name']} {dependency['version']}: {ids}")
        print(f"    fixed in: {fixed}")
        print(f"    {(vuln.get('description') or '').strip()[:300]}")
        print(f"    upgrade: .tools/bin/uv lock --upgrade-package {dependency['name']}")
    if found:
        print(f"pip-audit: {len(found)} known vulnerabilities", file=sys.stderr)
        return 1

    if not audited:
        reason = report.get("error") or (skipped[0]["skip_reason"] if skipped else "")
        print(
            "pip-audit: WARNING: no package could be audited; the vulnerability service "
            f"did not answer from this machine ({reason}). Nothing is known either way.",
            file=sys.stderr,
        )
        return 1 if os.environ.get("AUDIT_STRICT") == "1" else 0
    if skipped:
        names = ", ".join(d["name"] for d in skipped)
        print(f"pip-audit: WARNING: not audited: {names}", file=sys.stderr)
        return 1 if os.environ.get("AUDIT_STRICT") == "1" else 0
    print("pip-audit: no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
