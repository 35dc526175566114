"""Refitting selection weights on replayed launches: learn on earlier launches, test on later ones.

Stated rules (fixed before running; see docs/launch.md):

* **Factors** known at each launch month M, from months before M only: ``demand`` = the frozen class forecast
  (selection group demand_size), ``price`` = the launch price (stands in for unit_economics: UCI has no costs),
  ``momentum`` = the category's units in M-3..M-1 over M-6..M-4, ``crowding`` = products of the category sold in
  M-3..M-1 (competition; fewer is better), ``volatility`` = coefficient of variation of the category's monthly
  units in M-6..M-1 (fewer swings is better). Each is a percentile rank within the launch month, 1 = best.
* **Score** = weighted sum of the ranks; the month's picks are its ceil(pick_share x launches) best (equal scores,
  common as category factors rank a category's launches alike, are ordered by the expected revenue).
* **Fit** on the launches whose whole window ended before M (at least ``min_train`` of them): the weight vector,
  of the fixed ones and ``candidates`` random ones (Dirichlet(1), seed fixed), whose picks succeed most often
  in the training launches (ties: the first). **Test** on month M's launches, never seen by the fit.
* **Fixed weights** to beat: the replay's expected revenue (demand x price, the replay's own picks) and the
  selection's ``balanced`` preset weights over the groups that have a factor here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FACTORS", "BALANCED", "RefitRules", "launch_factors", "rank_factors", "picks_for", "fit_weights",
           "rolling_refit", "refit_profile_toml"]  # fmt: skip

FACTORS = ("demand", "price", "momentum", "crowding", "volatility")
"""Factor names, in the order of a weight vector."""
GROUP_OF = {"demand": "demand_size", "price": "unit_economics", "momentum": "momentum",
            "crowding": "competition", "volatility": "volatility"}  # fmt: skip
"""The selection's factor group each replay factor stands for."""
BALANCED = (0.34, 0.17, 0.04, 0.10, 0.09)
"""The selection's ``balanced`` preset weights of those groups (profiles.toml), in FACTORS order."""
_HIGHER_IS_BETTER = {"demand": True, "price": True, "momentum": True, "crowding": False, "volatility": False}


@dataclass(frozen=True)
class RefitRules:
    """The refit's stated rules.

    Args:
        min_train: Fewest judged launches with a finished window before a month's weights are refit.
        candidates: Random weight vectors tried besides the fixed ones.
        seed: Seed of the random vectors.
        pick_share: Share of a month's launches picked.
        horizon: Outcome window in months (a launch is known once its window has ended).
    """

    min_train: int = 200
    candidates: int = 200
    seed: int = 20
    pick_share: float = 0.20
    horizon: int = 6


def launch_factors(monthly: pd.DataFrame, frozen: pd.DataFrame, categories: pd.Series) -> pd.DataFrame:
    """The factors of each launch from the months before its launch month.

    Args:
        monthly: product_id, month (Period), units (``replay.monthly_units``).
        frozen: Replayed launches with launch_month, category, forecast, launch_price (one row per launch: a
            product, or a product x market pair).
        categories: product_id -> catalogue category.

    Returns:
        frozen plus demand, price, momentum, crowding, volatility (NaN where unknown).
    """
    m = monthly.assign(category=monthly["product_id"].map(categories).fillna("other"))
    cat = m.groupby(["category", "month"])["units"].sum()
    sellers = m.groupby(["category", "month"])["product_id"].nunique()
    rows = []
    for rec in frozen[["product_id", "category", "launch_month"]].to_dict("records"):
        month: Any = rec["launch_month"]
        c = rec["category"]
        units = [float(cat.get((c, month - k), 0.0)) for k in range(1, 7)]  # M-1 .. M-6
        recent, before = sum(units[:3]), sum(units[3:])
        momentum = recent / before if before > 0 else np.nan
        crowding = float(sum(sellers.get((c, month - k), 0) for k in range(1, 4)))
        mean = float(np.mean(units))
        volatility = float(np.std(units) / mean) if mean > 0 else np.nan
        rows.append((rec["product_id"], momentum, crowding, volatility))
    f = pd.DataFrame(rows, columns=["product_id", "momentum", "crowding", "volatility"])
    # by position, so that launches of one product in several markets each keep their own row
    out = frozen.assign(**{c: f[c].to_numpy() for c in ("momentum", "crowding", "volatility")})
    return out.assign(demand=out["forecast"], price=out["launch_price"])


def rank_factors(launches: pd.DataFrame) -> np.ndarray:
    """Percentile ranks of the factors within each launch month (1 = best; unknown = 0.5), FACTORS order."""
    cols = []
    for name in FACTORS:
        r = launches.groupby("launch_month")[name].rank(pct=True, ascending=_HIGHER_IS_BETTER[name])
        cols.append(r.fillna(0.5).to_numpy(dtype=float))
    return np.column_stack(cols)


