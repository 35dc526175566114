"""Shared fixtures: the real datasets in ../shared/data and a fresh warehouse per test."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
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
    """Hash of the ingest code, the schema and the input files: a change to any rebuilds the cache.

    The schema is the migrations and every table declaration (``*tables*.py`` in any package, ``schema/``):
    a warehouse built under another branch's declarations must not be reused.
    """
    import hashlib

    h = hashlib.sha256()
    src = ROOT / "src" / "xborder"
    code = sorted(
        {*(src / "ingest").rglob("*"), *(src / "catalog").rglob("*"), *(src / "warehouse").rglob("*.sql"),
         *src.rglob("*tables*.py"), *(src / "schema").rglob("*.py")}
    )  # fmt: skip
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


# --- Built once per test session, shared by the xdist workers --------------------------------------
def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]) -> Path:
    """Path of ``name``, built by ``build(path)`` once per pytest session and shared by its xdist workers.

    Session fixtures run once per worker; under ``-n 2`` an expensive warehouse would be built twice, at the
    same time, on the same two cores. The first worker builds it under a file lock in the session's common
    temporary folder (fresh every session, so no stale copy survives a code change); the other waits and
    reuses it. Treat the result as read-only: copy it (a DuckDB file copies in well under a second) before
    writing.
    """
    import fcntl

    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = tmp_path_factory.getbasetemp().parent / "built-once"  # pytest-N/, common to gw0, gw1, ...
    else:
        root = tmp_path_factory.getbasetemp() / "built-once"
    root.mkdir(parents=True, exist_ok=True)
    target, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            # built in place, so paths recorded inside it stay true; a failed try is redone
            if not done.exists():
                if target.is_dir():
                    shutil.rmtree(target)
                target.unlink(missing_ok=True)
                build(target)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


# --- xdist: a module's module-scoped fixtures are built once, on one worker ----------------------
_SPREAD_FROM = 100
"""Modules with at least this many tests are spread over the workers anyway (a cheap fixture per worker)."""


@pytest.hookimpl(tryfirst=True)  # before xdist turns the xdist_group marks into node-id suffixes
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep a module on one xdist worker when its tests share a module-scoped fixture.

    ``--dist loadgroup`` otherwise deals a module's tests to both workers, and each worker then builds the
    module's fixture (an ingested real dataset, a whole run) again. Grouping the module runs it once; a
    module that already names an ``xdist_group`` keeps its own.

    pytest 9 keeps a node's id in ``_id``; pytest-xdist 3.8 still appends the group to ``_nodeid``, which
    pytest 9 no longer reads, so ``xdist_group`` marks were silently ignored (every test scheduled on its
    own). The group is appended to the id here, the way xdist does it, so ``--dist loadgroup`` works.
    """
    by_module: dict[str, list[pytest.Item]] = {}
    for item in items:
        by_module.setdefault(item.nodeid.split("::")[0], []).append(item)
    for module, module_items in by_module.items():
        if len(module_items) >= _SPREAD_FROM:
            continue
        for item in module_items:
            info = getattr(item, "_fixtureinfo", None)
            defs = info.name2fixturedefs.values() if info is not None else ()
            shared = any(d.scope in {"module", "class", "package"} for seq in defs for d in seq)
            if shared and item.get_closest_marker("xdist_group") is None:
                item.add_marker(pytest.mark.xdist_group(module.removeprefix("tests/").removesuffix(".py")))
    if getattr(config.option, "loadgroup", False):  # an xdist worker under --dist loadgroup
        _group_ids(items)


def _group_ids(items: list[pytest.Item]) -> None:
    """``nodeid@group`` for the items marked ``xdist_group`` (what xdist's own hook does before pytest 9)."""
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # pytest < 9: xdist's hook appends it
        return
    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})  # fmt: skip
        if names and "@" not in item.nodeid.rpartition("]")[2]:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")  # type: ignore[attr-defined]
