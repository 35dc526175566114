"""Real data: UCI Online Retail (I + II) from the ingested warehouse, country totals monthly.

Checks the whole chain on the real warehouse: series net of cancellations, trend signals that
find the known November peak of this gift wholesaler, and a backtested per-series choice that
beats Naive on MASE and WAPE (the issue's protocol: forecast Jun-Nov 2011 from before; it does
not beat SeasonalNaive's WAPE on that fold, an expected failure).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.domains.demand import build_series, forecast, trend_signals
from xborder.domains.demand.accuracy import PINBALL_BOUNDS, naive_scale, pinball_sums
from xborder.domains.demand.margins import level_margins, margins
from xborder.warehouse import connect

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


@pytest.fixture(scope="module")
def country_months(retail_warehouse: Path) -> pd.DataFrame:
    from xborder.domains.demand.stage import load_events

    con = connect(retail_warehouse, read_only=True)
    try:
        events = load_events(con)
    finally:
        con.close()
    return build_series(events, level="market_total", freq="M")


def test_series_cover_both_files_and_the_uk_dominates(country_months: pd.DataFrame) -> None:
    gb = country_months[country_months["unique_id"] == "total|GB"]
    assert gb["ds"].min() == pd.Timestamp("2009-12-01")
    assert gb["ds"].max() == pd.Timestamp("2011-11-01")  # December 2011 is partial (data end on the 9th)
    share = gb["y"].sum() / country_months["y"].sum()
    assert 0.75 < share < 0.95
    sig = trend_signals(gb, freq="M").set_index("signal")
    assert sig.loc["peak_month", "value"] == 11  # gift wholesaler: November peak


@pytest.fixture(scope="module")
def jun_nov(country_months: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Country totals: forecasts for Jun-Nov 2011 from the data before, joined with the actuals."""
    train = country_months[country_months["ds"] < "2011-06-01"]
    test = country_months[country_months["ds"] >= "2011-06-01"]
    res = forecast(train, horizon=6, freq="M", n_jobs=1)
    keep = ["unique_id", "ds", "point", "mean", "lo_80", "hi_80", "lo_95", "hi_95"]
    wide = res.all_models.merge(res.forecasts[keep], on=["unique_id", "ds"])
    return train, test.merge(wide, on=["unique_id", "ds"]).dropna(subset=["SeasonalNaive"])


def _wape(m: pd.DataFrame, col: str) -> float:
    return float((m["y"] - m[col].clip(lower=0)).abs().sum() / m["y"].sum())


