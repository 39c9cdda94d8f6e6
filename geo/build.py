"""Build the layers: load and check every input, build each line in its fitted projected CRS,
and write GeoJSON layers and evidence tables, swapping them in only when all succeeded."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, MultiLineString, Point

from geo import settings
from geo._errors import CatalogError, Problems
from geo._geojson import dumps_collection, feature
from geo._io import write_atomically
from geo.basemap import Basemap, load_basemap
from geo.catalog import Catalog, Feature, Node, Route, Segment, load_catalog, route_chain
from geo.corpus import Corpus, load_corpus
from geo.geometry import SEA, LineMeasure, country_of, distance_to_coast_km, measure_line
from geo.schema import KIND_LAYER, LAYERS, MAX_TEXT_BYTES, MODE_LAYER, TABLES, Column

SEP = " | "
#: Kinds of node that must stand at the coast, and how far from it they may be, in km.
COASTAL_KINDS = ("port", "landing")
#: How far a railway or pipeline may run over water in all, km: lines along a coast (Kobuleti,
#: Baku bay) fall up to a km or two offshore of Natural Earth's generalised 10m coastline.
WATER_ALLOWANCE_KM = 2.0
#: How far a cable or sea link may cross land away from its landings (spits, generalised
#: coasts), km.
LAND_ALLOWANCE_KM = 0.5


@dataclass
class Built:
    """Everything a build produced, in memory: the layer texts and the figures behind them."""

    corpus: Corpus
    catalog: Catalog
    measures: dict[str, LineMeasure]
    files: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def load_inputs(data_dir: Path | None = None) -> tuple[Corpus, Catalog, Basemap]:
    """Load corpus, catalogue and basemap, raising one error listing every problem."""
    corpus = load_corpus(data_dir)
    catalog = load_catalog(corpus, data_dir)
    return corpus, catalog, load_basemap(data_dir)


def compute(data_dir: Path | None = None) -> Built:
    """Load, check and measure everything without writing anything.

    Raises
    ------
    CorpusError, CatalogError
        With every problem found.
    """
    corpus, catalog, basemap = load_inputs(data_dir)
    problems = Problems()
    measures: dict[str, LineMeasure] = {}
    for seg in catalog.segments.values():
        m = measure_line(segment_points(seg, catalog), basemap)
        measures[seg.id] = m
        _check_physics(seg, m, problems)
    for node in catalog.nodes.values():
        _check_node(node, basemap, problems)
    # Rows need sound geometry: report the physical problems before measuring any further.
    problems.raise_if_any(CatalogError)
    built = Built(corpus=corpus, catalog=catalog, measures=measures)
    _fill_rows(built, basemap, problems)
    problems.raise_if_any(CatalogError)
    _render_files(built, basemap)
    return built


def segment_points(seg: Segment, catalog: Catalog) -> list[tuple[float, float]]:
    """A segment's vertices before densification: start node, waypoints, end node."""
    a, b = catalog.nodes[seg.start], catalog.nodes[seg.end]
    return [(a.lon, a.lat), *((w.lon, w.lat) for w in seg.via), (b.lon, b.lat)]


def _where(point: tuple[float, float] | None) -> str:
    return f" (first at lon {point[0]:.3f}, lat {point[1]:.3f})" if point else ""


def _check_physics(seg: Segment, m: LineMeasure, problems: Problems) -> None:
    label = "catalog/segments.toml"
    if m.geodesic_length_km <= 0.001:
        problems.add(label, seg.id, "via", "has zero length: its points all coincide")
        return
    disagreement = abs(m.length_km - m.geodesic_length_km) / m.geodesic_length_km
    if disagreement > settings.LENGTH_TOLERANCE:
        problems.add(
            label,
            seg.id,
            "via",
            f"length {m.length_km:.3f} km in its fitted CRS ({m.crs.kind}) differs from the "
            f"geodesic {m.geodesic_length_km:.3f} km by {disagreement:.4%}, more than "
            f"{settings.LENGTH_TOLERANCE:.2%}; split the line at a junction",
        )
    line = LineString(m.points)
    if not line.is_simple:
        problems.add(label, seg.id, "via", "crosses itself; check the order of the waypoints")
    if seg.mode in ("cable", "sea_link"):
        if m.land_outside_ends_km > LAND_ALLOWANCE_KM:
            problems.add(
                label,
                seg.id,
                "via",
                f"a {seg.mode.replace('_', ' ')} must lie at sea, but "
                f"{m.land_outside_ends_km:.1f} km "
                f"of it crosses land more than {settings.LANDING_TOLERANCE_KM:g} km from its "
                f"ends{_where(m.first_land_outside_ends)}; add waypoints that keep it at sea",
            )
    elif m.water_outside_ends_km > WATER_ALLOWANCE_KM:
        problems.add(
            label,
            seg.id,
            "via",
            f"a {seg.mode} must lie on land, but {m.water_outside_ends_km:.1f} km of it runs over "
            f"the sea{_where(m.first_water_outside_ends)}; check the waypoints (lon, lat order?)",
        )


