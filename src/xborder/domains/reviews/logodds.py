"""Weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words").

For a word w with counts y_i (group i), y_j (group j), group totals n_i, n_j, and prior
pseudo-counts a_w with a_0 = sum_w a_w (eq. 16, 18-22 of the paper):

    delta_w = log[(y_i + a_w) / (n_i + a_0 - y_i - a_w)] - log[(y_j + a_w) / (n_j + a_0 - y_j - a_w)]
    var(delta_w) ≈ 1 / (y_i + a_w) + 1 / (y_j + a_w)
    z_w = delta_w / sqrt(var)

The informative prior takes a_w = a_0 · (background count of w / background total), where
the background is (by default) both groups pooled. Source: B. L. Monroe, M. P. Colaresi,
K. M. Quinn (2008), Political Analysis 16(4):372-403, doi:10.1093/pan/mpn018.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["log_odds_dirichlet"]


def log_odds_dirichlet(
    counts_i: Mapping[str, float],
    counts_j: Mapping[str, float],
    *,
    prior: Mapping[str, float] | None = None,
    prior_total: float | None = None,
) -> pd.DataFrame:
    """Log-odds ratio of every word between group i and group j, with its z-score.

    Args:
        counts_i: word -> count in group i (e.g. low-star reviews).
        counts_j: word -> count in group j (e.g. high-star reviews).
        prior: word -> background count. ``None`` pools the two groups.
        prior_total: a_0, the total prior pseudo-count. ``None`` uses the background total itself
            (prior counts taken at face value, as in the paper's worked examples).

    Returns:
        Columns ``term, count_i, count_j, alpha, log_odds, variance, z``, sorted by ``z``
        descending (words typical of group i first).
    """
    vocab = sorted(set(counts_i) | set(counts_j))
    if not vocab:
        return pd.DataFrame(columns=["term", "count_i", "count_j", "alpha", "log_odds", "variance", "z"])
    y_i = np.array([float(counts_i.get(w, 0.0)) for w in vocab])
    y_j = np.array([float(counts_j.get(w, 0.0)) for w in vocab])
    if prior is None:
        background = y_i + y_j
    else:
        background = np.array([float(prior.get(w, 0.0)) for w in vocab])
    bg_total = float(background.sum())
    if bg_total <= 0:
        raise ValueError("The prior (background) counts sum to zero; give positive counts.")
    a0 = bg_total if prior_total is None else float(prior_total)
    alpha = a0 * background / bg_total
    # words absent from the background get the smallest positive pseudo-count to stay finite
    alpha = np.where(alpha > 0, alpha, max(alpha[alpha > 0].min() if (alpha > 0).any() else 0.01, 1e-6))
    n_i, n_j = y_i.sum(), y_j.sum()
    a0_eff = float(alpha.sum())
    delta = np.log((y_i + alpha) / (n_i + a0_eff - y_i - alpha)) - np.log(
        (y_j + alpha) / (n_j + a0_eff - y_j - alpha)
    )
    var = 1.0 / (y_i + alpha) + 1.0 / (y_j + alpha)
    out = pd.DataFrame(
        {
            "term": vocab,
            "count_i": y_i,
            "count_j": y_j,
            "alpha": alpha,
            "log_odds": delta,
            "variance": var,
            "z": delta / np.sqrt(var),
        }
    )
    return out.sort_values(["z", "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
