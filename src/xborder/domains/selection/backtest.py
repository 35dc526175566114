"""Backtest of the list that is shown: at past cutoffs, build it as the live stage does, then see what it earned.

At each monthly cutoff the candidates are built from the sales before it (:func:`candidates.build_candidates`),
joined with the evidence that does not depend on time (the rule base's landed cost and compliance, product
attributes; :class:`evidence.Evidence`), niches are added, the home market inferred, and the very same
:func:`shortlist.shortlist` — same profile, gates, required items, weights and diversification — orders them.
The picks are the first k of that list (ranked, then gated); the baselines pick k from the same pool (the
assessed foreign candidates): last period's best sellers (most units in the 6 months before), momentum, random.

Outcome over the ``horizon`` months from the cutoff (never used to pick): realised units and revenue of the pair
(a niche: its category's units in the market ÷ its products at the cutoff, a typical product's share), realised
gross profit = units × unit margin − one-off compliance cost − launch cost (pairs not sold before), as the live
list computes the expected one. Per method: ``profitable`` (share of picks with realised gross profit > 0),
``grew`` (share whose units in the next 6 months exceed those of the 6 before), ``success`` (share whose growth
ratio beats the pool's median, the earlier definition the report still shows), and the sums of realised units,
revenue and gross profit, and ``units_expected``: the picks' demand_6m as the list showed it at the cutoff, so
that realised ÷ expected measures the error of the demand a seller is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from xborder.domains.selection.candidates import build_candidates
from xborder.domains.selection.consolidation import consolidate_picks
from xborder.domains.selection.evidence import Evidence, assemble, gross_profit, home_markets
from xborder.domains.selection.niches import NICHE_PREFIX, niche_outcome
from xborder.domains.selection.profiles import Profile

__all__ = [
    "monthly_units",
    "cutoff_candidates",
    "cutoff_list",
    "evaluate_cutoff",
    "run_backtest",
    "CutoffResult",
    "METHODS",
]

METHODS = ("xborder", "best_sellers", "momentum", "random")


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
    lo, hi = (cutoff - months).start_time, cutoff.start_time
    t = lines["ordered_at"]
    sel = lines[(t >= lo) & (t < hi) & (lines["status"] == "sold") & (lines["quantity"] > 0)]
    sel = sel[sel["is_product"].fillna(True).astype(bool)]
    return sel.rename(columns={"country": "market", "quantity": "units"})[
        ["product_id", "market", "order_id", "units"]
    ]


def _outcome(
    frame: pd.DataFrame, monthly: pd.DataFrame, cutoff: pd.Period, horizon: int, ev: Evidence
) -> pd.DataFrame:
    """Realised units, revenue and gross profit over [cutoff, cutoff + horizon) of every candidate."""
    c = cutoff.ordinal
    mi = pd.PeriodIndex(monthly["month"], freq="M").asi8
    nxt = (
        monthly[(mi >= c) & (mi < c + horizon)].groupby(["product_id", "market"])[["units", "revenue"]].sum()
    )
    nxt = nxt.reset_index()
    if (frame["candidate_kind"] == "niche").any():
        cat = ev.products.set_index("product_id")["category"] if len(ev.products) else pd.Series(dtype=object)
        nic = niche_outcome(monthly, cat, cutoff, horizon)
        nxt = pd.concat([nxt, nic[nic["product_id"].str.startswith(NICHE_PREFIX)]], ignore_index=True)
    out = frame.merge(
        nxt.rename(columns={"units": "units_next", "revenue": "revenue_next"}),
        on=["product_id", "market"],
        how="left",
    )
    out[["units_next", "revenue_next"]] = out[["units_next", "revenue_next"]].fillna(0.0)
    niche = out["candidate_kind"].eq("niche")
    np_ = out["niche_products"] if "niche_products" in out else pd.Series(np.nan, index=out.index)
    per = np_.where(np_ > 0, 1.0)
    for col in ("units_next", "revenue_next"):
        out.loc[niche, col] = out.loc[niche, col] / per[niche]
    realised = out.assign(demand_6m=out["units_next"])
    out["gross_profit_next"] = gross_profit(realised, ev.launch_cost_profit)
    nu = out["niche_units_6m"] if "niche_units_6m" in out else pd.Series(np.nan, index=out.index)
    before = pd.to_numeric(nu, errors="coerce") / per
    base = pd.to_numeric(out["demand_6m"], errors="coerce").where(~niche, before)
    out["growth"] = out["units_next"] / base.where(base > 0)
    return out


def cutoff_candidates(
    monthly: pd.DataFrame,
    lines: pd.DataFrame,
    cutoff: pd.Period,
    ev: Evidence,
    *,
    include_new_markets: bool = False,
    home_setting: str = "",
    horizon: int = 6,
) -> tuple[pd.DataFrame, frozenset[str]]:
    """Every candidate at ``cutoff`` with its factors as known then (sales before it, the evidence), and the
    outcome columns ``units_next``, ``revenue_next``, ``gross_profit_next`` and ``growth``; and the home
    market(s) as known then. The outcome columns are no factors: the score never reads them."""
    before = monthly[pd.PeriodIndex(monthly["month"], freq="M").asi8 < cutoff.ordinal]
    if before.empty:
        return pd.DataFrame(), frozenset()
    orders6 = _orders_before(lines, cutoff)
    cand = build_candidates(before, orders6, cutoff, include_new_markets=include_new_markets)
    if cand.empty:
        return pd.DataFrame(), frozenset()
    home = home_markets(before, home_setting)
    full = assemble(cand, ev, monthly=before, cutoff=cutoff, home=home, orders=orders6)
    out = _outcome(full, monthly, cutoff, horizon, ev)
    out["cutoff"] = str(cutoff)
    return out, home


def cutoff_list(
    monthly: pd.DataFrame,
    lines: pd.DataFrame,
    cutoff: pd.Period,
    ev: Evidence,
    profile: Profile,
    *,
    home_setting: str = "",
    horizon: int = 6,
) -> pd.DataFrame:
    """The list as it would have been shown at ``cutoff`` (every candidate, in list order, with its status), with
    the outcome columns of :func:`cutoff_candidates`."""
    full, home = cutoff_candidates(
        monthly,
        lines,
        cutoff,
        ev,
        include_new_markets="demand" not in profile.require,
        home_setting=home_setting,
        horizon=horizon,
    )
    if full.empty:
        return full
    sl, _, _ = consolidate_picks(
        full,
        profile,
        home,
        launch_cost=ev.launch_cost_profit,
        top=profile.diversify_top or 50,
        long_factors=False,
    )
    return sl.frame


def _metrics(top: pd.DataFrame, median_growth: float) -> dict[str, float]:
    g = top["growth"]
    return {
        "picks": float(len(top)),
        "success": float((g > median_growth).mean()) if len(top) else float("nan"),
        "grew": float((g > 1.0).mean()) if len(top) else float("nan"),
        "profitable": float((top["gross_profit_next"] > 0).mean()) if len(top) else float("nan"),
        "units_next": float(top["units_next"].sum()),
        "units_expected": float(pd.to_numeric(top["demand_6m"], errors="coerce").fillna(0.0).sum()),
        "revenue_next": float(top["revenue_next"].sum()),
        "gross_profit_next": float(top["gross_profit_next"].fillna(0.0).sum()),
    }


def evaluate_cutoff(
    shown: pd.DataFrame, ks: tuple[int, ...], *, seed: int = 0, draws: int = 2000
) -> list[dict]:
    """Per k and method, the metrics of the k picks (see the module docstring); none without a pool."""
    pool = shown[shown["rank"].notna()] if len(shown) else shown
    if pool.empty:
        return []
    pool = pool.sort_values("rank", kind="mergesort")
    median_growth = float(pool["growth"].median())
    orders = {
        "xborder": pool,
        "best_sellers": pool.sort_values("demand_6m", ascending=False, kind="mergesort"),
        "momentum": pool.sort_values("momentum_pct", ascending=False, kind="mergesort", na_position="last"),
    }
    rng = np.random.default_rng(seed)
    rows = []
    for k in ks:
        kk = min(k, len(pool))
        for name, fr in orders.items():
            rows.append({"k": k, "method": name, **_metrics(fr.head(kk), median_growth)})
        picks = np.array([rng.choice(len(pool), kk, replace=False) for _ in range(draws)])
        win = (pool["growth"] > median_growth).to_numpy()
        prof = (pool["gross_profit_next"] > 0).to_numpy()
        s = win[picks].mean(axis=1)
        row = {
            "k": k,
            "method": "random",
            "picks": float(kk),
            "success": float(s.mean()),
            "success_lo95": float(np.quantile(s, 0.025)),
            "success_hi95": float(np.quantile(s, 0.975)),
            "grew": float((pool["growth"] > 1.0).to_numpy()[picks].mean()),
            "profitable": float(prof[picks].mean()),
        }
        for col in ("units_next", "revenue_next", "gross_profit_next"):
            row[col] = float(pool[col].fillna(0.0).to_numpy()[picks].sum(axis=1).mean())
        expected = pd.to_numeric(pool["demand_6m"], errors="coerce").fillna(0.0).to_numpy()
        row["units_expected"] = float(expected[picks].sum(axis=1).mean())
        rows.append(row)
    return rows


@dataclass
class CutoffResult:
    """One cutoff: the pool size (assessed foreign candidates), the list's statuses and every method's metrics."""

    cutoff: str
    candidates: int
    rows: list[dict]
    status_counts: dict[str, int] = field(default_factory=dict)
    best_units: float = 0.0
    """Most units any product × market sold in the 6 months before the cutoff."""


def _best_units(monthly: pd.DataFrame, cutoff: pd.Period) -> float:
    c = cutoff.ordinal
    mi = pd.PeriodIndex(monthly["month"], freq="M").asi8
    before = monthly[(mi >= c - 6) & (mi < c)]
    return float(before.groupby(["product_id", "market"])["units"].sum().max()) if len(before) else 0.0


def run_backtest(
    lines: pd.DataFrame,
    cutoffs: list[str],
    ev: Evidence,
    profile: Profile,
    *,
    ks: tuple[int, ...] = (20, 50, 100),
    home_setting: str = "",
    horizon: int = 6,
    progress=None,
) -> list[CutoffResult]:
    """Walk-forward backtest of the shown list over monthly ``cutoffs`` ('YYYY-MM') with a resolved ``profile``."""
    lines = lines.assign(ordered_at=pd.to_datetime(lines["ordered_at"]))
    monthly = monthly_units(lines)
    out: list[CutoffResult] = []
    for i, cut in enumerate(pd.Period(c, "M") for c in cutoffs):
        if progress:
            progress(i / max(len(cutoffs), 1), f"cutoff {cut}")
        shown = cutoff_list(monthly, lines, cut, ev, profile, home_setting=home_setting, horizon=horizon)
        pool = int(shown["rank"].notna().sum()) if len(shown) else 0
        counts = shown["status"].value_counts().to_dict() if len(shown) else {}
        rows = evaluate_cutoff(shown, ks)
        out.append(
            CutoffResult(
                str(cut), pool, rows, {str(k): int(v) for k, v in counts.items()}, _best_units(monthly, cut)
            )
        )
    if progress:
        progress(1.0, "done")
    return out
