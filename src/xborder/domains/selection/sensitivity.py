"""Sensitivity of the ranking: how stable the top ranks stay when the profile's weights move by ±20%."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.domains.selection.mcda import topsis

__all__ = ["weight_scenarios", "top_rank_stability"]


def weight_scenarios(
    weights: np.ndarray, *, spread: float = 0.20, draws: int = 200, seed: int = 0
) -> np.ndarray:
    """Perturbed weight vectors: each weight alone ×(1 − spread) and ×(1 + spread), then ``draws`` joint
    perturbations with every weight scaled by an independent factor uniform in [1 − spread, 1 + spread];
    every vector is rescaled to sum to 1."""
    w = np.asarray(weights, dtype=float)
    n = w.size
    one_at_a_time = []
    for j in range(n):
        for f in (1 - spread, 1 + spread):
            v = w.copy()
            v[j] *= f
            one_at_a_time.append(v)
    rng = np.random.default_rng(seed)
    joint = w * rng.uniform(1 - spread, 1 + spread, size=(draws, n))
    allw = np.vstack([np.array(one_at_a_time).reshape(-1, n), joint])
    return allw / allw.sum(axis=1, keepdims=True)


def top_rank_stability(
    normalised: np.ndarray,
    weights: np.ndarray,
    *,
    top: int = 10,
    spread: float = 0.20,
    draws: int = 200,
    seed: int = 0,
    method: str = "weighted_sum",
    raw: np.ndarray | None = None,
    types: np.ndarray | None = None,
    normalisation: str = "vector",
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Re-score under perturbed weights and measure how the top ``top`` changes.

    Returns a frame (``row``: index into the candidates of the base top, ``base_rank``, ``stay_share``:
    share of scenarios in which it stays in the top, ``rank_min``/``rank_max``: its best and worst rank)
    and a summary: mean overlap (Jaccard) of the top set with the base top, share of scenarios whose
    number 1 is unchanged, and the number of scenarios.
    """
    w = np.asarray(weights, dtype=float)
    scen = weight_scenarios(w, spread=spread, draws=draws, seed=seed)
    top = min(top, normalised.shape[0])

    def scores(v: np.ndarray) -> np.ndarray:
        if method == "topsis":
            assert raw is not None and types is not None
            return topsis(raw, v, types, normalisation=normalisation)
        return normalised @ (v / v.sum())

    base = scores(w)
    base_order = np.argsort(-base, kind="stable")
    base_top = base_order[:top]
    stay = np.zeros(top)
    rmin = np.full(top, np.inf)
    rmax = np.zeros(top)
    jacc = []
    same_first = 0
    pos_in_base = {int(r): i for i, r in enumerate(base_top)}
    base_set = set(base_top.tolist())
    for v in scen:
        s = scores(v)
        top_now = np.argpartition(-s, top - 1)[:top] if top < s.size else np.arange(s.size)
        t = set(top_now.tolist())
        jacc.append(len(t & base_set) / len(t | base_set))
        same_first += int(np.argmax(s) == base_order[0])
        for r, i in pos_in_base.items():
            # = scipy.stats.rankdata(-s, method="min")[r], without sorting every candidate per scenario
            rk = int((s > s[r]).sum()) + 1
            stay[i] += rk <= top
            rmin[i] = min(rmin[i], rk)
            rmax[i] = max(rmax[i], rk)
    n = len(scen)
    frame = pd.DataFrame(
        {
            "row": base_top,
            "base_rank": np.arange(1, top + 1),
            "stay_share": stay / n,
            "rank_min": rmin.astype(int),
            "rank_max": rmax.astype(int),
        }
    )
    summary = {
        "top": top,
        "spread": spread,
        "scenarios": n,
        "mean_jaccard": float(np.mean(jacc)),
        "first_unchanged_share": same_first / n,
    }
    return frame, summary
