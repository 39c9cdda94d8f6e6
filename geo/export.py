"""Release files beside the GeoJSON layers (GeoPackage, data dictionary, JSON Schema,
metadata) and extra formats on request (FlatGeobuf, KML, CSV)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import geopandas as gpd
import pandas as pd
import pyogrio

from geo import settings
from geo._errors import LayerError
from geo._geojson import clean_geometry
from geo.basemap import ATTRIBUTION
from geo.schema import LAYERS, MAX_TEXT_BYTES, TABLES, Column

if TYPE_CHECKING:
    from geo.build import Built

#: Fixed timestamp GDAL writes into the GeoPackage, so that rebuilding gives the same bytes.
GPKG_DATE = "2000-01-01T00:00:00Z"
GPKG_NAME = "corridor.gpkg"
#: GeoPackage 1.3: read without warnings by older GDALs such as Debian 12's 3.6.
_GPKG_OPTIONS = {"VERSION": "1.3"}

#: Colours (KML aabbggrr) by mode, for the KML export; the same hues as the maps' style table.
_KML_COLOURS = {
    "cable": "ffb0279c",
    "pipeline": "ff1c1ad7",
    "railway": "ff3b3b3b",
    "sea_link": "ffc07a1f",
    "route": "ff00a5ff",
    "port": "ff8b4513",
    "terminal": "ff1c1ad7",
    "landing": "ffb0279c",
    "station": "ff3b3b3b",
    "junction": "ff3b3b3b",
    "border_crossing": "ff3b3b3b",
}


def _frame(rows: list[dict[str, Any]], columns: Sequence[Column]) -> pd.DataFrame:
    data = {c.name: [r[c.name] for r in rows] for c in columns}
    frame = pd.DataFrame(data, columns=[c.name for c in columns])
    for c in columns:
        if c.kind == "number":
            frame[c.name] = frame[c.name].astype("float64")
        elif c.kind == "integer":
            frame[c.name] = frame[c.name].astype("int64")
        else:
            frame[c.name] = frame[c.name].astype(object)
    return frame


def _geoframe(built: Built, name: str) -> gpd.GeoDataFrame:
    _title, _gtype, columns = LAYERS[name]
    rows = built.rows[name]
    frame = _frame(rows, columns)
    geometry = [clean_geometry(r["geometry"], settings.COORD_DECIMALS) for r in rows]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def geopackage_bytes(built: Built) -> bytes:
    """Every feature layer plus the documents, quotes and claims tables, as a GeoPackage."""
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_DATE})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / GPKG_NAME
        for name in LAYERS:
            if name.startswith("basemap_"):
                continue
            frame = _geoframe(built, name)
            pyogrio.write_dataframe(
                frame,
                path,
                layer=name,
                driver="GPKG",
                promote_to_multi=False,
                geometry_type=_gpkg_type(name),
                dataset_options=_GPKG_OPTIONS,
            )
        for name, (_title, columns) in TABLES.items():
            pyogrio.write_dataframe(
                _frame(built.rows[name], columns),
                path,
                layer=name,
                driver="GPKG",
                dataset_options=_GPKG_OPTIONS,
            )
        return path.read_bytes()


def _gpkg_type(name: str) -> str:
    return LAYERS[name][1]


def _json_type(column: Column) -> Any:
    kind = {"string": "string", "number": "number", "integer": "integer"}[column.kind]
    spec: dict[str, Any] = {
        "type": [kind, "null"] if column.nullable else kind,
        "description": column.description,
        "x-short-name": column.short,
    }
    if column.kind == "string":
        spec["maxLength"] = MAX_TEXT_BYTES
    if column.choices:
        spec["enum"] = [*column.choices, *([None] if column.nullable else [])]
    return spec


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of every published GeoJSON layer, keyed by layer name."""
    layers = {}
    for name, (title, gtype, columns) in LAYERS.items():
        layers[name] = {
            "title": title,
            "type": "object",
            "required": ["type", "name", "features"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "name": {"const": name},
                "features": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["type", "id", "properties", "geometry"],
                        "additionalProperties": False,
                        "properties": {
                            "type": {"const": "Feature"},
                            "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_]*$"},
                            "geometry": {
                                "type": "object",
                                "required": ["type", "coordinates"],
                                "properties": {"type": {"const": gtype}},
                            },
                            "properties": {
                                "type": "object",
                                "additionalProperties": False,
                                "required": [c.name for c in columns],
                                "properties": {c.name: _json_type(c) for c in columns},
                            },
                        },
                    },
                },
            },
            "not": {"required": ["crs"]},
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Middle Corridor atlas layers",
        "description": "Schema of each GeoJSON file in layers/, keyed by file stem.",
        "layers": layers,
    }


