"""Fail when a view, API handler or consumer fetches a row bare.

Interface code reads rows through the apps' permission-scoped helpers (`access.py`:
`booking_for(user, pk)`, `professional_for(user, pk)`, ...), so authorisation cannot be
forgotten at one door. This walks the syntax tree of every interface module and reports
`get_object_or_404(...)`, `get_list_or_404(...)` and `<Model>.objects….get(...)` /
`….filter(pk=…)` / `….filter(id=…)`. A line that must read bare (a re-read of a row the
view already fetched through a helper) says so with `# fetch-ok: <why>`, on the call or in
the comment just above it.

    python .ci/check_fetches.py        # exit 1 and a list when it finds any
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = [
    "accounts",
    "billing",
    "portal",
    "professionals",
    "scheduling",
    "backoffice",
    "api",
    "integra",
]
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def interface_modules() -> list[Path]:
    found = []
    for app in APPS:
        base = ROOT / app
        if not base.is_dir():
            continue
        for path in base.rglob("*.py"):
            parts = path.relative_to(base).parts
            handlers = app == "api" or path.name in ("views.py", "api.py", "consumers.py")
            if handlers or "views" in parts[:-1]:
                found.append(path)
    return sorted(found)


def _through_objects(node: ast.AST) -> bool:
    """Whether an attribute/call chain passes through `<something>.objects`."""
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr == "objects":
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return False


def _writes(tree: ast.AST) -> set[int]:
    """The calls that only narrow a conditional write (`….filter(pk=…).update(…)`): a
    write with its own rules, not a read."""
    marked = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("update", "delete")
        ):
            inner = node.func.value
            while isinstance(inner, (ast.Call, ast.Attribute)):
                if isinstance(inner, ast.Call):
                    marked.add(id(inner))
                    inner = inner.func
                else:
                    inner = inner.value
    return marked


def _explained(lines: list[str], node: ast.Call) -> bool:
    """`# fetch-ok: why` on the call's lines or a comment at most two lines above it (the
    formatter may open the statement a line earlier)."""
    span = lines[max(node.lineno - 3, 0) : node.end_lineno]
    return any("# fetch-ok:" in line for line in span)


def bare_fetches(path: Path) -> list[tuple[int, str]]:
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source, filename=str(path))
    writes = _writes(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in writes:
            continue
        what = None
        if isinstance(node.func, ast.Name) and node.func.id in SHORTCUTS:
            what = node.func.id
        elif isinstance(node.func, ast.Attribute) and _through_objects(node.func.value):
            keys = {keyword.arg for keyword in node.keywords}
            if node.func.attr == "get" or (node.func.attr == "filter" and keys & {"pk", "id"}):
                what = f"….objects….{node.func.attr}(…)"
        if what and not _explained(lines, node):
            found.append((node.lineno, what))
    return found


def main() -> int:
    problems = []
    for path in interface_modules():
        for line, what in bare_fetches(path):
            problems.append(f"{path.relative_to(ROOT)}:{line}: bare fetch {what}")
    if problems:
        print("Views, API handlers and consumers fetch rows through an access helper:")
        print("\n".join(problems))
        return 1
    print(f"No bare fetch in {len(interface_modules())} interface modules.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
