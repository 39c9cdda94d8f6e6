"""The feature catalogue: nodes, segments, routes and claims, checked against the corpus.

Inputs (in the data folder's ``catalog/``), all TOML, longitude before latitude, in degrees:

``nodes.toml``
    ``[[node]]``: ports, terminals, cable landings, stations, junctions and border crossings.
``segments.toml``
    ``[[segment]]``: lines between two nodes through optional ``via`` waypoints.
``routes.toml``
    ``[[route]]``: ordered chains of segments.
``claims.toml``
    ``[[claim]]``: figures a quote states about a feature.

Every problem in every file is collected and raised at once as a :class:`CatalogError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo import settings
from geo._errors import CatalogError, Problems
from geo._validate import Field, check_entry, describe, entries, read_toml
from geo.corpus import Corpus

MODES = ("cable", "pipeline", "railway", "sea_link")
NODE_KINDS = ("port", "terminal", "landing", "station", "junction", "border_crossing")
STATUSES = ("operating", "disrupted", "under_construction", "planned", "not_stated")
PRECISIONS = ("surveyed", "traced", "schematic")
CLAIM_KINDS = ("length", "volume", "change", "target")
UNITS = ("km", "t", "%")

_COMMON = (
    Field("id", str, is_id=True),
    Field("name", str),
    Field("aliases", list, required=False, default=[], item_kind=str),
    Field("status", str, choices=STATUSES),
    Field("status_quote", str, required=False, default=""),
    Field("operators", list, required=False, default=[], item_kind=str),
    Field("operators_quote", str, required=False, default=""),
    Field("quotes", list, item_kind=str),
    Field("note", str, required=False, default=""),
)
_NODE_FIELDS = (
    *_COMMON,
    Field("kind", str, choices=NODE_KINDS),
    Field("lon", float),
    Field("lat", float),
    Field("precision", str, choices=PRECISIONS),
    Field("uncertainty_km", float),
    Field("position_note", str),
    Field("position_source", str),
)
_SEGMENT_FIELDS = (
    *_COMMON,
    Field("mode", str, choices=MODES),
    Field("service", str, required=False, default=""),
    Field("from", str),
    Field("to", str),
    Field("via", list, required=False, default=[], item_kind=dict),
    Field("precision", str, choices=PRECISIONS),
    Field("uncertainty_km", float),
    Field("geometry_source", str),
)
_WAYPOINT_FIELDS = (
    Field("name", str, required=False, default=""),
    Field("lon", float),
    Field("lat", float),
)
_ROUTE_FIELDS = (*_COMMON, Field("segments", list, item_kind=str))
_CLAIM_FIELDS = (
    Field("id", str, is_id=True),
    Field("feature", str),
    Field("kind", str, choices=CLAIM_KINDS),
    Field("value", float),
    Field("value_max", float, required=False, default=None),
    Field("unit", str, choices=UNITS),
    Field("qualifier", str, required=False, default=""),
    Field("figure", str),
    Field("refers_to", str, is_date=True),
    Field("refers_to_note", str, required=False, default=""),
    Field("quote", str),
)


@dataclass(frozen=True)
class Waypoint:
    lon: float
    lat: float
    name: str = ""


@dataclass(frozen=True)
class Feature:
    """What nodes, segments and routes share."""

    id: str
    name: str
    aliases: tuple[str, ...]
    status: str
    status_quote: str
    operators: tuple[str, ...]
    operators_quote: str
    quotes: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Node(Feature):
    kind: str
    lon: float
    lat: float
    precision: str
    uncertainty_km: float
    position_note: str
    position_source: str


@dataclass(frozen=True)
class Segment(Feature):
    mode: str
    service: str
    start: str
    end: str
    via: tuple[Waypoint, ...]
    precision: str
    uncertainty_km: float
    geometry_source: str


@dataclass(frozen=True)
class Route(Feature):
    segments: tuple[str, ...]


@dataclass(frozen=True)
class Claim:
    id: str
    feature: str
    kind: str
    value: float
    value_max: float | None
    unit: str
    qualifier: str
    figure: str
    refers_to: str
    refers_to_note: str
    quote: str


@dataclass(frozen=True)
class Catalog:
    nodes: dict[str, Node]
    segments: dict[str, Segment]
    routes: dict[str, Route]
    claims: dict[str, Claim]

    def feature(self, ident: str) -> Feature | None:
        return self.nodes.get(ident) or self.segments.get(ident) or self.routes.get(ident)

    def claims_of(self, ident: str) -> list[Claim]:
        return [c for c in self.claims.values() if c.feature == ident]


def load_catalog(corpus: Corpus, data_dir: Path | None = None) -> Catalog:
    """Load the catalogue and check it, and its references into ``corpus``.

    Raises
    ------
    CatalogError
        With every problem found, each naming file, entry id and field.
    """
    root = (data_dir or settings.data_dir()) / "catalog"
    problems = Problems()
    broken: set[str] = set()
    nodes = _load(root, "nodes.toml", "node", _NODE_FIELDS, problems, _make_node, broken)
    segments = _load(
        root, "segments.toml", "segment", _SEGMENT_FIELDS, problems, _make_segment, broken
    )
    routes = _load(root, "routes.toml", "route", _ROUTE_FIELDS, problems, _make_route, broken)
    claims = _load(root, "claims.toml", "claim", _CLAIM_FIELDS, problems, _make_claim, broken)
    _check_ids_unique(nodes, segments, routes, problems)
    _check_references(nodes, segments, routes, claims, corpus, problems, broken)
    problems.raise_if_any(CatalogError)
    return Catalog(nodes=nodes, segments=segments, routes=routes, claims=claims)


def _load(
    root: Path,
    filename: str,
    table: str,
    fields: tuple[Field, ...],
    problems: Problems,
    make: Callable[[dict[str, Any], str, Problems], Any],
    broken: set[str],
) -> dict[str, Any]:
    """Entries of one file that passed their checks; ids of those that did not go to
    ``broken`` so that references to them are not reported a second time."""
    label = f"catalog/{filename}"
    parsed = read_toml(root / filename, label, problems)
    out: dict[str, Any] = {}
    for i, raw in enumerate(entries(parsed, table, label, problems)):
        entry = check_entry(raw, fields, label, i, problems)
        if entry is None:
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                broken.add(raw["id"])
            continue
        if entry["id"] in out:
            problems.add(label, entry["id"], "id", f"duplicate {table} id")
            continue
        item = make(entry, label, problems)
        if item is not None:
            out[entry["id"]] = item
        else:
            broken.add(entry["id"])
    return out


def _common(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": entry["id"],
        "name": entry["name"],
        "aliases": tuple(entry["aliases"]),
        "status": entry["status"],
        "status_quote": entry["status_quote"],
        "operators": tuple(entry["operators"]),
        "operators_quote": entry["operators_quote"],
        "quotes": tuple(entry["quotes"]),
        "note": entry["note"],
    }


def check_lonlat(
    lon: float, lat: float, label: str, ident: str, field: str, problems: Problems
) -> bool:
    """Check a coordinate pair; flag out-of-range values and likely lon/lat swaps."""
    west, south, east, north = settings.REGION_BBOX
    ok = True
    if not -90 <= lat <= 90:
        problems.add(
            label, ident, f"{field}lat", f"{lat} is outside -90..90 — are lon and lat swapped?"
        )
        ok = False
    if not -180 <= lon <= 180:
        problems.add(label, ident, f"{field}lon", f"{lon} is outside -180..180")
        ok = False
    if ok and not (west <= lon <= east and south <= lat <= north):
        swapped = west <= lat <= east and south <= lon <= north
        hint = " — lon and lat look swapped" if swapped else ""
        problems.add(
            label,
            ident,
            f"{field}lon",
            f"({lon}, {lat}) is outside the atlas region lon {west}..{east}, "
            f"lat {south}..{north}{hint}",
        )
        ok = False
    return ok


def _make_node(entry: dict[str, Any], label: str, problems: Problems) -> Node | None:
    if not check_lonlat(entry["lon"], entry["lat"], label, entry["id"], "", problems):
        return None
    if entry["uncertainty_km"] < 0:
        problems.add(label, entry["id"], "uncertainty_km", "must not be negative")
        return None
    return Node(
        **_common(entry),
        kind=entry["kind"],
        lon=entry["lon"],
        lat=entry["lat"],
        precision=entry["precision"],
        uncertainty_km=entry["uncertainty_km"],
        position_note=entry["position_note"],
        position_source=entry["position_source"],
    )


def _make_segment(entry: dict[str, Any], label: str, problems: Problems) -> Segment | None:
    via: list[Waypoint] = []
    ok = True
    for i, raw in enumerate(entry["via"]):
        wp = check_entry(raw, _WAYPOINT_FIELDS, label, i, problems)
        if wp is None:
            ok = False
            continue
        if not check_lonlat(wp["lon"], wp["lat"], label, entry["id"], f"via[{i}].", problems):
            ok = False
            continue
        via.append(Waypoint(wp["lon"], wp["lat"], wp["name"]))
    if entry["from"] == entry["to"]:
        problems.add(label, entry["id"], "to", f"same node as 'from' ({entry['to']!r})")
        ok = False
    if not ok:
        return None
    return Segment(
        **_common(entry),
        mode=entry["mode"],
        service=entry["service"],
        start=entry["from"],
        end=entry["to"],
        via=tuple(via),
        precision=entry["precision"],
        uncertainty_km=entry["uncertainty_km"],
        geometry_source=entry["geometry_source"],
    )


def _make_route(entry: dict[str, Any], label: str, problems: Problems) -> Route | None:
    if not entry["segments"]:
        problems.add(label, entry["id"], "segments", "is empty; list the segments in order")
        return None
    return Route(**_common(entry), segments=tuple(entry["segments"]))


def _make_claim(entry: dict[str, Any], label: str, problems: Problems) -> Claim | None:
    if entry["value_max"] is not None and entry["value_max"] < entry["value"]:
        problems.add(label, entry["id"], "value_max", "is smaller than value")
        return None
    if not entry["refers_to"] and not entry["refers_to_note"]:
        problems.add(
            label,
            entry["id"],
            "refers_to_note",
            "say what the figure refers to when refers_to is empty",
        )
        return None
    return Claim(**entry)


def _check_ids_unique(
    nodes: dict[str, Node],
    segments: dict[str, Segment],
    routes: dict[str, Route],
    problems: Problems,
) -> None:
    seen: dict[str, str] = {}
    for filename, items in (
        ("nodes.toml", nodes),
        ("segments.toml", segments),
        ("routes.toml", routes),
    ):
        for ident in items:
            if ident in seen:
                problems.add(
                    f"catalog/{filename}", ident, "id", f"id already used in catalog/{seen[ident]}"
                )
            else:
                seen[ident] = filename


def _check_quote_refs(label: str, item: Feature, corpus: Corpus, problems: Problems) -> None:
    if not item.quotes:
        problems.add(label, item.id, "quotes", "needs at least one supporting quote")
    for i, qid in enumerate(item.quotes):
        if qid not in corpus.quotes:
            problems.add(label, item.id, f"quotes[{i}]", f"unknown quote id {qid!r}")
    if item.status != "not_stated":
        if not item.status_quote:
            problems.add(
                label,
                item.id,
                "status_quote",
                f"status {item.status!r} needs the quote that states it (or status 'not_stated')",
            )
        elif item.status_quote not in corpus.quotes:
            problems.add(label, item.id, "status_quote", f"unknown quote id {item.status_quote!r}")
    elif item.status_quote:
        problems.add(label, item.id, "status_quote", "given, but status is 'not_stated'")
    if item.operators:
        if not item.operators_quote:
            problems.add(label, item.id, "operators_quote", "operators need the quote naming them")
        elif item.operators_quote not in corpus.quotes:
            problems.add(
                label, item.id, "operators_quote", f"unknown quote id {item.operators_quote!r}"
            )
        else:
            text = corpus.quotes[item.operators_quote].text
            for op in item.operators:
                if op not in text:
                    problems.add(
                        label,
                        item.id,
                        "operators",
                        f"{op!r} is not named in quote {item.operators_quote}",
                    )


def _check_references(
    nodes: dict[str, Node],
    segments: dict[str, Segment],
    routes: dict[str, Route],
    claims: dict[str, Claim],
    corpus: Corpus,
    problems: Problems,
    broken: set[str],
) -> None:
    for node in nodes.values():
        _check_quote_refs("catalog/nodes.toml", node, corpus, problems)
    for seg in segments.values():
        label = "catalog/segments.toml"
        _check_quote_refs(label, seg, corpus, problems)
        for field, ref in (("from", seg.start), ("to", seg.end)):
            if ref not in nodes and ref not in broken:
                problems.add(label, seg.id, field, f"unknown node id {ref!r}")
    for route in routes.values():
        label = "catalog/routes.toml"
        _check_quote_refs(label, route, corpus, problems)
        _check_chain(route, segments, label, problems, broken)
    known = set(nodes) | set(segments) | set(routes)
    for claim in claims.values():
        label = "catalog/claims.toml"
        if claim.feature not in known and claim.feature not in broken:
            problems.add(label, claim.id, "feature", f"unknown feature id {claim.feature!r}")
        quote = corpus.quotes.get(claim.quote)
        if quote is None:
            problems.add(label, claim.id, "quote", f"unknown quote id {claim.quote!r}")
            continue
        if claim.figure not in quote.text:
            problems.add(
                label,
                claim.id,
                "figure",
                f"{claim.figure!r} does not appear in quote {claim.quote}",
            )
            continue
        parsed = parse_figure(claim.figure)
        if parsed is None:
            problems.add(
                label, claim.id, "figure", f"{claim.figure!r} has no number and unit to check"
            )
        elif parsed != (claim.value, claim.value_max, claim.unit):
            low, high, unit = parsed
            shown = f"{low:g}" + (f"–{high:g}" if high is not None else "") + f" {unit}"
            problems.add(
                label,
                claim.id,
                "value",
                f"{describe(claim.value)} {claim.unit} does not match the figure "
                f"{claim.figure!r}, which says {shown}",
            )


def orient_chain(segments: list[Segment]) -> list[bool] | None:
    """For a chain of segments, whether each runs reversed; ``None`` if they do not join.

    A route may run along or against each segment's own direction; the first segment's
    direction is whichever lets the second one join it.
    """
    for first_reversed in (False, True):
        flags = [first_reversed]
        end = segments[0].start if first_reversed else segments[0].end
        for seg in segments[1:]:
            if seg.start == end:
                flags.append(False)
                end = seg.end
            elif seg.end == end:
                flags.append(True)
                end = seg.start
            else:
                break
        else:
            return flags
    return None


def route_chain(route: Route, segments: Mapping[str, Segment]) -> list[tuple[Segment, bool]]:
    """A checked route's segments in order, each with whether the route runs against it."""
    chain = [segments[s] for s in route.segments]
    return list(zip(chain, orient_chain(chain) or [False] * len(chain), strict=True))