def _check_node(node: Node, basemap: Basemap, problems: Problems) -> None:
    label = "catalog/nodes.toml"
    dist, on_land = distance_to_coast_km(node.lon, node.lat, basemap)
    limit = settings.LANDING_TOLERANCE_KM
    if node.kind in COASTAL_KINDS and dist > limit:
        where = "on land" if on_land else "at sea"
        problems.add(
            label,
            node.id,
            "lon",
            f"a {node.kind} must be at the coast, but ({node.lon}, {node.lat}) is {dist:.1f} km "
            f"{where} from it (limit {limit:g} km)",
        )
    elif not on_land and dist > limit:
        problems.add(
            label,
            node.id,
            "lon",
            f"({node.lon}, {node.lat}) is {dist:.1f} km out at sea; a {node.kind} stands on land "
            "— are lon and lat right?",
        )


def _evidence(item: Feature, built: Built, extra_quotes: list[str]) -> dict[str, str]:
    claims = built.catalog.claims_of(item.id)
    quote_ids = list(dict.fromkeys([*item.quotes, *extra_quotes, *(c.quote for c in claims)]))
    docs = sorted({built.corpus.quotes[q].document for q in quote_ids})
    return {
        "quote_ids": SEP.join(quote_ids),
        "claim_ids": SEP.join(c.id for c in claims),
        "doc_ids": SEP.join(docs),
        "note": item.note,
    }


def _status(item: Feature, built: Built) -> dict[str, str]:
    as_of = ""
    if item.status_quote:
        as_of = built.corpus.documents[built.corpus.quotes[item.status_quote].document].published
    return {
        "status": item.status,
        "status_as_of": as_of,
        "status_quote_id": item.status_quote,
        "operators": SEP.join(item.operators),
        "operators_quote_id": item.operators_quote,
    }


def _extra_quotes(item: Feature) -> list[str]:
    return [q for q in (item.status_quote, item.operators_quote) if q]


def _lengths(
    item_id: str,
    length_km: float,
    geodesic_km: float,
    by_country: Mapping[str, float],
    crs_kind: str,
    proj4: str,
    scale_error: float,
    built: Built,
) -> dict[str, Any]:
    stated = [c for c in built.catalog.claims_of(item_id) if c.kind == "length"]
    stated_km = stated[0].value if stated else None
    row: dict[str, Any] = {
        "length_km": round(length_km, settings.LENGTH_DECIMALS),
        "length_geodesic_km": round(geodesic_km, settings.LENGTH_DECIMALS),
        "length_vs_geodesic_pct": round((length_km - geodesic_km) / geodesic_km * 100, 5),
        "crs_kind": crs_kind,
        "crs_proj4": proj4,
        "crs_max_scale_error_pct": round(scale_error * 100, 5),
        "stated_length_km": stated_km,
        "stated_length_claim_id": stated[0].id if stated else "",
        "computed_vs_stated_pct": (
            round((length_km - stated_km) / stated_km * 100, 2) if stated_km else None
        ),
    }
    for iso in settings.SPLIT_COUNTRIES:
        row[f"len_{iso.lower()}_km"] = round(by_country.get(iso, 0.0), settings.LENGTH_DECIMALS)
    row["len_sea_km"] = round(by_country.get(SEA, 0.0), settings.LENGTH_DECIMALS)
    return row


def _countries(by_country: Mapping[str, float]) -> str:
    return SEP.join(iso for iso, km in by_country.items() if iso != SEA and km >= 0.001)


