"""BG/NBD purchase-frequency model (Fader, Hardie & Lee 2005): maximum-likelihood fit, P(alive), expected purchases.

Each customer is summarised by ``frequency`` x (repeat purchases: purchase occasions after the first),
``recency`` tₓ (time from the first to the last purchase) and ``age`` T (time from the first purchase to the
end of the observation), all in one time unit (weeks here, as in the paper). While alive a customer buys at a
Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with probability p ~ Beta(a, b).

Formulas: the log-likelihood is eq. (6) of Fader, Hardie & Lee, "Counting Your Customers the Easy Way",
Marketing Science 24(2):275-284 (2005); P(alive) and the conditional expectation are eqs. (10) and (11), the
latter computed through Euler's transformation of ₂F₁ (Fader & Hardie 2013, "Overcoming the BG/NBD Model's
#NUM! Error Problem", brucehardie.com/notes/027) so that customers with hundreds of purchases stay finite.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from scipy.special import betaln, expit, gammaln, hyp2f1

__all__ = [
    "BgNbd",
    "bgnbd_log_likelihood",
    "fit_bgnbd",
    "probability_alive",
    "expected_purchases",
    "probability_buys",
    "unique_rows",
    "minimise_positive",
]


@dataclass(frozen=True)
class BgNbd:
    """A fitted BG/NBD model.

    Attributes:
        r: Shape of the Gamma distribution of purchase rates.
        alpha: Scale of the Gamma distribution of purchase rates (in the time unit of the data).
        a: First shape of the Beta distribution of drop-out probabilities.
        b: Second shape of the Beta distribution of drop-out probabilities.
        log_likelihood: Log-likelihood of the data at the estimate.
        customers: Customers the model was fitted on.
        converged: The optimiser reported success.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float = float("nan")
    customers: int = 0
    converged: bool = True


def _arrays(*values: ArrayLike) -> list[np.ndarray]:
    return [np.asarray(v, dtype=float) for v in values]


