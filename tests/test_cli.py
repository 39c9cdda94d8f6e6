"""The command line as people use it: help, exit codes, stderr for problems, atomic outputs."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "command",
    [
        "build",
        "check",
        "render",
        "lengths",
        "export",
        "all",
        "corpus add",
        "corpus verify",
        "link",
        "fetch osm",
    ],
)
def test_every_command_has_help_with_units_and_axis_order(cli, command):
    result = cli(*command.split(), "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "(longitude, latitude)" in text and "kilometres" in text


def test_bad_arguments_exit_2(cli):
    assert cli("frobnicate").returncode == 2
    assert cli("build", "--no-such-option").returncode == 2
    assert cli("export", "--format", "shp", "--out", "x").returncode == 2


def test_version(cli):
    result = cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("corridor-atlas ")


def test_build_then_check(cli, tmp_path):
    layers = tmp_path / "layers"
    built = cli("build", "--layers", str(layers))
    assert built.returncode == 0, built.stderr
    assert "cables.geojson" in built.stdout and built.stderr == ""
    checked = cli("check", "--layers", str(layers))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("ok: 5 documents")


def test_check_finds_stale_and_stray_layers(cli, tmp_path):
    layers = tmp_path / "layers"
    assert cli("build", "-q", "--layers", str(layers)).returncode == 0
    (layers / "cables.geojson").write_text("{}", encoding="utf-8")
    (layers / "extra.txt").write_text("x", encoding="utf-8")
    result = cli("check", "--layers", str(layers))
    assert result.returncode == 1
    assert "cables.geojson: differs from what the inputs give" in result.stderr
    assert "extra.txt: not produced by the build" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_failed_build_leaves_the_previous_layers_untouched(cli, tmp_path, data_copy):
    layers = tmp_path / "layers"
    assert cli("build", "-q", "--layers", str(layers)).returncode == 0
    before = {p.name: p.read_bytes() for p in layers.iterdir()}
    catalog = data_copy / "catalog" / "nodes.toml"
    catalog.write_text(
        catalog.read_text("utf-8").replace("lat = 42.155", "lat = 142.155"), encoding="utf-8"
    )
    result = cli("build", "--data", str(data_copy), "--layers", str(layers))
    assert result.returncode == 1
    assert "'port_poti': lat: 142.155 is outside -90..90" in result.stderr
    assert {p.name: p.read_bytes() for p in layers.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_render_and_export(cli, tmp_path):
    layers, maps, out = tmp_path / "layers", tmp_path / "maps", tmp_path / "out"
    result = cli("all", "--layers", str(layers), "--maps", str(maps))
    assert result.returncode == 0, result.stderr
    assert (maps / "index.html").exists() and (maps / "assets" / "leaflet.js").exists()
    assert (maps / "sources" / "003_3407290432f097a7.html").exists()
    exported = cli(
        "export",
        "--layers",
        str(layers),
        "--out",
        str(out),
        "--format",
        "kml",
        "--format",
        "fgb",
        "--format",
        "csv",
    )
    assert exported.returncode == 0, exported.stderr
    kml = (out / "corridor.kml").read_text("utf-8")
    assert "<Placemark><name>Baku–Tbilisi–Ceyhan oil pipeline</name>" in kml
    assert "380 kilometres" in kml
    assert (out / "cables.fgb").stat().st_size > 0
    assert (out / "claims.csv").read_text("utf-8").startswith("id,feature_id,kind")


def test_export_without_layers_is_a_clear_error(cli, tmp_path):
    result = cli(
        "export",
        "--layers",
        str(tmp_path / "none"),
        "--out",
        str(tmp_path / "o"),
        "--format",
        "kml",
    )
    assert result.returncode == 1
    assert "no layers found; run `python -m geo build` first" in result.stderr


def test_render_without_leaflet_says_what_to_do(cli, tmp_path):
    layers = tmp_path / "layers"
    assert cli("build", "-q", "--layers", str(layers)).returncode == 0
    result = cli(
        "render",
        "--layers",
        str(layers),
        "--maps",
        str(tmp_path / "maps"),
        env={"GEO_ASSETS_DIR": str(tmp_path / "no_node_modules")},
    )
    assert result.returncode == 1
    assert "Leaflet not found" in result.stderr and "npm ci" in result.stderr
    assert not (tmp_path / "maps").exists()


def test_verbose_says_where_inputs_and_outputs_are(cli, tmp_path, data_copy):
    nodes = data_copy / "catalog" / "nodes.toml"
    nodes.write_text(
        nodes.read_text("utf-8").replace('kind = "port"', 'kind = "harbour"', 1), "utf-8"
    )
    result = cli("build", "-v", "--data", str(data_copy), "--layers", str(tmp_path / "l"))
    assert result.returncode == 1
    assert f"inputs read from {data_copy}" in result.stderr
    quiet = cli("build", "-q", "--data", str(data_copy), "--layers", str(tmp_path / "l"))
    assert quiet.returncode == 1 and quiet.stdout == ""


def test_committed_layers_are_what_the_build_writes(cli):
    from tests.conftest import ROOT

    result = cli("check", "--layers", str(ROOT / "layers"))
    assert result.returncode == 0, result.stderr


def test_cli_reference_is_up_to_date():
    import importlib.util

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location(
        "cli_reference", ROOT / "scripts" / "cli_reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (ROOT / "docs" / "CLI.md").read_text("utf-8")
    assert module.reference() == committed, "run scripts/cli_reference.py"
