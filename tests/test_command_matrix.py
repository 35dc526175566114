"""Every analysis command on every real dataset in ../shared/data: an answer or a clear message, never a traceback.

Each dataset folder is ingested whole (kinds recognised per file, no ``--as``) into its own warehouse, then each
command runs as a user would run it (the installed CLI, ``--json``). A command may answer (exit 0) or decline
with a message that says why (exit 2, "Error: ..."); it may not crash (exit 1, "Internal error", a traceback)
or hang. Data folders a command cannot use (reviews for ``forecast``, freight for ``customers``) are exactly
where the old code crashed, so every pair is run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, shared_path

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

XBORDER = str(Path(sys.executable).with_name("xborder"))

DATASETS = [
    "amazon_ads_sponsored_products_reports",
    "amazon_alexa_reviews",
    "amazon_seller_central_us_bathmat_seller_2018_2020",
    "brunel_supply_chain_logistics_problem",
    "chinese_online_shopping_10_cats",
    "datafiniti_amazon_consumer_reviews",
    "ecb_euro_fx_reference_rates",
    "google_trends",
    "keepa_exports",
    "korea_export_container_freight_2014_2020",
    "m5_walmart_subset",
    "olist_brazilian_ecommerce",
    "scfi_shanghai_containerized_freight_index",
    "supply_chain_just_in_time_inventory",
    "uci_online_retail",
    "uci_online_retail_ii",
    "uci_sales_transactions_weekly",
    "uci_sentiment_labelled_sentences",
    "usaid_scms_delivery_history",
    "walmart_store_sales_weekly",
    "womens_ecommerce_clothing_reviews",
]

COMMANDS = {
    "status": ["status"],
    "forecast": ["forecast", "--level", "market_total", "--max-series", "5", "--horizon", "4"],
    "trends": ["trends", "--limit", "5"],
    "reviews": ["reviews", "analyze"],
    "customers": ["customers", "rfm"],
    "compliance": ["compliance", "run"],
    "select": ["select", "--top", "5"],
    "backtest": ["select", "--backtest"],
}


def _xb(db: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "XBORDER_PSEUDONYM_KEY": "matrix-test-key"}
    return subprocess.run(
        [XBORDER, "--json", "--db", str(db), *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def _clear(proc: subprocess.CompletedProcess[str], what: str) -> None:
    """Exit 0, or exit 2 with an ``Error:`` line — never a crash or a traceback."""
    text = f"stderr: {proc.stderr[-1500:]}\nstdout: {proc.stdout[-500:]}"  # stderr first: it says why
    assert "Traceback" not in proc.stderr and "Internal error" not in proc.stderr, f"{what}: crashed\n{text}"
    assert proc.returncode in (0, 2), f"{what}: exit {proc.returncode}\n{text}"
    if proc.returncode == 2:
        assert "Error" in proc.stderr, f"{what}: exit 2 without a message\n{text}"
    else:
        json.loads(proc.stdout)  # --json means JSON


@pytest.mark.parametrize("dataset", DATASETS)
def test_every_command_answers_or_says_why_on_every_dataset(dataset, tmp_path) -> None:
    folder = shared_path(dataset)
    db = tmp_path / "w.duckdb"
    ingested = _xb(db, "ingest", str(folder), "--reject-dir", str(tmp_path / "rej"))
    _clear(ingested, f"ingest {dataset}")
    if ingested.returncode == 0:
        files = json.loads(ingested.stdout)
        rows = files if isinstance(files, list) else files.get("files", [])
        for r in rows:  # exact accounting on every file
            assert r["rows_in"] == r["rows_stored"] + r["rows_duplicate"] + r["rows_quarantined"], r
    failures = []
    for name, args in COMMANDS.items():
        proc = _xb(db, *args)
        try:
            _clear(proc, f"{name} on {dataset}")
        except AssertionError as exc:
            failures.append(str(exc)[:2500])
    assert not failures, "\n\n".join(failures)


def test_the_matrix_lists_every_dataset() -> None:
    if not SHARED_DATA.exists():
        pytest.skip("../shared/data is absent")
    present = sorted(p.name for p in SHARED_DATA.iterdir() if p.is_dir())
    assert present == sorted(DATASETS), "add the new dataset to DATASETS"
