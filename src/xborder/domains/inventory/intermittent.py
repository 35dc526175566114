"""Reorder points for slow, intermittent pairs from the empirical distribution of their own daily sales.

The normal and gamma quantiles of :mod:`xborder.domains.inventory.replay` take a mean and a spread. A pair that
sells a few units a month in a handful of orders is not described by them: its lead-time demand is mostly zero
with a few large jumps, and with a daily or weekly review the stock position falls *below* the reorder point by
an order's size before anyone reorders (the undershoot), which no mean-and-spread quantile sees. Here:

* the year's daily demand (days that ended in stock; a sold-out day is left out) is an empirical pmf on whole
  units: how often a day has a sale and how large that day's sale was (the bootstrap of Willemain, Smart &
  Schwarz 2004 without its Markov step);
* a rate seen on a handful of sale days is uncertain: the number of sale days over n days is Poisson with a
  Gamma(k + ½, days counted) rate (k sale days seen; the Jeffreys posterior), i.e. negative binomial, each sale
  day's size drawn from the year's (``rate_uncertainty=False``: days drawn independently, binomial counts);
* the protection period P = L + R is mixed over the lead time's spread (L ~ N(L, σ_L): whole days within ±3σ_L,
  or 9-point Gauss–Hermite nodes with the uncertain rate);
* the undershoot at the review that orders is the discrete equilibrium distribution of one review period's
  positive demand X: P(U = k) = P(X > k) / E[X] (renewal theory: the equilibrium distribution of a jump);
* the reorder point is the smallest r with P(D_P + U ≤ r) ≥ the cycle service level.

Checked on held-out replays (benchmarks/inventory_stage_replay.py, docs/inventory.md "Slow pairs").
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import nbinom, norm

__all__ = ["daily_pmf", "empirical_reorder_points", "protection_pmf", "undershoot_pmf"]


def _conv(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
    """Row-wise convolution of two pmf arrays (SKUs × units), truncated to ``size`` units (mass beyond is kept
    in the last cell so a quantile is never understated)."""
    n = 1 << int(np.ceil(np.log2(a.shape[1] + b.shape[1])))
    out = np.fft.irfft(np.fft.rfft(a, n) * np.fft.rfft(b, n), n)
    out = np.clip(out, 0.0, None)
    head = out[:, :size].copy()
    head[:, -1] += out[:, size:].sum(axis=1)
    return head


def _power(pmf: np.ndarray, times: int, size: int) -> np.ndarray:
    """``pmf`` convolved with itself ``times`` times (repeated squaring), truncated to ``size`` units."""
    result = np.zeros((len(pmf), size))
    result[:, 0] = 1.0
    base = pmf[:, :size]
    k = int(times)
    while k > 0:
        if k & 1:
            result = _conv(result, base, size)
        k >>= 1
        if k:
            base = _conv(base, base, size)
    return result


def daily_pmf(sales: np.ndarray, in_stock: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Empirical pmf of one day's demand per SKU on 0..size−1 units (days that ended in stock), and days counted.

    A SKU with no counted day gets all its mass at 0.
    """
    s = np.clip(np.rint(np.asarray(sales, dtype=float)), 0, size - 1).astype(int)
    ok = np.asarray(in_stock, dtype=bool)
    counts = np.zeros((len(s), size))
    rows = np.repeat(np.arange(len(s)), s.shape[1])
    np.add.at(counts, (rows[ok.ravel()], s.ravel()[ok.ravel()]), 1.0)
    n = counts.sum(axis=1)
    pmf = np.divide(counts, n[:, None], out=np.zeros_like(counts), where=n[:, None] > 0)
    pmf[n == 0, 0] = 1.0
    return pmf, n


def undershoot_pmf(step: np.ndarray) -> np.ndarray:
    """Discrete equilibrium distribution P(U = k) = P(X > k) / E[X] of the positive part X of one review
    period's demand ``step`` (pmf rows); all mass at 0 where the SKU has no demand."""
    pos = step.copy()
    pos[:, 0] = 0.0
    total = pos.sum(axis=1, keepdims=True)
    pos = np.divide(pos, total, out=np.zeros_like(pos), where=total > 0)
    tail = 1.0 - np.cumsum(pos, axis=1)  # P(X > k)
    mean = (pos * np.arange(pos.shape[1])).sum(axis=1, keepdims=True)
    u = np.divide(np.clip(tail, 0.0, None), mean, out=np.zeros_like(pos), where=mean > 0)
    u[mean[:, 0] == 0, 0] = 1.0
    return u


def protection_pmf(
    day: np.ndarray, lead_time_days: float, lead_time_sd_days: float, review_days: int, size: int
) -> np.ndarray:
    """Pmf of demand over the protection period L + R, mixed over L ~ N(L, σ_L) rounded to whole days (≥ 1)."""
    lengths, w = _lengths(lead_time_days, lead_time_sd_days)
    lo = int(lengths[0])
    current = _power(day, lo + review_days, size)
    mix = w[0] * current
    for k in range(1, len(lengths)):
        current = _conv(current, day, size)
        mix += w[k] * current
    return mix


def _lengths(lead_time_days: float, lead_time_sd_days: float) -> tuple[np.ndarray, np.ndarray]:
    """Whole lead-time lengths (≥ 1 day) within ±3σ_L and their normal weights."""
    lo = max(1, int(np.floor(lead_time_days - 3.0 * lead_time_sd_days)))
    hi = max(lo, int(np.ceil(lead_time_days + 3.0 * lead_time_sd_days)))
    lengths = np.arange(lo, hi + 1)
    if lead_time_sd_days > 0:
        w = norm.cdf(lengths + 0.5, lead_time_days, lead_time_sd_days) - norm.cdf(
            lengths - 0.5, lead_time_days, lead_time_sd_days
        )
    else:
        w = (lengths == round(lead_time_days)).astype(float)
    return (lengths, w / w.sum()) if w.sum() > 0 else (lengths[:1], np.ones(1))


