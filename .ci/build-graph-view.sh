#!/usr/bin/env bash
# Rebuild the GraphView front end (extension/graph-view: sigma.js + graphology + ForceAtlas2,
# bundled by esbuild) into runic/notebook/widgets/graph_view.bundle.js. The bundle is
# committed, so installing runic (pip, Binder, `make lab`) needs no node; run this only
# after changing extension/graph-view. tests/unit/test_graph_view_bundle.py fails when the
# committed bundle does not match its sources.
#
#   .ci/build-graph-view.sh
set -euo pipefail
cd "$(dirname "$0")/../extension/graph-view"
command -v npm >/dev/null || { echo "npm is required to rebuild the graph view bundle (apt-get install npm)" >&2; exit 1; }
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
