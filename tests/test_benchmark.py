"""Smoke test: the benchmark runs end to end at tiny sizes and writes every section."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.browser

if not Path("/usr/bin/chromium").exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)


def test_benchmark_quick_writes_every_section(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    env = {**os.environ, "GEO_ASSETS_DIR": str(ROOT / "node_modules")}
    result = subprocess.run(
        [sys.executable, "scripts/benchmark.py", "--quick", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = out.read_text("utf-8")
    for heading in ("## 1. Length accuracy", "## 2. Speed", "## 3. Map weight", "## 4. Scale"):
        assert heading in report
    assert "| pipeline_btc |" in report and "EPSG:326" in report
    assert "Target 0.01 %: met." in report
    assert "naive Folium map" in report
    assert "| 1,000 |" in report
