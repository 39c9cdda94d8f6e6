"""Catalogue validation: every bad entry is reported with file, feature id and field, and the
command line turns them into one line each and exit code 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo._errors import CatalogError, InputError
from geo.build import compute
from geo.catalog import parse_figure


def _edit(data: Path, filename: str, old: str, new: str, count: int = 1) -> None:
    path = data / "catalog" / filename
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {filename}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _append(data: Path, filename: str, body: str) -> None:
    path = data / "catalog" / filename
    path.write_text(path.read_text(encoding="utf-8") + "\n" + body, encoding="utf-8")


NEW_SEGMENT = """[[segment]]
id = "{id}"
name = "Test line"
mode = "{mode}"
from = "{start}"
to = "{end}"
via = [{via}]
precision = "schematic"
uncertainty_km = 1.0
geometry_source = "test"
status = "not_stated"
quotes = ["q004_route"]
"""

CASES = [
    pytest.param(
        "nodes.toml",
        "lon = 82.48389\nlat = 45.25222",
        "lon = 45.25222\nlat = 82.48389",
        r"nodes.toml: 'station_dostyk': lon: .*outside the atlas region",
        id="swapped-lon-lat",
    ),
    pytest.param(
        "nodes.toml",
        "lat = 42.155",
        "lat = 142.155",
        r"'port_poti': lat: 142.155 is outside -90..90 — are lon and lat swapped\?",
        id="latitude-out-of-range",
    ),
    pytest.param(
        "nodes.toml",
        "lon = 41.65444",
        "lon = 38.5",
        r"'port_poti': lon: a port must be at the coast, but .* km at sea",
        id="port-in-the-sea",
    ),
    pytest.param(
        "nodes.toml",
        "lon = 43.08548\nlat = 40.59825",
        "lon = 50.5\nlat = 42.0",
        r"'station_kars': lon: .* out at sea; a station stands on land",
        id="station-in-the-caspian",
    ),
    pytest.param(
        "nodes.toml",
        'kind = "port"',
        'kind = "harbour"',
        r"'port_aktau': kind: unknown value 'harbour'; expected one of port",
        id="unknown-kind",
    ),
    pytest.param(
        "nodes.toml",
        "uncertainty_km = 3.0",
        'uncertainty_km = "3 km"',
        r"'port_aktau': uncertainty_km: expected a number, got '3 km' \(string\)",
        id="wrong-type",
    ),
    pytest.param(
        "nodes.toml",
        'position_note = "Harbour basin',
        'positon_note = "Harbour basin',
        r"'port_aktau': positon_note: unknown field \(did you mean 'position_note'\?\)",
        id="misspelt-field",
    ),
    pytest.param(
        "segments.toml",
        'mode = "sea_link"',
        'mode = "sealink"',
        r"'sea_aktau_alat': mode: unknown value 'sealink'.*did you mean 'sea_link'",
        id="unknown-mode",
    ),
    pytest.param(
        "segments.toml",
        'status = "under_construction"',
        'status = "building"',
        r"'cable_aktau_siyazan': status: unknown value 'building'",
        id="unknown-status",
    ),
    pytest.param(
        "segments.toml",
        'to = "landing_siyazan"',
        'to = "landing_siyazn"',
        r"'cable_aktau_siyazan': to: unknown node id 'landing_siyazn'",
        id="unknown-node",
    ),
    pytest.param(
        "segments.toml",
        'quotes = ["q003_cable_routes", "q003_cable_construction"',
        'quotes = ["q003_cable_route", "q003_cable_construction"',
        r"'cable_aktau_siyazan': quotes\[0\]: unknown quote id 'q003_cable_route'",
        id="unknown-quote",
    ),
    pytest.param(
        "segments.toml",
        'operators = ["AzerTelecom", "Kazakhtelecom"]',
        'operators = ["AzerTelecom", "Kazaktelecom"]',
        r"'cable_aktau_siyazan': operators: 'Kazaktelecom' is not named in quote",
        id="operator-not-in-quote",
    ),
    pytest.param(
        "segments.toml",
        'status_quote = "q002_cable_underway"\n',
        "",
        r"'cable_aktau_siyazan': status_quote: status 'under_construction' needs the quote",
        id="status-without-quote",
    ),
    pytest.param(
        "segments.toml",
        '  { name = "off Absheron, east of Şah Dili", lon = 50.85, lat = 40.15 },\n',
        "",
        r"'sea_aktau_alat': via: a sea link must lie at sea, but .* km of it crosses land",
        id="sea-link-across-absheron",
    ),
    pytest.param(
        "claims.toml",
        'figure = "380 kilometres"',
        'figure = "400 kilometres"',
        r"'c_cable_main_length': figure: '400 kilometres' does not appear in quote q003_cable_routes",
        id="figure-not-in-quote",
    ),
    pytest.param(
        "claims.toml",
        "value = 380",
        "value = 38",
        r"'c_cable_main_length': value: 38.0 \(number\) km does not match the figure '380 kilometres'",
        id="value-does-not-match-figure",
    ),
    pytest.param(
        "claims.toml",
        'feature = "cable_aktau_siyazan"',
        'feature = "cable_aktau"',
        r"'c_cable_main_length': feature: unknown feature id 'cable_aktau'",
        id="claim-unknown-feature",
    ),
    pytest.param(
        "routes.toml",
        '"rail_mangyshlak_aktau", "sea_aktau_alat"',
        '"rail_mangyshlak_aktau", "sea_kuryk_alat"',
        r"'route_middle_corridor': segments\[8\]: 'sea_kuryk_alat' .* does not join",
        id="broken-route-chain",
    ),
    pytest.param(
        "nodes.toml",
        'id = "port_kuryk"',
        'id = "port_aktau"',
        r"nodes.toml: 'port_aktau': id: duplicate node id",
        id="duplicate-id",
    ),
    pytest.param(
        "segments.toml",
        'to = "landing_siyazan"\n',
        "",
        r"'cable_aktau_siyazan': to: is missing",
        id="missing-field",
    ),
    pytest.param(
        "claims.toml",
        'refers_to = ""\nrefers_to_note = "A future increase',
        'refers_to = "next year"\nrefers_to_note = "A future increase',
        r"'c_btc_kazakh_oil_ambition': refers_to: 'next year' is not a date",
        id="bad-date",
    ),
    pytest.param(
        "nodes.toml",
        "uncertainty_km = 3.0",
        "uncertainty_km = -3.0",
        r"'port_aktau': uncertainty_km: must not be negative",
        id="negative-uncertainty",
    ),
    pytest.param(
        "routes.toml",
        'segments = ["sea_aktau_alat", "rail_baku_alat"]',
        "segments = []",
        r"'route_aktau_baku': segments: is empty",
        id="empty-route",
    ),
    pytest.param(
        "nodes.toml",
        '[[node]]\nid = "port_aktau"',
        '[[node]\nid = "port_aktau"',
        r"nodes.toml: is not valid TOML",
        id="malformed-toml",
    ),
]


@pytest.mark.parametrize(("filename", "old", "new", "match"), CASES)
def test_bad_catalogue_entries(data_copy, filename, old, new, match):
    _edit(data_copy, filename, old, new)
    with pytest.raises(InputError, match=match):
        compute(data_copy)


@pytest.mark.parametrize(
    ("mode", "start", "end", "via", "match"),
    [
        pytest.param(
            "railway",
            "port_aktau",
            "port_alat",
            "",
            r"'test_line': via: a railway must lie on land",
            id="railway-across-the-caspian",
        ),
        pytest.param(
            "cable",
            "landing_aktau",
            "landing_aktau",
            "",
            r"'test_line': to: same node as 'from'",
            id="line-to-itself",
        ),
        pytest.param(
            "railway",
            "station_baku",
            "port_alat",
            "{lon = 49.6, lat = 40.3}, {lon = 49.4, lat = 40.3}, {lon = 49.5, lat = 40.4}, {lon = 49.5, lat = 40.1}",
            r"'test_line': via: crosses itself",
            id="self-intersection",
        ),
        pytest.param(
            "railway",
            "station_dostyk",
            "station_kars",
            "{lon = 60.0, lat = 56.5}",
            r"'test_line': via: length .* in its fitted CRS \(omerc\) differs from the geodesic .* "
            r"by 0\.12\d+%, more than 0\.05%; split the line at a junction",
            id="too-long-for-one-crs",
        ),
        pytest.param(
            "railway",
            "station_baku",
            "port_alat",
            "{lon = 49.5}",
            r"segments.toml: '#1': lat: is missing",
            id="waypoint-without-lat",
        ),
    ],
)
def test_bad_new_segments(data_copy, mode, start, end, via, match):
    _append(
        data_copy,
        "segments.toml",
        NEW_SEGMENT.format(id="test_line", mode=mode, start=start, end=end, via=via),
    )
    with pytest.raises(InputError, match=match):
        compute(data_copy)


def test_zero_length_line(data_copy):
    _append(
        data_copy,
        "nodes.toml",
        """[[node]]
