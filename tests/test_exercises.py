"""The exercise contract, on every committed notebook: at least two exercises, each a markdown
prompt ``**연습 N.**`` followed by three code cells tagged ``answer``, ``check`` and ``solution``;
the answer ships with the placeholder and nothing of the solution; the solution is collapsed; the
check said only "not written yet" (plain text, no ``False``) on the placeholder and "정답" after the
solution (nbval re-checks both).
Each chapter's solutions and wrong answers are fed to its checks in tests/test_exercises_chNN.py."""
import re

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PROMPT = re.compile(r"^\*\*연습 (\d+)\.\*\*", re.MULTILINE)


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def exercises(path):
    cells = nbformat.read(path, as_version=4).cells
    found = []
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and PROMPT.search(cell.source):
            tags = [c.metadata.get("tags", []) for c in cells[i + 1:i + 4]]
            assert tags == [["answer"], ["check"], ["solution"]], (path.name, cell.source[:60], tags)
            found.append((int(PROMPT.search(cell.source)[1]), *cells[i + 1:i + 4]))
    return found


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chapter_has_exercises_under_the_contract(notebook):
    found = exercises(notebook)
    assert len(found) >= 2, f"{notebook.name}: {len(found)} exercises"
    assert [n for n, *_ in found] == list(range(1, len(found) + 1))
    for number, answer, check, solution in found:
        assert re.search(r"^답 = \.\.\.", answer.source, re.MULTILINE), (number, answer.source)
        given = {line.strip() for line in solution.source.splitlines() if line.strip()}
        shared = [line for line in answer.source.splitlines()
                  if line.strip() in given and not line.startswith("답 = ...")]
        assert not shared, (notebook.name, number, shared)  # the answer cell gives nothing away
        assert solution.metadata.get("jupyter", {}).get("source_hidden") is True, number
        assert "아직 답을 쓰지 않았습니다" in _text(check), (notebook.name, number)
        # the check cell under the placeholder shows the plain reminder and nothing else
        assert [o.output_type for o in check.outputs] == ["stream"], (notebook.name, number)
        assert "`" not in _text(check) and _text(check).count("\n") == 1, (notebook.name, number)
        assert "정답입니다" in _text(solution), (notebook.name, number)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_summary_comes_before_the_exercises(notebook):
    cells = nbformat.read(notebook, as_version=4).cells
    headings = [c.source.splitlines()[0] for c in cells
                if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert "## 정리" in headings and "## 연습문제" in headings, headings
    assert headings.index("## 정리") < headings.index("## 연습문제"), headings
