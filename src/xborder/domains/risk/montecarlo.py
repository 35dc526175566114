"""Monte Carlo engine: correlated drivers through a Gaussian copula, and first-order variance shares.

A driver is a name and an inverse CDF (``ppf``: uniform quantile -> value). Draws are correlated normals
``Z = L e`` (``L`` the Cholesky factor of the drivers' correlation matrix), mapped through ``Phi`` to uniforms and
through each driver's ``ppf``. The same draws can be reused for every product x market (common random numbers),
so differences between pairs are not sampling noise.

First-order variance share of driver i (the Sobol index ``S_i = Var(E[Y | X_i]) / Var(Y)``) is estimated by
the binning estimator: the draws are cut into ``bins`` equal-count bins of ``X_i``, ``E[Y | X_i]`` is the mean of
Y per bin and its variance is weighted by bin counts. With independent drivers and additive effects the shares
sum to one; correlated drivers share credit (each index counts what it explains with its partners). It needs
no special sample design (SALib's Saltelli/Sobol designs need ``N (2d + 2)`` model runs; SALib is not a
dependency).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["Driver", "draw", "first_order_indices", "mc_error"]


@dataclass(frozen=True)
class Driver:
    """One uncertain input.

    Args:
        name: Driver name (``freight``, ``fx`` ...).
        ppf: Inverse CDF: uniforms in (0, 1) -> driver values.
        base: The value in today's plan (no shock).
    """

    name: str
    ppf: Callable[[np.ndarray], np.ndarray]
    base: float = 0.0


def draw(
    drivers: Sequence[Driver],
    n: int,
    *,
    correlation: np.ndarray | None = None,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """``n`` joint draws of the drivers: name -> array of values.

    Args:
        drivers: The drivers.
        n: Number of draws.
        correlation: Correlation matrix of the normal scores (identity when None).
        seed: Random seed (the same seed gives the same draws).
    """
    d = len(drivers)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, d))
    if correlation is not None:
        z = z @ np.linalg.cholesky(np.asarray(correlation, float)).T
    u = np.clip(stats.norm.cdf(z), 1e-12, 1 - 1e-12)
    return {drv.name: np.asarray(drv.ppf(u[:, i]), float) for i, drv in enumerate(drivers)}


def first_order_indices(x: np.ndarray, y: np.ndarray, bins: int = 20) -> np.ndarray:
    """First-order variance share of driver ``x`` in each output row of ``y``.

    Args:
        x: Driver values, shape (n,).
        y: Outputs, shape (n,) or (pairs, n) — one row per product x market sharing the same draws.
        bins: Equal-count bins of ``x``.

    Returns:
        ``Var(E[Y | x]) / Var(Y)`` per row (NaN where Y does not vary).
    """
    yy = np.atleast_2d(np.asarray(y, float))
    n = yy.shape[1]
    order = np.argsort(x, kind="stable")
    labels = np.empty(n, dtype=int)
    labels[order] = np.minimum(np.arange(n) * bins // n, bins - 1)
    onehot = np.zeros((n, bins))
    onehot[np.arange(n), labels] = 1.0
    counts = onehot.sum(axis=0)
    means = (yy @ onehot) / counts
    mu = yy.mean(axis=1, keepdims=True)
    between = ((means - mu) ** 2 * counts).sum(axis=1) / n
    total = yy.var(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, between / total, np.nan)


def mc_error(p: float, n: int) -> float:
    """Standard error of a probability ``p`` estimated from ``n`` independent draws."""
    return float(np.sqrt(max(p * (1.0 - p), 0.0) / n))
