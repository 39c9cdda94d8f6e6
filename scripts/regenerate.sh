#!/usr/bin/env bash
# Set up, then regenerate every output: layers/ (GeoJSON, GeoPackage, tables, data dictionary)
# and maps/ (overview, thematic maps, source pages).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/python -m geo build
.venv/bin/python -m geo render
