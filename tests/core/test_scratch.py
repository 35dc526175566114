"""Input copies a killed ingest leaves behind (raw rows, customer ids) are removed by the next ingest."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, shared_path
from xborder.core import scratch as sc


def _folder(base: Path, name: str, owner: str | None) -> Path:
    f = base / name
    f.mkdir()
    (f / "rows.csv").write_text("InvoiceNo,CustomerID\n536365,17850\n")
    if owner is not None:
        (f / sc.OWNER_FILE).write_text(owner)
    return f


def test_sweep_removes_only_folders_whose_owner_is_gone(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(done.stdout)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        me = os.getpid()
        dead = _folder(tmp_path, "xborder-ingest-dead", f"{dead_pid} -\n")
        other = _folder(tmp_path, "xborder-unpack-live", f"{live.pid} {sc._start_time(live.pid)}\n")
        reused = _folder(tmp_path, "xborder-ingest-reused", f"{live.pid} 1\n")  # same id, another start
        mine = _folder(tmp_path, "xborder-ingest-mine", f"{me} {sc._start_time(me)}\n")
        old = _folder(tmp_path, "xborder-ingest-old-unowned", None)
        os.utime(old, (time.time() - sc.UNOWNED_MAX_AGE_S - 60,) * 2)
        new = _folder(tmp_path, "xborder-ingest-new-unowned", None)
        unrelated = _folder(tmp_path, "xborder-chromium-x", f"{dead_pid} -\n")
        removed = set(sc.sweep_stale(tmp_path))
    finally:
        live.kill()
        live.wait()
    assert removed == {dead, reused, old}
    assert not dead.exists() and not reused.exists() and not old.exists()
    assert other.exists() and mine.exists() and new.exists() and unrelated.exists()


def test_scratch_records_its_owner_and_is_removed_after_use() -> None:
    with sc.scratch("xborder-ingest-") as tmp:
        pid, started = (Path(tmp) / sc.OWNER_FILE).read_text().split()
        assert int(pid) == os.getpid() and started == sc._start_time(os.getpid())
        assert Path(tmp) not in sc.sweep_stale(Path(tmp).parent)
    assert not Path(tmp).exists()


@pytest.mark.shared_data
@pytest.mark.slow
def test_a_killed_ingest_leaves_no_raw_copy_after_the_next_ingest(tmp_path: Path) -> None:
    scratch_tmp = tmp_path / "tmp"
    scratch_tmp.mkdir()
    env = {
        **os.environ, "PYTHONPATH": str(ROOT / "src"), "XBORDER_PSEUDONYM_KEY": "test-key", "TMPDIR": str(scratch_tmp),
        "XBORDER_CONFIG": str(tmp_path / "none.toml"), "XBORDER_REPORT_DIR": str(tmp_path / "rej"),
    }  # fmt: skip
    cmd = [sys.executable, "-m", "xborder.cli.main", "--db", str(tmp_path / "w.duckdb")]
    big = shared_path("uci_online_retail", "online_retail.csv.gz")
    proc = subprocess.Popen([*cmd, "ingest", str(big), "--as", "orders"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if any(p.name.startswith("xborder-ingest-") for p in scratch_tmp.iterdir()):
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the ingest ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = [p for p in scratch_tmp.iterdir() if p.name.startswith(sc.PREFIXES)]
    assert left, "SIGKILL skips the cleanup: the copies stay"
    small = tmp_path / "orders.csv"
    small.write_bytes(b"\n".join(gzip.decompress(big.read_bytes()).splitlines()[:101]) + b"\n")
    r = subprocess.run([*cmd, "ingest", str(small), "--as", "orders"], env=env, capture_output=True, text=True,
                       timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert [p for p in scratch_tmp.iterdir() if p.name.startswith(sc.PREFIXES)] == []
