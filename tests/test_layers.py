"""The published layers: RFC 7946, lengths in fitted projected CRSs, determinism, evidence."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from pyproj import Geod, Transformer
from shapely.geometry import shape

from geo import settings
from geo.build import build
from geo.export import json_schema
from geo.schema import LAYERS

LINE_LAYERS = ("cables", "pipelines", "railways", "sea_links")
FEATURE_LAYERS = (*LINE_LAYERS, "routes", "ports", "landings", "stations")
GEOD = Geod(ellps="WGS84")


def _all_lines(built):
    return [row for layer in LINE_LAYERS for row in built.rows[layer]]


def test_layers_hold_every_kind_of_feature(layer_features):
    counts = {name: len(layer_features[name]) for name in FEATURE_LAYERS}
    assert counts["cables"] == 2
    assert counts["pipelines"] == 2
    assert counts["railways"] >= 15
    assert counts["sea_links"] == 4
    assert counts["routes"] >= 1
    ids = {f["id"] for name in FEATURE_LAYERS for f in layer_features[name]}
    for expected in (
        "cable_aktau_siyazan",
        "cable_kuryk_buzovna",
        "pipeline_btc",
        "pipeline_cpc",
        "sea_aktau_alat",
        "sea_kuryk_alat",
        "sea_turkmenbashi_alat",
        "sea_poti_constanta",
        "route_middle_corridor",
        "port_aktau",
        "port_kuryk",
        "port_alat",
        "port_turkmenbashi",
        "port_poti",
        "port_batumi",
        "port_constanta",
        "terminal_sangachal",
        "terminal_ceyhan",
        "station_dostyk",
        "station_altynkol",
        "rail_tbilisi_kartsakhi",
        "rail_kartsakhi_kars",
        "rail_samtredia_batumi",
        "rail_samtredia_poti",
    ):
        assert expected in ids


@pytest.mark.parametrize("name", list(LAYERS))
def test_rfc7946(layers_dir, name):
    raw = (layers_dir / f"{name}.geojson").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data
    ids = [f["id"] for f in data["features"]]
    assert len(ids) == len(set(ids))
    for line in raw.splitlines()[1:-1]:
        geometry_text = line.split('"geometry":', 1)[1]
        for decimals in re.findall(r"\.(\d+)", geometry_text):
            assert len(decimals) <= settings.COORD_DECIMALS
    for f in data["features"]:
        assert isinstance(f["id"], str)
        for value in f["properties"].values():
            assert value is None or isinstance(value, str | int | float)
        geom = shape(f["geometry"])
        assert geom.is_valid
        lon_min, lat_min, lon_max, lat_max = geom.bounds
        west, south, east, north = settings.REGION_BBOX
        assert west <= lon_min <= lon_max <= east and south <= lat_min <= lat_max <= north
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            polys = getattr(geom, "geoms", [geom])
            assert all(p.exterior.is_ccw for p in polys)  # right-hand rule
            assert all(not ring.is_ccw for p in polys for ring in p.interiors)


@pytest.mark.parametrize("name", list(LAYERS))
def test_layers_validate_against_the_published_schema(layers_dir, name):
    schema = json_schema()["layers"][name]
    jsonschema.validate(json.loads((layers_dir / f"{name}.geojson").read_text("utf-8")), schema)


def test_text_fits_shapefile_fields(layer_features):
    for name in FEATURE_LAYERS:
        for f in layer_features[name]:
            for key, value in f["properties"].items():
                assert re.fullmatch(r"[a-z][a-z0-9_]*", key)
                if isinstance(value, str):
                    assert len(value.encode("utf-8")) <= 254, (f["id"], key)


def test_building_twice_gives_identical_bytes(layers_dir, tmp_path):
    again = tmp_path / "again"
    build(out_dir=again)
    names = sorted(p.name for p in layers_dir.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (layers_dir / name).read_bytes() == (again / name).read_bytes(), name


def test_line_ends_coincide_with_their_nodes(layer_features):
    nodes = {
        f["id"]: f["geometry"]["coordinates"]
        for name in ("ports", "landings", "stations")
        for f in layer_features[name]
    }
    for name in LINE_LAYERS:
        for f in layer_features[name]:
            coords = f["geometry"]["coordinates"]
            assert coords[0] == nodes[f["properties"]["from_node"]], f["id"]
            assert coords[-1] == nodes[f["properties"]["to_node"]], f["id"]


def _line_ids():
    from geo.build import compute

    built = compute()
    return [row["id"] for row in _all_lines(built)]


@pytest.mark.parametrize("line_id", _line_ids())
def test_projected_length_agrees_with_the_geodesic(built, layer_features, line_id):
    row = next(r for r in _all_lines(built) if r["id"] == line_id)
    feature = next(f for n in LINE_LAYERS for f in layer_features[n] if f["id"] == line_id)
    lons, lats = zip(*feature["geometry"]["coordinates"], strict=True)
    geodesic_km = GEOD.line_length(lons, lats) / 1000  # independent of the build's own figure
    assert abs(row["length_km"] - geodesic_km) / geodesic_km < settings.LENGTH_TOLERANCE
    assert row["crs_kind"] in ("omerc", "tmerc", "lcc")
    fwd = Transformer.from_crs("EPSG:4326", row["crs_proj4"], always_xy=True)
    x, y = fwd.transform(lons, lats)
    planar_km = (
        sum(
            ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
            for x1, y1, x2, y2 in zip(x[:-1], y[:-1], x[1:], y[1:], strict=True)
        )
        / 1000
    )
    assert planar_km == pytest.approx(row["length_km"], abs=0.002)


def test_web_mercator_would_overstate_lengths_here(built):
    row = next(r for r in built.rows["pipelines"] if r["id"] == "pipeline_btc")
    lons, lats = zip(*built.measures["pipeline_btc"].points, strict=True)
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(lons, lats)
    merc_km = (
        sum(
            ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
            for x1, y1, x2, y2 in zip(x[:-1], y[:-1], x[1:], y[1:], strict=True)
        )
        / 1000
    )
    assert merc_km / row["length_geodesic_km"] > 1.25


def test_country_split_adds_up(built):
    for row in [*_all_lines(built), *built.rows["routes"]]:
        parts = sum(v for k, v in row.items() if re.fullmatch(r"len_[a-z]+_km", k))
        assert parts == pytest.approx(row["length_km"], rel=2e-4, abs=0.01), row["id"]


def test_btc_runs_through_three_countries_south_of_tbilisi(built):
    row = next(r for r in built.rows["pipelines"] if r["id"] == "pipeline_btc")
    assert row["countries"] == "AZE | GEO | TUR"
    assert row["len_aze_km"] > 300 and row["len_geo_km"] > 150 and row["len_tur_km"] > 800
    lats = [lat for lon, lat in built.measures["pipeline_btc"].points if 44.6 < lon < 45.0]
    assert max(lats) < 41.69  # Tbilisi Central is at 41.72 N


def test_stated_length_is_shown_beside_the_computed_one(built):
    row = next(r for r in built.rows["cables"] if r["id"] == "cable_aktau_siyazan")
    assert row["stated_length_km"] == 380
    assert row["stated_length_claim_id"] == "c_cable_main_length"
    expected = (row["length_km"] - 380) / 380 * 100
    assert row["computed_vs_stated_pct"] == pytest.approx(expected, abs=0.01)


def test_cables_and_sea_links_stay_at_sea_and_railways_on_land(built):
    for row in _all_lines(built):
        m = built.measures[row["id"]]
        if row["mode"] in ("cable", "sea_link"):
            assert m.land_outside_ends_km < 0.5, row["id"]
            assert m.by_country_km["sea"] / m.length_km > 0.9, row["id"]
        else:
            assert m.water_outside_ends_km < 2.0, row["id"]


def test_every_feature_has_evidence(built, layer_features):
    quote_ids = set(built.corpus.quotes)
    for name in FEATURE_LAYERS:
        for f in layer_features[name]:
            p = f["properties"]
            cited = [q for q in p["quote_ids"].split(" | ") if q]
            assert cited and set(cited) <= quote_ids, f["id"]
            if p["status"] == "not_stated":
                assert p["status_quote_id"] == "" and p["status_as_of"] == ""
                continue
            assert p["status_quote_id"] in cited
            doc = built.corpus.documents[built.corpus.quotes[p["status_quote_id"]].document]
            assert p["status_as_of"] == doc.published


def test_claims_table_has_the_documented_figures(layers_dir):
    text = (layers_dir / "claims.csv").read_text(encoding="utf-8")
    for figure in (
        "380 kilometres",
        "1.5 million tonnes",
        "6-6.5 million tonnes",
        "1.5 million tons",
        "4.5 million tons",
        "62\u00a0percent",
        "10\u00a0million tons",
    ):
        assert figure in text


def test_positions_taken_from_openstreetmap_carry_odbl(data_copy, tmp_path, layers_dir):
    nodes = data_copy / "catalog" / "nodes.toml"
    nodes.write_text(
        nodes.read_text("utf-8").replace(
            'position_source = "Wikipedia, Poti Sea Port: 42°9′18″N 41°39′16″E"',
            'position_source = "OpenStreetMap node (reviewed with fetch osm)"',
        ),
        "utf-8",
    )
    build(out_dir=tmp_path / "layers", data_dir=data_copy)
    meta = json.loads((tmp_path / "layers" / "metadata.json").read_text("utf-8"))
    osm = meta["sources"]["openstreetmap"]
    assert osm["licence"] == "ODbL 1.0" and osm["features"] == ["port_poti"]
    assert "OpenStreetMap contributors" in osm["attribution"]
    plain = json.loads((layers_dir / "metadata.json").read_text("utf-8"))
    assert "openstreetmap" not in plain["sources"]
