"""Lifetime value on a held-out period, on the two years of UCI Online Retail (II's 2009-2010 sheet, then the
2010-2011 file): the compared counts against the raw files, and the accuracy figures docs/customers.md states."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import shared_path
from tests.domains.customers.test_real_uci import NON_PRODUCT
from xborder.domains.customers.backtest import clv_backtest
from xborder.domains.customers.calibration import calibration_error
from xborder.domains.customers.transactions import purchases

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

END = pd.Timestamp("2011-12-09")


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """Keyed product lines of both years (the first file up to 2010-11-30: the files share 2010-12-01..09)."""
    first = pd.read_csv(shared_path("uci_online_retail_ii", "online_retail_II_2009-2010.csv.gz"),
                        dtype={"Invoice": str, "StockCode": str})  # fmt: skip
    first = first.rename(columns={"Invoice": "InvoiceNo", "Price": "UnitPrice", "Customer ID": "CustomerID"})
    second = pd.read_csv(shared_path("uci_online_retail", "online_retail.csv.gz"),
                         dtype={"InvoiceNo": str, "StockCode": str})  # fmt: skip
    for df in (first, second):
        df["day"] = pd.to_datetime(df["InvoiceDate"]).dt.normalize()
    df = pd.concat([first[first["day"] < "2010-12-01"], second], ignore_index=True)
    code, invoice = df["StockCode"].str.upper(), df["InvoiceNo"].str.upper()
    product = ~(
        code.isin(NON_PRODUCT) | code.str.lower().str.startswith("gift_") | invoice.str.startswith("A")
    )
    return df[df["CustomerID"].notna() & product].copy()


@pytest.fixture(scope="module")
def days(raw: pd.DataFrame) -> pd.DataFrame:
    lines = pd.DataFrame({"source": "uci", "customer_key": raw["CustomerID"].astype(int), "day": raw["day"],
                          "market": raw["Country"], "currency": "GBP", "product_id": raw["StockCode"],
                          "value": raw["Quantity"] * raw["UnitPrice"], "sold_units": raw["Quantity"].clip(lower=0)})  # fmt: skip
    return purchases(lines)


def _check(days: pd.DataFrame, holdout_days: int) -> dict:
    r = clv_backtest(days, "uci", END, holdout_days, min_customers=100, min_repeat_customers=20,
                     recent_min_score=3, valuable_min_score=3.5)  # fmt: skip
    assert r is not None
    return r


def _by_hand(raw: pd.DataFrame, holdout_days: int) -> tuple[int, int, int]:
    """(customers with a sold line before the cut, their purchase days after it, and in as many days before)."""
    sold = raw[(raw["Quantity"] > 0) & ~raw["InvoiceNo"].str.upper().str.startswith("C")]
    cut = END - pd.Timedelta(days=holdout_days)
    first = sold.groupby("CustomerID")["day"].min()
    who = set(first[first < cut].index)
    mine = sold[sold["CustomerID"].isin(who)].drop_duplicates(["CustomerID", "day"])
    after = int((mine["day"] > cut).sum())
    before = int(((mine["day"] > cut - pd.Timedelta(days=holdout_days)) & (mine["day"] <= cut)).sum())
    return len(who), after, before


@pytest.mark.parametrize("holdout_days", [365, 180])
def test_compared_counts_equal_the_raw_files(
    raw: pd.DataFrame, days: pd.DataFrame, holdout_days: int
) -> None:
    r = _check(days, holdout_days)
    customers, after, before = _by_hand(raw, holdout_days)
    assert (r["customers"], r["purchases"]["actual"], r["purchases"]["last_period"]["total"]) == (
        customers,
        after,
        before,
    )


def test_a_year_held_out_the_models_overestimate(days: pd.DataFrame) -> None:
    """Fitted on 2009-12-01..2010-12-09, the models expect 1.54 times the purchases the customers made in the
    following year (1.36 times the value): they do not see the second year's fall in repeat buying; the
    'same as last year' forecast is off by +33 % / +25 %. Ranking is as good as last year's spend."""
    r = _check(days, 365)
    n, v = r["purchases"], r["value"]
    assert n["actual"] == 12188
    assert n["model"]["error"] == pytest.approx(0.537, abs=0.01)
    assert n["last_period"]["error"] == pytest.approx(0.326, abs=0.01)
    assert v["model"]["error"] == pytest.approx(0.363, abs=0.01)
    assert v["last_period"]["error"] == pytest.approx(0.246, abs=0.01)
    assert v["model"]["top_capture"] == pytest.approx(0.749, abs=0.01)
    assert v["last_period"]["top_capture"] == pytest.approx(0.745, abs=0.01)
    # why: one year of calibration hardly shows who stopped buying, the fitted drop-out per purchase is 0.2 %
    # (4.5 % on a year and a half), and P(a purchase in the year) is 17 points too high on average per tenth
    assert r["calibration_days"] == 373 and r["dropout_per_purchase"] == pytest.approx(0.0018, abs=0.0005)
    assert [n["code"] for n in r["notes"]] == ["customers.short_calibration"]
    assert calibration_error(r["calibration"]) == pytest.approx(0.167, abs=0.01)