id = "twin_of_baku"
name = "Twin"
kind = "station"
lon = 49.85333
lat = 40.38306
precision = "schematic"
uncertainty_km = 1.0
position_note = "test"
position_source = "test"
status = "not_stated"
quotes = ["q004_route"]
""",
    )
    _append(
        data_copy,
        "segments.toml",
        NEW_SEGMENT.format(
            id="test_line", mode="railway", start="station_baku", end="twin_of_baku", via=""
        ),
    )
    with pytest.raises(CatalogError, match=r"'test_line': via: has zero length"):
        compute(data_copy)


def test_every_problem_is_reported_at_once(data_copy):
    _edit(data_copy, "nodes.toml", 'kind = "port"', 'kind = "harbour"')
    _edit(data_copy, "segments.toml", 'mode = "sea_link"', 'mode = "sealink"')
    _edit(data_copy, "claims.toml", "value = 380", "value = 38")
    with pytest.raises(CatalogError) as info:
        compute(data_copy)
    fields = {(p.feature, p.field) for p in info.value.problems}
    assert {
        ("port_aktau", "kind"),
        ("sea_aktau_alat", "mode"),
        ("c_cable_main_length", "value"),
    } <= fields


def test_cli_prints_one_line_per_problem_and_exits_1(data_copy, tmp_path, cli):
    _edit(data_copy, "nodes.toml", 'kind = "port"', 'kind = "harbour"')
    _edit(data_copy, "claims.toml", "value = 380", "value = 38")
    result = cli("build", "--data", str(data_copy), "--layers", str(tmp_path / "layers"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("error: catalog/claims.toml: 'c_cable_main_length': value:")
    assert lines[1].startswith("error: catalog/nodes.toml: 'port_aktau': kind:")
    assert lines[2] == "2 problems; nothing was written"
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "layers").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("380 kilometres", (380.0, None, "km")),
        ("1.5 million tonnes", (1_500_000.0, None, "t")),
        ("6-6.5 million tonnes", (6_000_000.0, 6_500_000.0, "t")),
        ("62\u00a0percent", (62.0, None, "%")),
        ("10\u00a0million tons", (10_000_000.0, None, "t")),
        ("nearly 1.5 million tons", (1_500_000.0, None, "t")),
        ("half-billion mark", None),
    ],
)
def test_parse_figure(text, expected):
    assert parse_figure(text) == expected


def test_claim_figures_appear_in_their_quotes(built):
    for claim in built.catalog.claims.values():
        quote = built.corpus.quotes[claim.quote].text
        assert claim.figure in quote
        assert re.search(r"\d", claim.figure)


@pytest.mark.parametrize(("filename", "old", "new", "match"), CASES)
def test_bad_catalogue_entries_through_the_cli(
    data_copy, tmp_path, monkeypatch, capsys, filename, old, new, match
):
    from geo.cli import main

    monkeypatch.setenv("GEO_DATA_DIR", str(data_copy))
    monkeypatch.setenv("GEO_LAYERS_DIR", str(tmp_path / "layers"))
    _edit(data_copy, filename, old, new)
    code = main(["build", "--data", str(data_copy), "--layers", str(tmp_path / "layers")])
    err = capsys.readouterr().err
    assert code == 1
    assert re.search(match, err), err
    assert all(line.startswith("error: ") for line in err.splitlines()[:-1])
    assert err.splitlines()[-1].endswith("nothing was written")
    assert "Traceback" not in err
    assert not (tmp_path / "layers").exists()
