"""Each executed notebook is paired with its percent-format source (jupytext.toml):
the same cells, tags and cell metadata, and every code cell was executed."""
import re
import subprocess

import jupytext
import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _cells(nb):
    return [(c.cell_type, c.source, c.metadata.get("tags", []), c.metadata.get("jupyter", {}))
            for c in nb.cells]


def test_every_notebook_has_a_source_and_the_reverse():
    sources = {p.stem for p in (ROOT / "notebooks-src").glob("*.py")}
    assert {p.stem for p in NOTEBOOKS} == sources


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_matches_its_source(notebook):
    source = jupytext.read(ROOT / "notebooks-src" / f"{notebook.stem}.py")
    assert _cells(nbformat.read(notebook, as_version=4)) == _cells(source), (
        f"jupytext --sync notebooks/{notebook.name} 로 둘을 맞추세요")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_was_executed_without_unexpected_errors(notebook):
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        assert cell.execution_count is not None, cell.source
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors or "raises-exception" in cell.metadata.get("tags", []), cell.source


def test_the_folder_a_learner_opens_holds_the_chapters_only():
    tracked = subprocess.run(["git", "-c", "core.quotepath=off", "ls-files", "notebooks"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    assert tracked and all(re.fullmatch(r"notebooks/\d\d_[^/]+\.ipynb", name) for name in tracked), tracked
