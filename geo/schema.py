"""Field definitions of every published layer and table: the single source for the build's
property order, the data dictionary (``layers/README.md``) and the JSON Schema
(``layers/schema.json``)."""

from __future__ import annotations

from dataclasses import dataclass

from geo import settings


@dataclass(frozen=True)
class Column:
    """One property of a layer or column of a table.

    ``kind`` is ``"string"``, ``"number"`` or ``"integer"``; ``short`` is a name of at most
    10 characters for formats that limit field names (shapefile/dBase).
    """

    name: str
    kind: str
    description: str
    short: str
    nullable: bool = False
    choices: tuple[str, ...] = ()


def _c(name: str, kind: str, short: str, description: str, **kw: object) -> Column:
    return Column(name, kind, description, short, **kw)  # type: ignore[arg-type]


_IDENT = [
    _c("id", "string", "id", "Stable feature id (also the GeoJSON feature id)."),
    _c("name", "string", "name", "Name used on the map."),
    _c("aliases", "string", "aliases", "Other spellings the documents use, separated by ' | '."),
]
_STATUS = [
    _c(
        "status",
        "string",
        "status",
        "Status as the documents state it.",
        choices=("operating", "disrupted", "under_construction", "planned", "not_stated"),
    ),
    _c(
        "status_as_of",
        "string",
        "status_of",
        "Date of the document that states the status (YYYY-MM-DD); empty when that document "
        "is undated or no status is stated.",
    ),
    _c("status_quote_id", "string", "status_q", "Quote that states the status."),
    _c("operators", "string", "operators", "Operators the documents name, separated by ' | '."),
    _c("operators_quote_id", "string", "oper_q", "Quote that names the operators."),
]
_EVIDENCE = [
    _c(
        "quote_ids",
        "string",
        "quote_ids",
        "Supporting quotes (ids in quotes.csv), ' | '-separated.",
    ),
    _c("claim_ids", "string", "claim_ids", "Claims about this feature (ids in claims.csv)."),
    _c("doc_ids", "string", "doc_ids", "Documents the quotes come from (ids in documents.csv)."),
    _c("note", "string", "note", "Curator's note."),
]
_COUNTRY_SPLIT = [
    _c(
        f"len_{iso.lower()}_km",
        "number",
        f"len_{iso.lower()}",
        f"Length inside {iso} (Natural Earth 10m borders), km, in the feature's CRS.",
    )
    for iso in settings.SPLIT_COUNTRIES
] + [_c("len_sea_km", "number", "len_sea", "Length outside every country polygon (at sea), km.")]
_LENGTHS = [
    _c(
        "length_km",
        "number",
        "length_km",
        "Length measured in the feature's fitted projected CRS (crs_proj4), km.",
    ),
    _c(
        "length_geodesic_km",
        "number",
        "len_geod",
        "Ellipsoidal geodesic length of the same vertices (pyproj.Geod, WGS84), km.",
    ),
    _c(
        "length_vs_geodesic_pct",
        "number",
        "len_dgeod",
        "(length_km - length_geodesic_km) / length_geodesic_km, in %.",
    ),
    _c(
        "crs_kind",
        "string",
        "crs_kind",
        "Projection the length was measured in.",
        choices=("omerc", "tmerc", "lcc", "sum"),
    ),
    _c(
        "crs_proj4",
        "string",
        "crs_proj4",
        "PROJ definition of the fitted CRS; empty for routes, whose length sums segments.",
    ),
    _c(
        "crs_max_scale_error_pct",
        "number",
        "crs_kerr",
        "Largest point scale error of that CRS along the feature, in %.",
    ),
    _c("stated_length_km", "number", "stated_km", "Length a document states, km.", nullable=True),
    _c("stated_length_claim_id", "string", "stated_cl", "Claim that states the length."),
    _c(
        "computed_vs_stated_pct",
        "number",
        "d_stated",
        "(length_km - stated_length_km) / stated_length_km, in %.",
        nullable=True,
    ),
]
_PRECISION = [
    _c(
        "precision",
        "string",
        "precision",
        "How the geometry is known: surveyed (the asset's own position from a reference), "
        "traced (through sourced points on or near the asset), schematic (illustrative).",
        choices=("surveyed", "traced", "schematic"),
    ),
    _c(
        "uncertainty_km",
        "number",
        "uncert_km",
        "How far the drawn geometry may be from the real asset, km (an estimate).",
    ),
]

