#!/usr/bin/env bash
# Create .venv (if needed) and install atlas-graph into it; with --test, also the test tools and
# the browser the page tests drive (Debian's chromium and chromium-driver).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install --quiet -e '.[test]'
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
      echo "setup: install Debian's chromium and chromium-driver for the browser tests (sudo apt-get install chromium chromium-driver)" >&2
    fi
  fi
else
  .venv/bin/python -m pip install --quiet -e .
fi
