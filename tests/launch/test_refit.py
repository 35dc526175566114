"""Refitting selection weights on replayed launches: picks, the fit, the rolling test, the profile file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.domains.launch.refit import (
    BALANCED,
    FACTORS,
    RefitRules,
    fit_weights,
    launch_factors,
    picks_for,
    rank_factors,
    refit_profile_toml,
)


def test_picks_are_the_top_share_of_each_month() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.3, 0.8, 0.2, 0.7])
    months = np.array(["a", "a", "a", "a", "a", "b", "b"])
    picked = picks_for(scores, months, 0.2)[:, 0]
    # a: ceil(0.2 x 5) = 1 pick (0.9); b: ceil(0.2 x 2) = 1 pick (0.7)
    assert picked.tolist() == [False, True, False, False, False, False, True]


def test_fit_chooses_the_factor_that_picks_the_successes() -> None:
    n = 50
    rng = np.random.default_rng(0)
    x = rng.random((n, len(FACTORS)))
    success = x[:, 3] > 0.8  # only the crowding rank tells the successes
    months = np.array(["m"] * n)
    w, rate = fit_weights(x, months, success, RefitRules(candidates=50))
    assert rate == 1.0  # the 10 picks are the 10 with the highest crowding rank, all successes
    assert int(np.argmax(w)) == 3


def test_factors_from_the_months_before_launch() -> None:
    p = pd.Period
    monthly = pd.DataFrame(
        [("old", p(f"2010-{m:02d}", "M"), u) for m, u in zip(range(1, 7), [10, 10, 10, 20, 20, 20], strict=True)]
        + [("old2", p("2010-05", "M"), 5.0), ("new", p("2010-07", "M"), 3.0)],
        columns=["product_id", "month", "units"],
    )  # fmt: skip
    cats = pd.Series({"old": "toys", "old2": "toys", "new": "toys"})
    frozen = pd.DataFrame([{"product_id": "new", "category": "toys", "launch_month": p("2010-07", "M"),
                            "forecast": 40.0, "launch_price": 2.5}])  # fmt: skip
    f = launch_factors(monthly, frozen, cats).iloc[0]
    # category units: M-1..M-3 = 20 + 25 + 20 = 65, M-4..M-6 = 10 x 3 = 30
    assert f["momentum"] == pytest.approx(65 / 30)
    assert f["crowding"] == 4  # sellers in 2010-06, -05, -04: 1 + 2 + 1
    units = np.array([20, 25, 20, 10, 10, 10], dtype=float)
    assert f["volatility"] == pytest.approx(units.std() / units.mean())
    assert f["demand"] == 40.0 and f["price"] == 2.5
    ranks = rank_factors(pd.DataFrame([f.to_dict(), {**f.to_dict(), "product_id": "x", "crowding": 9.0}]))
    assert ranks[:, 3].tolist() == [1.0, 0.5]  # fewer sellers ranks best


def test_profile_file_is_a_valid_selection_profile(tmp_path) -> None:
    from xborder.domains.selection.profiles import load_profile

    w = dict(zip(FACTORS, [0.5, 0.1, 0.1, 0.2, 0.1], strict=True))
    path = tmp_path / "refit.toml"
    path.write_text(refit_profile_toml(w), encoding="utf-8")
    prof = load_profile(f"{path}:refit-launches")
    assert prof.weights["demand_size"] == round(0.5 * sum(BALANCED), 4)
    assert prof.weights["logistics"] == 0.12


@pytest.mark.shared_data
@pytest.mark.slow
def test_rolling_refit_on_uci_learns_only_from_finished_windows() -> None:
    from tests.conftest import shared_path
    from xborder.domains.launch.refit import rolling_refit
    from xborder.domains.launch.replay import monthly_units, replay_launches

    a = pd.read_parquet(shared_path("uci_online_retail", "online_retail.parquet"))
    b = pd.read_parquet(shared_path("uci_online_retail_ii", "online_retail_II_2009-2010.parquet"))
    b = b[pd.to_datetime(b["InvoiceDate"]) < "2010-12-01"].rename(
        columns={"Invoice": "InvoiceNo", "Price": "UnitPrice"}
    )
    df = pd.concat([b, a], ignore_index=True)
    df = df[~df["InvoiceNo"].astype(str).str.startswith("C") & (df["Quantity"] > 0)]
    df = df[df["StockCode"].astype(str).str.match(r"^\d{5}")]
    lines = pd.DataFrame({"product_id": df["StockCode"].astype(str).str.strip(),
                          "ordered_at": pd.to_datetime(df["InvoiceDate"]), "quantity": df["Quantity"].astype(float),
                          "unit_price": df["UnitPrice"].astype(float)})  # fmt: skip
    cats = pd.Series(dtype=str)
    judged = replay_launches(lines, cats)
    rules = RefitRules(min_train=100, candidates=30)
    per, tested = rolling_refit(launch_factors(monthly_units(lines), judged, cats), rules)
    done = judged[judged["complete"]]
    assert len(per) > 0
    for row in per.to_dict("records"):
        month = pd.Period(row["launch_month"], "M")
        # trained only on launches whose 6-month window ended before the month, counted here from the replay
        assert row["train_launches"] == int((done["launch_month"] + 5 < month).sum()) >= 100
        n = int((done["launch_month"] == month).sum())
        assert row["launches"] == n and row["picks_refit"] == row["picks_balanced"] == int(np.ceil(0.2 * n))
        assert sum(row[f"w_{f}"] for f in FACTORS) == pytest.approx(1.0)
    assert len(tested) == int(per["launches"].sum())
