"""Build the static book from the executed notebooks.

    book/.venv/bin/python book/build.py             # after: pip install -r book/requirements.txt
    book/.venv/bin/python book/build.py --publish   # the same, but fails without BOOK_REPOSITORY_URL

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
from html import escape
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


def static_widget(model_id, models):
    """HTML for what a widget showed when the notebook was saved, from the notebook's widget state
    (boxes, HTML, labels, buttons, progress bars); "" for a model it cannot draw."""
    model = models.get(model_id.removeprefix("IPY_MODEL_"))
    if model is None:
        return ""
    name, state = model["model_name"], model["state"]
    if name in ("VBoxModel", "HBoxModel", "BoxModel"):
        inner = "".join(static_widget(child, models) for child in state.get("children", []))
        return f"<div class='static-widget {name[:-5].lower()}'>{inner}</div>"
    if name in ("HTMLModel", "HTMLMathModel"):
        return f"<div>{state.get('value', '')}</div>"
    if name == "LabelModel":
        return f"<span>{escape(state.get('value', ''))}</span>"
    if name == "ButtonModel":
        return f"<button disabled>{escape(state.get('description', ''))}</button>"
    if name in ("IntProgressModel", "FloatProgressModel"):
        value, top = state.get("value", 0), state.get("max", 100)
        label = escape(state.get("description", ""))
        return f"<span>{label} <progress value='{value}' max='{top}'></progress> {value}/{top}</span>"
    return ""


def prepare(cell, models=None):
    """Adapt one cell of the copy to the book; ``models``: the notebook's saved widget state."""
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
        if WIDGET_VIEW in data:  # a static page has no kernel: what the widget last showed
            picture = static_widget(data.pop(WIDGET_VIEW)["model_id"], models or {})
            if picture:
                data["text/html"] = f"<div class='static-widget'>{picture}</div>"
        if "text/html" in data:  # a live Flower page embedded from the kernel's machine
            html = "".join(data["text/html"])
            data["text/html"] = LOCAL_IFRAME.sub("", html)
    return cell


def copy_notebook(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    # the saved widget state becomes static HTML; no state is left for a page to load
    saved = nb["metadata"].pop("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    nb["cells"] = [prepare(c, saved.get("state", {})) for c in nb["cells"]]
    (SRC / path.name).write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return path.stem


UNSET_REPOSITORY = f"""
:::{{warning}}
이 책은 `BOOK_REPOSITORY_URL` 없이 빌드되어, Binder와 GitHub 버튼이 자리표시 저장소({PLACEHOLDER_REPOSITORY})를
가리킵니다. 저장소의 GitHub 주소를 주고 다시 빌드하세요.

```bash
BOOK_REPOSITORY_URL=https://github.com/<OWNER>/<REPO> book/.venv/bin/python book/build.py --publish
```
:::
"""


def write_intro(repository_set: bool):
    intro = (BOOK / "intro.md").read_text(encoding="utf-8")
    if not repository_set:  # say it on the first page, under the title
        title, _, rest = intro.partition("\n")
        intro = f"{title}\n{UNSET_REPOSITORY}{rest}"
    (SRC / "intro.md").write_text(intro, encoding="utf-8")


def write_config():
    config = yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    repo["url"] = os.environ.get("BOOK_REPOSITORY_URL") or PLACEHOLDER_REPOSITORY
    repo["branch"] = os.environ.get("BOOK_REPOSITORY_BRANCH") or repo["branch"]
    (SRC / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main():
    repository_set = bool(os.environ.get("BOOK_REPOSITORY_URL"))
    if not repository_set:
        message = ("BOOK_REPOSITORY_URL이 없습니다: Binder와 GitHub 버튼이 자리표시 저장소를 가리킵니다. "
                   "예: BOOK_REPOSITORY_URL=https://github.com/<OWNER>/<REPO>")
        if "--publish" in sys.argv[1:]:
            sys.exit(f"게시용 빌드(--publish)에는 {message}")
        print(f"경고: {message}", file=sys.stderr)
    shutil.rmtree(BOOK / "_build", ignore_errors=True)  # no incremental build: -W must see every warning
    SRC.mkdir(parents=True)
    write_intro(repository_set)
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