def test_half_a_year_held_out_the_models_beat_the_naive_forecast(days: pd.DataFrame) -> None:
    """Fitted up to 2011-06-12, the models' 180-day total is within 3 % on purchases and 16 % on value (the
    Christmas peak); the naive forecast misses by 18 % and 30 %, and ranks customers less well."""
    r = _check(days, 180)
    n, v = r["purchases"], r["value"]
    assert n["model"]["error"] == pytest.approx(-0.028, abs=0.01)
    assert n["last_period"]["error"] == pytest.approx(-0.178, abs=0.01)
    assert v["model"]["error"] == pytest.approx(-0.161, abs=0.01)
    assert v["last_period"]["error"] == pytest.approx(-0.296, abs=0.01)
    assert v["model"]["rank_correlation"] > v["last_period"]["rank_correlation"]
    assert v["model"]["top_capture"] > v["last_period"]["top_capture"]
    seg = (
        r["segments"]
        .groupby("segment")[["customers", "buyers", "mean_p_alive"]]
        .agg({"customers": "sum", "buyers": "sum", "mean_p_alive": "mean"})
    )
    bought = seg["buyers"] / seg["customers"]
    # P(alive) ranks the segments right but overstates the 'lost': 25 % of them bought again
    assert bought["lost"] == pytest.approx(0.25, abs=0.02) and bought["high_value"] > 0.8
    lost = r["segments"][r["segments"]["segment"] == "lost"]
    assert (lost["mean_p_alive"] * lost["customers"]).sum() / lost["customers"].sum() == pytest.approx(
        0.914, abs=0.005
    )
    assert r["dropout_per_purchase"] == pytest.approx(0.045, abs=0.002) and r["notes"] == []


def test_half_a_year_held_out_the_purchase_chance_is_calibrated(days: pd.DataFrame) -> None:
    """P(a purchase in the 180 days) is within 2 points of the bought share per tenth on average (worst tenth
    3.9 points), and 26.7 % of the 'lost' were expected to buy against 25.4 % who did; P(alive) is 39 points
    off: its top three tenths are one-time buyers (P(alive) = 1 by construction) of whom 24-27 % bought."""
    r = _check(days, 180)
    cal = r["calibration"]
    assert calibration_error(cal) == pytest.approx(0.0215, abs=0.003)
    assert calibration_error(cal, "p_alive", "mean_p_alive") == pytest.approx(0.393, abs=0.01)
    buy = cal[cal["ranking"] == "p_buy"]
    assert (buy["mean_p_buy"] - buy["bought_share"]).abs().max() == pytest.approx(0.039, abs=0.005)
    top = cal[(cal["ranking"] == "p_alive") & (cal["decile"] >= 8)]
    assert (top["one_time_buyers"] == top["customers"]).all() and top["bought_share"].between(
        0.23, 0.28
    ).all()
    seg = r["segments"].groupby("segment")[["customers", "buyers", "expected_buyers"]].sum()
    assert seg.loc["lost", "expected_buyers"] / seg.loc["lost", "customers"] == pytest.approx(
        0.267, abs=0.005
    )
    assert seg.loc["lost", "buyers"] / seg.loc["lost", "customers"] == pytest.approx(0.254, abs=0.005)
