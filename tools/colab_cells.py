"""Put the Colab pieces at the top of every chapter: a markdown cell with the "Binder에서 열기" and
"Colab에서 열기" badges, then a code cell that installs the course package on Colab and does
nothing anywhere else (its committed output is empty). Both cells are tagged ``colab`` and
``remove-cell`` (the book has its own launch buttons) and carry fixed ids.

Edits notebooks-src/NN_*.py and the executed notebooks/NN_*.ipynb in place and executes nothing:
the install cell gets execution count 1 and the counts after it move up by one, as a run would
number them. Run again, it rewrites the two cells (another --repo or --ref) and changes nothing
else; a second run with the same options leaves every file byte for byte as it was.

    python tools/colab_cells.py [--repo OWNER/REPO] [--ref main] [notebooks/NN_제목.ipynb …]
    python tools/colab_cells.py --print-cell [--spec 'labtasks[colab] @ file:///…']
    python tools/colab_cells.py --table      # the README's rows: chapter, Colab and Binder badges
"""
import argparse
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "<OWNER>/<REPO>"
TAGS = ["colab", "remove-cell"]
BADGE_ID, INSTALL_ID = "colab-badges", "colab-install"
#: jupytext.toml's filters (jupytext.writes does not read that file)
FILTERS = {"notebook_metadata_filter": "-all", "cell_metadata_filter": "tags,jupyter,-all"}

INSTALL = '''\
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "{spec}"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)'''


def spec_for(repo: str, ref: str) -> str:
    """What pip installs on Colab: the package at ``ref`` with the lesson's pins (its colab extra)."""
    return f"labtasks[colab] @ git+https://github.com/{repo}@{ref}"


def badges(name: str, repo: str, ref: str) -> str:
    path = quote(f"notebooks/{name}")
    binder = (f"https://mybinder.org/v2/gh/{repo}/{'HEAD' if ref == 'main' else ref}"
              f"?urlpath={quote('lab/tree/' + f'notebooks/{name}', safe='')}")
    colab = f"https://colab.research.google.com/github/{repo}/blob/{ref}/{path}"
    return (f"[![Binder에서 열기](https://mybinder.org/badge_logo.svg)]({binder}) "
            f"[![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)]({colab})")


def place(cells: list, badge, install) -> list:
    """``cells`` without any earlier Colab cell, with ``badge`` and ``install`` on top."""
    rest = [c for c in cells if c.get("id") not in (BADGE_ID, INSTALL_ID)
            and "colab" not in c.get("metadata", {}).get("tags", [])]
    return [badge, install, *rest]


def update_notebook(path: Path, repo: str, ref: str, spec: str) -> bool:
    import nbformat  # here: --print-cell runs before any package is installed (.ci/colab_leg.sh)
    nb = nbformat.read(path, as_version=4)
    had = any(c.get("id") == INSTALL_ID for c in nb.cells)
    badge = nbformat.v4.new_markdown_cell(badges(path.name, repo, ref), id=BADGE_ID)
    install = nbformat.v4.new_code_cell(INSTALL.format(spec=spec), id=INSTALL_ID)
    for cell in (badge, install):
        cell.metadata["tags"] = list(TAGS)
    install.execution_count = 1
    if not had:  # the counts of a run that began with the install cell
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.execution_count is not None:
                cell.execution_count += 1
    nb.cells = place(nb.cells, badge, install)
    return _write(path, nbformat.writes(nb) + "\n")


def update_source(path: Path, repo: str, ref: str, spec: str) -> bool:
    import jupytext
    import nbformat
    nb = jupytext.read(path)
    nb.metadata.setdefault("jupytext", {}).update(FILTERS)
    badge = nbformat.v4.new_markdown_cell(badges(path.stem + ".ipynb", repo, ref))
    install = nbformat.v4.new_code_cell(INSTALL.format(spec=spec))
    for cell in (badge, install):
        cell.metadata["tags"] = list(TAGS)
    nb.cells = place(nb.cells, badge, install)
    return _write(path, jupytext.writes(nb, fmt="py:percent"))


def _write(path: Path, text: str) -> bool:
    if path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="기본: notebooks/[0-9][0-9]_*.ipynb 전부")
    parser.add_argument("--repo", default=PLACEHOLDER, help="GitHub의 OWNER/REPO")
    parser.add_argument("--ref", default="main", help="배지와 설치가 가리키는 브랜치, 태그 또는 커밋")
    parser.add_argument("--spec", help="설치 셀이 pip에 넘길 것 (기본: 저장소의 --ref)")
    parser.add_argument("--print-cell", action="store_true", help="설치 셀의 코드만 출력한다")
    parser.add_argument("--table", action="store_true", help="README의 장별 배지 표를 출력한다")
    args = parser.parse_args(argv)
    spec = args.spec or spec_for(args.repo, args.ref)
    if args.print_cell:
        print(INSTALL.format(spec=spec))
        return 0
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.table:
        print("| 노트북 | 열기 |\n|---|---|")
        for notebook in notebooks:
            print(f"| `{notebook.stem}` | {badges(notebook.name, args.repo, args.ref)} |")
        return 0
    for notebook in notebooks:
        source = notebook.parent.parent / "notebooks-src" / f"{notebook.stem}.py"
        if not source.exists():
            print(f"{source}가 없습니다 (jupytext 쌍)", file=sys.stderr)
            return 1
        changed = [p.name for p, done in [(notebook, update_notebook(notebook, args.repo, args.ref, spec)),
                                         (source, update_source(source, args.repo, args.ref, spec))]
                   if done]
        print(f"{notebook.name}: {'고침 ' + ', '.join(changed) if changed else '그대로'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