def _check_chain(
    route: Route, segments: dict[str, Segment], label: str, problems: Problems, broken: set[str]
) -> None:
    chain = []
    for i, sid in enumerate(route.segments):
        if sid not in segments:
            if sid not in broken:
                problems.add(label, route.id, f"segments[{i}]", f"unknown segment id {sid!r}")
            return
        chain.append(segments[sid])
    for i in range(1, len(chain)):
        if orient_chain(chain[: i + 1]) is None:
            seg = chain[i]
            problems.add(
                label,
                route.id,
                f"segments[{i}]",
                f"{seg.id!r} ({seg.start}–{seg.end}) does not join the segments before it",
            )
            return


_NUMBER = r"(\d+(?:[.,]\d+)?)"
_FIGURE_RE = re.compile(
    _NUMBER
    + r"(?:\s*[-–]\s*"
    + _NUMBER
    + r")?\s*(million|billion|thousand)?\s*(kilometres|kilometers|km|tonnes|tons|percent|%)",
    re.IGNORECASE,
)
_SCALE = {None: 1.0, "thousand": 1e3, "million": 1e6, "billion": 1e9}
_UNIT = {
    "kilometres": "km",
    "kilometers": "km",
    "km": "km",
    "tonnes": "t",
    "tons": "t",
    "percent": "%",
    "%": "%",
}


def parse_figure(text: str) -> tuple[float, float | None, str] | None:
    """Read a stated figure such as ``"6-6.5 million tonnes"`` as ``(6e6, 6.5e6, "t")``.

    Whitespace includes no-break spaces, and a range may use a hyphen or an en dash.
    """
    m = _FIGURE_RE.search(text)
    if m is None:
        return None
    scale = _SCALE[m.group(3).lower() if m.group(3) else None]
    low = round(float(m.group(1).replace(",", "")) * scale, 6)
    high = round(float(m.group(2).replace(",", "")) * scale, 6) if m.group(2) else None
    return low, high, _UNIT[m.group(4).lower()]