def unique_rows(*columns: ArrayLike) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of ``columns`` and how often each occurs (so a likelihood sums over fewer rows)."""
    stacked = np.column_stack(_arrays(*columns))
    rows, counts = np.unique(stacked, axis=0, return_counts=True)
    return [rows[:, i] for i in range(rows.shape[1])], counts.astype(float)


def minimise_positive(
    negative_log_likelihood: Callable[[np.ndarray], float], start: Sequence[float]
) -> tuple[np.ndarray, float, bool]:
    """Minimise over positive parameters, searched on their logs: Nelder-Mead (robust where the optimum lies
    on a flat ridge or near a boundary, as BG/NBD's a → 0 on UCI Online Retail), then BFGS from its end.

    Returns:
        (parameters, minimum, converged): converged when either search reports success.
    """

    def f(theta: np.ndarray) -> float:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            val = negative_log_likelihood(np.exp(np.clip(theta, -30, 30)))
        return val if np.isfinite(val) else 1e300

    simplex = minimize(f, np.log(np.asarray(start, dtype=float)), method="Nelder-Mead",
                       options={"maxiter": 5000, "xatol": 1e-6, "fatol": 1e-6})  # fmt: skip
    polished = minimize(f, simplex.x, method="BFGS")
    res = polished if polished.fun <= simplex.fun else simplex
    return np.exp(np.clip(res.x, -30, 30)), float(res.fun), bool(simplex.success or polished.success)


def _per_customer(
    r: float, alpha: float, a: float, b: float, x: np.ndarray, tx: np.ndarray, age: np.ndarray
) -> np.ndarray:
    """Log-likelihood of each customer (eq. 6 of the paper, in logs)."""
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b)
    still = -(r + x) * np.log(alpha + age)
    repeat = x > 0
    bx = np.where(repeat, b + x - 1.0, 1.0)  # only read where x > 0
    dropped = np.where(repeat, np.log(a) - np.log(bx) - (r + x) * np.log(alpha + tx), -np.inf)
    return common + np.logaddexp(still, dropped)


def bgnbd_log_likelihood(
    model: BgNbd,
    frequency: ArrayLike,
    recency: ArrayLike,
    age: ArrayLike,
    weights: ArrayLike | None = None,
) -> float:
    """Total log-likelihood of customers (``weights``: how many customers each row stands for)."""
    x, tx, age_ = _arrays(frequency, recency, age)
    ll = _per_customer(model.r, model.alpha, model.a, model.b, x, tx, age_)
    w = np.ones_like(ll) if weights is None else np.asarray(weights, dtype=float)
    return float(np.sum(w * ll))


def _check(x: np.ndarray, tx: np.ndarray, age: np.ndarray) -> None:
    if len(x) == 0:
        raise ValueError("BG/NBD needs at least one customer")
    if np.any(x < 0) or np.any(tx < 0) or np.any(tx > age + 1e-9) or np.any((x == 0) & (tx > 0)):
        raise ValueError(
            "BG/NBD inputs need 0 <= recency <= age, frequency >= 0, recency = 0 when frequency = 0"
        )


def fit_bgnbd(frequency: ArrayLike, recency: ArrayLike, age: ArrayLike) -> BgNbd:
    """Maximum-likelihood estimate of (r, α, a, b) for customers given as frequency, recency and age.

    The search runs on the logs of the parameters (so they stay positive) from r = a = b = 1 and α = the mean
    age (:func:`minimise_positive`). Identical customers are counted once with a weight.

    Raises:
        ValueError: no customers, or inconsistent inputs (recency after age, recency without repeat purchases).
    """
    x, tx, age_ = _arrays(frequency, recency, age)
    _check(x, tx, age_)
    (ux, utx, uage), w = unique_rows(x, tx, age_)

    def nll(params: np.ndarray) -> float:
        r, alpha, a, b = params
        return -float(np.sum(w * _per_customer(r, alpha, a, b, ux, utx, uage)))

    est, minimum, converged = minimise_positive(nll, [1.0, max(float(np.mean(age_)), 1e-3), 1.0, 1.0])
    r, alpha, a, b = (float(v) for v in est)
    return BgNbd(r, alpha, a, b, -minimum, int(len(x)), converged)


def _log_odds_dropped(model: BgNbd, x: np.ndarray, tx: np.ndarray, age: np.ndarray) -> np.ndarray:
    """log of δ(x>0)·a/(b+x−1)·((α+T)/(α+tₓ))^(r+x); −inf for customers without repeat purchases."""
    repeat = x > 0
    bx = np.where(repeat, model.b + x - 1.0, 1.0)
    ratio = np.log(model.alpha + age) - np.log(model.alpha + tx)
    return np.where(repeat, np.log(model.a) - np.log(bx) + (model.r + x) * ratio, -np.inf)


def probability_alive(model: BgNbd, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike) -> np.ndarray:
    """P(the customer is still active at the end of the observation | x, tₓ, T) (eq. 10)."""
    x, tx, age_ = _arrays(frequency, recency, age)
    return np.asarray(expit(-_log_odds_dropped(model, x, tx, age_)), dtype=float)


def probability_buys(
    model: BgNbd, horizon: float, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
) -> np.ndarray:
    """P(at least one purchase in the next ``horizon`` time units | x, tₓ, T): what a held-out period can check.

    A customer alive at T buys at a rate λ whose posterior is Gamma(r + x, α + T); drop-out happens only right
    after a purchase, so no purchase in (T, T + t] has probability 1 − P(alive) + P(alive)·((α+T)/(α+T+t))^(r+x).
    P(alive) itself is only the chance of not having dropped out: a one-time buyer has P(alive) = 1 by
    construction (eq. 10), however long ago the purchase, so it overstates the chance of a next purchase.
    """
    x, tx, age_ = _arrays(frequency, recency, age)
    if horizon <= 0:
        return np.zeros_like(x)
    alive = probability_alive(model, x, tx, age_)
    silent = np.exp((model.r + x) * (np.log(model.alpha + age_) - np.log(model.alpha + age_ + horizon)))
    return np.asarray(alive * (1.0 - silent), dtype=float)


def expected_purchases(
    model: BgNbd, horizon: float, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
) -> np.ndarray:
    """E[purchases in the next ``horizon`` time units | x, tₓ, T] (eq. 11, through Euler's transformation).

    Args:
        model: Fitted model.
        horizon: Length of the forecast period, in the data's time unit.
        frequency: Repeat purchases x.
        recency: Time of the last purchase tₓ.
        age: Age T at the end of the observation.

    Returns:
        Expected purchases; NaN where the hypergeometric series cannot be evaluated (degenerate estimates).
    """
    x, tx, age_ = _arrays(frequency, recency, age)
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    if horizon <= 0:
        return np.zeros_like(x)
    z = horizon / (alpha + age_ + horizon)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        # 1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z) = 1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)
        tail = np.power(1.0 - z, a - 1.0) * hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)
        out = (a + b + x - 1.0) / (a - 1.0) * (1.0 - tail) * expit(-_log_odds_dropped(model, x, tx, age_))
    return np.where(np.isfinite(out), out, np.nan)