SEGMENT_COLUMNS: tuple[Column, ...] = (
    *_IDENT,
    _c(
        "mode",
        "string",
        "mode",
        "Kind of line.",
        choices=("cable", "pipeline", "railway", "sea_link"),
    ),
    _c("service", "string", "service", "What the line carries."),
    *_STATUS,
    _c("from_node", "string", "from_node", "Node id at the line's first vertex."),
    _c("to_node", "string", "to_node", "Node id at the line's last vertex."),
    _c("countries", "string", "countries", "Countries crossed (ISO alpha-3), ' | '-separated."),
    *_PRECISION,
    _c("geometry_source", "string", "geom_src", "Where the drawn path comes from."),
    _c("vertex_count", "integer", "vertices", "Vertices after geodesic densification."),
    *_LENGTHS,
    *_COUNTRY_SPLIT,
    *_EVIDENCE,
)

ROUTE_COLUMNS: tuple[Column, ...] = (
    *_IDENT,
    _c("mode", "string", "mode", "Always 'route': a chain of segments.", choices=("route",)),
    *_STATUS,
    _c("from_node", "string", "from_node", "Node id where the route starts."),
    _c("to_node", "string", "to_node", "Node id where the route ends."),
    _c(
        "segment_count",
        "integer",
        "seg_count",
        "Number of segments; their order is in route_segments.csv.",
    ),
    _c("countries", "string", "countries", "Countries crossed (ISO alpha-3), ' | '-separated."),
    _c("vertex_count", "integer", "vertices", "Vertices of all its segments."),
    *_LENGTHS,
    *_COUNTRY_SPLIT,
    *_EVIDENCE,
)

NODE_COLUMNS: tuple[Column, ...] = (
    *_IDENT,
    _c(
        "kind",
        "string",
        "kind",
        "Kind of node.",
        choices=("port", "terminal", "landing", "station", "junction", "border_crossing"),
    ),
    *_STATUS,
    _c("country", "string", "country", "Country the point lies in or next to (ISO alpha-3)."),
    _c("lon", "number", "lon", "Longitude, degrees east (WGS84), as in the catalogue."),
    _c("lat", "number", "lat", "Latitude, degrees north (WGS84), as in the catalogue."),
    *_PRECISION,
    _c("position_note", "string", "pos_note", "What the coordinate marks."),
    _c("position_source", "string", "pos_src", "Public reference the coordinate comes from."),
    _c("segment_ids", "string", "segments", "Segments that start or end here."),
    *_EVIDENCE,
)

DOCUMENT_COLUMNS: tuple[Column, ...] = (
    _c("id", "string", "id", "Document id: the stem of its file in the corpus."),
    _c("title", "string", "title", "Title as the text gives it (empty if none)."),
    _c("outlet", "string", "outlet", "Outlet the text names (empty if none)."),
    _c("author", "string", "author", "Author the text names (empty if none)."),
    _c("published", "string", "published", "Date the text gives (YYYY-MM-DD), empty if none."),
    _c("updated", "string", "updated", "Last update the text gives, empty if none."),
    _c("url", "string", "url", "Where it was published, empty if unknown."),
    _c("retrieved", "string", "retrieved", "When it was fetched (UTC), for added documents."),
    _c("last_modified", "string", "last_mod", "The server's Last-Modified, if it gave one."),
    _c("language", "string", "language", "Language code."),
    _c("sha256", "string", "sha256", "SHA-256 of the text's bytes."),
    _c("chars", "integer", "chars", "Length of the text in Unicode code points."),
    _c("note", "string", "note", "What is known about the document."),
)

QUOTE_COLUMNS: tuple[Column, ...] = (
    _c("id", "string", "id", "Quote id."),
    _c("doc_id", "string", "doc_id", "Document the quote is in."),
    _c("start", "integer", "start", "Offset of the first character (code points, from 0)."),
    _c("end", "integer", "end", "Offset after the last character."),
    _c("text", "string", "text", "The exact text, as the document has it."),
    _c("prefix", "string", "prefix", "Up to 40 characters before it in the document."),
    _c("suffix", "string", "suffix", "Up to 40 characters after it."),
    _c("feature_ids", "string", "features", "Features the quote supports, ' | '-separated."),
)

