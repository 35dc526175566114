"""Gamma-Gamma spend model (Fader & Hardie 2013): maximum-likelihood fit and expected spend per purchase.

A customer's purchase values are Gamma(p, ν) around their own mean; ν ~ Gamma(q, γ) across customers. The
model is fitted on customers with repeat purchases, summarised by ``frequency`` x (repeat purchases) and
``monetary`` m̄ₓ (mean value of those repeat purchases). Formulas: P. S. Fader and B. G. S. Hardie, "The
Gamma-Gamma Model of Monetary Value" (2013), brucehardie.com/notes/025, eqs. (1) and (5). It assumes spend
does not depend on purchase frequency; :func:`frequency_spend_correlation` is the check.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln

from xborder.domains.customers.bgnbd import minimise_positive, unique_rows

__all__ = [
    "GammaGamma",
    "gamma_gamma_log_likelihood",
    "fit_gamma_gamma",
    "expected_spend",
    "frequency_spend_correlation",
]


@dataclass(frozen=True)
class GammaGamma:
    """A fitted Gamma-Gamma model.

    Attributes:
        p: Shape of the Gamma distribution of one customer's purchase values.
        q: Shape of the Gamma distribution of the customers' scale ν.
        gamma: Scale γ of the Gamma distribution of ν (in currency).
        log_likelihood: Log-likelihood at the estimate.
        customers: Customers with repeat purchases the model was fitted on.
        converged: The optimiser reported success.
    """

    p: float
    q: float
    gamma: float
    log_likelihood: float = float("nan")
    customers: int = 0
    converged: bool = True

    @property
    def mean_spend(self) -> float:
        """Expected value of a purchase of a customer about whom nothing is known: pγ/(q−1) (inf when q ≤ 1)."""
        return self.p * self.gamma / (self.q - 1.0) if self.q > 1 else float("inf")


def _per_customer(p: float, q: float, gamma: float, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(gamma + x * m)
    )


def _repeaters(frequency: ArrayLike, monetary: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary, dtype=float)
    keep = (x > 0) & (m > 0) & np.isfinite(m)
    return x[keep], m[keep]


def gamma_gamma_log_likelihood(model: GammaGamma, frequency: ArrayLike, monetary: ArrayLike) -> float:
    """Total log-likelihood of the customers with repeat purchases and a positive mean value."""
    x, m = _repeaters(frequency, monetary)
    return float(np.sum(_per_customer(model.p, model.q, model.gamma, x, m)))


def fit_gamma_gamma(frequency: ArrayLike, monetary: ArrayLike) -> GammaGamma:
    """Maximum-likelihood estimate of (p, q, γ) from customers with repeat purchases (others are left out).

    Searched on the logs of the parameters from p = q = 1 and γ = the mean spend (:func:`minimise_positive`).

    Raises:
        ValueError: no customer has a repeat purchase with a positive value.
    """
    x, m = _repeaters(frequency, monetary)
    if len(x) == 0:
        raise ValueError("Gamma-Gamma needs customers with repeat purchases of positive value")
    (ux, um), w = unique_rows(x, m)

    def nll(params: np.ndarray) -> float:
        p, q, gamma = params
        return -float(np.sum(w * _per_customer(p, q, gamma, ux, um)))

    est, minimum, converged = minimise_positive(nll, [1.0, 1.0, max(float(np.mean(m)), 1e-6)])
    p, q, gamma = (float(v) for v in est)
    return GammaGamma(p, q, gamma, -minimum, int(len(x)), converged)


def expected_spend(model: GammaGamma, frequency: ArrayLike, monetary: ArrayLike) -> np.ndarray:
    """E[value of a purchase | x, m̄ₓ] = p(γ + x·m̄ₓ)/(px + q − 1) (eq. 5): a weighted mean of the population's
    mean spend and the customer's own, the more repeat purchases the more their own. Customers without repeat
    purchases of positive mean value (none, or cancelled) get the population's mean spend."""
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary, dtype=float)
    known = (x > 0) & np.isfinite(m) & (m > 0)
    x, m = np.where(known, x, 0.0), np.where(known, m, 0.0)
    return np.asarray(model.p * (model.gamma + x * m) / (model.p * x + model.q - 1.0), dtype=float)


def frequency_spend_correlation(frequency: ArrayLike, monetary: ArrayLike) -> float:
    """Pearson correlation of repeat purchases and mean spend among repeat customers (near 0 fits the model)."""
    x, m = _repeaters(frequency, monetary)
    if len(x) < 3 or np.std(x) == 0 or np.std(m) == 0:
        return float("nan")
    return float(np.corrcoef(x, m)[0, 1])
