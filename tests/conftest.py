"""Shared fixtures: the real datasets in ../shared/data and a fresh warehouse per test."""

from __future__ import annotations

import os
import time
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


# --- Real retail warehouse (owner: ingest) -------------------------------------------------------
_RETAIL_FILES = (
    ("uci_online_retail", "online_retail.csv.gz"),
    ("uci_online_retail_ii", "online_retail_II_2009-2010.csv.gz"),
)
RETAIL_CACHE = Path(os.environ.get("XBORDER_TEST_CACHE", "/tmp/xborder-test-cache"))


def _retail_fingerprint(files: list[Path]) -> str:
    """Hash of the ingest code, the schema and the input files: a change to any rebuilds the cache."""
    import hashlib

    h = hashlib.sha256()
    src = ROOT / "src" / "xborder"
    code = sorted(
        [*(src / "ingest").rglob("*"), *(src / "catalog").rglob("*"), *(src / "warehouse").rglob("*.sql")]
    )
    for p in [*code, *files]:
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p.name).encode())
            h.update(p.read_bytes() if p.stat().st_size < 1_000_000 else str(p.stat().st_size).encode())
    return h.hexdigest()[:16]


@pytest.fixture(scope="session")
def retail_warehouse() -> Path:
    """Path of a READ-ONLY DuckDB warehouse holding UCI Online Retail + Online Retail II (2009-2010), ingested.

    Built once per code/data version into /tmp/xborder-test-cache/retail-<hash>.duckdb under a file lock
    (safe with pytest-xdist); open it with ``xborder.warehouse.connect(path, read_only=True)`` or
    ``duckdb.connect(str(path), read_only=True)``. Pseudonym key: "test-key-not-secret".
    """
    import fcntl

    files = [shared_path(*parts) for parts in _RETAIL_FILES]
    RETAIL_CACHE.mkdir(parents=True, exist_ok=True)
    target = RETAIL_CACHE / f"retail-{_retail_fingerprint(files)}.duckdb"
    with open(RETAIL_CACHE / "retail.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not target.exists():
                from xborder.core.settings import Settings
                from xborder.ingest import ingest_path
                from xborder.warehouse import connect

                tmp = target.with_suffix(f".building-{os.getpid()}")
                tmp.unlink(missing_ok=True)
                settings = Settings(
                    pseudonym_key="test-key-not-secret", report_dir=str(RETAIL_CACHE / "rejects")
                )
                con = connect(tmp)
                try:
                    for f in files:
                        ingest_path(con, f, "orders", settings=settings)
                    con.execute("CHECKPOINT")
                finally:
                    con.close()
                tmp.rename(target)
                # Older code/data versions: removed only when a day old, because another checkout on this
                # machine (a fresh-clone check, a second worktree) may be using its own version right now.
                day_ago = time.time() - 86_400
                for stale in RETAIL_CACHE.glob("retail-*.duckdb"):
                    if stale != target and stale.stat().st_mtime < day_ago:
                        stale.unlink(missing_ok=True)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target
