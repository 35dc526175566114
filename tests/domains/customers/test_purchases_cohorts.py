"""Purchases, customer summaries, cohort retention and product repurchase on hand-made order lines."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from xborder.domains.customers import (
    cohort_retention,
    customer_summary,
    product_repurchase,
    purchases,
    segment_summary,
)

END = {"s": pd.Timestamp("2024-03-31")}


def _lines() -> pd.DataFrame:
    rows = [  # source, customer, day, market, currency, product, value (sold − cancelled/returned), units sold
        ("s", "A", "2024-01-01", "DE", "EUR", "p1", 10.0, 1),
        ("s", "A", "2024-01-01", "DE", "EUR", "p2", 5.0, 1),  # same day: one purchase of 15
        ("s", "A", "2024-01-15", "DE", "EUR", "p1", 20.0, 2),
        ("s", "A", "2024-02-10", "DE", "EUR", "p1", -20.0, 0),  # a cancellation only: no purchase
        ("s", "A", "2024-03-01", "FR", "USD", "p3", 7.0, 1),  # another currency: a purchase, value left out
        ("s", "B", "2024-02-01", "FR", "EUR", "p1", 30.0, 3),
        ("s", "C", "2024-01-20", "DE", "EUR", "p2", 8.0, 1),
        ("s", "C", "2024-02-05", "DE", "EUR", "p1", 12.0, 1),
        ("s", None, "2024-02-05", "DE", "EUR", "p1", 99.0, 9),  # no customer key: never counted
    ]
    cols = ["source", "customer_key", "day", "market", "currency", "product_id", "value", "sold_units"]
    return pd.DataFrame(rows, columns=cols)


def test_purchase_days_and_customer_summary() -> None:
    days = purchases(_lines())
    a = days[days["customer_key"] == "A"]
    assert a["bought"].tolist() == [True, True, False, True]
    assert a["value"].tolist()[:3] == [15.0, 20.0, -20.0] and np.isnan(a["value"].iloc[3])
    assert a["other_currency_value"].iloc[3] == 7.0
    c = customer_summary(days, END).set_index("customer_key")
    assert c.loc["A", ["market", "currency", "purchases", "frequency", "recency_days"]].tolist() == [
        "DE",
        "EUR",
        3,
        2,
        30,
    ]
    assert c.loc["A", "recency"] == pytest.approx(60 / 7) and c.loc["A", "age"] == pytest.approx(90 / 7)
    assert c.loc["A", "total_value"] == 15.0  # 15 + 20 − 20 (the cancellation counts, the USD purchase not)
    assert c.loc["A", "mean_repeat_value"] == 20.0  # repeat purchases 20 and (USD) unknown
    assert c.loc["B", ["purchases", "frequency", "recency", "recency_days"]].tolist() == [1, 0, 0.0, 59]
    assert np.isnan(c.loc["B", "mean_repeat_value"]) and c.loc["C", "total_value"] == 20.0
    assert sorted(c.index) == ["A", "B", "C"]


def test_cohort_retention_by_first_month_and_market() -> None:
    days = purchases(_lines())
    cust = customer_summary(days, END)
    got = cohort_retention(days, cust, END)
    de = got[got["market"] == "DE"]
    # DE January cohort = A (Jan, Mar) and C (Jan, Feb): 2/2, then 1/2 (C), then 1/2 (A); A's February
    # cancellation is no purchase.
    assert de["cohort_month"].tolist() == [dt.date(2024, 1, 1)] * 3
    assert de["months_since"].tolist() == [0, 1, 2]
    assert de["active_customers"].tolist() == [2, 1, 1] and de["retention"].tolist() == [1.0, 0.5, 0.5]
    fr = got[got["market"] == "FR"]
    assert fr["cohort_month"].tolist() == [dt.date(2024, 2, 1)] * 2 and fr["retention"].tolist() == [1.0, 0.0]


def test_product_repurchase_and_segment_mix() -> None:
    lines = _lines()
    cust = customer_summary(purchases(lines), END)
    cust["segment"] = cust["customer_key"].map({"A": "high_value", "B": "potential", "C": "at_risk"})
    cust["p_alive"] = cust["customer_key"].map({"A": 0.9, "B": 1.0, "C": 0.5})
    cust["p_buy"] = cust["customer_key"].map({"A": 0.6, "B": 0.3, "C": 0.2})
    cust["expected_value"] = cust["customer_key"].map({"A": 100.0, "B": 10.0, "C": 40.0})
    got = product_repurchase(lines, cust).set_index(["product_id", "market"])
    p1 = got.loc[("p1", "DE")]
    # A bought p1 on two days (the cancellation day does not count) and again later; C once, nothing after.
    assert (p1["buyers"], p1["repeat_buyers"], p1["returning_buyers"]) == (2, 1, 1)
    assert (p1["high_value"], p1["at_risk"], p1["lost"]) == (1, 1, 0)
    assert (
        p1["expected_value"] == 140.0 and p1["expected_value_per_buyer"] == 70.0 and p1["mean_p_alive"] == 0.7
    )
    assert p1["mean_p_buy"] == pytest.approx(0.4)  # A 0.6, C 0.2
    p2 = got.loc[("p2", "DE")]
    assert (p2["buyers"], p2["repeat_buyers"], p2["returning_buyers"], p2["returning_rate"]) == (2, 0, 2, 1.0)
    assert got.loc[("p3", "FR"), "currency"] == "EUR"  # A's currency
    assert sorted(got.index) == [("p1", "DE"), ("p1", "FR"), ("p2", "DE"), ("p3", "FR")]


def test_segment_summary_lists_all_four_segments() -> None:
    cust = customer_summary(purchases(_lines()), END)
    cust["segment"] = ["high_value", "potential", "high_value"]
    cust["p_alive"] = [0.9, 1.0, 0.5]
    cust["p_buy"] = [0.6, 0.3, 0.2]
    cust["expected_purchases"] = [2.0, 0.5, 1.0]
    cust["expected_value"] = [100.0, 10.0, 40.0]
    got = segment_summary(cust)
    de = got[got["market"] == "DE"]
    assert de["segment"].tolist() == ["high_value", "potential", "at_risk", "lost"]
    assert de["customers"].tolist() == [2, 0, 0, 0] and de["share"].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert de["expected_value"].iloc[0] == 140.0 and de["expected_value_per_customer"].iloc[0] == 70.0
    assert de["mean_p_alive"].iloc[0] == pytest.approx(0.7) and np.isnan(de["expected_value"].iloc[1])
    assert de["mean_p_buy"].iloc[0] == pytest.approx(0.4)  # the two DE customers: 0.6 and 0.2
