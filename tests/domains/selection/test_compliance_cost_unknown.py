"""A compliance cost no source gives is unknown: never scored as 0, and the profit before it says so."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from xborder.domains.selection.explain import explain_row
from xborder.domains.selection.stage.compliance import read_compliance
from xborder.warehouse import connect


def _warehouse(db_path: Path) -> Path:
    """Compliance answers for three pairs: every cost known (DE), one of two unknown (FR), all unknown (IE)."""
    con = connect(db_path)
    try:
        con.execute(
            "INSERT INTO runs (run_id, kind, started_at, status) VALUES ('c1', 'pipeline', now(), 'ok')"
        )
        # product, market, n_mandatory, cost_max (sum of the sourced costs), n_cost_unknown
        rows = [("p1", "DE", 2, 300.0, 0), ("p1", "FR", 2, 120.0, 1), ("p1", "IE", 4, 0.0, 4)]
        vals = ", ".join(
            f"('c1', '{p}', '{m}', DATE '2024-01-01', {n}, {n}, 30.0, 30.0, {c}, {c}, 'EUR', 0, {u})"
            for p, m, n, c, u in rows
        )
        con.execute(
            "INSERT INTO compliance_summary (run_id, product_id, market, as_of, n_requirements, n_mandatory, "
            "time_to_market_days_min, time_to_market_days_max, cost_min, cost_max, currency, n_lead_time_unknown, "
            "n_cost_unknown) VALUES " + vals
        )
    finally:
        con.close()
    return db_path


def test_unknown_cost_is_missing_not_zero(db_path: Path) -> None:
    con = connect(_warehouse(db_path), read_only=True)
    try:
        out = read_compliance(con).set_index("market")
    finally:
        con.close()
    # every cost sourced: the factor is the sum
    assert out.loc["DE", "compliance_cost"] == 300.0
    assert out.loc["DE", "compliance_cost_unknown"] == 0
    # one item without a cost: the factor is unknown (scored pessimistically), the known part kept as a floor
    assert pd.isna(out.loc["FR", "compliance_cost"])
    assert out.loc["FR", "compliance_cost_floor"] == 120.0
    assert out.loc["FR", "compliance_cost_unknown"] == 1
    # all four unknown: the summary's 0 is not a cost of 0
    assert pd.isna(out.loc["IE", "compliance_cost"])
    assert out.loc["IE", "compliance_cost_unknown"] == 4


def test_profit_message_says_it_is_before_unpriced_items() -> None:
    row = {"gross_profit_6m": 1234.0, "profit_currency": "EUR", "compliance_cost_unknown": 4.0}
    codes = [m["code"] for m in explain_row(row)]
    assert "selection.gross_profit_before_compliance" in codes
    assert "selection.gross_profit" not in codes
    known = [m["code"] for m in explain_row({**row, "compliance_cost_unknown": 0.0})]
    assert "selection.gross_profit" in known
