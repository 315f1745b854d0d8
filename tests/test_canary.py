"""nbval really compares: the canary notebook passes as committed and fails once an output changes."""
import shutil
import subprocess
import sys

import nbformat

from conftest import ROOT, clean_env

CANARY = ROOT / "tests" / "canary" / "canary.ipynb"


def _nbval(notebook) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
         "--rootdir", str(notebook.parent), "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", str(ROOT / "tests" / "sanitize.cfg"), str(notebook)],
        capture_output=True, text=True, timeout=120, env=clean_env())


def test_the_canary_passes_as_committed(tmp_path):
    copy = tmp_path / "canary.ipynb"
    shutil.copy(CANARY, copy)
    result = _nbval(copy)
    assert result.returncode == 0, result.stdout


def test_a_changed_output_fails(tmp_path):
    nb = nbformat.read(CANARY, as_version=4)
    nb.cells[1].outputs[0]["text"] = "43\n"  # the kernel will print 42
    copy = tmp_path / "canary.ipynb"
    nbformat.write(nb, copy)
    result = _nbval(copy)
    assert result.returncode == 1, result.stdout
    assert "1 failed" in result.stdout and "43" in result.stdout
