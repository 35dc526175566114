"""The configured linters pass on the whole code base (Ruff on everything, mypy on the package)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_passes() -> None:
    res = _run(str(BIN / "ruff"), "check", "src", "tests", "benchmarks", "scripts")
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.slow
def test_mypy_passes() -> None:
    res = _run(str(BIN / "mypy"))
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
