"""Backtest of the selection score: pick the top-k product × market pairs at a cutoff, then see who grew.

Protocol (issue 6): candidates are product × market pairs with at least ``min_units`` units sold in the
6 months before the cutoff. A pick *succeeds* when its growth ``units(next 6 months) / units(last 6 months)``
is above the median growth of all candidates at that cutoff (this definition reproduces the issue's
orientation figures: best sellers ≈ 0.67 at k = 50, random 0.50). The score uses only data before the
cutoff and the same factor + MCDA code as ``xborder select``, with a *backtest-calibrated* profile whose
factor weights are learned walk-forward on earlier cutoffs whose 6-month outcome is complete before the
cutoff (no look-ahead).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from xborder.domains.selection.factors import factor_spec, history_factors
from xborder.domains.selection.mcda import normalise
from xborder.domains.selection.profiles import Profile
from xborder.domains.selection.score import score_candidates

__all__ = [
    "BACKTEST_FACTORS",
    "monthly_units",
    "cutoff_frame",
    "calibrate_weights",
    "calibrated_profile",
    "evaluate_cutoff",
    "run_backtest",
    "CutoffResult",
]

BACKTEST_FACTORS = ("demand_6m", "orders_6m", "momentum_pct", "seasonal_outlook", "demand_cv", "order_hhi")


def monthly_units(lines: pd.DataFrame) -> pd.DataFrame:
    """Sold order lines → ``product_id, market, month, units, revenue`` (market = buyer country)."""
    sold = lines[(lines["status"] == "sold") & lines["is_product"].fillna(True).astype(bool)]
    sold = sold[sold["quantity"] > 0]
    month = pd.to_datetime(sold["ordered_at"]).dt.to_period("M")
    out = (
        sold.assign(month=month, revenue=sold["quantity"] * sold["unit_price"].fillna(0.0))
        .groupby(["product_id", "country", "month"], sort=False)
        .agg(units=("quantity", "sum"), revenue=("revenue", "sum"))
        .reset_index()
        .rename(columns={"country": "market"})
    )
    return out


def _orders_before(lines: pd.DataFrame, cutoff: pd.Period, months: int = 6) -> pd.DataFrame:
    lo = (cutoff - months).start_time
    hi = cutoff.start_time
    t = lines["ordered_at"]
    sel = lines[(t >= lo) & (t < hi) & (lines["status"] == "sold") & (lines["quantity"] > 0)]
    sel = sel[sel["is_product"].fillna(True).astype(bool)]
    return sel.rename(columns={"country": "market", "quantity": "units"})[
        ["product_id", "market", "order_id", "units"]
    ]


def cutoff_frame(
    monthly: pd.DataFrame, lines: pd.DataFrame, cutoff: pd.Period, *, min_units: float = 50, horizon: int = 6
) -> pd.DataFrame:
    """Candidates at ``cutoff`` with their history factors and (for evaluation) the outcome.

    Outcome columns (never used by the score): ``units_next`` and ``revenue_next`` over the ``horizon``
    months from the cutoff, ``growth = units_next / demand_6m`` and ``win = growth > median growth``.
    """
    f = history_factors(monthly, _orders_before(lines, cutoff), cutoff)
    if "demand_6m" not in f:  # nothing sold in the 15 months before the cutoff
        f = f.assign(demand_6m=pd.Series(dtype=float))
    f = f[f["demand_6m"] >= min_units].reset_index(drop=True)
    c = cutoff.ordinal
    mi = pd.PeriodIndex(monthly["month"], freq="M").asi8
    nxt = (
        monthly[(mi >= c) & (mi < c + horizon)].groupby(["product_id", "market"])[["units", "revenue"]].sum()
    )
    nxt = nxt.rename(columns={"units": "units_next", "revenue": "revenue_next"}).reset_index()
    f = f.merge(nxt, on=["product_id", "market"], how="left").fillna({"units_next": 0.0, "revenue_next": 0.0})
    f["growth"] = f["units_next"] / f["demand_6m"]
    f["win"] = f["growth"] > f["growth"].median()
    f["cutoff"] = str(cutoff)
    return f


def _norm_matrix(frame: pd.DataFrame) -> np.ndarray:
    types = np.array([1 if factor_spec(n).benefit else -1 for n in BACKTEST_FACTORS])
    return normalise(frame[list(BACKTEST_FACTORS)].to_numpy(dtype=float), types, "rank")


@lru_cache(maxsize=8)
def _simplex_grid(n: int, step: float = 0.1) -> np.ndarray:
    """Every weight vector of ``n`` non-negative multiples of ``step`` summing to 1."""
    m = round(1 / step)
    pts = [(*c, m - sum(c)) for c in itertools.product(range(m + 1), repeat=n - 1) if sum(c) <= m]
    return np.array(pts, dtype=float) / m


def _topk_success(norm: np.ndarray, win: np.ndarray, grid: np.ndarray, k: int) -> np.ndarray:
    """Top-k success of every weight vector of ``grid`` on one cutoff (row-major for a fast partition)."""
    s = grid @ norm.T  # weight vectors × candidates
    k = min(k, len(win))
    idx = np.argpartition(-s, k - 1, axis=1)[:, :k]
    return win[idx].mean(axis=1)


def _train_success(frame: pd.DataFrame, k: int, step: float) -> np.ndarray:
    cache = frame.attrs.setdefault("_succ", {})
    key = (k, step)
    if key not in cache:
        cache[key] = _topk_success(
            _norm_matrix(frame), frame["win"].to_numpy(), _simplex_grid(len(BACKTEST_FACTORS), step), k
        )
    return cache[key]


def calibrate_weights(
    train: list[pd.DataFrame], *, k: int = 50, step: float = 0.1, top_share: float = 0.10
) -> dict[str, float]:
    """Learn factor weights on earlier cutoffs: over a simplex grid of weight vectors, average the top
    ``top_share`` vectors by mean top-k success (averaging instead of taking the single best vector
    guards against over-fitting the few training cutoffs). Empty ``train`` → equal weights."""
    n = len(BACKTEST_FACTORS)
    train = [fr for fr in train if len(fr)]  # a cutoff without candidates teaches nothing
    if not train:
        return dict.fromkeys(BACKTEST_FACTORS, 1.0 / n)
    grid = _simplex_grid(n, step)
    succ = np.mean([_train_success(fr, k, step) for fr in train], axis=0)
    top = np.argsort(-succ, kind="stable")[: max(1, int(top_share * len(grid)))]
    w = grid[top].mean(axis=0)
    return dict(zip(BACKTEST_FACTORS, (w / w.sum()).round(4).tolist(), strict=True))


def calibrated_profile(weights: dict[str, float]) -> Profile:
    """A weighted-sum, rank-normalised profile setting single-factor weights (name ``backtest-calibrated``)."""
    return Profile(
        name="backtest-calibrated",
        weights={},
        method="weighted_sum",
        normalisation="rank",
        factor_weights=dict(weights),
        description="Weights learned walk-forward on earlier cutoffs (selection backtest).",
        source="backtest",
    )


@dataclass
class CutoffResult:
    """Success rates and realised revenue of each method's top-k at one cutoff (no rows: no candidates)."""

    cutoff: str
    candidates: int
    weights: dict[str, float]
    rows: list[dict]
    best_units: float = 0.0
    """Most units any product × market sold in the 6 months before the cutoff (all of them, not only the
    candidates): says how far a cutoff without candidates is from the threshold."""