def data_dictionary(built: Built) -> str:
    """``layers/README.md``: every file, its feature count and its fields."""
    lines = [
        "# Data dictionary",
        "",
        "Generated by `python -m geo build` from `geo/schema.py`; do not edit by hand.",
        "",
        "GeoJSON layers follow RFC 7946: WGS84 longitude/latitude (EPSG:4326), no `crs` member, "
        f"at most {settings.COORD_DECIMALS} decimals, a stable `id` on every feature, flat "
        f"properties, text of at most {MAX_TEXT_BYTES} bytes. Lists inside a property are "
        "separated by ` | `. Lengths are kilometres measured in a conformal projection fitted "
        "to each line (`crs_proj4`) and checked against the WGS84 geodesic. Quotes, too long "
        "for a layer, live in `quotes.csv` and are referenced by id. The column `short` is the "
        "name to use in formats limited to 10-character field names (shapefile).",
        "",
        f"`{GPKG_NAME}` holds every feature layer and the tables `documents`, `quotes`, `claims`.",
        "",
        f"Basemap: {ATTRIBUTION}.",
        "",
    ]
    for name, (title, gtype, columns) in LAYERS.items():
        count = len(built.rows.get(name, [])) if not name.startswith("basemap_") else None
        lines += [f"## `{name}.geojson` — {title}", ""]
        lines += [f"Geometry: {gtype}." + (f" Features: {count}." if count is not None else ""), ""]
        lines += _field_table(columns)
    for name, (title, columns) in TABLES.items():
        lines += [f"## `{name}.csv` — {title}", "", f"Rows: {len(built.rows[name])}.", ""]
        lines += _field_table(columns)
    return "\n".join(lines)


def _field_table(columns: Iterable[Column]) -> list[str]:
    out = ["| field | short | type | description |", "|---|---|---|---|"]
    for c in columns:
        desc = c.description + (f" One of: {', '.join(c.choices)}." if c.choices else "")
        kind = c.kind + (" or null" if c.nullable else "")
        out.append(f"| `{c.name}` | `{c.short}` | {kind} | {desc} |")
    return [*out, ""]


def metadata_json(built: Built) -> dict[str, Any]:
    """``layers/metadata.json``: what was built from what, under which licence."""
    return {
        "title": "Middle Corridor infrastructure atlas",
        "version": settings.version(),
        "crs": "EPSG:4326 (RFC 7946 GeoJSON); lengths measured per feature in a fitted "
        "conformal projection recorded in crs_proj4, checked against pyproj.Geod (WGS84)",
        "length_tolerance_pct": settings.LENGTH_TOLERANCE * 100,
        "densify_step_m": settings.DENSIFY_STEP_M,
        "sources": {
            "documents": [
                {
                    "id": d.id,
                    "title": d.title,
                    "outlet": d.outlet,
                    "author": d.author,
                    "published": d.published,
                    "url": d.url,
                    "sha256": d.sha256,
                    "licence": "news text, copyright its publisher; quoted as evidence",
                }
                for d in sorted(built.corpus.documents.values(), key=lambda d: d.id)
            ],
            "basemap": {"name": ATTRIBUTION, "licence": "public domain"},
            "coordinates": "public references named per feature in position_source / "
            "geometry_source",
            **_osm_sources(built),
        },
        "layers": {
            name: {
                "title": title,
                "geometry": gtype,
                "features": len(built.rows.get(name, []))
                if not name.startswith("basemap_")
                else None,
                "evidence": "quote_ids, claim_ids and doc_ids per feature"
                if not name.startswith("basemap_")
                else "Natural Earth",
            }
            for name, (title, gtype, _cols) in LAYERS.items()
        },
    }


def _osm_sources(built: Built) -> dict[str, Any]:
    """ODbL attribution for the features whose position a curator took from OpenStreetMap
    (``fetch osm`` only reviews; adopting its coordinates is a catalogue edit that must name
    OpenStreetMap in ``position_source`` or ``geometry_source``)."""
    from geo.osm import ATTRIBUTION as OSM

    items = [*built.catalog.nodes.values(), *built.catalog.segments.values()]
    ids = sorted(
        i.id
        for i in items
        if "openstreetmap"
        in getattr(i, "position_source", getattr(i, "geometry_source", "")).lower()
    )
    if not ids:
        return {}
    return {"openstreetmap": {"attribution": OSM, "licence": "ODbL 1.0", "features": ids}}


