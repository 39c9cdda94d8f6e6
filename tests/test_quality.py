"""The code stays ruff- and mypy-clean, as the house style asks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "geo", "tests", "scripts"],
        ["ruff", "format", "--check", "geo", "tests", "scripts"],
        ["mypy", "geo"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_linters_pass(command):
    tool = shutil.which(command[0], path=str(Path(sys.executable).parent))
    assert tool, f"{command[0]} is not installed in this environment"
    result = subprocess.run(
        [tool, *command[1:]], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