def _fill_rows(built: Built, basemap: Basemap, problems: Problems) -> None:
    cat = built.catalog
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in LAYERS}
    for seg in sorted(cat.segments.values(), key=lambda s: s.id):
        m = built.measures[seg.id]
        row = {
            "id": seg.id,
            "name": seg.name,
            "aliases": SEP.join(seg.aliases),
            "mode": seg.mode,
            "service": seg.service,
            **_status(seg, built),
            "from_node": seg.start,
            "to_node": seg.end,
            "countries": _countries(m.by_country_km),
            "precision": seg.precision,
            "uncertainty_km": seg.uncertainty_km,
            "geometry_source": seg.geometry_source,
            "vertex_count": len(m.points),
            **_lengths(
                seg.id,
                m.length_km,
                m.geodesic_length_km,
                m.by_country_km,
                m.crs.kind,
                m.crs.proj4,
                m.crs.max_scale_error,
                built,
            ),
            **_evidence(seg, built, _extra_quotes(seg)),
        }
        rows[MODE_LAYER[seg.mode]].append({"geometry": LineString(m.points), **row})
    for route in sorted(cat.routes.values(), key=lambda r: r.id):
        rows["routes"].append(_route_row(route, built))
    for node in sorted(cat.nodes.values(), key=lambda n: n.id):
        touching = [
            s.id
            for s in sorted(cat.segments.values(), key=lambda s: s.id)
            if node.id in (s.start, s.end)
        ]
        row = {
            "id": node.id,
            "name": node.name,
            "aliases": SEP.join(node.aliases),
            "kind": node.kind,
            **_status(node, built),
            "country": country_of(node.lon, node.lat, basemap),
            "lon": node.lon,
            "lat": node.lat,
            "precision": node.precision,
            "uncertainty_km": node.uncertainty_km,
            "position_note": node.position_note,
            "position_source": node.position_source,
            "segment_ids": SEP.join(touching),
            **_evidence(node, built, _extra_quotes(node)),
        }
        rows[KIND_LAYER[node.kind]].append({"geometry": Point(node.lon, node.lat), **row})
    for name, items in rows.items():
        for row in items:
            _check_text_sizes(name, row, problems)
    built.rows = rows


def _route_row(route: Route, built: Built) -> dict[str, Any]:
    chain = route_chain(route, built.catalog.segments)
    parts: list[list[tuple[float, float]]] = []
    by_country: dict[str, float] = {}
    length = geodesic = 0.0
    worst = 0.0
    for seg, rev in chain:
        m = built.measures[seg.id]
        parts.append(list(reversed(m.points)) if rev else list(m.points))
        length += m.length_km
        geodesic += m.geodesic_length_km
        worst = max(worst, m.crs.max_scale_error)
        for iso, km in m.by_country_km.items():
            by_country[iso] = by_country.get(iso, 0.0) + km
    (first, first_rev), (last, last_rev) = chain[0], chain[-1]
    start = first.end if first_rev else first.start
    end = last.start if last_rev else last.end
    ordered = {
        iso: by_country[iso] for iso in (*settings.SPLIT_COUNTRIES, SEA) if iso in by_country
    }
    return {
        "geometry": MultiLineString(parts),
        "id": route.id,
        "name": route.name,
        "aliases": SEP.join(route.aliases),
        "mode": "route",
        **_status(route, built),
        "from_node": start,
        "to_node": end,
        "segment_count": len(chain),
        "countries": _countries(ordered),
        "vertex_count": sum(len(p) for p in parts),
        **_lengths(route.id, length, geodesic, ordered, "sum", "", worst, built),
        **_evidence(route, built, _extra_quotes(route)),
    }


def _check_text_sizes(layer: str, row: Mapping[str, Any], problems: Problems) -> None:
    for key, value in row.items():
        if isinstance(value, str) and len(value.encode("utf-8")) > MAX_TEXT_BYTES:
            problems.add(
                f"layers/{layer}.geojson",
                str(row["id"]),
                key,
                f"is {len(value.encode('utf-8'))} bytes; layer text is limited to "
                f"{MAX_TEXT_BYTES} bytes (shorten it in the catalogue)",
            )


