#!/usr/bin/env bash
# The main job on the bundled data: install, build the graph, validate it, load it into a
# persistent Oxigraph store and serve it on http://127.0.0.1:${PORT:-5000}/ (Ctrl-C stops).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
.venv/bin/atlas-graph build data/records -o out/atlas.trig --validate
.venv/bin/atlas-graph load data/records --store oxigraph:out/store --sync
exec .venv/bin/atlas-graph serve --store oxigraph:out/store --host 127.0.0.1 --port "${PORT:-5000}"
