"""The replayed launch history: launches, frozen forecasts and judgements, by hand and on UCI Online Retail."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.domains.launch.metrics import forecast_error, launch_summary
from xborder.domains.launch.replay import (
    ReplayRules,
    find_launches,
    freeze_forecasts,
    judge_launches,
    monthly_units,
    replay_launches,
)


def _lines(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["product_id", "ordered_at", "quantity", "unit_price"])


def test_launches_skip_the_first_month_and_window_counts_horizon_months() -> None:
    lines = _lines(
        [
            ("old", "2020-01-05", 5, 1.0),  # sold in the data's first month: not a launch
            ("new", "2020-02-03", 2, 3.0),
            ("new", "2020-02-20", 4, 5.0),
            ("new", "2020-03-01", 10, 4.0),
            ("new", "2020-04-01", 100, 4.0),  # outside a 2-month window
            ("late", "2020-04-10", 7, 1.0),  # window 04..05 ends after the last full month (04)
            ("old", "2020-05-01", 1, 1.0),
        ]
    )
    rules = ReplayRules(horizon=2)
    launches = find_launches(monthly_units(lines), pd.Series({"new": "toys"}), rules).set_index("product_id")
    assert sorted(launches.index) == ["late", "new"]
    assert launches.loc["new", "actual_units"] == 16  # 2 + 4 in February, 10 in March
    assert launches.loc["new", "launch_price"] == 4.0  # median of 3 and 5
    assert launches.loc["new", "category"] == "toys"
    assert launches.loc["late", "category"] == "other"
    assert not launches.loc["late", "complete"]
    assert np.isnan(launches.loc["late", "actual_units"])


def test_forecast_is_the_class_median_with_10_90_percentiles_and_success_is_lower_bound() -> None:
    # 20 earlier launches in January with units 1..20 (horizon 1: each window is its own month),
    # then two launches in February judged against them.
    rows = [(f"p{i}", "2020-01-10", float(i), 1.0) for i in range(1, 21)]
    rows = [
        ("seed", "2019-12-10", 1.0, 1.0),
        *rows,
        ("hit", "2020-02-02", 3.0, 2.0),
        ("miss", "2020-02-03", 2.0, 1.0),
    ]
    rows.append(("seed", "2020-03-01", 1.0, 1.0))  # makes February a full month
    lines = _lines(rows)
    rules = ReplayRules(horizon=1, min_class=20)
    monthly = monthly_units(lines)
    cats = pd.Series("toys", index=lines["product_id"].unique())
    frozen = freeze_forecasts(monthly, find_launches(monthly, cats, rules), cats, rules)
    judged = judge_launches(frozen).set_index("product_id")
    values = np.arange(1, 21, dtype=float)
    assert judged.loc["hit", "basis"] == "analogue_launches:category"
    assert judged.loc["hit", "class_size"] == 20
    assert judged.loc["hit", "forecast"] == 10.5
    assert judged.loc["hit", "lo_80"] == pytest.approx(np.quantile(values, 0.1))  # 2.9
    assert judged.loc["hit", "hi_80"] == pytest.approx(np.quantile(values, 0.9))  # 18.1
    assert bool(judged.loc["hit", "success"]) and not bool(judged.loc["miss", "success"])
    assert judged.loc["hit", "score"] == 21.0  # 10.5 units x price 2
    assert bool(judged.loc["hit", "picked"]) and not bool(judged.loc["miss", "picked"])  # top 20% of 2 = 1


def test_forecast_error_by_hand() -> None:
    err = forecast_error(
        pd.Series([10.0, 30.0]), pd.Series([20.0, 10.0]), pd.Series([5.0, 5.0]), pd.Series([25.0, 25.0])
    )
    assert err["wape"] == pytest.approx(30 / 40)
    assert err["bias"] == pytest.approx(-10 / 40)
    assert err["coverage_80"] == 0.5


@pytest.mark.shared_data
@pytest.mark.slow
def test_replay_on_uci_online_retail() -> None:
    a = pd.read_parquet(shared_path("uci_online_retail", "online_retail.parquet"))
    b = pd.read_parquet(shared_path("uci_online_retail_ii", "online_retail_II_2009-2010.parquet"))
    a = a.rename(columns={"InvoiceNo": "Invoice", "UnitPrice": "Price"})
    b = b[pd.to_datetime(b["InvoiceDate"]) < "2010-12-01"]
    df = pd.concat([b, a], ignore_index=True)
    df = df[~df["Invoice"].astype(str).str.startswith("C") & (df["Quantity"] > 0)]
    df = df[df["StockCode"].astype(str).str.match(r"^\d{5}")]  # product codes only
    lines = pd.DataFrame(
        {
            "product_id": df["StockCode"].astype(str).str.strip(),
            "ordered_at": pd.to_datetime(df["InvoiceDate"]),
            "quantity": df["Quantity"].astype(float),
            "unit_price": df["Price"].astype(float),
        }
    )
    judged = replay_launches(lines, pd.Series(dtype=str)).set_index("product_id")
    # 85123A (white hanging heart T-light holder) sells in December 2009: not a launch. 23084 (rabbit night
    # light) is a launch; its window's units are summed here from the raw rows.
    first = lines.groupby("product_id")["ordered_at"].min().dt.to_period("M")
    assert "85123A" not in judged.index
    assert len(judged) == int((first > pd.Period("2009-12", "M")).sum())
    pid = "23084"
    month = first[pid]
    raw = lines[(lines["product_id"] == pid) & (lines["ordered_at"].dt.to_period("M") <= month + 5)]
    assert judged.loc[pid, "launch_month"] == month
    assert judged.loc[pid, "actual_units"] == raw["quantity"].sum()
    summary = launch_summary(judged.reset_index()).iloc[0]
    judged_n = int(judged["complete"].sum())
    assert summary["launches"] == judged_n
    assert summary["success_rate"] == pytest.approx(
        judged.loc[judged["complete"], "success"].astype(bool).mean()
    )
    assert 0.5 < summary["success_rate"] < 1.0  # a real rate, neither all nor nothing
