"""Interrupted builds and renders never lose or corrupt outputs: after SIGINT or SIGKILL at a
random moment, ``layers/`` and ``maps/`` hold either the complete old set or the complete new
set of files, byte for byte."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo import settings
from tests.conftest import ROOT

TRIALS = int(os.environ.get("GEO_INTERRUPT_TRIALS", "12"))


def _state(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _start(*args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GEO_ASSETS_DIR": str(ROOT / "node_modules")}
    return subprocess.Popen(
        [sys.executable, "-m", "geo", *args, "-q"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _run(*args: str) -> None:
    proc = _start(*args)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()


def _variant(tmp_path: Path) -> Path:
    data = tmp_path / "data_b"
    shutil.copytree(settings.PACKAGE_DATA_DIR, data)
    nodes = data / "catalog" / "nodes.toml"
    nodes.write_text(
        nodes.read_text("utf-8").replace('name = "Poti Sea Port"', 'name = "Poti Sea Port (B)"'),
        "utf-8",
    )
    return data


def _trials(
    tmp_path: Path,
    command: str,
    target: Path,
    sources: list[list[str]],
    expected: list[dict[str, str]],
) -> dict[str, int]:
    rng = random.Random(20261122)
    durations = []
    for args in sources:
        t0 = time.monotonic()
        _run(command, *args)
        durations.append(time.monotonic() - t0)
    outcome = {"old": 0, "new": 0, "sigint": 0, "sigkill": 0}
    current = _state(target)
    assert current == expected[1]
    for _ in range(TRIALS):
        which = 0 if current == expected[1] else 1
        sig = rng.choice([signal.SIGINT, signal.SIGKILL])
        delay = rng.uniform(0.05, max(durations) * 1.1)
        proc = _start(command, *sources[which])
        time.sleep(delay)
        proc.send_signal(sig)
        proc.communicate(timeout=300)
        outcome["sigint" if sig == signal.SIGINT else "sigkill"] += 1
        after = _state(target)
        assert after in (expected[0], expected[1]), f"{target} is neither set after {sig!r}"
        outcome["new" if after == expected[which] and after != current else "old"] += 1
        current = after
    _run(command, *sources[0])
    assert _state(target) == expected[0]
    leftovers = [p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}")]
    assert leftovers == []
    return outcome


def test_interrupted_builds_leave_old_or_new_layers(tmp_path):
    data_b = _variant(tmp_path)
    layers = tmp_path / "layers"
    ref_a, ref_b = tmp_path / "ref_a", tmp_path / "ref_b"
    _run("build", "--layers", str(ref_a))
    _run("build", "--layers", str(ref_b), "--data", str(data_b))
    expected = [_state(ref_a), _state(ref_b)]
    assert expected[0] != expected[1]
    sources = [["--layers", str(layers)], ["--layers", str(layers), "--data", str(data_b)]]
    outcome = _trials(
        tmp_path, "build", layers, [sources[0], sources[1]], [expected[0], expected[1]]
    )
    print("build interruptions:", outcome)


def test_interrupted_renders_leave_old_or_new_maps(tmp_path):
    data_b = _variant(tmp_path)
    layers_a, layers_b = tmp_path / "layers_a", tmp_path / "layers_b"
    _run("build", "--layers", str(layers_a))
    _run("build", "--layers", str(layers_b), "--data", str(data_b))
    ref_a, ref_b, maps = tmp_path / "ref_a", tmp_path / "ref_b", tmp_path / "maps"
    _run("render", "--layers", str(layers_a), "--maps", str(ref_a))
    _run("render", "--layers", str(layers_b), "--maps", str(ref_b), "--data", str(data_b))
    expected = [_state(ref_a), _state(ref_b)]
    assert expected[0] != expected[1]
    sources = [
        ["--layers", str(layers_a), "--maps", str(maps)],
        ["--layers", str(layers_b), "--maps", str(maps), "--data", str(data_b)],
    ]
    outcome = _trials(tmp_path, "render", maps, sources, expected)
    print("render interruptions:", outcome)


@pytest.mark.parametrize("leftover", [".layers.old", ".layers.new-abc"])
def test_leftovers_of_a_killed_swap_are_recovered(tmp_path, leftover):
    from geo._io import write_atomically

    target = tmp_path / "layers"
    (tmp_path / leftover).mkdir()
    (tmp_path / leftover / "x.txt").write_text("old", "utf-8")
    write_atomically(target, {"a.txt": "new"})
    assert _state(target) == {"a.txt": hashlib.sha256(b"new").hexdigest()}
    assert [p.name for p in tmp_path.iterdir()] == ["layers"]
