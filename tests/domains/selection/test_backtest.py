"""Selection backtest: the success definition, baselines, no look-ahead, and the real UCI protocol."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.domains.selection.conftest import sparse_lines, tiny_lines

from xborder.domains.selection.backtest import (
    BACKTEST_FACTORS,
    calibrate_weights,
    cutoff_frame,
    evaluate_cutoff,
    monthly_units,
    run_backtest,
)
from xborder.domains.selection.profiles import load_profile


def test_success_is_growth_above_the_median_candidate() -> None:
    lines = tiny_lines()
    f = cutoff_frame(monthly_units(lines), lines, pd.Period("2023-06", "M"), min_units=50)
    assert (f["demand_6m"] >= 50).all()
    assert f["win"].sum() == (f["growth"] > f["growth"].median()).sum()
    g = f.set_index(["product_id", "market"])["growth"]
    assert g[("t:p0", "GB")] > g[("t:p5", "GB")]  # the +8%/month product grew more than the -5%/month one


def test_a_cutoff_without_candidates_is_reported_not_a_crash() -> None:
    # 12 products selling one unit a month: none reaches 50 units in 6 months (it used to end in KeyError 'win')
    lines = sparse_lines()
    (r,) = run_backtest(lines, ["2023-03"], ks=(5,))
    assert r.candidates == 0 and r.rows == [] and r.best_units == 6.0
    assert cutoff_frame(monthly_units(lines), lines, pd.Period("2021-01", "M")).empty  # before any sale
    # with a threshold the data reaches, the same history backtests; empty earlier cutoffs teach nothing
    early, later = run_backtest(lines, ["2022-03", "2023-03"], ks=(5,), min_units=6)
    assert early.candidates == 0 and later.candidates == 12 and len(later.rows) == 4
    assert calibrate_weights(
        [cutoff_frame(monthly_units(lines), lines, pd.Period("2022-03", "M"))]
    ) == dict.fromkeys(BACKTEST_FACTORS, 1.0 / len(BACKTEST_FACTORS))


def test_factors_at_a_cutoff_do_not_change_when_the_future_changes() -> None:
    lines = tiny_lines()
    cut = pd.Period("2023-03", "M")
    a = cutoff_frame(monthly_units(lines), lines, cut)
    later = lines.copy()
    later.loc[later["ordered_at"] >= cut.start_time, "quantity"] *= 7
    b = cutoff_frame(monthly_units(later), later, cut)
    pd.testing.assert_frame_equal(a[list(BACKTEST_FACTORS)], b[list(BACKTEST_FACTORS)])
    assert not np.allclose(a["units_next"], b["units_next"])


def test_random_baseline_has_a_band_around_one_half() -> None:
    lines = tiny_lines()
    f = cutoff_frame(monthly_units(lines), lines, pd.Period("2023-06", "M"), min_units=1)
    rows = evaluate_cutoff(f, load_profile("high-growth"), (5,), draws=500)
    rnd = next(r for r in rows if r["method"] == "random")
    assert rnd["success_lo95"] <= rnd["success"] <= rnd["success_hi95"]
    assert abs(rnd["success"] - f["win"].mean()) < 0.05


def test_calibration_without_training_cutoffs_gives_equal_weights() -> None:
    w = calibrate_weights([])
    assert set(w) == set(BACKTEST_FACTORS) and max(w.values()) == pytest.approx(min(w.values()))


def test_walk_forward_uses_only_cutoffs_whose_outcome_is_complete() -> None:
    lines = tiny_lines()
    # data starts 2022-01: first training cutoff is 2022-07 (6 months of history), whose outcome window
    # [2022-07, 2023-01) closes by 2023-01 — so 2023-01 has one training cutoff and 2022-12 has none.
    (early,) = run_backtest(lines, ["2022-12"], ks=(5,), min_units=1)
    assert len(set(early.weights.values())) == 1  # equal weights: nothing to learn from yet
    (later,) = run_backtest(lines, ["2023-01"], ks=(5,), min_units=1)
    assert len(set(later.weights.values())) > 1


@pytest.mark.shared_data
def test_uci_protocol_reproduces_the_orientation_baselines_at_one_cutoff(uci_lines: pd.DataFrame) -> None:
    # Issue 6 orientation: best sellers ≈ 0.67 at k = 50 (never below 0.60), random 0.50.
    f = cutoff_frame(monthly_units(uci_lines), uci_lines, pd.Period("2011-01", "M"))
    assert 3500 < len(f) < 4500
    rows = {r["method"]: r for r in evaluate_cutoff(f, load_profile("balanced"), (50,), draws=300)}
    assert rows["best_sellers"]["success"] == pytest.approx(0.68, abs=0.03)
    assert rows["random"]["success"] == pytest.approx(0.50, abs=0.02)


@pytest.mark.slow
@pytest.mark.shared_data
def test_walk_forward_score_beats_every_baseline_on_uci(uci_lines: pd.DataFrame) -> None:
    cuts = ["2010-12", "2011-01", "2011-02", "2011-03", "2011-04", "2011-05", "2011-06"]
    res = run_backtest(uci_lines, cuts, ks=(50,))
    df = pd.DataFrame([dict(cutoff=r.cutoff, **x) for r in res for x in r.rows]).pivot(
        index="cutoff", columns="method", values="success"
    )
    assert df["xborder"].mean() >= 0.80
    assert (df["xborder"] > df[["best_sellers", "momentum"]].max(axis=1)).all()
    assert df["best_sellers"].mean() == pytest.approx(0.67, abs=0.03) and df["best_sellers"].min() >= 0.60
