#!/usr/bin/env bash
# CI leg: build the book (Jupyter Book 1.x in its own virtualenv, book/.venv, reused while
# book/requirements.txt is unchanged) and check it in headless Chromium (.ci/book_check.py).
# A fixture chapter (book/fixture/) joins the CI build so that every cell tag the book maps is
# checked even before the course notebooks use it. Screenshots: test-artifacts/book/.
#
#   .ci/book_leg.sh
# Env: BOOK_REPOSITORY_URL (Binder buttons; see README), BOOK_VENV (default book/.venv),
#      BOOK_PUBLISH=1 (a build for publishing: book/build.py --publish fails without BOOK_REPOSITORY_URL).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
began=$EPOCHREALTIME
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

venv="${BOOK_VENV:-$root/book/.venv}"
stamp="$venv/requirements.sha256"
want="$(sha256sum book/requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "== book virtualenv: pip install -r book/requirements.txt"
    rm -rf "$venv"
    python3.11 -m venv "$venv"
    timeout 600 "$venv/bin/pip" install -q --disable-pip-version-check -r book/requirements.txt
    echo "$want" > "$stamp"
    echo "   $(since "$began") s"
fi

echo "== book/build.py"
t=$EPOCHREALTIME
publish=()
if [ -n "${BOOK_PUBLISH:-}" ]; then publish=(--publish); fi
BOOK_EXTRA_NOTEBOOKS=book/fixture/99_책_빌드_검사.ipynb timeout 600 "$venv/bin/python" book/build.py "${publish[@]}"
echo "   build $(since "$t") s"

echo "== .ci/book_check.py (headless Chromium)"
t=$EPOCHREALTIME
BOOK_EXTRA_NOTEBOOKS=book/fixture/99_책_빌드_검사.ipynb timeout 300 "$venv/bin/python" .ci/book_check.py
echo "   check $(since "$t") s"
echo "== book leg: $(since "$began") s"
