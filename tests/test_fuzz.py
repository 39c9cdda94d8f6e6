"""Property-based tests: random and mutated catalogue entries and documents end either in a
valid build or in one of our own typed errors — never in anything else."""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import settings as geo_settings
from geo._errors import CorpusError, InputError
from geo.build import compute
from geo.catalog import load_catalog
from geo.corpus import load_corpus

CATALOG_FILES = {
    "nodes.toml": "node",
    "segments.toml": "segment",
    "routes.toml": "route",
    "claims.toml": "claim",
}
FIELDS = [
    "id",
    "name",
    "aliases",
    "kind",
    "mode",
    "lon",
    "lat",
    "from",
    "to",
    "via",
    "status",
    "status_quote",
    "quotes",
    "operators",
    "operators_quote",
    "precision",
    "uncertainty_km",
    "segments",
    "feature",
    "value",
    "value_max",
    "unit",
    "figure",
    "refers_to",
    "quote",
    "position_note",
    "position_source",
    "geometry_source",
    "extra",
]

values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["lon", "lat", "name", "x"]), inner, max_size=3),
    ),
    max_leaves=6,
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def _data() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(geo_settings.PACKAGE_DATA_DIR / "corpus", data / "corpus")
        shutil.copytree(geo_settings.PACKAGE_DATA_DIR / "catalog", data / "catalog")
        (data / "basemap").symlink_to(geo_settings.PACKAGE_DATA_DIR / "basemap")
        yield data


def _without_none(value):  # TOML has no null: a None means "delete the field"
    if isinstance(value, list):
        return [_without_none(v) for v in value if v is not None]
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    return value


def _mutate(data: Path, filename: str, index: int, field: str, value) -> None:
    path = data / "catalog" / filename
    doc = tomllib.loads(path.read_text("utf-8"))
    items = doc[CATALOG_FILES[filename]]
    entry = items[index % len(items)]
    if value is None:
        entry.pop(field, None)
    else:
        entry[field] = _without_none(value)
    path.write_text(tomli_w.dumps(doc), "utf-8")


def _insert(path: Path, at: int, junk: bytes) -> None:
    raw = path.read_bytes()
    at %= len(raw) + 1
    path.write_bytes(raw[:at] + junk + raw[at:])


def _load(data: Path) -> None:
    load_catalog(load_corpus(data), data)


@FAST
@given(
    filename=st.sampled_from(sorted(CATALOG_FILES)),
    index=st.integers(0, 50),
    field=st.sampled_from(FIELDS),
    value=values,
)
def test_mutated_catalogue_entries(filename, index, field, value):
    with _data() as data:
        _mutate(data, filename, index, field, value)
        try:
            _load(data)
        except InputError as exc:
            assert exc.problems and all(p.file for p in exc.problems)


@FAST
@given(
    filename=st.sampled_from(sorted(CATALOG_FILES)),
    at=st.integers(0, 10**6),
    junk=st.binary(min_size=1, max_size=8),
)
def test_random_bytes_in_catalogue_files(filename, at, junk):
    with _data() as data:
        _insert(data / "catalog" / filename, at, junk)
        try:
            _load(data)
        except InputError as exc:
            assert exc.problems


@FAST
@given(
    name=st.sampled_from(["000_c4a2d1bfbe238e4d", "003_3407290432f097a7", "004_869e38df6b0f2d3d"]),
    at=st.integers(0, 10**6),
    junk=st.binary(min_size=1, max_size=8),
)
def test_mutated_documents_are_always_caught(name, at, junk):
    with _data() as data:
        _insert(data / "corpus" / "texts" / f"{name}.txt", at, junk)
        try:
            load_corpus(data)
        except CorpusError as exc:
            assert any(p.feature == name for p in exc.problems)
        else:
            raise AssertionError("a changed document was accepted")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(0, 40),
    lon=st.floats(allow_nan=True, allow_infinity=True),
    lat=st.floats(-100, 100),
)
def test_random_coordinates_through_the_whole_build(index, lon, lat):
    with _data() as data:
        _mutate(data, "nodes.toml", index, "lon", lon)
        _mutate(data, "nodes.toml", index, "lat", lat)
        try:
            compute(data)
        except InputError as exc:
            assert exc.problems
