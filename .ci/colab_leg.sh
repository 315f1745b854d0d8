#!/usr/bin/env bash
# CI leg: replay Google Colab as far as it can be replayed here. CI cannot run Colab: its front end,
# its port proxy and its Python 3.12 are Google's. This leg makes a fresh virtualenv on the Python
# 3.11 this CI has, installs what Colab preloads that the course touches (.ci/colab-versions.txt:
# ipywidgets 7.7.1, ipykernel 6.17.1, IPython 7.34.0, tornado 6.4.2, the classic notebook 6.5.7…),
# runs the notebooks' Colab install cell itself (as on Colab, with google.colab imported, but
# installing from this checkout instead of GitHub) with Colab's versions as a constraint (an
# upgrade of any of them fails the leg), then:
# - every notebook through nbval, outputs compared as in leg 1 (ipywidgets 7 prints the same);
# - tests/test_browser_colab.py: ipywidgets 7 drawn by the classic notebook in headless Chromium
#   (chapter 03's board and map, chapter 11's progress bar);
# - tests/test_colab.py (the cells, the tool, Flower's Colab mode) on ipywidgets 7.
#
#   .ci/colab_leg.sh [pytest args…]      # default: -n 2 (notebooks and browser side by side)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/colab-leg.XXXXXX")"
mkdir -p "$work/tmp"  # a private TMPDIR: the kernels' run folders, cleaned below

cleanup() {
    status=$?
    [ -x "$work/venv/bin/python" ] && (cd "$root" && TMPDIR="$work/tmp" "$work/venv/bin/python" -m labtasks down) || true
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

base="$(python3 -c 'import sys; print(sys.base_prefix)')/bin/python3.11"
[ -x "$base" ] || base="$(command -v python3.11)"
echo "== fresh virtualenv ($("$base" -V); Colab runs 3.12, this CI has 3.11)"
"$base" -m venv "$work/venv"
unset VIRTUAL_ENV PYTHONPATH
export PATH="$work/venv/bin:$PATH"
hash -r
cd "$root"

echo "== what Colab preloads (.ci/colab-versions.txt) ($SECONDS s)"
timeout 600 pip install -q -r .ci/colab-versions.txt
# Colab preloads these too, but the kernel never imports them before the first cell, so the course's
# extra raises them (pyproject.toml's `colab`): replay the old ones to prove the cell moves them
timeout 300 pip install -q Flask==2.2.5 Werkzeug==3.0.1 pytest==7.4.3

echo "== the notebooks' Colab install cell, run with google.colab imported (package from this checkout) ($SECONDS s)"
export PIP_CONSTRAINT="$root/.ci/colab-versions.txt"  # nothing Colab preloads may move
mkdir -p "$work/fake/google/colab"
touch "$work/fake/google/__init__.py" "$work/fake/google/colab/__init__.py"
python tools/colab_cells.py --print-cell --spec "labtasks[colab] @ file://$root" > "$work/cell.py"
cat "$work/cell.py"
(cd "$work" && PYTHONPATH="$work/fake" timeout 600 python -c \
    'import google.colab, runpy; runpy.run_path("cell.py")')

echo "== Colab's Python 3.12: every package the cell installs has a CPython 3.12 wheel within Colab's pins"
python - > "$work/py312.txt" <<'PY'
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["colab"]))
PY
timeout 300 pip download -q -d "$work/py312" --python-version 3.12 --only-binary=:all: \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 -r "$work/py312.txt"
ls "$work/py312" | grep -E 'cp312|abi3|none-any' | wc -l | xargs echo "wheels:"

echo "== the test tools (not on Colab) ($SECONDS s)"
timeout 300 pip install -q -r tests/requirements.txt
unset PIP_CONSTRAINT
pip check
python -c 'import ipywidgets, IPython, ipykernel, tornado, celery, flower
print("ipywidgets", ipywidgets.__version__, "· IPython", IPython.__version__, "· ipykernel",
      ipykernel.__version__, "· tornado", tornado.version, "· Celery", celery.__version__,
      "· Flower", flower.__version__)'

echo "== every notebook (nbval), the browser test and the unit tests on ipywidgets 7, side by side ($SECONDS s)"
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-n 2)
env -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND -u LABTASKS_WORKERS TMPDIR="$work/tmp" \
    timeout 900 python -m pytest "${args[@]}" notebooks/ tests/test_browser_colab.py tests/test_colab.py
echo "== passed ($SECONDS s)"
