"""Projected coordinate reference systems fitted to each feature, and lengths measured in them.

A line is measured in a conformal projection chosen for it among three candidates: an oblique
Mercator whose central line is the great circle that best fits the feature, a transverse
Mercator on its central meridian, and a Lambert conformal conic with standard parallels at a
sixth of its latitude range from either end. For each candidate the point scale factor ``k`` is
evaluated at every vertex with PROJ; the scale factor ``k_0`` is then set to ``2 / (k_min +
k_max)`` so that the scale error is spread evenly, and the candidate with the smallest remaining
error is kept. Web Mercator (about +30 % in this region) and a single UTM zone (up to about 1 %
across the BTC corridor) are never used for measuring.

All coordinates are ``(lon, lat)`` in degrees on WGS84, and projected coordinates are metres.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pyproj import CRS, Geod, Proj, Transformer

GEOD = Geod(ellps="WGS84")
WGS84 = CRS.from_epsg(4326)


@dataclass(frozen=True)
class FittedCRS:
    """A projected CRS fitted to one feature.

    Attributes
    ----------
    kind
        ``"omerc"``, ``"tmerc"`` or ``"lcc"``.
    proj4
        The PROJ definition, with ``k_0`` already balanced.
    max_scale_error
        Largest ``|k - 1|`` over the feature's vertices, as a fraction (``1e-4`` is 0.01 %).
    """

    kind: str
    proj4: str
    max_scale_error: float

    @property
    def crs(self) -> CRS:
        return _crs(self.proj4)

    @property
    def name(self) -> str:
        labels = {
            "omerc": "oblique Mercator on the best-fit great circle",
            "tmerc": "transverse Mercator on the central meridian",
            "lcc": "Lambert conformal conic",
        }
        return labels[self.kind]

    def to_projected(self) -> Transformer:
        return projector(self.proj4)

    def to_lonlat(self) -> Transformer:
        return unprojector(self.proj4)


@lru_cache(maxsize=512)
def _crs(proj4: str) -> CRS:
    return CRS.from_proj4(proj4)


def _operation(proj4: str) -> str:
    return proj4.replace(" +no_defs", "")


@lru_cache(maxsize=1024)
def projector(proj4: str) -> Transformer:
    """Transformer from WGS84 ``(lon, lat)`` degrees to the projection ``proj4`` (metres).

    Built as a PROJ pipeline on the same ellipsoid, which is what ``Transformer.from_crs``
    would find for these definitions, without its database search (about 80 times faster).
    """
    return Transformer.from_pipeline(
        f"+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step {_operation(proj4)}"
    )


@lru_cache(maxsize=1024)
def unprojector(proj4: str) -> Transformer:
    """Transformer from the projection ``proj4`` back to WGS84 ``(lon, lat)`` degrees."""
    return Transformer.from_pipeline(
        f"+proj=pipeline +step +inv {_operation(proj4)} "
        "+step +proj=unitconvert +xy_in=rad +xy_out=deg"
    )


def densify(points: Sequence[tuple[float, float]], *, step_m: float) -> list[tuple[float, float]]:
    """Insert vertices along the geodesic between consecutive points.

    Parameters
    ----------
    points
        ``(lon, lat)`` vertices in degrees.
    step_m
        Greatest distance between two consecutive output vertices, in metres.

    Returns
    -------
    list of (lon, lat)
        The input vertices, in order and unchanged, with intermediate geodesic points between.
    """
    out: list[tuple[float, float]] = [(float(points[0][0]), float(points[0][1]))]
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(points):
        _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
        n = int(np.ceil(dist / step_m)) - 1
        if n > 0:
            out.extend((float(lo), float(la)) for lo, la in GEOD.npts(lon1, lat1, lon2, lat2, n))
        out.append((float(lon2), float(lat2)))
    return out


def geodesic_length_m(points: Sequence[tuple[float, float]]) -> float:
    """Ellipsoidal (WGS84) length of a polyline of ``(lon, lat)`` vertices, in metres."""
    lons, lats = zip(*points, strict=True)
    return float(GEOD.line_length(lons, lats))


def _unit_vectors(lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    lam, phi = np.radians(lons), np.radians(lats)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _omerc_candidate(lons: np.ndarray, lats: np.ndarray) -> str | None:
    """Oblique Mercator centred on the feature, along its best-fit great circle."""
    v = _unit_vectors(lons, lats)
    # The best-fit great circle's pole is the direction of least spread of the unit vectors.
    _, vecs = np.linalg.eigh(v.T @ v)
    pole = vecs[:, 0]
    centre = v.mean(axis=0)
    centre = centre - pole * (centre @ pole)
    norm = np.linalg.norm(centre)
    if norm < 1e-9:
        return None
    centre /= norm
    lat0 = float(np.degrees(np.arcsin(np.clip(centre[2], -1, 1))))
    lon0 = float(np.degrees(np.arctan2(centre[1], centre[0])))
    direction = np.cross(pole, centre)
    # Azimuth of the great circle at the centre, clockwise from north.
    east = np.array([-np.sin(np.radians(lon0)), np.cos(np.radians(lon0)), 0.0])
    north = np.cross(centre, east)
    alpha = float(np.degrees(np.arctan2(direction @ east, direction @ north)))
    alpha = (alpha + 180.0) % 180.0
    if abs(alpha - 90.0) < 1e-3 or alpha < 1e-3:
        return None
    return (
        f"+proj=omerc +lat_0={lat0:.6f} +lonc={lon0:.6f} +alpha={alpha:.6f} "
        "+gamma=0 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    )


def _candidates(lons: np.ndarray, lats: np.ndarray) -> list[tuple[str, str]]:
    lon_mid = float((lons.min() + lons.max()) / 2)
    lat_lo, lat_hi = float(lats.min()), float(lats.max())
    lat_mid = (lat_lo + lat_hi) / 2
    out = [
        (
            "tmerc",
            f"+proj=tmerc +lat_0={lat_mid:.6f} +lon_0={lon_mid:.6f} "
            "+x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs",
        )
    ]
    span = lat_hi - lat_lo
    if span > 0.01:
        lat1, lat2 = lat_lo + span / 6, lat_hi - span / 6
        out.append(
            (
                "lcc",
                f"+proj=lcc +lat_1={lat1:.6f} +lat_2={lat2:.6f} +lat_0={lat_mid:.6f} "
                f"+lon_0={lon_mid:.6f} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs",
            )
        )
    omerc = _omerc_candidate(lons, lats)
    if omerc is not None:
        out.append(("omerc", omerc))
    return out


def fit_crs(points: Sequence[tuple[float, float]]) -> FittedCRS:
    """Choose the conformal projection with the least scale error over a feature.

    Parameters
    ----------
    points
        The feature's ``(lon, lat)`` vertices in degrees, densified so that the scale factor
        is sampled all along it.

    Returns
    -------
    FittedCRS
        The chosen projection with its balanced ``k_0`` and the largest scale error left.
    """
    lons = np.array([p[0] for p in points], dtype=float)
    lats = np.array([p[1] for p in points], dtype=float)
    best: FittedCRS | None = None
    for kind, proj4 in _candidates(lons, lats):
        try:
            factors = Proj(proj4).get_factors(lons, lats)
        except Exception:
            continue
        k = np.asarray(factors.parallel_scale, dtype=float)
        if not np.all(np.isfinite(k)):
            continue
        k_min, k_max = float(k.min()), float(k.max())
        k0 = 2.0 / (k_min + k_max)
        error = (k_max - k_min) / (k_max + k_min)
        fitted = FittedCRS(kind, proj4.replace(" +x_0", f" +k_0={k0:.10f} +x_0", 1), error)
        if best is None or fitted.max_scale_error < best.max_scale_error:
            best = fitted
    if best is None:
        raise ValueError("no projection could be fitted to these points")
    return best


def projected_length_m(points: Sequence[tuple[float, float]], fitted: FittedCRS) -> float:
    """Length of a polyline of ``(lon, lat)`` vertices measured in ``fitted``, in metres."""
    lons, lats = zip(*points, strict=True)
    x, y = fitted.to_projected().transform(lons, lats)
    return float(np.hypot(np.diff(x), np.diff(y)).sum())