def evaluate_cutoff(
    frame: pd.DataFrame, profile: Profile, ks: tuple[int, ...], *, seed: int = 0, draws: int = 2000
) -> list[dict]:
    """Top-k success rate and realised next-6-month revenue per method at one cutoff (none without candidates)."""
    if frame.empty:
        return []
    scored = score_candidates(frame, profile, long_factors=False).ranked
    orders = {
        "xborder": scored,
        "best_sellers": frame.sort_values("demand_6m", ascending=False, kind="mergesort"),
        "momentum": frame.sort_values("momentum_pct", ascending=False, kind="mergesort"),
    }
    rng = np.random.default_rng(seed)
    win = frame["win"].to_numpy()
    rev = frame["revenue_next"].to_numpy()
    rows = []
    for k in ks:
        kk = min(k, len(frame))
        for name, fr in orders.items():
            top = fr.head(kk)
            rows.append(
                {
                    "k": k,
                    "method": name,
                    "success": float(top["win"].mean()),
                    "revenue_next": float(top["revenue_next"].sum()),
                }
            )
        picks = np.array([rng.choice(len(frame), kk, replace=False) for _ in range(draws)])
        s = win[picks].mean(axis=1)
        r = rev[picks].sum(axis=1)
        rows.append(
            {
                "k": k,
                "method": "random",
                "success": float(s.mean()),
                "success_lo95": float(np.quantile(s, 0.025)),
                "success_hi95": float(np.quantile(s, 0.975)),
                "revenue_next": float(r.mean()),
            }
        )
    return rows


def _best_units(monthly: pd.DataFrame, cutoff: pd.Period, frame: pd.DataFrame) -> float:
    """Most units a product × market sold in the 6 months before ``cutoff``."""
    if len(frame):
        return float(frame["demand_6m"].max())
    c = cutoff.ordinal
    mi = pd.PeriodIndex(monthly["month"], freq="M").asi8
    before = monthly[(mi >= c - 6) & (mi < c)]
    return float(before.groupby(["product_id", "market"])["units"].sum().max()) if len(before) else 0.0


def run_backtest(
    lines: pd.DataFrame,
    cutoffs: list[str],
    *,
    ks: tuple[int, ...] = (20, 50, 100),
    min_units: float = 50,
    horizon: int = 6,
    calibrate_k: int = 50,
    profile: Profile | None = None,
    progress=None,
) -> list[CutoffResult]:
    """Walk-forward backtest over monthly ``cutoffs`` ('YYYY-MM').

    With ``profile=None`` each cutoff is scored with weights calibrated on every earlier cutoff c' whose
    outcome window [c', c' + horizon) closes by the cutoff and which has ``horizon`` months of history.
    """
    lines = lines.assign(ordered_at=pd.to_datetime(lines["ordered_at"]))
    monthly = monthly_units(lines)
    first = monthly["month"].min()
    periods = [pd.Period(c, "M") for c in cutoffs]
    train_cache: dict[pd.Period, pd.DataFrame] = {}
    out: list[CutoffResult] = []
    for i, cut in enumerate(periods):
        if progress:
            progress(i / len(periods), f"cutoff {cut}")
        frame = cutoff_frame(monthly, lines, cut, min_units=min_units, horizon=horizon)
        if profile is None:
            train_cuts = [first + horizon + j for j in range((cut - horizon - (first + horizon)).n + 1)]
            train = []
            for tc in train_cuts:
                if tc not in train_cache:
                    train_cache[tc] = cutoff_frame(monthly, lines, tc, min_units=min_units, horizon=horizon)
                train.append(train_cache[tc])
            weights = calibrate_weights(train, k=calibrate_k)
            prof = calibrated_profile(weights)
        else:
            prof = profile
            weights = dict(prof.factor_weights) or dict(prof.weights)
        rows = evaluate_cutoff(frame, prof, ks)
        out.append(CutoffResult(str(cut), len(frame), weights, rows, _best_units(monthly, cut, frame)))
    if progress:
        progress(1.0, "done")
    return out
