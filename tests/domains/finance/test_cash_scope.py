"""The run's cash flow launches the picks that pass every gate, not every planned pair at once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import xborder.domains.finance.stage.cashflow as cf
from xborder.core.settings import Settings
from xborder.domains.finance.stage import selection_picks
from xborder.domains.selection.tables import OPPORTUNITIES
from xborder.warehouse import connect
from xborder.warehouse.tables import write_frame


def test_the_flow_takes_only_the_given_pairs_and_says_its_scope(db_path: Path, monkeypatch) -> None:
    plans = pd.DataFrame({"product_id": ["p1", "p2", "p3"], "market": ["DE", "fr", "DE"],
                          "plan_start": ["2026-01-05"] * 3})  # fmt: skip
    seen: list[list[tuple[str, str]]] = []

    def fake_plan_cash(p: pd.DataFrame, start: pd.Timestamp, terms: object) -> pd.DataFrame:
        seen.append(list(zip(p["product_id"], p["market"], strict=True)))
        return pd.DataFrame(
            {"week": pd.date_range(start, periods=13, freq="7D"), "purchase_deposits": -100.0}
        )

    monkeypatch.setattr(cf, "plan_inputs", lambda *a, **k: plans.copy())
    monkeypatch.setattr(cf, "plan_cash", fake_plan_cash)
    con = connect(db_path)
    settings = Settings(db_path=str(db_path))
    every = cf.cash_flow(con, settings, opening=0.0)
    picked = cf.cash_flow(con, settings, opening=0.0, pairs={("p2", "FR")})
    assert (every["plans"], every["plan_scope"]) == (3, "all_plans")
    assert (picked["plans"], picked["plan_scope"]) == (1, "picks")
    assert seen == [[("p1", "DE"), ("p2", "fr"), ("p3", "DE")], [("p2", "fr")]]
    rows = cf.cash_rows(picked, "run-x")
    assert set(rows["plan_scope"]) == {"picks"} and set(rows["plans_included"]) == {1}
    con.close()


def test_picks_are_the_ranked_opportunities_that_pass_every_gate(db_path: Path) -> None:
    con = connect(db_path)
    assert selection_picks(con, "run-a") is None  # no selection at all: every plan, and the panel says so
    opp = pd.DataFrame({
        "run_id": "run-a", "product_id": ["p1", "p2", "p3", "p4"], "market": ["de", "FR", "GB", "IT"],
        "score": 0.5, "rank": [1, 2, 3, 4], "viable": [True, False, True, True],
        "status": ["ranked", "gated", "home_baseline", "ranked"],
    })  # fmt: skip
    write_frame(con, OPPORTUNITIES, opp)
    assert selection_picks(con, "run-a") == {("p1", "DE"): 1, ("p4", "IT"): 4}  # pair -> rank, in rank order
    assert list(selection_picks(con, "run-b") or {}) == [
        ("p1", "DE"),
        ("p4", "IT"),
    ]  # no own selection: the latest
    con.close()
