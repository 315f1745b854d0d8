"""Build a chapter notebook from its percent-format source, executed, with outputs.

    python tools/nbbuild.py notebooks/src/01_설치와_환경.py [...]   # writes notebooks/01_….ipynb
    python tools/nbbuild.py --markdown-only notebooks/src/…py        # prose edits, no re-run

Source format: cells start with ``# %%`` (code) or ``# %% [markdown]``; a code cell may carry
tags: ``# %% tags=["raises-exception", "nbval-ignore-output"]``. Markdown lines start with ``# ``;
in code cells, shell and magic lines are written commented (``# !celery …``).
The notebook is the file learners open and nbval checks; the source keeps diffs readable.
``tests/test_notebook_sources.py`` fails when the two drift apart.
"""
import json
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
HEADER = re.compile(r"^# %%(?P<md> \[markdown\])?(?:\s+tags=(?P<tags>\[.*\]))?\s*$")
MAGIC = re.compile(r"^# ([!%].*)$")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def parse(source: str) -> list:
    cells, current = [], None
    for line in source.splitlines():
        m = HEADER.match(line)
        if m:
            current = {"md": bool(m["md"]), "tags": json.loads(m["tags"] or "[]"), "lines": []}
            cells.append(current)
        elif current is not None:
            current["lines"].append(line)
    out = []
    for c in cells:
        lines = c["lines"]
        while lines and not lines[-1].strip():
            lines.pop()
        if c["md"]:
            text = "\n".join(l[2:] if l.startswith("# ") else l.lstrip("#") for l in lines)
            out.append(nbformat.v4.new_markdown_cell(text))
        else:
            # shell and magic lines are kept commented in the source: "# !celery …" -> "!celery …"
            cell = nbformat.v4.new_code_cell("\n".join(MAGIC.sub(r"\1", l) for l in lines))
            if c["tags"]:
                cell.metadata["tags"] = c["tags"]
            out.append(cell)
    return out


def notebook_path(src: Path) -> Path:
    return ROOT / "notebooks" / (src.stem + ".ipynb")


def build(src: Path, timeout: int = 300) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = parse(src.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i:02d}"  # stable ids keep diffs small
    began = time.monotonic()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    target = notebook_path(src)
    nbformat.write(nb, target)
    print(f"{target.name}: {len(nb.cells)} cells, {time.monotonic() - began:.1f} s")
    return target


def update_markdown(src: Path) -> Path:
    """Copy the source's markdown cells into the notebook, keeping code cells and outputs.

    For prose-only edits: no re-execution. The code cells must be unchanged.
    """
    target = notebook_path(src)
    nb = nbformat.read(target, as_version=4)
    cells = parse(src.read_text(encoding="utf-8"))
    shape = [(c.cell_type, c.source if c.cell_type == "code" else "") for c in cells]
    if shape != [(c.cell_type, c.source if c.cell_type == "code" else "") for c in nb.cells]:
        raise SystemExit(f"{src.name}: code cells changed; rebuild without --markdown-only")
    for old, new in zip(nb.cells, cells):
        if old.cell_type == "markdown":
            old.source = new.source
    nbformat.write(nb, target)
    print(f"{target.name}: markdown updated")
    return target


if __name__ == "__main__":
    markdown_only = "--markdown-only" in sys.argv
    for arg in [a for a in sys.argv[1:] if a != "--markdown-only"]:
        (update_markdown if markdown_only else build)(Path(arg).resolve())
