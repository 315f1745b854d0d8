#!/usr/bin/env bash
# CI leg: replay the Binder recipe the way repo2docker would (there is no docker engine here):
# a fresh virtualenv with the Jupyter packages of repo2docker's Python 3.11 base environment
# (.ci/repo2docker-base-py311.txt), `pip install -r binder/requirements.txt` on top, `pip check`,
# `binder/postBuild`, then the test tools and the nbval suite started through `binder/start`
# (Binder's entrypoint).
#
#   .ci/binder_leg.sh [pytest args…]      # default: notebooks/
# Env: BINDER_LEG_TIMEOUT (seconds for the pytest run, default 1800).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/binder-leg.XXXXXX")"
# a private TMPDIR: labtasks keeps its run folders (and `up`'s pidfile) under it, so the
# clean-up below touches only what this leg started
mkdir -p "$work/tmp"

cleanup() {
    status=$?
    if [ -x "$work/venv/bin/python" ]; then
        (cd "$root" && TMPDIR="$work/tmp" "$work/venv/bin/python" -m labtasks down) || true
    fi
    [ "$status" -eq 0 ] || { echo "== labtasks up log"; cat "$work/tmp/labtasks-up.log" 2>/dev/null || true; }
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the interpreter runtime.txt names, without whatever virtualenv this shell has active
want="$(sed -n 's/^python-//p' "$root/binder/runtime.txt")"
base="$(python3 -c 'import sys; print(sys.base_prefix)')/bin/python$want"
[ -x "$base" ] || base="$(command -v "python$want")"
"$base" -c "import sys; assert sys.version.startswith('$want'), sys.version"

echo "== fresh virtualenv ($("$base" -V))"
"$base" -m venv "$work/venv"
unset VIRTUAL_ENV PYTHONPATH
export PATH="$work/venv/bin:$PATH"
hash -r

cd "$root"
echo "== repo2docker's base environment (Jupyter packages)"
timeout 900 pip install -q -r .ci/repo2docker-base-py311.txt

echo "== pip install -r binder/requirements.txt"
timeout 900 pip install -q -r binder/requirements.txt

echo "== pip check"
pip check

echo "== binder/postBuild"
timeout 300 binder/postBuild

echo "== every module the notebooks and labtasks import, found in the image"
(cd "$root" && python .ci/imports_check.py)

echo "== the test tools (not part of the image)"
timeout 300 pip install -q -r tests/requirements.txt

echo "== nbval suite through binder/start"
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(notebooks/)
env -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND -u LABTASKS_WORKERS TMPDIR="$work/tmp" \
    timeout "${BINDER_LEG_TIMEOUT:-1800}" binder/start python -m pytest "${args[@]}"
