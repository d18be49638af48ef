#!/usr/bin/env bash
# Install everything the tests need, then run them (extra arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check atlas_graph tests benchmarks
.venv/bin/mypy atlas_graph
.venv/bin/python -m atlas_graph._generate_namespaces --check
exec .venv/bin/pytest "$@"
