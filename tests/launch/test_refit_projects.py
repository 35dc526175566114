"""Refit of the selection's group weights on the warehouse's own projects: group values, AUC, the minimum count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.domains.launch.refit_projects import (
    ProjectRefitRules,
    auc,
    group_values,
    project_profile_toml,
    refit_on_projects,
)


def test_group_value_is_the_weighted_mean_of_its_factors() -> None:
    f = pd.DataFrame(
        [("a", "units_6m", "demand_size", 0.8, 0.2), ("a", "revenue_6m", "demand_size", 0.4, 0.2),
         ("a", "momentum_pct", "momentum", 0.5, 0.1), ("b", "units_6m", "demand_size", 0.1, 0.3)],
        columns=["project_id", "factor", "factor_group", "normalised", "weight"],
    )  # fmt: skip
    values, weights = group_values(f)
    assert values.loc["a", "demand_size"] == pytest.approx(0.6)
    assert weights.loc["a", "demand_size"] == pytest.approx(0.4)
    assert values.loc["b", "demand_size"] == pytest.approx(0.1)
    assert np.isnan(values.loc["b", "momentum"])  # b had no momentum factor: left out of its score


def test_auc_by_hand() -> None:
    # Successes score 0.4 and 0.8, failures 0.1 and 0.35: every success above every failure.
    assert auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([False, True, False, True])) == 1.0
    # One pair of four is reversed (0.3 < 0.35): 3 of 4.
    assert auc(np.array([0.1, 0.3, 0.35, 0.8]), np.array([False, True, False, True])) == 0.75
    assert auc(np.array([0.5, 0.5]), np.array([True, False])) == 0.5  # a tie counts half
    assert auc(np.array([0.5, 0.6]), np.array([True, True])) is None  # no failure: undefined


def _projects(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n projects whose success follows momentum; demand is frozen with most weight but says nothing."""
    rng = np.random.default_rng(1)
    mom = rng.uniform(size=n)
    dem = rng.uniform(size=n)
    ids = [f"p{i:03d}" for i in range(n)]
    rows = [(p, "units_6m", "demand_size", d, 0.8) for p, d in zip(ids, dem, strict=True)]
    rows += [(p, "momentum_pct", "momentum", m, 0.2) for p, m in zip(ids, mom, strict=True)]
    factors = pd.DataFrame(rows, columns=["project_id", "factor", "factor_group", "normalised", "weight"])
    outcomes = pd.DataFrame(
        {
            "project_id": ids,
            "launched_at": pd.date_range("2011-01-01", periods=n, freq="D"),
            "success": mom > 0.5,
        }
    )
    return factors, outcomes


def test_too_few_judged_projects_fit_nothing_and_say_how_many() -> None:
    factors, outcomes = _projects(12)
    outcomes.loc[:1, "success"] = None  # two not judged yet
    r = refit_on_projects(factors, outcomes, ProjectRefitRules(min_projects=30))
    assert (r.status, r.judged, r.needed, r.with_factors) == ("too_few", 10, 30, 12)
    assert r.refit_weights == {}
    assert r.frozen_weights == pytest.approx({"demand_size": 0.8, "momentum": 0.2})


def test_refit_finds_the_group_that_orders_the_outcomes() -> None:
    factors, outcomes = _projects(60)
    r = refit_on_projects(factors, outcomes, ProjectRefitRules(min_projects=30))
    assert r.status == "fitted" and r.judged == 60
    assert r.auc_refit == 1.0  # momentum alone (a single-group candidate) orders them perfectly
    assert r.refit_weights == {"demand_size": 0.0, "momentum": 1.0}
    assert r.auc_frozen is not None and r.auc_frozen < 0.9
    h = r.holdout
    assert (h["train"], h["test"]) == (40, 20)
    assert h["auc_refit"] == 1.0 and h["top_half_success_refit"] >= h["top_half_success_frozen"]
    text = project_profile_toml(r)
    assert "[refit-projects.weights]" in text and "momentum = 1.0" in text


def test_frozen_weights_win_ties() -> None:
    factors, outcomes = _projects(40)
    v, _ = group_values(factors)
    score = 0.8 * v["demand_size"] + 0.2 * v["momentum"]
    outcomes["success"] = (score > score.median()).to_numpy()  # the frozen score orders them perfectly
    r = refit_on_projects(factors, outcomes, ProjectRefitRules(min_projects=30))
    assert r.auc_frozen == 1.0 and r.auc_refit == 1.0
    assert r.refit_weights == pytest.approx(
        {"demand_size": 0.8, "momentum": 0.2}
    )  # unchanged: no move on a tie
