"""dev.py must run with nothing but Python 3.11: no third-party import, a usable help."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_dev_py_imports_only_the_standard_library():
    tree = ast.parse((ROOT / "dev.py").read_text())
    imported = {
        (alias.name if isinstance(node, ast.Import) else node.module).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }

    assert imported - {"__future__"} <= set(sys.stdlib_module_names)


def test_dev_py_explains_its_commands_and_refuses_unknown_ones():
    help_run = subprocess.run(
        [sys.executable, "dev.py", "help"], cwd=ROOT, capture_output=True, text=True
    )
    unknown = subprocess.run(
        [sys.executable, "dev.py", "deploy"], cwd=ROOT, capture_output=True, text=True
    )

    assert help_run.returncode == 0
    assert "python3 dev.py run" in help_run.stdout and "python3 dev.py test" in help_run.stdout
    assert unknown.returncode == 2


def test_the_ci_script_is_executable_and_checks_the_lock():
    script = ROOT / ".ci" / "run"

    assert os.access(script, os.X_OK)
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    assert "--frozen" not in script.read_text() + (ROOT / "dev.py").read_text()
    assert 'sync", "--locked"' in (ROOT / "dev.py").read_text()
