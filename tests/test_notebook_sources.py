"""Each committed notebook matches its percent-format source in notebooks/src (no drift)."""
import sys

import nbformat
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import nbbuild  # noqa: E402

SOURCES = sorted((ROOT / "notebooks" / "src").glob("*.py"))


def test_every_notebook_has_a_source_and_the_reverse():
    notebooks = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert notebooks == {p.stem for p in SOURCES}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebook_matches_its_source(source):
    built = nbbuild.parse(source.read_text(encoding="utf-8"))
    committed = nbformat.read(nbbuild.notebook_path(source), as_version=4).cells
    assert [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in committed] == \
           [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in built]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebook_was_executed_without_unexpected_errors(source):
    cells = nbformat.read(nbbuild.notebook_path(source), as_version=4).cells
    for cell in cells:
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        assert cell.execution_count is not None, cell.source
        tags = cell.metadata.get("tags", [])
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors or "raises-exception" in tags, cell.source
