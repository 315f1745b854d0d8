#!/usr/bin/env bash
# Debian's headless Chromium and its WebDriver, for tests/test_browser_*.py.
# (Playwright's own browser download does not work here; Selenium drives /usr/bin/chromium.)
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    chromium --version; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
timeout 600 apt-get update -qq
timeout 900 apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-cjk
chromium --version
