"""The finance and risk dossier sections from rows given by a reader."""

from __future__ import annotations

from typing import Any

import pytest

from xborder.domains.finance.dossier import SECTION as FINANCE
from xborder.domains.risk.dossier import SECTION as RISK
from xborder.warehouse.dossier import Pair


class Rows:
    """A reader over fixed rows per table."""

    run_id = "r1"

    def __init__(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        self.tables = tables

    def rows(self, table: str, **equal: Any) -> list[dict[str, Any]]:
        return [r for r in self.tables.get(table, []) if all(r.get(k) == v for k, v in equal.items())]

    def history(self, product_id: str, market: str, unit: str):  # pragma: no cover - not used here
        return None, []

    def reviews(self, **kw: Any) -> list[dict[str, Any]]:  # pragma: no cover - not used here
        return []


PAIR = Pair("p1", "US")


def test_risk_section_orders_the_register_and_sums_the_reserve() -> None:
    reader = Rows({
        "risk_register": [
            {"product_id": "p1", "market": "US", "category": "fx", "level": "L3", "priority": 5.0, "expected_loss": 8.0},
            {"product_id": "p1", "market": "US", "category": "logistics", "level": "L1", "priority": 60.0,
             "expected_loss": 75.0},
            {"product_id": "p1", "market": "US", "category": "demand", "level": "L3", "priority": 9.0,
             "expected_loss": 12.0},
            {"product_id": "p2", "market": "US", "category": "fx", "level": "L1", "priority": 99.0, "expected_loss": 1e6},
        ],
        "stress_tests": [{"product_id": "p1", "market": "US", "p_loss": 0.19}],
        "stress_drivers": [{"product_id": "p1", "market": "US", "driver": d} for d in ("freight", "fx")],
    })  # fmt: skip
    d = RISK.build(reader, PAIR)
    assert [r["category"] for r in d["register"]] == ["logistics", "demand", "fx"]
    assert d["risk_reserve"] == pytest.approx(95.0)
    assert d["stress"]["p_loss"] == 0.19 and len(d["drivers"]) == 2 and d["alerts"] == []
    empty = RISK.build(Rows({}), PAIR)
    assert empty["register"] == [] and empty["risk_reserve"] is None and empty["stress"] is None


def test_finance_section_lists_warnings_of_the_plan_and_the_seller() -> None:
    reader = Rows({
        "price_ladders": [{"product_id": "p1", "market": "US", "target_margin": m} for m in (0.2, 0.3)],
        "warning_indicators": [
            {"product_id": "p1", "market": "US", "scope": "plan", "indicator": "logistics_share_of_price",
             "status": "warn"},
            {"product_id": "p1", "market": "US", "scope": "plan", "indicator": "margin_pct", "status": "ok"},
            {"product_id": None, "market": None, "scope": "seller", "indicator": "refund_rate", "status": "warn"},
            {"product_id": None, "market": None, "scope": "seller", "indicator": "payout_reserve_share",
             "status": "no_data"},
        ],
    })  # fmt: skip
    d = FINANCE.build(reader, PAIR)
    assert len(d["ladder"]) == 2
    assert d["warnings"] == ["logistics_share_of_price", "refund_rate"]
    assert "payout_reserve_share" not in [r["indicator"] for r in d["indicators"]]


def test_finance_section_says_the_cash_to_launch_the_pick_with_those_above_it() -> None:
    from xborder.report.sections import generic_section

    assert FINANCE.build(Rows({}), PAIR)["cash"] is None  # not among the run's picks in the cash flow
    reader = Rows({"cash_capacity": [
        {"product_id": "p0", "market": "US", "picks": 1, "opening_needed": 582.0},
        {"product_id": "p1", "market": "US", "picks": 2, "currency": "USD", "opening_needed": 1472.0,
         "opening_balance": None, "carried": False, "breach_week": "2011-11-28", "headroom": -1472.0},
    ]})  # fmt: skip
    cash = FINANCE.build(reader, PAIR)["cash"]
    assert cash == {"picks": 2, "currency": "USD", "opening_needed": 1472.0, "opening_balance": None,
                    "carried": False, "breach_week": "2011-11-28"}  # fmt: skip
    body = FINANCE.build(reader, PAIR)
    for lang, label in (
        ("en", "Cash: opening balance the top k need"),
        ("zh", "现金：前 k 个所需的期初余额"),
    ):
        figures = dict(generic_section("finance", body, lambda k, **kw: k, lang)["figures"])
        assert label in figures and "1,472" in figures[label]
