"""The held-out check of lifetime value: forecast accuracy measures, the windows it compares, and the stage's
rows, on numbers worked out by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xborder.core.settings import get_settings
from xborder.domains.customers.backtest import clv_backtest, forecast_accuracy
from xborder.domains.customers.bgnbd import expected_purchases, fit_bgnbd
from xborder.domains.customers.report import report_panels
from xborder.domains.customers.stage import STAGE
from xborder.pipeline.runner import run_stage
from xborder.schema import table
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows, write_frame


def test_forecast_accuracy_by_hand() -> None:
    actual = np.array([10.0, 0.0, 5.0, 5.0, 0.0])
    forecast = np.array([8.0, 1.0, 6.0, 0.0, 0.0])
    r = forecast_accuracy(actual, forecast, top_share=0.4)
    assert r["total"] == 15.0 and r["error"] == pytest.approx(15 / 20 - 1)
    assert r["mae"] == pytest.approx((2 + 1 + 1 + 5 + 0) / 5)
    # the top 40 % = 2 customers the forecast ranks highest (8 and 6) bought 10 + 5 of 20
    assert r["top_capture"] == pytest.approx(0.75)
    # Spearman: ranks of actual (5, 1.5, 3.5, 3.5, 1.5) and of forecast (5, 3, 4, 1.5, 1.5)
    ra, rf = np.array([5, 1.5, 3.5, 3.5, 1.5]), np.array([5, 3, 4, 1.5, 1.5])
    assert r["rank_correlation"] == pytest.approx(np.corrcoef(ra, rf)[0, 1])
    assert np.isnan(forecast_accuracy(np.zeros(3), np.ones(3))["error"])  # nothing bought: no relative error


def _days() -> pd.DataFrame:
    """Purchase days of six customers and 40 fillers (one source, EUR; f in USD); cut = 2024-03-31 for 91 days
    held out from 2024-06-30. e first buys after the cut (not part of the check)."""
    rows = [
        ("a", "2024-01-05", True, 10.0), ("a", "2024-02-01", True, 20.0), ("a", "2024-03-20", True, 30.0),
        ("a", "2024-04-10", True, 40.0), ("a", "2024-06-30", True, 15.0),
        ("b", "2024-01-10", True, 50.0), ("b", "2024-05-01", True, 25.0), ("b", "2024-05-02", False, -5.0),
        ("c", "2023-12-01", True, 8.0), ("c", "2023-12-20", True, 12.0),
        ("d", "2024-03-01", True, 100.0), ("d", "2024-03-15", True, 60.0),
        ("e", "2024-04-02", True, 70.0),
        ("f", "2024-02-02", True, 9.0), ("f", "2024-03-03", True, 11.0), ("f", "2024-04-04", True, 13.0),
    ]  # fmt: skip
    for i in range(40):  # 40 more customers, all before the cut (1 purchase of 1 EUR; 13 of them 2)
        start = pd.Timestamp("2024-01-01") + pd.Timedelta(days=i)
        rows += [(f"g{i:02d}", str(start.date()), True, 1.0)]
        rows += [(f"g{i:02d}", str((start + pd.Timedelta(days=50)).date()), True, 1.0)] if i % 3 == 1 else []
    df = pd.DataFrame(rows, columns=["customer_key", "day", "bought", "value"])
    df["day"] = pd.to_datetime(df["day"])
    df["source"], df["market"], df["other_currency_value"] = "shop", "DE", np.nan
    df["currency"] = np.where(df["customer_key"] == "f", "USD", "EUR")
    return df


def test_backtest_compares_the_windows_by_hand() -> None:
    days = _days()
    r = clv_backtest(days, "shop", pd.Timestamp("2024-06-30"), 91, min_customers=2, min_repeat_customers=1,
                     recent_min_score=3, valuable_min_score=3.5, top_share=2 / 44)  # fmt: skip
    assert r is not None and str(r["calibration_until"]) == "2024-03-31"
    assert r["customers"] == 45 and r["currency"] == "EUR" and r["other_currency_customers"] == 1  # not e
    # after the cut: a 2 purchases (55), b 1 (25 - 5 = 20), f 1 (13 USD); c and d none
    assert r["purchases"]["actual"] == 4
    # the 91 days before (2024-01-01 .. 03-31): a 3, b 1, d 2, f 2, the fillers 53; c's December days are older
    assert r["purchases"]["last_period"]["total"] == 8 + 53
    assert r["value"]["actual"] == 75.0  # EUR customers only: 55 + 20
    assert r["value"]["last_period"]["total"] == 60 + 50 + 160 + 53
    # the model's purchases: BG/NBD fitted on x, t_x, T of the five calibration customers, in weeks
    g = np.arange(40)
    x = np.r_[[2, 0, 1, 1, 1], (g % 3 == 1).astype(int)]  # a, b, c, d, f, the fillers
    tx = np.r_[[75, 0, 19, 14, 30], np.where(g % 3 == 1, 50, 0)] / 7
    age = np.r_[[86, 81, 121, 30, 58], 90 - g] / 7
    bg = fit_bgnbd(x, tx, age)
    assert r["purchases"]["model"]["total"] == pytest.approx(expected_purchases(bg, 13.0, x, tx, age).sum())
    # the top 2 of the 44 EUR customers by the period before are d (160) and a (60): they bought 55 of 75
    assert r["value"]["last_period"]["top_capture"] == pytest.approx(55 / 75)
    assert r["value"]["best_top_capture"] == pytest.approx(1.0)  # a and b bought it all
    seg = r["segments"]
    assert seg["customers"].sum() == 45 and seg["buyers"].sum() == 3
    assert seg["actual_value"].sum() == pytest.approx(75 + 13)  # per currency in the rows
    assert seg.loc[seg["currency"] == "USD", "actual_value"].tolist() == [13.0]


def test_backtest_needs_data_before_the_cut() -> None:
    days = _days()
    kw = {"min_customers": 2, "min_repeat_customers": 1, "recent_min_score": 3, "valuable_min_score": 3.5}
    assert clv_backtest(days, "shop", pd.Timestamp("2024-06-30"), 0, **kw) is None
    assert (
        clv_backtest(days, "shop", pd.Timestamp("2024-06-30"), 300, **kw) is None
    )  # cut before the first day
    assert clv_backtest(days, "shop", pd.Timestamp("2024-06-30"), 91, **{**kw, "min_customers": 46}) is None


def test_stage_writes_the_backtest_rows(tmp_path: Path) -> None:
    days = _days()
    lines = pd.DataFrame({
        "source": "shop", "order_id": [f"o{i}" for i in range(len(days))], "ordered_at": days["day"],
        "customer_key": "k-" + days["customer_key"], "product_id": "shop:mug", "country": "DE",
        "marketplace_id": "shop.DE", "quantity": 1, "unit_price": days["value"].abs(),
        "status": np.where(days["bought"], "sold", "returned"), "currency": days["currency"],
    })  # fmt: skip
    lines["line_key"] = "shop:" + lines["order_id"]
    db = tmp_path / "w.duckdb"
    con = connect(db)
    write_frame(con, table("order_lines"), lines)
    run_id, _ = run_stage(con, get_settings(db_path=str(db)), STAGE,
                          {"holdout_days": 91, "min_customers": 2, "min_repeat_customers": 2})  # fmt: skip
    m = read_rows(con, "customer_models", run_id).iloc[0]
    rows = read_rows(con, "customer_backtest", run_id)
    cal = read_rows(con, "customer_calibration", run_id)
    en, zh = report_panels(con, run_id, "en")[1], report_panels(con, run_id, "zh")[1]
    con.close()
    assert (m["holdout_days"], m["holdout_actual"], m["holdout_purchases_last_period"]) == (91, 4, 61)
    assert (m["holdout_currency"], m["holdout_value_actual"], m["holdout_value_last_period"]) == (
        "EUR",
        75,
        323,
    )
    assert rows["customers"].sum() == 45 and set(rows["currency"]) == {"EUR", "USD"}
    assert str(rows["calibration_until"].iloc[0])[:10] == "2024-03-31"
    # the report panel: EUR customers of the largest source; bars = value per segment, summing to 75 bought
    assert en.key == "customers.backtest" and en.missing is None
    actual, model, naive = en.figure.data
    assert sum(actual.y) == pytest.approx(75.0) and sum(naive.y) == pytest.approx(323.0)
    assert sum(model.y) == pytest.approx(m["holdout_value_predicted"])
    assert "up to 2024-03-31 without the last 91 days" in en.intro and "75 EUR bought" in en.intro
    per_source = en.tables[0][1].iloc[0]
    assert (per_source["purchases: actual"], per_source["value: same as before"]) == (4, 323)
    assert zh.title == "客户：留出期检验生命周期价值" and "数据源" in zh.tables[0][1].columns
    # calibration: every calibration customer once per ranking, and as many buyers as the holdout had
    for ranking in ("p_buy", "p_alive"):
        mine = cal[cal["ranking"] == ranking]
        assert mine["customers"].sum() == 45 and mine["buyers"].sum() == (rows["buyers"].sum())
        assert mine["actual_purchases"].sum() == 4 and sorted(mine["decile"]) == list(range(1, 11))
    assert rows["expected_buyers"].sum() == pytest.approx(cal.loc[cal["ranking"] == "p_buy", "mean_p_buy"].mul(
        cal["customers"]).sum())  # fmt: skip
    caption, shown = en.tables[2]
    assert caption.startswith("Calibration") and len(shown) == 20 and shown["customers"].sum() == 90