def _cdf(
    day: np.ndarray,
    counted: np.ndarray,
    lengths: np.ndarray,
    weights: np.ndarray,
    review: int,
    undershoot: bool,
    rate_uncertainty: bool,
) -> np.ndarray:
    """Exact cdf of D_(L+R) (+ U) for SKUs whose day pmf lives on 0..day.shape[1]−1: one FFT long enough
    for the largest total (to 10⁻⁷ of the mass), the lead-time mixture summed in the frequency domain."""
    m = day.shape[1]
    if rate_uncertainty:
        shape = (1.0 - day[:, 0]) * counted + 0.5  # Jeffreys: sale days seen + ½
        theta = (lengths.max() + review) / np.maximum(counted, 1.0)
        events = nbinom.ppf(1.0 - 1e-7, shape, 1.0 / (1.0 + theta)).max()
    else:
        events = float(lengths.max() + review)
    top = int(events + review + 1) * (m - 1) + 1
    n = 1 << int(np.ceil(np.log2(max(top, 2))))
    fd = np.fft.rfft(day, n)
    if rate_uncertainty:
        size = day.copy()
        size[:, 0] = 0.0
        size /= np.maximum(size.sum(axis=1, keepdims=True), 1e-300)
        fs = np.fft.rfft(size, n)
        z, wz = np.polynomial.hermite_e.hermegauss(9)  # L ~ N(L, σ_L) by 9-point Gauss–Hermite quadrature
        mean_l = float((lengths * weights).sum())
        sd_l = float(np.sqrt((weights * (lengths - mean_l) ** 2).sum()))
        nodes = np.maximum(mean_l + sd_l * z, 1.0) if sd_l > 0 else np.array([mean_l])
        wz = wz / wz.sum() if sd_l > 0 else np.ones(1)
        spec = sum(w * (1.0 + ((k + review) / np.maximum(counted, 1.0))[:, None] * (1.0 - fs)) ** -shape[:, None]
                   for k, w in zip(nodes, wz, strict=True))  # fmt: skip
    else:
        power = fd ** int(lengths[0] + review)
        spec = weights[0] * power
        for w in weights[1:]:  # consecutive lengths: one more day's demand each
            power = power * fd
            spec = spec + w * power
    if undershoot:
        step = np.fft.irfft(fd**review, n)[:, : review * (m - 1) + 1].clip(0.0, None)
        spec = spec * np.fft.rfft(undershoot_pmf(step), n)
    cdf = np.cumsum(np.fft.irfft(spec, n).clip(0.0, None), axis=1)
    return cdf / cdf[:, -1:]


def empirical_reorder_points(
    sales: np.ndarray,
    in_stock: np.ndarray,
    *,
    lead_time_days: float,
    lead_time_sd_days: float,
    review_days: int,
    service_level: float,
    window: int = 364,
    undershoot: bool = True,
    rate_uncertainty: bool = True,
    at: np.ndarray | None = None,
) -> Any:
    """Whole-unit reorder points from the empirical distribution of each SKU's own daily sales (module docstring).

    Args:
        sales: Daily sales, SKUs × days (the last ``window`` columns are read).
        in_stock: Same shape, True where the day ended with stock on hand (other days are left out).
        lead_time_days, lead_time_sd_days: Lead time L and its standard deviation σ_L (days), one for all SKUs.
        review_days: Review period R (days).
        service_level: Target cycle service level.
        window: Days of history read.
        undershoot: Add the undershoot at the ordering review (True) or not.
        rate_uncertainty: Count sale days over P as Poisson with a gamma rate from the days seen (the
            posterior predictive, a negative binomial) instead of days drawn independently from the year.
        at: Stock positions per SKU (another policy's reorder points) at which to also read the cycle service
            P(D_P + U ≤ at).

    Returns:
        Reorder point per SKU (0 where the window has no sale); with ``at``, (reorder points, cycle service at
        them, cycle service at ``at``), all read on one computed distribution.
    """
    s = np.clip(np.rint(np.asarray(sales, dtype=float)[:, -window:]), 0, None)
    ok = np.asarray(in_stock, dtype=bool)[:, -window:]
    r = np.zeros(len(s))
    below, at_r = np.full(len(s), np.nan), np.full(len(s), np.nan)
    if len(s) == 0:
        return (r, at_r, below) if at is not None else r
    biggest = np.where(ok, s, 0.0).max(axis=1)
    lengths, weights = _lengths(lead_time_days, lead_time_sd_days)
    bucket = np.ceil(np.log2(biggest + 2.0)).astype(int)  # SKUs with a like largest day share one FFT length
    for b in np.unique(bucket):
        m = (bucket == b) & (biggest > 0)
        if m.any():
            day, counted = daily_pmf(s[m], ok[m], int(2**b))
            cdf = _cdf(day, counted, lengths, weights, int(review_days), undershoot, rate_uncertainty)
            r[m] = np.argmax(cdf >= service_level - 1e-9, axis=1)
            if at is not None:
                rows = np.arange(len(cdf))
                at_r[m] = cdf[rows, r[m].astype(int)]
                pts = np.clip(np.floor(np.asarray(at, dtype=float)[m]), -1, cdf.shape[1] - 1).astype(int)
                below[m] = np.where(pts >= 0, cdf[rows, np.maximum(pts, 0)], 0.0)
    if at is not None:
        below[biggest <= 0], at_r[biggest <= 0] = 1.0, 1.0
        return r, at_r, below
    return r
