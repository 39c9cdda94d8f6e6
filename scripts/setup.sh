#!/usr/bin/env bash
# Set up everything the project needs, from its own files, on a fresh Debian machine:
# a virtual environment in .venv with the package and its dependencies, and the npm packages
# (Leaflet, Natural Earth) the maps and the basemap script read.
#   scripts/setup.sh          # runtime only
#   scripts/setup.sh --test   # also test tools, Debian's chromium and gdal-bin (needs root)
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[[ "${1:-}" == "--test" ]] && with_tests=1

if (( with_tests )); then
  need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin)
  if (( ${#need[@]} )); then
    echo "installing Debian packages: ${need[*]}"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      "${need[@]}" fonts-dejavu-core >/dev/null
  fi
fi

PYTHON="${PYTHON:-python3}"
[[ -x .venv/bin/python ]] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if (( with_tests )); then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi

npm ci --no-audit --no-fund --silent
