#!/usr/bin/env bash
# Set up with the test tools (Debian's chromium and gdal-bin included), then run every test.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
.venv/bin/python -m pytest "$@"
