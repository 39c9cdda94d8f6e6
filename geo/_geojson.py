"""Deterministic RFC 7946 GeoJSON: fixed precision, right-hand rule, one feature per line."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry


def clean_geometry(geom: BaseGeometry, decimals: int) -> BaseGeometry:
    """Round coordinates to ``decimals`` and orient polygon rings as RFC 7946 asks
    (exteriors counterclockwise, holes clockwise)."""
    rounded = shapely.transform(geom, lambda c: np.round(c, decimals) + 0.0)
    if rounded.geom_type in ("Polygon", "MultiPolygon"):
        rounded = shapely.orient_polygons(rounded, exterior_cw=False)
    return rounded


def _scalar(value: Any) -> Any:
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return value + 0.0  # no negative zero
    return value


def feature(
    ident: str, properties: Mapping[str, Any], geom: BaseGeometry, *, decimals: int
) -> dict[str, Any]:
    """A GeoJSON Feature with a top-level ``id`` and flat scalar properties."""
    for key, value in properties.items():
        if isinstance(value, list | dict | tuple):
            raise TypeError(f"property {key!r} of {ident!r} is not a scalar: {value!r}")
    return {
        "type": "Feature",
        "id": ident,
        "properties": {k: _scalar(v) for k, v in properties.items()},
        "geometry": mapping(clean_geometry(geom, decimals)),
    }


def dumps_collection(name: str, features: Iterable[Mapping[str, Any]]) -> str:
    """Serialise a FeatureCollection with one feature per line, so that diffs stay readable."""
    body = ",\n".join(
        json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for f in features
    )
    head = json.dumps({"type": "FeatureCollection", "name": name}, ensure_ascii=False)[:-1]
    return head + ',"features":[\n' + body + "\n]}\n"


def write_collection(path: Path, name: str, features: Iterable[Mapping[str, Any]]) -> None:
    """Write a FeatureCollection to ``path`` (UTF-8, ``\\n`` line ends)."""
    path.write_text(dumps_collection(name, features), encoding="utf-8", newline="\n")