def test_backtest_choice_beats_naive_on_country_totals(jun_nov: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    train, m = jun_nov
    assert _wape(m, "point") < _wape(m, "Naive")
    scale = naive_scale(train)
    mase = ((m["y"] - m["point"]).abs().groupby(m["unique_id"]).mean() / scale).dropna().mean()
    mase_naive = ((m["y"] - m["Naive"]).abs().groupby(m["unique_id"]).mean() / scale).dropna().mean()
    assert mase < mase_naive


def test_backtest_choice_near_seasonal_naive_wape_on_country_totals(
    jun_nov: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """Jun-Nov 2011 holds the November peak: SeasonalNaive's WAPE is 0.17-0.21 here. The choice used to
    score ~0.3 (a flat ADIDA level, issue 15); re-seasoned with the pooled profile it comes within 0.05."""
    _, m = jun_nov
    assert _wape(m, "point") < _wape(m, "SeasonalNaive") + 0.05


def _coverage(m: pd.DataFrame, lo: str, hi: str) -> float:
    return float(((m["y"] >= m[lo]) & (m["y"] <= m[hi])).mean())


def _wql(m: pd.DataFrame, cols: dict[str, str]) -> float:
    qs = {p: m[cols[c]].clip(lower=0).to_numpy(float) for p, c in PINBALL_BOUNDS}
    return float(pinball_sums(m["y"].to_numpy(float), qs).sum() / m["y"].sum())


def test_intervals_are_two_distinct_intervals_that_no_longer_fall_short(
    jun_nov: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """Issue 15 measured the chosen 80%/95% intervals covering 0.616/0.626 of country-month totals on this
    fold (the issue's origin, Jun-Nov 2011): short, and the two intervals nearly the same. The pooled,
    season-scaled intervals now cover 0.796/0.920 of the 201 points here."""
    _, m = jun_nov
    c80, c95 = _coverage(m, "lo_80", "hi_80"), _coverage(m, "lo_95", "hi_95")
    assert c80 >= 0.75 and c95 >= 0.90
    assert c95 - c80 >= 0.03  # two distinct intervals, not one
    # pinball (weighted quantile) loss of the chosen quantiles against the baselines' own intervals
    chosen = {"lo_95": "lo_95", "lo_80": "lo_80", "yhat": "point", "hi_80": "hi_80", "hi_95": "hi_95"}
    assert _wql(m, chosen) < min(_wql(m, _baseline(model)) for model in ("Naive", "AutoETS"))


def _baseline(model: str) -> dict[str, str]:
    return {"yhat": model} | {f"{s}_{lv}": f"{model}-{s}-{lv}" for s in ("lo", "hi") for lv in (80, 95)}


def test_coverage_within_5_points_on_the_issues_fold(jun_nov: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """The pooled intervals (errors scaled by the season, not centred) cover 0.796 / 0.920 of the 201
    country-months here (the models' own bounds, chosen by the held-out window until 2026-12-06, 0.905 / 0.945)."""
    _, m = jun_nov
    assert abs(_coverage(m, "lo_80", "hi_80") - 0.80) <= 0.05
    assert abs(_coverage(m, "lo_95", "hi_95") - 0.95) <= 0.05


@pytest.mark.xfail(
    strict=True,
    reason="issue 15 target not met on this fold: SeasonalNaive's quantiles have the lower pinball loss "
    "(wQL 0.100 vs 0.121; docs/benchmarks.md)",
)
def test_best_pinball_on_the_issues_fold(jun_nov: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    _, m = jun_nov
    chosen = {"lo_95": "lo_95", "lo_80": "lo_80", "yhat": "point", "hi_80": "hi_80", "hi_95": "hi_95"}
    assert _wql(m, chosen) <= _wql(m, _baseline("SeasonalNaive"))


def test_run_demand_on_the_real_warehouse(retail_warehouse: Path, tmp_path: Path) -> None:
    from xborder.core.settings import Settings
    from xborder.domains.demand.stage import run_demand

    db = tmp_path / "copy.duckdb"
    shutil.copy(retail_warehouse, db)
    con = connect(db)
    # search interest that runs one month ahead of a real product's German sales (the month's
    # value is next month's units): the run must find the product, the keyword and the lead
    pid, title = con.execute(
        "SELECT l.product_id, p.title FROM order_lines l JOIN products p USING (product_id) "
        "WHERE l.country = 'DE' AND l.status = 'sold' AND p.title IS NOT NULL "
        "GROUP BY ALL ORDER BY sum(l.quantity) DESC LIMIT 1"
    ).fetchone()
    con.execute(
        "INSERT INTO search_trends (keyword, market_code, ds, value, freq, source) "
        "SELECT ?, 'DE', month - INTERVAL 1 MONTH, units, 'month', 'test' FROM ("
        "  SELECT date_trunc('month', ordered_at)::DATE AS month, sum(quantity) AS units FROM order_lines "
        "  WHERE product_id = ? AND country = 'DE' AND status = 'sold' GROUP BY 1)",
        [title.lower(), pid],
    )
    try:
        out = run_demand(
            con,
            Settings(),
            run_id="r1",
            markets=["DE", "FR", "BR"],
            levels=["market_total", "product_market"],
            freq="M",
            max_series=60,
            analogue_products=5,
            n_jobs=1,
        )
        kinds = dict(
            con.execute(
                "SELECT kind, count(DISTINCT unique_id) FROM forecasts WHERE run_id='r1' GROUP BY 1"
            ).fetchall()
        )
        zh = con.execute(
            "SELECT text_zh FROM trend_signals WHERE run_id='r1' AND unique_id='total|DE'"
        ).fetchall()
        leads = con.execute(
            "SELECT unique_id, value, text_en FROM trend_signals WHERE run_id='r1' AND signal='search_lead'"
        ).fetchall()
    finally:
        con.close()
    assert out["levels"]["market_total"]["forecast"] == 3
    assert out["levels"]["product_market"]["forecast"] == 60
    assert kinds["forecast"] == 63 and kinds.get("analogue", 0) == out["analogues"] > 0
    assert any("月" in r[0] or "周" in r[0] for r in zh)
    assert (f"{pid}|DE", 1.0) in {(u, v) for u, v, _ in leads}, leads
    assert out["search_leads"] == len(leads) and all(
        "leads sales by" in t or "moves with" in t for *_, t in leads
    )


def _fold_scores(weeks: pd.DataFrame, cut: str) -> dict[str, tuple[float, float]]:
    """MASE (mean over series) and WAPE of the chosen forecast and the baselines on the 26 weeks after ``cut``."""
    train = weeks[weeks["ds"] <= cut]
    test = weeks[(weeks["ds"] > cut) & weeks["unique_id"].isin(train["unique_id"].unique())]
    test = test.groupby("unique_id").head(26)
    res = forecast(train, horizon=26, freq="W", n_jobs=2)
    m = test.merge(res.all_models.merge(res.forecasts[["unique_id", "ds", "point"]], on=["unique_id", "ds"]))
    scale = naive_scale(train)
    out = {}
    for col in ("point", "Naive", "AutoETS"):
        ae = (m["y"] - m[col].clip(lower=0)).abs()
        mase = (ae.groupby(m["unique_id"]).mean() / scale).dropna().mean()
        out[col] = (float(mase), float(ae.sum() / m["y"].abs().sum()))
    return out


def test_weekly_country_totals_choice_no_worse_than_naive() -> None:
    """Issue 15's check on benchmarks/forecast_accuracy.py's UCI country totals weekly row (its series, built from
    the two UCI files as the benchmark builds them; origins 21 Feb and 23 May 2011, 26 weeks each, the two folds'
    mean): the choice with the fixed 50% margin scored MASE 0.819 against Naive's 0.759 (most countries are
    lumpy; Naive's zero after a silent week wins where they stop buying). The margin chosen on the backtest
    (windows held out in turn), on for weekly country totals as the stage sets it (margins.LEVEL_MARGINS), takes
    25% there: MASE 0.733, WAPE 0.331 (Naive 0.759 / 0.439, AutoETS 0.919 / 0.406). (The warehouse's own series
    differ slightly, e.g. no Jersey: there the 50% margin already beat Naive.)"""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
    from demand_datasets import load_uci_order_lines, load_uci_products

    root = shared_path("uci_online_retail").parent
    lines, products = load_uci_order_lines(root), load_uci_products(root)
    weeks = build_series(lines, level="market_total", freq="W", products=products)
    with margins(level_margins("market_total", "W")):
        folds = [_fold_scores(weeks, cut) for cut in ("2011-02-21", "2011-05-23")]
    mean = {k: [sum(f[k][i] for f in folds) / 2 for i in (0, 1)] for k in folds[0]}
    assert mean["point"][0] <= mean["Naive"][0]
    assert mean["point"][1] <= min(mean["Naive"][1], mean["AutoETS"][1])