def picks_for(scores: np.ndarray, months: np.ndarray, share: float) -> np.ndarray:
    """Boolean picks: per month the ceil(share x n) highest scores (per column of ``scores``; first wins ties)."""
    scores = scores.reshape(len(scores), -1)
    out = np.zeros(scores.shape, dtype=bool)
    for m in np.unique(months):
        idx = np.flatnonzero(months == m)
        k = int(np.ceil(share * len(idx)))
        order = np.argsort(-scores[idx], axis=0, kind="stable")[:k]
        for j in range(scores.shape[1]):
            out[idx[order[:, j]], j] = True
    return out


def _candidates(rules: RefitRules) -> np.ndarray:
    rng = np.random.default_rng(rules.seed)
    fixed = np.array([BALANCED, *np.eye(len(FACTORS))], dtype=float)
    fixed = fixed / fixed.sum(axis=1, keepdims=True)
    return np.vstack([fixed, rng.dirichlet(np.ones(len(FACTORS)), size=rules.candidates)])


def fit_weights(
    x: np.ndarray,
    months: np.ndarray,
    success: np.ndarray,
    rules: RefitRules,
    tiebreak: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """The candidate weight vector whose picks succeed most often on these (training) launches, and that rate.

    ``tiebreak`` (added to every score, e.g. 1e-6 x the expected revenue's rank) orders launches with equal
    scores, as category-level factors give every launch of a category the same rank.
    """
    w = _candidates(rules)
    scores = x @ w.T + (0.0 if tiebreak is None else tiebreak[:, None])
    picked = picks_for(scores, months, rules.pick_share)
    rate = (picked & success[:, None]).sum(axis=0) / picked.sum(axis=0)
    best = int(np.argmax(rate))
    return w[best], float(rate[best])


def rolling_refit(
    launches: pd.DataFrame, rules: RefitRules | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Refit the weights before each launch month on the launches already judged, and test on that month.

    Args:
        launches: Output of :func:`launch_factors` after ``judge_launches`` (complete, success, picked, ...).
        rules: The refit's rules.

    Returns:
        (per test month: month, train launches, the refit weights, the fit's training pick success, and per
        method — refit, balanced, expected_revenue — picks and their success; the test launches with a
        ``picked_<method>`` column each).
    """
    rules = rules or RefitRules()
    done = launches[launches["complete"]].reset_index(drop=True)
    x = rank_factors(done)
    months = done["launch_month"].astype(str).to_numpy()
    success = done["success"].astype(bool).to_numpy()
    tie = 1e-6 * done.groupby("launch_month")["score"].rank(pct=True).to_numpy(dtype=float)
    balanced = np.array(BALANCED) / sum(BALANCED)
    rows, tested = [], []
    for month in sorted(done["launch_month"].unique()):
        known = (done["launch_month"] + (rules.horizon - 1) < month).to_numpy()
        if known.sum() < rules.min_train:
            continue
        w, train_rate = fit_weights(x[known], months[known], success[known], rules, tie[known])
        here = (done["launch_month"] == month).to_numpy()
        test = done[here].copy()
        test["picked_refit"] = picks_for(x[here] @ w + tie[here], months[here], rules.pick_share)[:, 0]
        test["picked_balanced"] = picks_for(x[here] @ balanced + tie[here], months[here], rules.pick_share)[
            :, 0
        ]
        test["picked_expected_revenue"] = test["picked"].astype(bool)
        row: dict[str, Any] = {"launch_month": str(month), "train_launches": int(known.sum()),
                               "train_pick_success": train_rate,
                               **{f"w_{f}": float(v) for f, v in zip(FACTORS, w, strict=True)},
                               "launches": int(here.sum()), "success_rate": float(test["success"].mean())}  # fmt: skip
        for method in ("refit", "balanced", "expected_revenue"):
            p = test[test[f"picked_{method}"]]
            row[f"picks_{method}"] = len(p)
            row[f"success_{method}"] = float(p["success"].astype(bool).mean())
        rows.append(row)
        tested.append(test)
    return pd.DataFrame(rows), (pd.concat(tested, ignore_index=True) if tested else done.iloc[0:0])


def refit_profile_toml(weights: dict[str, float], name: str = "refit-launches", note: str = "") -> str:
    """A selection profile file (``xborder select --profile FILE:NAME``) holding refit group weights.

    Groups without a replay factor keep the ``balanced`` preset's weights, scaled so that the refit groups
    keep the share they have in ``balanced``; the shipped presets are not changed (reversible: stop passing
    the file).
    """
    share = sum(BALANCED)
    groups = {GROUP_OF[f]: round(weights[f] * share, 4) for f in FACTORS}
    rest = {
        "seasonality": 0.03,
        "profit": 0.01,
        "compliance": 0.02,
        "logistics": 0.12,
        "customer_opportunity": 0.08,
    }
    lines = [f"# {note}" if note else "# Refit on replayed launches (benchmarks/launch_replay.py)", f"[{name}]",
             'description = "Balanced, with demand, price, momentum, competition and volatility refit on launches."',
             'method = "weighted_sum"', 'normalisation = "rank"', f"[{name}.weights]"]  # fmt: skip
    lines += [f"{g} = {v}" for g, v in {**groups, **rest}.items()]
    return "\n".join(lines) + "\n"