CLAIM_COLUMNS: tuple[Column, ...] = (
    _c("id", "string", "id", "Claim id."),
    _c("feature_id", "string", "feature", "Feature the claim is about."),
    _c(
        "kind",
        "string",
        "kind",
        "What is claimed.",
        choices=("length", "volume", "change", "target"),
    ),
    _c("value", "number", "value", "The figure, in unit."),
    _c("value_max", "number", "value_max", "Upper end when the figure is a range.", nullable=True),
    _c("unit", "string", "unit", "km, t (tonnes) or %.", choices=("km", "t", "%")),
    _c("qualifier", "string", "qualifier", "Words that qualify the figure (nearly, planned...)."),
    _c("figure", "string", "figure", "The figure as the quote writes it."),
    _c("refers_to", "string", "refers_to", "Date or period the figure refers to (YYYY[-MM[-DD]])."),
    _c("refers_to_note", "string", "ref_note", "What the figure refers to, in words."),
    _c("quote_id", "string", "quote_id", "Quote that states it."),
    _c("doc_id", "string", "doc_id", "Document of that quote."),
    _c("stated_on", "string", "stated_on", "Date of that document, empty if undated."),
)

ROUTE_SEGMENT_COLUMNS: tuple[Column, ...] = (
    _c("id", "string", "id", "Row id: route id and position."),
    _c("route_id", "string", "route_id", "Route."),
    _c("position", "integer", "position", "Place of the segment in the route, from 1."),
    _c("segment_id", "string", "segment", "Segment."),
    _c("reversed", "integer", "reversed", "1 when the route runs against the segment's direction."),
)

BASEMAP_COLUMNS: dict[str, tuple[Column, ...]] = {
    "basemap_land": (_c("source", "string", "source", "Data source."),),
    "basemap_countries": (
        _c("iso_a3", "string", "iso_a3", "ISO 3166-1 alpha-3 code."),
        _c("name", "string", "name", "Natural Earth name."),
        _c("source", "string", "source", "Data source."),
    ),
}

#: Each published GeoJSON layer: file stem -> (title, geometry type, columns).
LAYERS: dict[str, tuple[str, str, tuple[Column, ...]]] = {
    "cables": ("Subsea fibre-optic cables", "LineString", SEGMENT_COLUMNS),
    "pipelines": ("Oil pipelines", "LineString", SEGMENT_COLUMNS),
    "railways": ("Railway lines", "LineString", SEGMENT_COLUMNS),
    "sea_links": ("Sea links: ferry and feeder lines", "LineString", SEGMENT_COLUMNS),
    "routes": ("Routes: chains of segments", "MultiLineString", ROUTE_COLUMNS),
    "ports": ("Ports and oil terminals", "Point", NODE_COLUMNS),
    "landings": ("Cable landing places", "Point", NODE_COLUMNS),
    "stations": ("Rail stations, junctions and border crossings", "Point", NODE_COLUMNS),
    "basemap_land": ("Land (Natural Earth 10m)", "Polygon", BASEMAP_COLUMNS["basemap_land"]),
    "basemap_countries": (
        "Countries (Natural Earth 10m)",
        "MultiPolygon",
        BASEMAP_COLUMNS["basemap_countries"],
    ),
}

#: Which layer each segment mode and node kind is published in.
MODE_LAYER = {
    "cable": "cables",
    "pipeline": "pipelines",
    "railway": "railways",
    "sea_link": "sea_links",
}
KIND_LAYER = {
    "port": "ports",
    "terminal": "ports",
    "landing": "landings",
    "station": "stations",
    "junction": "stations",
    "border_crossing": "stations",
}

TABLES: dict[str, tuple[str, tuple[Column, ...]]] = {
    "documents": ("Source documents", DOCUMENT_COLUMNS),
    "quotes": ("Quotes anchored in the documents", QUOTE_COLUMNS),
    "claims": ("Figures the quotes state about features", CLAIM_COLUMNS),
    "route_segments": ("The segments of each route, in order", ROUTE_SEGMENT_COLUMNS),
}

#: Longest text a layer property may hold, in UTF-8 bytes (dBase / shapefile limit).
MAX_TEXT_BYTES = 254
