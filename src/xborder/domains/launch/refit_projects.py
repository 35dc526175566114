"""Refitting the selection's group weights on the warehouse's own launches: frozen factors against judged outcomes.

Stated rules (docs/launch.md, fixed before running on a replay):

* **Data**: projects with frozen factors (``project_factors``, the pick run's ``opportunity_factors``) and a
  judged outcome (``launch_outcomes.success`` not NULL: window complete, a frozen lower bound). Nothing is fit
  with fewer than ``min_projects`` of them (setting ``launch_refit_min_projects``); the result says how many.
* **Group value** of a project = mean of its group's normalised factor values weighted by the frozen factor
  weights (the selection shares a group's weight equally among its available factors, so this is the group's
  part of the score over its weight). A group with no factor for a project is left out of that project's score
  (the selection redistributes the weight of unavailable groups the same way).
* **Score** = Σ w_g · value_g / Σ w_g over the project's groups. **Criterion**: how well the score orders the
  judged projects — AUC (probability that a success scores above a failure, ties half). Projects are all picks:
  the refit can only learn which picks did better, not which candidates were never picked.
* **Candidates**: the frozen weights (mean over projects of each group's frozen weight), each single group, and
  ``candidates`` Dirichlet(1) vectors (seed fixed). The frozen weights win ties, so weights move only when
  another vector orders the projects strictly better.
* **Hold-out**: fit on the earlier ``1 - holdout_share`` of projects by launch date, score the later ones with
  the fitted and the frozen weights (AUC, and success rate of the better-scored half). Then the weights shown
  are fit on all judged projects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ProjectRefitRules",
    "ProjectRefit",
    "group_values",
    "auc",
    "refit_on_projects",
    "project_profile_toml",
]


@dataclass(frozen=True)
class ProjectRefitRules:
    """The refit's stated rules.

    Args:
        min_projects: Fewest judged projects with frozen factors before weights are fit.
        candidates: Random weight vectors tried besides the frozen ones and the single groups.
        seed: Seed of the random vectors.
        holdout_share: Share of the latest-launched judged projects kept out of the hold-out fit.
    """

    min_projects: int = 30
    candidates: int = 200
    seed: int = 20
    holdout_share: float = 1 / 3


@dataclass
class ProjectRefit:
    """What a refit on projects found (or why it fit nothing).

    Attributes:
        status: ``fitted`` | ``too_few`` (fewer judged projects with frozen factors than ``needed``).
        judged: Judged projects with frozen factors.
        needed: The minimum (``min_projects``).
        with_factors: Projects with frozen factors (judged or not).
        successes: Judged successes among them.
        groups: Factor groups with a frozen value.
        frozen_weights: Mean frozen weight of each group, rescaled to sum 1.
        refit_weights: The weights fit on every judged project (empty when not fitted).
        auc_frozen: AUC of the frozen weights over every judged project.
        auc_refit: AUC of the refit weights over the same (in sample).
        holdout: train / test counts, AUC and top-half success of both weightings on the later projects.
    """

    status: str
    judged: int
    needed: int
    with_factors: int = 0
    successes: int = 0
    groups: list[str] = field(default_factory=list)
    frozen_weights: dict[str, float] = field(default_factory=dict)
    refit_weights: dict[str, float] = field(default_factory=dict)
    auc_frozen: float | None = None
    auc_refit: float | None = None
    holdout: dict[str, Any] = field(default_factory=dict)


def group_values(factors: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per project and group: the weighted mean of the normalised values, and the group's frozen weight.

    Args:
        factors: project_factors rows (project_id, factor_group, normalised, weight).

    Returns:
        (values, weights): project x group frames; NaN where the project has no factor of the group.
    """
    f = factors.dropna(subset=["factor_group", "normalised"]).copy()
    w = pd.to_numeric(f["weight"], errors="coerce").fillna(0.0)
    f = f.assign(w=w, wv=w * pd.to_numeric(f["normalised"], errors="coerce"), n=f["normalised"].astype(float))
    g = f.groupby(["project_id", "factor_group"])
    total = g["w"].sum()
    value = (g["wv"].sum() / total.where(total > 0)).fillna(g["n"].mean())
    return value.unstack("factor_group"), total.unstack("factor_group")