def _properties(row: Mapping[str, Any], columns: tuple[Column, ...]) -> dict[str, Any]:
    return {c.name: row[c.name] for c in columns}


def _table_rows(built: Built) -> dict[str, list[dict[str, Any]]]:
    corpus, cat = built.corpus, built.catalog
    supports: dict[str, list[str]] = {}
    for item in [*cat.nodes.values(), *cat.segments.values(), *cat.routes.values()]:
        for q in dict.fromkeys([*item.quotes, *_extra_quotes(item)]):
            supports.setdefault(q, []).append(item.id)
    for claim in cat.claims.values():
        supports.setdefault(claim.quote, []).append(claim.feature)
    documents = [
        {
            "id": d.id,
            "title": d.title,
            "outlet": d.outlet,
            "author": d.author,
            "published": d.published,
            "updated": d.updated,
            "url": d.url,
            "retrieved": d.retrieved,
            "last_modified": d.last_modified,
            "language": d.language,
            "sha256": d.sha256,
            "chars": d.chars,
            "note": d.note,
        }
        for d in sorted(corpus.documents.values(), key=lambda d: d.id)
    ]
    quotes = [
        {
            "id": q.id,
            "doc_id": q.document,
            "start": q.start,
            "end": q.end,
            "text": q.text,
            "prefix": q.prefix,
            "suffix": q.suffix,
            "feature_ids": SEP.join(sorted(set(supports.get(q.id, [])))),
        }
        for q in sorted(corpus.quotes.values(), key=lambda q: q.id)
    ]
    claims = [
        {
            "id": c.id,
            "feature_id": c.feature,
            "kind": c.kind,
            "value": c.value,
            "value_max": c.value_max,
            "unit": c.unit,
            "qualifier": c.qualifier,
            "figure": c.figure,
            "refers_to": c.refers_to,
            "refers_to_note": c.refers_to_note,
            "quote_id": c.quote,
            "doc_id": corpus.quotes[c.quote].document,
            "stated_on": corpus.documents[corpus.quotes[c.quote].document].published,
        }
        for c in sorted(cat.claims.values(), key=lambda c: c.id)
    ]
    route_segments = []
    for route in sorted(cat.routes.values(), key=lambda r: r.id):
        for i, (seg, rev) in enumerate(route_chain(route, cat.segments), start=1):
            route_segments.append(
                {
                    "id": f"{route.id}_{i:02d}",
                    "route_id": route.id,
                    "position": i,
                    "segment_id": seg.id,
                    "reversed": int(rev),
                }
            )
    return {
        "documents": documents,
        "quotes": quotes,
        "claims": claims,
        "route_segments": route_segments,
    }


def _csv(rows: list[dict[str, Any]], columns: tuple[Column, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow(["" if row[c.name] is None else _cell(row[c.name]) for c in columns])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _render_files(built: Built, basemap: Basemap) -> None:
    files: dict[str, str] = {}
    for name, (_title, _gtype, columns) in LAYERS.items():
        if name.startswith("basemap_"):
            continue
        feats = [
            feature(
                row["id"],
                _properties(row, columns),
                row["geometry"],
                decimals=settings.COORD_DECIMALS,
            )
            for row in built.rows[name]
        ]
        files[f"{name}.geojson"] = dumps_collection(name, feats)
    # The committed basemap files are already written by the same writer: copied as they are.
    files["basemap_land.geojson"] = basemap.land_path.read_text(encoding="utf-8")
    files["basemap_countries.geojson"] = basemap.countries_path.read_text(encoding="utf-8")
    tables = _table_rows(built)
    built.rows.update(tables)
    for name, (_title, columns) in TABLES.items():
        files[f"{name}.csv"] = _csv(tables[name], columns)
    built.files = files


def build(*, out_dir: Path | None = None, data_dir: Path | None = None) -> Built:
    """Check every input and write the layers to ``out_dir`` (default ``layers/``).

    Nothing is written unless the whole build succeeds; the new files are written to a
    temporary folder beside ``out_dir`` and swapped in, so an interrupted or failed build
    leaves the previous layers as they were.
    """
    from geo import export

    built = compute(data_dir)
    export.add_release_files(built)
    write_atomically(out_dir or settings.layers_dir(), built.files)
    return built
