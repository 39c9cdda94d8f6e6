"""``fetch osm``: compare the catalogue with OpenStreetMap through the Overpass API.

The answer is cached on disk (``cache/osm/``, git-ignored) and turned into a review: for each
station, junction, border crossing, port and terminal, the nearest matching OSM feature and how
far it is; for each railway and pipeline, how much of it lies near an OSM line of its kind.
The review is written beside the cache as GeoJSON and Markdown, with OpenStreetMap's
attribution (ODbL); the catalogue is never changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import requests
from pyproj import Geod
from shapely import STRtree
from shapely.geometry import LineString, MultiPoint, Point
from shapely.ops import nearest_points

from geo import _http, settings
from geo._errors import FetchError
from geo._io import write_file_atomically
from geo.build import compute, segment_points

ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
GEOD = Geod(ellps="WGS84")
NEAR_KM = 5.0


def query() -> str:
    """The Overpass QL query for the atlas region."""
    west, south, east, north = settings.REGION_BBOX
    bbox = f"({south},{west},{north},{east})"
    return (
        "[out:json][timeout:180];("
        f'way["railway"="rail"]{bbox};'
        f'way["man_made"="pipeline"]["substance"~"oil"]{bbox};'
        f'node["railway"~"^(station|halt)$"]{bbox};'
        f'node["harbour"]{bbox};way["landuse"="port"]{bbox};'
        f'node["industrial"="oil"]{bbox};'
        ");out geom;"
    )


def _check(answer: Any) -> list[dict[str, Any]]:
    if not isinstance(answer, dict) or not isinstance(answer.get("elements"), list):
        raise FetchError("malformed Overpass answer: no list of elements")
    for i, el in enumerate(answer["elements"]):
        if not isinstance(el, dict) or el.get("type") not in ("node", "way", "relation"):
            raise FetchError(f"malformed Overpass answer: element {i} has no valid type")
        if el["type"] == "node" and not all(
            isinstance(el.get(k), int | float) for k in ("lat", "lon")
        ):
            raise FetchError(f"malformed Overpass answer: node {el.get('id')} has no lat/lon")
        if el["type"] == "way" and not isinstance(el.get("geometry"), list):
            raise FetchError(f"malformed Overpass answer: way {el.get('id')} has no geometry")
    return answer["elements"]


def fetch(*, refresh: bool = False, cache: Path | None = None) -> tuple[list[dict], Path, bool]:
    """Elements of the Overpass answer, the cache file, and whether it came from the cache."""
    folder = (cache or settings.cache_dir()) / "osm"
    text = query()
    path = folder / f"overpass-{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
    if path.exists() and not refresh:
        try:
            return _check(json.loads(path.read_text("utf-8"))), path, True
        except (ValueError, FetchError):
            path.unlink()  # a damaged cache is fetched again, never trusted
    url = settings.overpass_url()
    try:
        with requests.Session() as session:
            session.headers["Content-Type"] = "application/x-www-form-urlencoded"
            resp = _http.get(
                f"{url}?data={requests.utils.quote(text)}",
                accept=("application/json",),
                max_bytes=500_000_000,
                session=session,
            )
        elements = _check(json.loads(resp.text))
    except ValueError as exc:
        raise FetchError(f"malformed Overpass answer: not JSON ({exc})") from None
    folder.mkdir(parents=True, exist_ok=True)
    record = {"elements": elements, "attribution": ATTRIBUTION}
    write_file_atomically(path, json.dumps(record).encode("utf-8"))
    return elements, path, False


@dataclass(frozen=True)
class Match:
    feature_id: str
    kind: str
    osm: str
    distance_km: float | None
    detail: str


def _km(a: Point, b: Point) -> float:
    return float(GEOD.inv(a.x, a.y, b.x, b.y)[2]) / 1000


def review(elements: list[dict[str, Any]]) -> tuple[list[Match], dict[str, Any]]:
    """Compare the catalogue with OSM elements; return matches and a GeoJSON of the OSM
    features used, each with the attribution."""
    built = compute()
    cat = built.catalog
    stations = [e for e in elements if e["type"] == "node" and "railway" in e.get("tags", {})]
    ports = [
        e
        for e in elements
        if (e.get("tags", {}).get("harbour") or e.get("tags", {}).get("landuse") == "port")
    ]
    rails = [e for e in elements if e["type"] == "way" and e.get("tags", {}).get("railway")]
    pipes = [
        e
        for e in elements
        if e["type"] == "way" and e.get("tags", {}).get("man_made") == "pipeline"
    ]

    def where(e: dict[str, Any]) -> Point:
        if e["type"] == "node":
            return Point(e["lon"], e["lat"])
        xy = [(g["lon"], g["lat"]) for g in e["geometry"]]
        return LineString(xy).centroid if len(xy) > 1 else Point(xy[0])

    matches: list[Match] = []
    for node in sorted(cat.nodes.values(), key=lambda n: n.id):
        pool = ports if node.kind in ("port", "terminal") else stations
        here = Point(node.lon, node.lat)
        if not pool:
            matches.append(Match(node.id, node.kind, "", None, "no OSM feature of this kind"))
            continue
        best = min(pool, key=lambda e: where(e).distance(here))
        name = best.get("tags", {}).get("name", "")
        matches.append(
            Match(
                node.id,
                node.kind,
                f"{best['type']}/{best['id']} {name}".strip(),
                _km(here, where(best)),
                "",
            )
        )
    for seg in sorted(cat.segments.values(), key=lambda s: s.id):
        kinds = {"railway": rails, "pipeline": pipes}
        if seg.mode not in kinds:
            continue
        pool = kinds[seg.mode]
        vertices = MultiPoint(list(built.measures[seg.id].points)[::5])
        lines = [
            LineString([(g["lon"], g["lat"]) for g in e["geometry"]])
            for e in pool
            if len(e["geometry"]) > 1
        ]
        if not lines:
            matches.append(Match(seg.id, seg.mode, "", None, "no OSM line of this kind"))
            continue
        tree = STRtree(lines)
        near = []
        for p in vertices.geoms:
            other = lines[int(tree.nearest(p))]
            near.append(_km(p, nearest_points(p, other)[1]))
        share = float(np.mean(np.array(near) <= NEAR_KM))
        matches.append(
            Match(
                seg.id,
                seg.mode,
                f"{len(lines)} OSM lines",
                float(np.median(near)),
                f"{share:.0%} of its vertices within {NEAR_KM:g} km of OSM "
                f"({len(segment_points(seg, cat))} catalogue points)",
            )
        )
    features = [
        {
            "type": "Feature",
            "id": f"{e['type']}/{e['id']}",
            "properties": {"name": e.get("tags", {}).get("name", ""), "attribution": ATTRIBUTION},
            "geometry": {
                "type": "Point",
                "coordinates": [round(where(e).x, 7), round(where(e).y, 7)],
            },
        }
        for e in (*stations, *ports)
    ]
    return matches, {"type": "FeatureCollection", "name": "osm_review", "features": features}


def write_review(matches: list[Match], geojson: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "review.geojson").write_text(
        json.dumps(geojson, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    lines = [
        "# OpenStreetMap review of the catalogue",
        "",
        f"Data: {ATTRIBUTION}.",
        "",
        "| feature | kind | nearest OSM | distance km | note |",
        "|---|---|---|---:|---|",
    ]
    for m in matches:
        dist = "" if m.distance_km is None else f"{m.distance_km:.2f}"
        lines.append(f"| {m.feature_id} | {m.kind} | {m.osm} | {dist} | {m.detail} |")
    path = folder / "review.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
