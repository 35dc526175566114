"""Shared fixtures: the real datasets in ../shared/data and a fresh warehouse per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("XBORDER_SHARED_DATA", ROOT.parent / "shared" / "data"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def shared_path(*parts: str) -> Path:
    """Path of a file in ../shared/data; skips the test (or fails under CI=true) when it is absent."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        msg = f"real dataset {p} is absent (../shared/data is not next to this checkout)"
        if IN_CI:
            pytest.fail(msg + " — CI=true requires it")
        pytest.skip(msg)
    return p


@pytest.fixture
def shared_data() -> Path:
    """The ../shared/data folder (skip when absent, fail under CI=true)."""
    return shared_path()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a fresh warehouse file in a temporary folder."""
    return tmp_path / "test.duckdb"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep tests away from the user's config and pseudonym key."""
    monkeypatch.setenv("XBORDER_PSEUDONYM_KEY", "test-key-not-secret")
    monkeypatch.delenv("XBORDER_DB", raising=False)
    monkeypatch.delenv("XBORDER_DB_PATH", raising=False)
    monkeypatch.setenv("XBORDER_CONFIG", str(tmp_path / "no-config.toml"))
