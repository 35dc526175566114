"""`xborder ingest` of an orders file loads neither pandas, numpy nor pyarrow (0.3-0.5 s of every ingest's CPU,
benchmarks/ingest.py): they are imported only by the commands and layouts that use them."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import shared_path

_SCRIPT = """
import json, sys
from xborder.cli.main import main
sys.argv = ["xborder", "--db", sys.argv[1], "--json", "ingest", sys.argv[2], "--as", "orders"]
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted(m for m in ("pandas", "numpy", "pyarrow", "scipy") if m in sys.modules)
print("IMPORTED " + json.dumps({"code": code, "heavy": heavy}))
"""


@pytest.mark.shared_data
def test_ingest_of_an_orders_file_imports_no_dataframe_library(tmp_path: Path) -> None:
    lines = gzip.decompress(
        shared_path("uci_online_retail", "online_retail.csv.gz").read_bytes()
    ).splitlines()
    sample = tmp_path / "online_retail_head.csv"
    sample.write_bytes(b"\n".join(lines[:2001]) + b"\n")  # the header and 2,000 invoice lines
    env = {**os.environ, "XBORDER_PSEUDONYM_KEY": "test-key", "XBORDER_CONFIG": str(tmp_path / "none.toml")}
    env["XBORDER_REPORT_DIR"] = str(tmp_path / "rej")
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "w.duckdb"), str(sample)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    line = [x for x in out.stdout.splitlines() if x.startswith("IMPORTED ")]
    assert line, out.stdout[-2000:] + out.stderr[-2000:]
    got = json.loads(line[-1][len("IMPORTED ") :])
    assert got["code"] in (0, None), out.stderr[-2000:]
    assert got["heavy"] == []
    results = json.loads(out.stdout[: out.stdout.index("IMPORTED ")])["results"]
    assert results[0]["rows_in"] == 2000 and results[0]["rows_stored"] > 0
