"""Build the static book from the executed notebooks.

    book/.venv/bin/python book/build.py      # after: pip install -r book/requirements.txt

Copies notebooks/NN_*.ipynb into book/_build/src (the notebooks themselves are never modified),
prepares the copies for reading (errata, solutions, widgets), writes the table of contents, and
runs Jupyter Book; the HTML lands in book/_build/html. Exits non-zero when the build is broken.

Env: BOOK_REPOSITORY_URL (GitHub URL the Binder buttons launch), BOOK_REPOSITORY_BRANCH (HEAD),
BOOK_EXTRA_NOTEBOOKS (os.pathsep-separated notebooks appended as chapters; CI uses it for a fixture).
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
SRC = BOOK / "_build" / "src"
HTML = BOOK / "_build" / "html"
PLACEHOLDER_REPOSITORY = "https://github.com/OWNER/celery-lab"

# Convention for the guide's errata in markdown cells:
# - a heading that starts with 정오표 (numbering allowed: "## 4. 정오표: …") anywhere in a cell: the
#   text under it, up to the next heading or the end of the cell, is the erratum;
# - a cell that starts with **정오표** (or > **정오표**), or a cell tagged `erratum`: the whole cell.
ERRATUM_HEADING = re.compile(r"^#{1,6}\s+(?:\d+(?:\.\d+)*\.?\s+)?정오표")
ERRATUM_BOLD = re.compile(r"^(?:>\s*)?\*\*정오표")
HEADING = re.compile(r"^#{1,6}\s")
FENCE = re.compile(r"^\s*(```|~~~)")
ERRATUM_DEFAULT = "가이드의 설명과 실제 동작이 다른 곳입니다. 아래에서 직접 확인합니다."
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LOCAL_IFRAME = re.compile(r"<iframe[^>]*src=['\"]https?://(?:127\.0\.0\.1|localhost)[^>]*>\s*</iframe>")


def chapters():
    found = sorted(ROOT.glob("notebooks/[0-9][0-9]_*.ipynb"))
    extra = [Path(p).resolve() for p in os.environ.get("BOOK_EXTRA_NOTEBOOKS", "").split(os.pathsep) if p]
    return found + extra


def sections(text):
    """Split markdown at its headings (not inside code fences): [(heading or "", body lines)]."""
    parts, in_fence = [["", []]], False
    for line in text.strip().split("\n"):
        if FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and HEADING.match(line):
            parts.append([line, []])
        else:
            parts[-1][1].append(line)
    return parts


def mark_errata(text, whole=False):
    """Put each erratum of a markdown cell in an admonition; headings stay outside (page outline)."""
    out = []
    for heading, lines in sections(text):
        body = "\n".join(lines).strip()
        if heading:
            out.append(heading)
        if whole or ERRATUM_HEADING.match(heading):
            if body or heading:
                body = f"::::::{{admonition}} 정오표\n:class: erratum\n\n{body or ERRATUM_DEFAULT}\n::::::"
        if body:
            out.append(body)
    return "\n\n".join(out) + "\n"


def prepare(cell):
    """Adapt one cell of the copy to the book."""
    tags = cell.setdefault("metadata", {}).setdefault("tags", [])
    if cell["cell_type"] == "markdown":
        text = "".join(cell["source"])
        whole = "erratum" in tags or bool(ERRATUM_BOLD.match(text.lstrip()))
        if whole or any(ERRATUM_HEADING.match(h) for h, _ in sections(text)):
            cell["source"] = mark_errata(text, whole)
    if "solution" in tags:
        if cell["cell_type"] == "code":
            tags.append("hide-cell")  # code and its output behind one collapsed toggle
        else:
            body = "".join(cell["source"]).strip()
            cell["source"] = f"::::::{{admonition}} 풀이\n:class: dropdown tip solution\n\n{body}\n::::::\n"
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if WIDGET_VIEW in data and "text/plain" in data:
            del data[WIDGET_VIEW]  # a static page has no kernel: show the widget's text form
        if "text/html" in data:  # a live Flower page embedded from the kernel's machine
            html = "".join(data["text/html"])
            data["text/html"] = LOCAL_IFRAME.sub("", html)
    return cell


def copy_notebook(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["metadata"].pop("widgets", None)  # no widget state: nothing to load on a static page
    nb["cells"] = [prepare(c) for c in nb["cells"]]
    (SRC / path.name).write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return path.stem


def write_config():
    config = yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    repo["url"] = os.environ.get("BOOK_REPOSITORY_URL") or PLACEHOLDER_REPOSITORY
    repo["branch"] = os.environ.get("BOOK_REPOSITORY_BRANCH") or repo["branch"]
    (SRC / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main():
    shutil.rmtree(BOOK / "_build", ignore_errors=True)  # no incremental build: -W must see every warning
    SRC.mkdir(parents=True)
    shutil.copy(BOOK / "intro.md", SRC)
    shutil.copytree(BOOK / "_static", SRC / "_static")
    write_config()
    names = [copy_notebook(p) for p in chapters()]
    if not names:
        sys.exit("notebooks/NN_*.ipynb 노트북이 없습니다.")
    toc = {"format": "jb-book", "root": "intro", "chapters": [{"file": n} for n in names]}
    (SRC / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), encoding="utf-8")

    jb = Path(sys.executable).parent / "jupyter-book"
    # -W: any Sphinx warning (a broken reference, a bad directive) fails the build
    cmd = [str(jb), "build", str(SRC), "--path-output", str(BOOK), "-W", "-n", "--keep-going", "--quiet"]
    subprocess.run(cmd, check=True)
    missing = [n for n in names if not (HTML / f"{n}.html").is_file()]
    if missing:
        sys.exit(f"책에 빠진 장: {missing}")
    print(f"책: {HTML / 'index.html'} ({len(names)}개 장)")


if __name__ == "__main__":
    main()
