"""Line geometry built in each feature's fitted projected CRS: lengths, per-country split and
the land/sea checks.

Coordinates are ``(lon, lat)`` degrees on WGS84 outside this module's projected work; every
length is in metres inside and kilometres in what it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, box
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.basemap import Basemap
from geo.crs import FittedCRS, densify, fit_crs, geodesic_length_m, projected_length_m

SEA = "sea"


@dataclass(frozen=True)
class LineMeasure:
    """A line densified along the geodesic and measured in its own projected CRS."""

    points: tuple[tuple[float, float], ...]
    crs: FittedCRS
    length_km: float
    geodesic_length_km: float
    by_country_km: dict[str, float]
    land_km: float
    water_km: float
    land_outside_ends_km: float
    water_outside_ends_km: float
    first_land_outside_ends: tuple[float, float] | None
    first_water_outside_ends: tuple[float, float] | None


def _project(geom: BaseGeometry, fitted: FittedCRS) -> BaseGeometry:
    forward = fitted.to_projected()
    return shapely.transform(geom, lambda c: _xy(forward, c))


def _xy(transformer: Transformer, coords: np.ndarray) -> np.ndarray:
    x, y = transformer.transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def _lonlat(geom: BaseGeometry, fitted: FittedCRS) -> tuple[float, float]:
    lon, lat = fitted.to_lonlat().transform(geom.x, geom.y)
    return float(lon), float(lat)


def _nearby(geom: BaseGeometry, bounds: tuple[float, float, float, float]) -> BaseGeometry:
    west, south, east, north = bounds
    return geom.intersection(box(west - 1, south - 1, east + 1, north + 1))


def measure_line(points: Sequence[tuple[float, float]], basemap: Basemap) -> LineMeasure:
    """Densify a polyline along the geodesic, fit its CRS and measure it there.

    Parameters
    ----------
    points
        ``(lon, lat)`` vertices: the start node, the waypoints, the end node.
    basemap
        Land and countries for the split and the land/sea figures.
    """
    dense = densify(points, step_m=settings.DENSIFY_STEP_M)
    fitted = fit_crs(dense)
    length_m = projected_length_m(dense, fitted)
    line_ll = LineString(dense)
    line = _project(line_ll, fitted)
    bounds = line_ll.bounds

    by_country: dict[str, float] = {}
    covered = []
    for iso, poly in basemap.countries.items():
        if not poly.intersects(line_ll):
            continue
        projected = _project(_nearby(poly, bounds), fitted)
        covered.append(projected)
        by_country[iso] = line.intersection(projected).length / 1000
    outside = line.difference(shapely.union_all(covered)) if covered else line
    by_country[SEA] = outside.length / 1000

    land = _project(_nearby(basemap.land, bounds), fitted)
    ends = (
        Point(line.coords[0])
        .union(Point(line.coords[-1]))
        .buffer(settings.LANDING_TOLERANCE_KM * 1000)
    )
    on_land = line.intersection(land)
    on_water = line.difference(land)
    land_out = on_land.difference(ends)
    water_out = on_water.difference(ends)
    return LineMeasure(
        points=tuple(dense),
        crs=fitted,
        length_km=length_m / 1000,
        geodesic_length_km=geodesic_length_m(dense) / 1000,
        by_country_km=by_country,
        land_km=on_land.length / 1000,
        water_km=on_water.length / 1000,
        land_outside_ends_km=land_out.length / 1000,
        water_outside_ends_km=water_out.length / 1000,
        first_land_outside_ends=_first_point(land_out, fitted),
        first_water_outside_ends=_first_point(water_out, fitted),
    )


def _first_point(geom: BaseGeometry, fitted: FittedCRS) -> tuple[float, float] | None:
    if geom.is_empty:
        return None
    return _lonlat(shapely.get_point(shapely.get_geometry(geom, 0), 0), fitted)


def distance_to_coast_km(lon: float, lat: float, basemap: Basemap) -> tuple[float, bool]:
    """Distance from a point to the nearest coastline, in km, and whether it is on land."""
    fitted = fit_crs([(lon - 0.5, lat), (lon + 0.5, lat)])
    here = Point(lon, lat)
    near = _nearby(basemap.land, (lon - 1, lat - 1, lon + 1, lat + 1))
    on_land = bool(basemap.land.contains(here))
    if near.is_empty:
        return float("inf"), on_land
    coast = _project(near.boundary, fitted)
    return coast.distance(_project(here, fitted)) / 1000, on_land


def country_of(lon: float, lat: float, basemap: Basemap) -> str:
    """ISO alpha-3 code of the country a point is in, or of the nearest one within 10 km
    (coastal points fall just outside generalised coastlines), else ``"sea"``."""
    here = Point(lon, lat)
    for iso, poly in basemap.countries.items():
        if poly.contains(here):
            return iso
    best, best_d = SEA, 0.1  # degrees, about 10 km here
    for iso, poly in basemap.countries.items():
        d = poly.distance(here)
        if d < best_d:
            best, best_d = iso, d
    return best
