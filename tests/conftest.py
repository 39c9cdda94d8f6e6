"""Shared fixtures: one build and one render per test session, written under tmp paths."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from geo import settings
from geo.build import Built, build, compute
from geo.render import render

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="session")
def built() -> Built:
    return compute()


@pytest.fixture(scope="session")
def layers_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("session") / "layers"
    build(out_dir=out)
    return out


@pytest.fixture(scope="session")
def maps_dir(layers_dir: Path) -> Path:
    out = layers_dir.parent / "maps"
    render(out_dir=out, layers_dir=layers_dir)
    return out


@pytest.fixture(scope="session")
def layer_features(layers_dir: Path) -> dict[str, list[dict]]:
    from geo.schema import LAYERS

    return {
        name: json.loads((layers_dir / f"{name}.geojson").read_text(encoding="utf-8"))["features"]
        for name in LAYERS
    }


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the package's input data, for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(settings.PACKAGE_DATA_DIR, target)
    return target


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout_s: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m geo`` as a user would, returning its exit code and output."""
    full_env = {**os.environ, "GEO_ASSETS_DIR": str(ROOT / "node_modules"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "geo", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or ROOT,
        timeout=timeout_s,
        check=False,
    )


@pytest.fixture()
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_cli