def add_release_files(built: Built) -> None:
    """Add the GeoPackage, data dictionary, schema and metadata to ``built.files``."""
    built.files[GPKG_NAME] = geopackage_bytes(built)  # type: ignore[assignment]
    built.files["README.md"] = data_dictionary(built)
    built.files["schema.json"] = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    built.files["metadata.json"] = (
        json.dumps(metadata_json(built), indent=2, ensure_ascii=False) + "\n"
    )


def _kml(layers_dir: Path) -> str:
    quotes = {}
    claims_path = layers_dir / "quotes.csv"
    if claims_path.exists():
        quotes = pd.read_csv(claims_path, dtype=str, keep_default_na=False).set_index("id")["text"]
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
        "<name>Middle Corridor atlas</name>",
    ]
    for style, colour in _KML_COLOURS.items():
        parts.append(
            f'<Style id="{style}"><LineStyle><color>{colour}</color><width>3</width>'
            f"</LineStyle><IconStyle><color>{colour}</color></IconStyle></Style>"
        )
    for name in LAYERS:
        if name.startswith("basemap_"):
            continue
        frame = pyogrio.read_dataframe(layers_dir / f"{name}.geojson")
        parts.append(f"<Folder><name>{escape(LAYERS[name][0])}</name>")
        for _, row in frame.sort_values("id").iterrows():
            style = row.get("mode") if "mode" in frame.columns else row.get("kind")
            cited = [q for q in str(row["quote_ids"]).split(" | ") if q]
            desc = "".join(f"<p>{escape(str(quotes.get(q, '')))} [{escape(q)}]</p>" for q in cited)
            parts.append(
                f"<Placemark><name>{escape(str(row['name']))}</name>"
                f"<styleUrl>#{escape(str(style))}</styleUrl>"
                f"<description><![CDATA[<p>Status: {escape(str(row['status']))}</p>{desc}]]>"
                f"</description>{_kml_geometry(row.geometry)}</Placemark>"
            )
        parts.append("</Folder>")
    parts.append("</Document></kml>")
    return "\n".join(parts) + "\n"


def _kml_geometry(geom: Any) -> str:
    def coords(seq: Iterable[tuple[float, ...]]) -> str:
        return " ".join(f"{x:.7f},{y:.7f}" for x, y, *_ in seq)

    if geom.geom_type == "Point":
        return f"<Point><coordinates>{geom.x:.7f},{geom.y:.7f}</coordinates></Point>"
    if geom.geom_type == "LineString":
        return f"<LineString><coordinates>{coords(geom.coords)}</coordinates></LineString>"
    lines = "".join(
        f"<LineString><coordinates>{coords(g.coords)}</coordinates></LineString>"
        for g in geom.geoms
    )
    return f"<MultiGeometry>{lines}</MultiGeometry>"


def export(*, layers_dir: Path, out_dir: Path, formats: Sequence[str]) -> list[Path]:
    """Write the layers of ``layers_dir`` in other formats into ``out_dir``.

    Parameters
    ----------
    formats
        Any of ``"fgb"`` (one FlatGeobuf per layer), ``"kml"`` (one KML with every layer,
        styled by mode, quotes in the descriptions) and ``"csv"`` (the claims table).
    """
    if not (layers_dir / "cables.geojson").exists():
        raise LayerError(f"{layers_dir}: no layers found; run `python -m geo build` first")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in dict.fromkeys(formats):
        if fmt == "fgb":
            for name in LAYERS:
                frame = pyogrio.read_dataframe(layers_dir / f"{name}.geojson")
                path = out_dir / f"{name}.fgb"
                pyogrio.write_dataframe(frame, path, driver="FlatGeobuf")
                written.append(path)
        elif fmt == "kml":
            path = out_dir / "corridor.kml"
            path.write_text(_kml(layers_dir), encoding="utf-8")
            written.append(path)
        elif fmt == "csv":
            path = out_dir / "claims.csv"
            path.write_bytes((layers_dir / "claims.csv").read_bytes())
            written.append(path)
    return written
