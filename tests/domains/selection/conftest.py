"""Fixtures of the selection tests: UCI order lines from the shared retail warehouse, and a tiny warehouse."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def uci_lines(retail_warehouse: Path) -> pd.DataFrame:
    """UCI Online Retail + II as canonical order lines (read from the ingested retail warehouse)."""
    from xborder.domains.selection.stage.inputs import read_order_lines
    from xborder.warehouse import connect

    con = connect(retail_warehouse, read_only=True)
    try:
        return read_order_lines(con)
    finally:
        con.close()


def tiny_lines(seed: int = 0) -> pd.DataFrame:
    """24 months of synthetic order lines: 8 products × 3 markets with known trends."""
    rng = np.random.default_rng(seed)
    rows = []
    months = pd.date_range("2022-01-01", periods=24, freq="MS")
    trend = {f"t:p{i}": g for i, g in enumerate([1.08, 1.05, 1.02, 1.0, 0.98, 0.95, 1.0, 1.03])}
    n = 0
    for pid, g in trend.items():
        for mk, size in (("GB", 40.0), ("DE", 12.0), ("FR", 6.0)):
            if pid == "t:p7" and mk != "GB":
                continue  # sold only in GB: a new-market candidate elsewhere
            for i, m in enumerate(months):
                q = rng.poisson(size * g**i)
                for _j in range(max(1, q // 10)):
                    n += 1
                    rows.append(
                        (
                            pid,
                            mk,
                            f"o{n}",
                            m + pd.Timedelta(days=int(rng.integers(0, 27))),
                            float(q // max(1, q // 10) or 1),
                            2.5,
                            "sold",
                            True,
                        )
                    )
    return pd.DataFrame(
        rows,
        columns=[
            "product_id",
            "country",
            "order_id",
            "ordered_at",
            "quantity",
            "unit_price",
            "status",
            "is_product",
        ],
    )


def sparse_lines() -> pd.DataFrame:
    """24 months of order lines too thin to backtest: 12 products in GB, one unit each per month."""
    months = pd.date_range("2022-01-01", periods=24, freq="MS")
    rows = [
        (f"s:p{i}", "GB", f"o{i}-{j}", m + pd.Timedelta(days=3 + i), 1.0, 9.5, "sold", True)
        for i in range(12)
        for j, m in enumerate(months)
    ]
    cols = [
        "product_id",
        "country",
        "order_id",
        "ordered_at",
        "quantity",
        "unit_price",
        "status",
        "is_product",
    ]
    return pd.DataFrame(rows, columns=cols)


def _insert_lines(con, lines: pd.DataFrame) -> None:
    df = lines.assign(
        line_key=lambda d: "k" + d.index.astype(str),
        source="test",
        marketplace_id=None,
        customer_key=None,
        line_no=1,
        currency="GBP",
        ingest_id=None,
    )
    con.register("lines_df", df)
    con.execute("INSERT INTO order_lines BY NAME SELECT * FROM lines_df")
    con.unregister("lines_df")


@pytest.fixture
def sparse_warehouse(db_path: Path) -> Path:
    """A warehouse whose order history is too thin for any backtest candidate (like an Olist sample)."""
    from xborder.warehouse import connect

    con = connect(db_path)
    try:
        _insert_lines(con, sparse_lines())
    finally:
        con.close()
    return db_path


@pytest.fixture
def tiny_warehouse(db_path: Path) -> Path:
    """A warehouse with the synthetic order lines, product rows and a few competitor listings."""
    from xborder.warehouse import connect

    lines = tiny_lines()
    con = connect(db_path)
    try:
        _insert_lines(con, lines)
        prods = pd.DataFrame({"product_id": sorted(lines["product_id"].unique())})
        prods = prods.assign(
            source="test",
            title="Product " + prods["product_id"],
            category=["toys_games", "home_kitchen"] * 4,
            weight_kg=0.5,
            length_cm=20.0,
            width_cm=10.0,
            height_cm=5.0,
        )
        con.register("prods_df", prods)
        con.execute("INSERT INTO products BY NAME SELECT * FROM prods_df")
        con.execute(
            "INSERT INTO listings (listing_id, product_id, marketplace_id, external_id, own, seller, title, category, price, currency, first_seen) VALUES "
            "('amazon.DE:A1', NULL, 'amazon.DE', 'A1', FALSE, 'rival', 'Toy', 'toys_games', 9.99, 'EUR', DATE '2023-10-01'),"
            "('amazon.DE:A2', NULL, 'amazon.DE', 'A2', FALSE, 'other', 'Toy', 'toys_games', 14.99, 'EUR', DATE '2021-01-01'),"
            "('amazon.DE:A3', NULL, 'amazon.DE', 'A3', FALSE, 'other', 'Toy', 'toys_games', 12.99, 'EUR', DATE '2021-01-01')"
        )
        con.execute(
            "INSERT INTO rank_snapshots (listing_id, observed_at, rank, rank_category, price, rating, rating_count, monthly_sold) VALUES "
            "('amazon.DE:A1', TIMESTAMP '2023-12-01', 120, 'Toys', 9.99, 3.9, 40, 300),"
            "('amazon.DE:A2', TIMESTAMP '2023-12-01', 1500, 'Toys', 14.99, 4.6, 900, 50),"
            "('amazon.DE:A3', TIMESTAMP '2023-12-01', 9000, 'Toys', 12.99, 4.1, 90, NULL)"
        )
    finally:
        con.close()
    return db_path


ENGINE_MARGINS = {
    "t:p0": 0.40,
    "t:p1": -0.20,
    "t:p2": 0.30,
    "t:p3": 0.32,
    "t:p4": 0.10,
    "t:p5": 0.35,
    "t:p6": 0.28,
}
"""Margin (fraction of net revenue) of each tiny product in every market, as the landed-cost stage would store it
(t:p7 is not costed: the landed-cost stage's product limit)."""


def insert_engine_outputs(con, run_id: str = "up") -> None:
    """Rows as the landed-cost and compliance stages write them for the tiny products in GB, DE and FR.

    Price 10 GBP-equivalent in every market (GBP for GB, EUR elsewhere), unit margin = margin × 10; compliance:
    2 mandatory items costing 300 USD in DE and FR, 1 item costing nothing in GB, 42 days.
    """
    con.execute(
        "INSERT INTO runs (run_id, kind, started_at, status) VALUES (?, 'pipeline', now(), 'ok')", [run_id]
    )
    rows = []
    for pid, m in ENGINE_MARGINS.items():
        for mk, cur in (("GB", "GBP"), ("DE", "EUR"), ("FR", "EUR")):
            rows.append(
                f"('{run_id}', '{pid}', '{mk}', 'sea_lcl', DATE '2024-01-01', '{cur}', 10.0, {10.0 * (1 - m)}, "
                f"{10.0 * m}, {m}, TRUE, 40.0)"
            )
    con.execute(
        "INSERT INTO landed_costs (run_id, product_id, market, mode, as_of, currency, price, landed_cost, unit_margin, "
        "margin_pct, unit_cost_estimated, units) VALUES " + ", ".join(rows)
    )
    summ = []
    for pid in ENGINE_MARGINS:
        for mk in ("GB", "DE", "FR"):
            n, cost = (1, 0.0) if mk == "GB" else (2, 300.0)
            summ.append(
                f"('{run_id}', '{pid}', '{mk}', DATE '2024-01-01', {n}, {n}, 42.0, 42.0, {cost}, {cost}, 'USD', 0, 0)"
            )
    con.execute(
        "INSERT INTO compliance_summary (run_id, product_id, market, as_of, n_requirements, n_mandatory, "
        "time_to_market_days_min, time_to_market_days_max, cost_min, cost_max, currency, n_lead_time_unknown, "
        "n_cost_unknown) VALUES " + ", ".join(summ)
    )
