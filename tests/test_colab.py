"""Open in Colab: the install cell (silent off Colab, in a real kernel), tools/colab_cells.py (both
files of a pair, idempotent, new chapters too), the widgets' view on ipywidgets 7 and 8, Flower's
Colab mode, and the colab extra's pins. .ci/colab_leg.sh runs this file on Colab's versions too.

The one stand-in: ``google.colab`` itself (it exists only on Colab). Flower's test gives the
kernel a ``google.colab.output`` that records the iframe it is asked for; the Flower is real."""
import json
import shutil
import subprocess
import sys
import textwrap
import tomllib

import jupytext
import nbformat
from packaging.requirements import Requirement

from conftest import ROOT, clean_env

sys.path.insert(0, str(ROOT / "tools"))
import colab_cells

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_the_install_cell_prints_nothing_and_installs_nothing_off_colab(kernel):
    cell = colab_cells.INSTALL.format(spec=colab_cells.spec_for("owner/repo", "main"))
    assert kernel.run(cell) == ""
    assert kernel.run("print('패키지' in globals(), 'google.colab' in sys.modules)") == "False False\n"


def test_on_colab_the_install_cell_runs_pip_with_the_pinned_package(tmp_path):
    """With google.colab imported, the cell hands pip exactly the spec (here one pip rejects at
    once, so nothing is installed): the kernel's own interpreter, -q, check=True."""
    fake = tmp_path / "google" / "colab"
    fake.mkdir(parents=True)
    (tmp_path / "google" / "__init__.py").touch()
    (fake / "__init__.py").touch()
    cell = colab_cells.INSTALL.format(spec="labtasks[colab] @ file:///nonexistent/celery-lab")
    proc = subprocess.run([sys.executable, "-c", "import google.colab\n" + cell], cwd=tmp_path,
                          env=clean_env(PYTHONPATH=str(tmp_path)), capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0 and "CalledProcessError" in proc.stderr, proc.stderr[-2000:]
    assert "/nonexistent/celery-lab" in proc.stdout + proc.stderr


def _copy(tmp_path):
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copytree(ROOT / "notebooks-src", tmp_path / "notebooks-src")
    return tmp_path / "notebooks"


def _cells(nb):
    return [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]


def test_the_tool_tops_every_chapter_in_both_files_and_a_second_run_changes_nothing(tmp_path):
    folder = _copy(tmp_path)
    # a chapter that does not exist yet: a source and its executed notebook
    new = jupytext.reads("# %% [markdown]\n# # 12. 새 장\n\n# %%\nprint(1)\n", fmt="py:percent")
    new.cells[1].execution_count = 1
    new.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    nbformat.write(new, folder / "12_새_장.ipynb")
    jupytext.write(new, folder.parent / "notebooks-src" / "12_새_장.py", fmt="py:percent")
    notebooks = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    # the lesson's cells, and whether the tool ran before (once merged, the repository's have them)
    before = {p: nbformat.read(p, as_version=4) for p in notebooks}
    shift = {p: 0 if any(c.get("id") == colab_cells.INSTALL_ID for c in nb.cells) else 1
             for p, nb in before.items()}
    for nb in before.values():
        nb.cells = [c for c in nb.cells if c.get("id") not in (colab_cells.BADGE_ID, colab_cells.INSTALL_ID)]

    assert colab_cells.main([str(p) for p in notebooks]) == 0
    first = {p: p.read_bytes() for p in tmp_path.rglob("*_*.*")}
    assert colab_cells.main([str(p) for p in notebooks]) == 0
    assert {p: p.read_bytes() for p in tmp_path.rglob("*_*.*")} == first

    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert _cells(nb) == _cells(jupytext.read(folder.parent / "notebooks-src" / f"{path.stem}.py"))
        badge, install, *rest = nb.cells
        assert [c.cell_type for c in (badge, install)] == ["markdown", "code"]
        assert "colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/" in badge.source
        assert "mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD" in badge.source
        assert install.outputs == [] and install.execution_count == 1
        assert "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main" in install.source
        assert _cells(nbformat.v4.new_notebook(cells=rest)) == _cells(before[path])
        counts = [c.execution_count for c in rest if c.cell_type == "code"]
        assert counts == [c.execution_count + shift[path] for c in before[path].cells
                          if c.cell_type == "code"]

    # another repository: the two cells are rewritten, not added again
    assert colab_cells.main(["--repo", "me/celery-lab", "--ref", "v1.0", str(notebooks[0])]) == 0
    nb = nbformat.read(notebooks[0], as_version=4)
    assert len(nb.cells) == len(before[notebooks[0]].cells) + 2
    assert "git+https://github.com/me/celery-lab@v1.0" in nb.cells[1].source
    assert "/blob/v1.0/" in nb.cells[0].source and "<OWNER>" not in nb.cells[0].source
    assert nb.cells[3].execution_count == (before[notebooks[0]].cells[1].execution_count
                                           + shift[notebooks[0]])


def test_the_widgets_view_is_the_same_on_ipywidgets_7_and_8():
    import ipywidgets as W

    from labtasks.widgets import Live

    class Shown(Live):
        def __init__(self):
            self.widget = W.VBox([W.Button(description="보내기")])

        def __repr__(self):
            return "<보드>"

    shown = Shown()
    bundle = shown._repr_mimebundle_()
    assert bundle == {"text/plain": "<보드>", WIDGET_VIEW: {
        "version_major": 2, "version_minor": 0, "model_id": shown.widget.model_id}}
    own = getattr(shown.widget, "_repr_mimebundle_", None)  # ipywidgets 8 only
    if own is not None:
        assert own()[WIDGET_VIEW] == bundle[WIDGET_VIEW]
    shown.widget.close()


FLOWER_ON_COLAB = """
import json, sys, types, requests
calls = []
output = types.ModuleType("google.colab.output")
output.serve_kernel_port_as_iframe = lambda port, path="/", height="400": calls.append([port, path])
colab = types.ModuleType("google.colab"); colab.output = output
sys.modules.update({"google": types.ModuleType("google"), "google.colab": colab,
                    "google.colab.output": output})
from labtasks import lab
lab.up()
fl = lab.flower()
html = fl._repr_html_()
root = requests.get(fl.local_url, auth=fl.auth, timeout=10)
print(json.dumps({"prefix": fl.prefix, "proxy": fl.proxy, "port": fl.port, "calls": calls,
                  "html": html, "root": root.status_code, "argv": fl.argv()}))
lab.down()
"""


def test_flower_on_colab_is_shown_through_colabs_kernel_port_iframe():
    # a Jupyter server's session and jupyter-server-proxy installed: off Colab, the proxy's path
    env = clean_env(JPY_SESSION_NAME="colab.ipynb")
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(FLOWER_ON_COLAB)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["prefix"] == "" and seen["proxy"] is False
    assert not any(a.startswith("--url_prefix") for a in seen["argv"])
    assert seen["root"] == 200  # what the iframe at path "/" loads
    assert seen["calls"] == [[seen["port"], "/"]]
    assert "새 탭에서는 열리지 않습니다" in seen["html"] and "<iframe" not in seen["html"]
    assert "새 탭에서 Flower 열기" not in seen["html"]


def test_the_colab_extra_pins_the_lessons_versions_and_nothing_colab_preloads():
    extra = [Requirement(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())
             ["project"]["optional-dependencies"]["colab"]]
    runtime = {Requirement(line).name.lower(): str(Requirement(line).specifier)
               for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
               if line and not line.startswith("#")}
    preloaded = {Requirement(line).name.lower().replace("_", "-")
                 for line in (ROOT / ".ci" / "colab-versions.txt").read_text().splitlines()
                 if line and not line.startswith("#")}
    for req in extra:
        assert req.name.lower().replace("_", "-") not in preloaded, req
        if req.name != "flower":  # 2.0.1 on Colab: later ones need a newer tornado than Colab's
            assert str(req.specifier) == runtime[req.name.lower()], req
    assert {"ipywidgets", "ipykernel", "ipython", "tornado", "notebook"} <= preloaded