def auc(score: np.ndarray, success: np.ndarray) -> float | None:
    """Probability that a success scores above a failure (ties count half); None without both kinds."""
    s, y = np.asarray(score, dtype=float), np.asarray(success, dtype=bool)
    pos, neg = int(y.sum()), int((~y).sum())
    if pos == 0 or neg == 0:
        return None
    ranks = pd.Series(s).rank(method="average").to_numpy()
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def _scores(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Score of every project under every weight vector (rows of ``weights``), over its available groups."""
    have = ~np.isnan(values)
    v = np.where(have, values, 0.0)
    num = v @ weights.T
    den = have.astype(float) @ weights.T
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)


def _candidates(frozen: np.ndarray, rules: ProjectRefitRules) -> np.ndarray:
    rng = np.random.default_rng(rules.seed)
    k = len(frozen)
    return np.vstack([frozen, np.eye(k), rng.dirichlet(np.ones(k), size=rules.candidates)])


def _fit(values: np.ndarray, success: np.ndarray, cands: np.ndarray) -> tuple[np.ndarray, float | None]:
    """The candidate with the highest AUC (the first, i.e. the frozen weights, on ties)."""
    scores = _scores(values, cands)
    aucs = [auc(scores[:, j], success) for j in range(len(cands))]
    best = int(np.argmax([-1.0 if a is None else a for a in aucs]))
    return cands[best], aucs[best]


def _top_half_success(score: np.ndarray, success: np.ndarray) -> float | None:
    if len(score) < 2:
        return None
    order = np.argsort(-score, kind="stable")[: int(np.ceil(len(score) / 2))]
    return float(success[order].mean())


def refit_on_projects(
    factors: pd.DataFrame, outcomes: pd.DataFrame, rules: ProjectRefitRules | None = None
) -> ProjectRefit:
    """Fit the group weights on judged projects (see the module docstring for the rules).

    Args:
        factors: project_factors rows.
        outcomes: One judged row per project: project_id, launched_at, success (NULL: not judged).
        rules: The refit's rules.

    Returns:
        The refit, or ``status='too_few'`` with the counts when there are fewer than ``min_projects``.
    """
    rules = rules or ProjectRefitRules()
    values, weights = group_values(factors) if len(factors) else (pd.DataFrame(), pd.DataFrame())
    judged = outcomes.dropna(subset=["success"])
    judged = judged[judged["project_id"].isin(values.index)].sort_values(["launched_at", "project_id"])
    out = ProjectRefit("too_few", int(len(judged)), rules.min_projects, with_factors=int(len(values)),
                       successes=int(judged["success"].astype(bool).sum()))  # fmt: skip
    if len(values) == 0:
        return out
    groups = [str(g) for g in values.columns]
    frozen = weights[groups].fillna(0.0).mean().to_numpy(dtype=float)
    frozen = frozen / frozen.sum() if frozen.sum() > 0 else np.full(len(groups), 1 / len(groups))
    out.groups, out.frozen_weights = groups, dict(zip(groups, map(float, frozen), strict=True))
    if len(judged) < rules.min_projects:
        return out
    x = values.loc[judged["project_id"], groups].to_numpy(dtype=float)
    y = judged["success"].astype(bool).to_numpy()
    cands = _candidates(frozen, rules)
    w, a = _fit(x, y, cands)
    out.status, out.refit_weights = "fitted", dict(zip(groups, map(float, w), strict=True))
    out.auc_refit, out.auc_frozen = a, auc(_scores(x, frozen[None, :])[:, 0], y)
    cut = int(round(len(judged) * (1 - rules.holdout_share)))
    if 0 < cut < len(judged):
        wt, _ = _fit(x[:cut], y[:cut], cands)
        test = _scores(x[cut:], np.vstack([wt, frozen]))
        out.holdout = {
            "train": cut, "test": int(len(judged) - cut), "test_success_rate": float(y[cut:].mean()),
            "auc_refit": auc(test[:, 0], y[cut:]), "auc_frozen": auc(test[:, 1], y[cut:]),
            "top_half_success_refit": _top_half_success(test[:, 0], y[cut:]),
            "top_half_success_frozen": _top_half_success(test[:, 1], y[cut:]),
        }  # fmt: skip
    return out


def project_profile_toml(refit: ProjectRefit, name: str = "refit-projects", base_share: float = 1.0) -> str:
    """A selection profile file (``xborder select --profile FILE:NAME``) holding the refit group weights.

    Groups are those with frozen factors; ``base_share`` scales them (1 = they are the whole profile). The
    shipped presets are not changed: stop passing the file to go back.
    """
    lines = [f"# Refit on {refit.judged} judged projects with frozen factors ({refit.successes} successes); "
             f"AUC {refit.auc_frozen} frozen -> {refit.auc_refit} refit (in sample)", f"[{name}]",
             'description = "Group weights refit on the warehouse\'s own judged launches (xborder projects refit)."',
             'method = "weighted_sum"', 'normalisation = "rank"', f"[{name}.weights]"]  # fmt: skip
    lines += [f"{g} = {round(v * base_share, 4)}" for g, v in refit.refit_weights.items()]
    return "\n".join(lines) + "\n"
