"""The regional Natural Earth 10m basemap (land and countries), used for the physical checks,
the per-country length split and the offline background of the maps.

The files in ``basemap/`` of the data folder are made by ``scripts/make_basemap.py`` from the
npm package world-atlas (Natural Earth 4.1.0, public domain) and committed as data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo._errors import InputError, Problem

ATTRIBUTION = "Natural Earth 10m (public domain), via the world-atlas npm package 2.0.2"


@dataclass(frozen=True)
class Basemap:
    """Land as one geometry, and country polygons keyed by ISO 3166-1 alpha-3 code, in
    ``(lon, lat)`` degrees on WGS84."""

    land: BaseGeometry
    countries: dict[str, BaseGeometry]
    land_path: Path
    countries_path: Path


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            [Problem(f"basemap/{path.name}", "", "", "is missing: run scripts/make_basemap.py")]
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(
            [Problem(f"basemap/{path.name}", "", "", f"is not GeoJSON: {exc}")]
        ) from None
    return list(data["features"])


def _geometries(features: list[dict[str, Any]]) -> list[BaseGeometry]:
    """Shapely geometries of GeoJSON features, parsed by GEOS (much faster than ``shape``)."""
    return list(shapely.from_geojson([json.dumps(f["geometry"]) for f in features]))


@lru_cache(maxsize=4)
def load_basemap(data_dir: Path | None = None) -> Basemap:
    """Load the basemap of ``data_dir`` (default :func:`geo.settings.data_dir`)."""
    root = (data_dir or settings.data_dir()) / "basemap"
    land_path, countries_path = root / "land.geojson", root / "countries.geojson"
    land = shapely.union_all(_geometries(_read(land_path)))
    features = _read(countries_path)
    grouped: dict[str, list[BaseGeometry]] = {}
    for f, geom in zip(features, _geometries(features), strict=True):
        grouped.setdefault(str(f["properties"]["iso_a3"]), []).append(geom)
    countries = {iso: shapely.union_all(parts) for iso, parts in sorted(grouped.items())}
    for geom in (land, *countries.values()):
        shapely.prepare(geom)
    return Basemap(land, countries, land_path, countries_path)
