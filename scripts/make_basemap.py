"""Make the committed regional basemap from Natural Earth 10m (world-atlas, an npm package).

Run after ``npm ci``::

    python scripts/make_basemap.py

It reads ``node_modules/world-atlas/{land,countries}-10m.json`` (Natural Earth 4.1.0, public
domain, as TopoJSON), clips them to the corridor region (``geo.settings.REGION_BBOX``), repairs
invalid rings, attaches ISO 3166-1 alpha-3 codes, and writes ``geo/data/basemap/land.geojson``
and ``geo/data/basemap/countries.geojson``. The output is deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import box

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo import settings  # noqa: E402
from geo._geojson import feature, write_collection  # noqa: E402

#: ISO 3166-1 numeric to alpha-3, for the countries in the region (world-atlas gives numeric).
ISO_NUMERIC = {
    "004": "AFG",
    "031": "AZE",
    "051": "ARM",
    "100": "BGR",
    "112": "BLR",
    "156": "CHN",
    "196": "CYP",
    "268": "GEO",
    "300": "GRC",
    "356": "IND",
    "364": "IRN",
    "368": "IRQ",
    "376": "ISR",
    "398": "KAZ",
    "400": "JOR",
    "417": "KGZ",
    "422": "LBN",
    "428": "LVA",
    "440": "LTU",
    "498": "MDA",
    "586": "PAK",
    "642": "ROU",
    "643": "RUS",
    "760": "SYR",
    "762": "TJK",
    "792": "TUR",
    "795": "TKM",
    "804": "UKR",
    "860": "UZB",
}
#: Natural Earth units without a numeric code, and the country whose territory they are.
ISO_BY_NAME = {"Baikonur": "KAZ", "N. Cyprus": "CYP", "Dhekelia": "CYP", "Akrotiri": "CYP"}

DECIMALS = 5  # world-atlas 10m is quantised to about 1e-4 degrees; more decimals add nothing


def main() -> int:
    source = ROOT / "node_modules" / "world-atlas"
    if not source.is_dir():
        print("node_modules/world-atlas is missing: run `npm ci` first", file=sys.stderr)
        return 1
    region = box(*settings.REGION_BBOX)
    out = ROOT / "geo" / "data" / "basemap"
    out.mkdir(parents=True, exist_ok=True)

    land = gpd.read_file(source / "land-10m.json", layer="land")
    pieces = [shapely.make_valid(g).intersection(region) for g in land.geometry if g is not None]
    land_geom = shapely.make_valid(shapely.union_all(pieces))
    parts = [g for g in getattr(land_geom, "geoms", [land_geom]) if g.geom_type == "Polygon"]
    parts.sort(key=lambda g: (-g.area, g.bounds))
    write_collection(
        out / "land.geojson",
        "basemap_land",
        [
            feature(
                f"land_{i:04d}", {"source": "Natural Earth 10m land 4.1.0"}, g, decimals=DECIMALS
            )
            for i, g in enumerate(parts)
        ],
    )

    countries = gpd.read_file(source / "countries-10m.json", layer="countries")
    rows = []
    for ident, name, geom in zip(
        countries["id"], countries["name"], countries.geometry, strict=True
    ):
        if geom is None or not geom.intersects(region):
            continue
        iso3 = ISO_NUMERIC.get(str(ident)) or ISO_BY_NAME.get(str(name))
        if iso3 is None:
            continue
        clipped = shapely.make_valid(shapely.make_valid(geom).intersection(region))
        polys = [g for g in getattr(clipped, "geoms", [clipped]) if g.geom_type == "Polygon"]
        if not polys:
            continue
        rows.append((iso3, str(name), shapely.MultiPolygon(polys)))
    rows.sort()
    write_collection(
        out / "countries.geojson",
        "basemap_countries",
        [
            feature(
                f"{iso3.lower()}_{i}",
                {"iso_a3": iso3, "name": name, "source": "Natural Earth 10m admin 0 4.1.0"},
                geom,
                decimals=DECIMALS,
            )
            for i, (iso3, name, geom) in enumerate(rows)
        ],
    )
    for path in sorted(out.glob("*.geojson")):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
