""".ci/audit_dependencies.py (pip-audit over uv.lock) fails CI on a known vulnerability,
lets one through that IGNORED explains, and does not read "nothing could be asked" as
"nothing found". The vulnerability service here is a small OSV server on this machine that
knows one advisory, against sqlparse."""

import importlib.util
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ADVISORY = {
    "id": "GHSA-test-0000-0001",
    "aliases": ["CVE-2099-0001"],
    "summary": "Made up for this test",
    "affected": [
        {
            "package": {"name": "sqlparse", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0"}]}],
        }
    ],
}


class OSV(BaseHTTPRequestHandler):
    vulnerable = "sqlparse"

    def do_POST(self):
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = {"vulns": [ADVISORY]} if query["package"]["name"] == self.vulnerable else {}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def osv(monkeypatch):
    server = HTTPServer(("127.0.0.1", 0), OSV)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AUDIT_SERVICE", "osv")
    monkeypatch.setenv("AUDIT_OSV_URL", f"http://127.0.0.1:{server.server_port}/v1/query")
    monkeypatch.delenv("AUDIT_STRICT", raising=False)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def gate():
    if not (ROOT / ".venv" / "bin" / "pip-audit").exists():
        pytest.skip("pip-audit is not installed (python3 dev.py setup installs it)")
    spec = importlib.util.spec_from_file_location(
        "audit_dependencies", ROOT / ".ci/audit_dependencies.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_known_vulnerability_fails_and_says_what_fixes_it(osv, gate, capsys):
    assert gate.main() == 1
    out = capsys.readouterr().out
    assert "VULNERABLE sqlparse" in out and "GHSA-test-0000-0001" in out
    assert "fixed in: 99.0" in out
    assert "uv lock --upgrade-package sqlparse" in out


def test_an_ignored_vulnerability_passes_with_its_reason(osv, gate, capsys, monkeypatch):
    monkeypatch.setattr(gate, "IGNORED", {"CVE-2099-0001": "we never format SQL"})
    assert gate.main() == 0
    out = capsys.readouterr().out
    assert "ignored sqlparse" in out and "we never format SQL" in out
    assert "no known vulnerabilities" in out


def test_a_stale_ignore_entry_is_reported(osv, gate, capsys, monkeypatch):
    osv.RequestHandlerClass = type("Clean", (OSV,), {"vulnerable": None})
    monkeypatch.setattr(gate, "IGNORED", {"CVE-2099-0001": "we never format SQL"})
    assert gate.main() == 0
    assert "stale ignore entry CVE-2099-0001" in capsys.readouterr().out


def test_a_service_that_cannot_be_asked_is_not_read_as_all_clear(osv, gate, capsys, monkeypatch):
    monkeypatch.setenv("AUDIT_OSV_URL", "http://127.0.0.1:1/v1/query")  # nothing listens
    assert gate.main() == 0
    captured = capsys.readouterr()
    assert "no package could be audited" in captured.err
    assert "no known vulnerabilities" not in captured.out
    monkeypatch.setenv("AUDIT_STRICT", "1")
    assert gate.main() == 1
