"""What GIS users get: GDAL's own tools read every file we publish without complaint."""

from __future__ import annotations

import csv
import json
import math
import shutil
import subprocess

import pyogrio
import pytest

from geo.export import GPKG_NAME
from geo.schema import LAYERS, TABLES

pytestmark = pytest.mark.gdal

OGRINFO = shutil.which("ogrinfo")
needs_gdal = pytest.mark.skipif(
    OGRINFO is None and not __import__("os").environ.get("CI"),
    reason="gdal-bin is not installed (scripts/setup.sh --test installs it)",
)


@needs_gdal
@pytest.mark.parametrize("name", list(LAYERS))
def test_ogrinfo_reads_each_layer_cleanly(layers_dir, name):
    result = subprocess.run(
        ["ogrinfo", "-ro", "-so", "-al", str(layers_dir / f"{name}.geojson")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    expected = len(json.loads((layers_dir / f"{name}.geojson").read_text("utf-8"))["features"])
    assert f"Feature Count: {expected}" in result.stdout
    for column in LAYERS[name][2]:
        assert f"\n{column.name}: " in result.stdout, column.name


@needs_gdal
def test_ogrinfo_reads_the_geopackage(layers_dir):
    result = subprocess.run(
        ["ogrinfo", "-ro", "-q", str(layers_dir / GPKG_NAME)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""
    for name in [*(n for n in LAYERS if not n.startswith("basemap_")), *TABLES]:
        assert f": {name}" in result.stdout, name


def _missing(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def test_geopackage_round_trip_matches_the_geojson(layers_dir):
    gpkg = layers_dir / GPKG_NAME
    for name in LAYERS:
        if name.startswith("basemap_"):
            continue
        a = pyogrio.read_dataframe(gpkg, layer=name).sort_values("id").reset_index(drop=True)
        b = pyogrio.read_dataframe(layers_dir / f"{name}.geojson", DATE_AS_STRING="YES")
        b = b.sort_values("id")
        b = b.reset_index(drop=True)
        assert list(a["id"]) == list(b["id"])
        for column in LAYERS[name][2]:
            left, right = a[column.name].tolist(), b[column.name].tolist()
            for x, y in zip(left, right, strict=True):
                if _missing(x) or _missing(y):
                    assert _missing(x) and _missing(y), (name, column.name, x, y)
                elif isinstance(x, float) or isinstance(y, float):
                    assert x == pytest.approx(y, abs=1e-9, nan_ok=True), (name, column.name)
                else:
                    assert x == y, (name, column.name)
        assert a.geometry.geom_equals_exact(b.geometry, tolerance=1e-9).all()
    quotes = pyogrio.read_dataframe(gpkg, layer="quotes")
    with (layers_dir / "quotes.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(quotes["id"]) == sorted(r["id"] for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert all(by_id[q]["text"] == t for q, t in zip(quotes["id"], quotes["text"], strict=True))
