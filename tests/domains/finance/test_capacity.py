"""How many picks in rank order the cash carries: hand-computed cases, the flow's identity, the stored answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import xborder.domains.finance.stage.cashflow as cf
from xborder.core.settings import Settings
from xborder.domains.finance.capacity import capacity_table, carried, pick_nets
from xborder.domains.finance.cashplan import CashTerms, cash_weeks, plan_cash
from xborder.domains.finance.stage.capacity import capacity_answer, capacity_rows, capacity_sentences
from xborder.domains.finance.stage.report import cash_capacity_panel
from xborder.domains.finance.tables import CASH_CAPACITY
from xborder.warehouse import connect
from xborder.warehouse.tables import write_frame

START = pd.Timestamp("2024-01-01")  # a Monday
WEEKS = pd.Series(pd.date_range(START, periods=3, freq="7D"))
RANKED = pd.DataFrame({"product_id": ["a", "b", "c"], "market": ["DE", "FR", "GB"], "rank": [1, 2, 3]})


def test_the_prefix_in_rank_order_by_hand() -> None:
    """Opening 250, floor 0. Top 1: cumulated -100, -50, 0 -> lowest 150, fits. Top 2 adds -200, 0, +100:
    cumulated -300, -250, -100 -> 250 - 300 = -50 in week 0, below. Top 3 adds +400 in week 0 and fits again,
    but the cash carries the prefix: 1 pick, week 0 binds, pick b."""
    nets = np.array([[-100.0, 50, 50], [-200, 0, 100], [400, 0, 0]])
    t = capacity_table(np.zeros(3), nets, WEEKS, 250.0, 0.0)
    assert t["lowest_balance"].tolist() == [250.0, 150.0, -50.0, 350.0]
    assert t["opening_needed"].tolist() == [0.0, 100.0, 300.0, -100.0]
    assert t["fits"].tolist() == [True, True, False, True]
    assert t["carried"].tolist() == [True, True, False, False]
    a = carried(t, RANKED)
    assert (a["carried"], a["picks"], a["all_carried"], a["base_breaches"]) == (1, 3, False, False)
    assert a["binding_week"] == START.date() and a["binding_pick"] == {
        "product_id": "b",
        "market": "FR",
        "rank": 2,
    }
    assert a["headroom"] == 150.0 and a["opening_needed_all"] == -100.0


def test_a_base_that_breaches_carries_none_and_all_fit_says_so() -> None:
    base = np.array([0.0, -30.0, 0.0])  # ad plans alone take it to -30 in week 1
    t = capacity_table(base, np.array([[5.0, 5, 5]]), WEEKS, 0.0, 0.0)
    a = carried(t, RANKED.iloc[:1])
    assert (a["carried"], a["base_breaches"], a["binding_pick"], a["headroom"]) == (0, True, None, None)
    assert a["binding_week"] == (START + pd.Timedelta(days=7)).date()
    ok = carried(capacity_table(np.zeros(3), np.array([[5.0, 5, 5]]), WEEKS, 0.0, 0.0), RANKED.iloc[:1])
    assert (ok["carried"], ok["all_carried"], ok["binding_week"], ok["headroom"]) == (
        1,
        True,
        None,
        5.0,
    )  # week-end balances 5, 10, 15


def _plan(launch: float, price: float = 10.0) -> dict[str, object]:
    return {"plan_start": START, "daily_demand": 2.0, "lead_time_days": 14.0, "reorder_point": 0.0,
            "order_quantity": 0.0, "suggested_order": np.nan, "launch_quantity": launch, "on_hand": np.nan,
            "inbound": np.nan, "price": price, "fees": 3.0, "goods": 4.0, "freight": 1.0, "duties": 0.5,
            "import_vat": 0.8, "output_vat": 1.5, "fx": 1.0}  # fmt: skip


@pytest.mark.parametrize("history", [False, True])
def test_the_top_k_flow_is_the_flow_of_those_plans(history: bool) -> None:
    """Row k of the table is the 13-week flow of the first k plans run together, and opening_needed is exactly
    the opening at which that flow first stays at the floor (one unit less breaches)."""
    plans = pd.DataFrame([_plan(100), _plan(300, 12.0), _plan(50, 9.0), _plan(500)])
    terms = CashTerms()
    nets = pick_nets(plans, START, terms, history)
    weeks = pd.Series(pd.date_range(START, periods=13, freq="7D"))
    t = capacity_table(np.zeros(13), nets, weeks, 0.0, -200.0)
    for k in range(1, 5):
        lines = plan_cash(plans.iloc[:k], START, terms)
        if history:
            lines[["payouts", "vat_output", "advertising", "refunds", "storage"]] = 0.0
        w = cash_weeks(lines, 0.0)
        assert t["lowest_balance"].iloc[k] == pytest.approx(w["balance"].min())
        need = t["opening_needed"].iloc[k]
        assert (cash_weeks(lines, need)["balance"] >= -200.0 - 1e-9).all()
        assert (cash_weeks(lines, need - 1.0)["balance"] < -200.0).any()


def test_the_flow_orders_its_picks_by_rank_and_stores_the_answer(db_path: Path, monkeypatch) -> None:
    """cash_flow with ranked pairs: the picks in rank order (not in plan order), the same lowest balance with all
    of them as the flow, the rows, the sentences en/zh (with no opening balance said) and the panel."""
    plans = pd.DataFrame([_plan(100), _plan(300, 12.0), _plan(50, 9.0)])
    plans["product_id"], plans["market"] = ["p1", "p2", "p3"], ["DE", "FR", "GB"]
    plans["currency"] = "EUR"
    monkeypatch.setattr(cf, "plan_inputs", lambda *a, **k: plans.copy())
    monkeypatch.setattr(cf, "mode_lever", lambda *a, **k: (pd.DataFrame(), pd.DataFrame()))
    con = connect(db_path)
    settings = Settings(db_path=str(db_path))
    ranks = {("p3", "GB"): 1, ("p1", "DE"): 2, ("p2", "FR"): 3}
    flow = cf.cash_flow(con, settings, floor=0.0, pairs=ranks)
    cap = flow["capacity"]
    assert cap["table"]["product_id"].tolist() == [None, "p3", "p1", "p2"]
    assert cap["table"]["lowest_balance"].iloc[-1] == pytest.approx(flow["lowest_balance"])
    assert not flow["opening_known"] and cap["carried"] == 0  # from 0 the first order is already below 0
    assert cap["binding_pick"] == {"product_id": "p3", "market": "GB", "rank": 1}
    rows = capacity_rows(flow, "run-c")
    write_frame(con, CASH_CAPACITY, rows)
    assert capacity_answer(rows) == {k: v for k, v in cap.items() if k != "table"}
    en = capacity_sentences(rows, currency="USD", floor=0.0, opening=None, lang="en")
    zh = capacity_sentences(rows, currency="USD", floor=0.0, opening=None, lang="zh")
    assert en[0].startswith("No opening balance is set") and zh[0].startswith("未设置期初余额")
    assert en[1].startswith("In rank order the cash carries none of the 3 picks")
    assert "Pick #1 (p3 → GB)" in en[2] and "from the week of 2024-01-01" in en[2]
    need3 = cap["table"]["opening_needed"].iloc[3]
    assert f"3 → {need3:,.0f}" in en[-1]
    with_cash = cf.cash_flow(con, settings, floor=0.0, opening=need3, pairs=ranks)["capacity"]
    assert with_cash["all_carried"] and with_cash["headroom"] == pytest.approx(0.0)
    for lang in ("en", "zh"):
        panel = cash_capacity_panel(con, "run-c", lang)
        assert (
            panel.figure is not None and panel.missing is None and len(panel.tables[0][1]) == 3
        )  # k = 0, 1 (carried + 1), 3 (all)
    assert cash_capacity_panel(con, "run-none", "en").missing
    con.close()


def test_the_cash_runway_panel_points_to_fewer_picks_when_it_breaches(db_path: Path) -> None:
    """A breaching flow's panel adds the capacity's answer to its levers (en/zh)."""
    from xborder.domains.finance.stage.report import cash_runway_panel
    from xborder.domains.finance.tables import CASH_FLOWS

    con = connect(db_path)
    t = capacity_table(np.zeros(3), np.array([[-100.0, 50, 50], [-200, 0, 100]]), WEEKS, 250.0, 0.0)
    t[["product_id", "market", "rank"]] = [[None, None, None], ["a", "DE", 1], ["b", "FR", 2]]
    write_frame(
        con, CASH_CAPACITY, t.assign(run_id="run-c", currency="USD", opening_balance=250.0, floor=0.0)
    )
    flow = {"weeks": cash_weeks(pd.DataFrame({"week": WEEKS, "purchase_deposits": [-300.0, 50, 150]}), 250.0),
            "currency": "USD", "opening": 250.0, "opening_known": True, "floor": 0.0, "plans": 2,
            "plan_scope": "picks"}  # fmt: skip
    write_frame(con, CASH_FLOWS, cf.cash_rows(flow, "run-c"))
    en = cash_runway_panel(con, "run-c", "en").intro or ""
    zh = cash_runway_panel(con, "run-c", "zh").intro or ""
    con.close()
    assert "the cash carries the top 1 of 2 in rank order" in en and "2 个中的前 1 个" in zh
