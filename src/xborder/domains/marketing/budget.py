"""Budget reallocation across campaigns toward equal marginal ROAS, from a diminishing-returns fit on daily rows.

Per campaign, daily orders are fitted as E[orders] = a × spend^b (a Poisson regression of orders on log spend
over the days with spend; b < 1 is diminishing returns) and ad sales = orders × the campaign's order value.
The marginal ROAS at daily spend s is then b × (fitted ROAS at s). The account's current daily budget (mean
daily spend of the fitted campaigns over the last ``window_days``) is shared again in small steps, each to the
campaign whose next step brings the most fitted sales, within [(1 − max_step), (1 + max_step)] × its current
spend and never above the highest daily spend it was seen at (no extrapolation); a campaign whose fitted b is
not positive (orders do not rise with spend) takes no part. The fit's error is stated
twice: the standard error of b, and a holdout (refit without the last ``holdout_days`` — at most a quarter of
the account's days — and predict the ad sales of those days from their actual spend).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["BudgetSettings", "CampaignFit", "fit_campaign", "reallocate", "budget_table", "with_profit"]

_ACCOUNT = ["marketplace_id", "market_code", "currency"]


@dataclass(frozen=True)
class BudgetSettings:
    """Guardrails of the reallocation (each a stage parameter)."""

    min_days: int = 28
    """Days with spend a campaign needs before it is fitted."""
    min_orders: int = 10
    """Orders a campaign needs over those days."""
    window_days: int = 28
    """Last days of the account whose mean daily spend is the current budget."""
    holdout_days: int = 28
    """Last days held out to check the fit's forecast."""
    max_step: float = 0.5
    """Largest change of one campaign's daily spend, as a share of its current spend."""
    steps: int = 400
    """Increments the budget is shared out in."""
    as_of: str | None = None
    """Last day (ISO date) of the data used; None: the last day of each account (a past date replays the
    suggestion as it would have been made then)."""


@dataclass(frozen=True)
class CampaignFit:
    """E[orders] = a × spend^b on one campaign's days with spend."""

    a: float
    b: float
    b_se: float
    order_value: float

    def sales(self, spend: np.ndarray | float) -> np.ndarray:
        """Fitted daily ad sales at daily ``spend``."""
        s = np.asarray(spend, dtype=float)
        return np.where(s > 0, self.order_value * self.a * np.power(np.maximum(s, 1e-12), self.b), 0.0)

    def marginal_roas(self, spend: float) -> float:
        """Fitted extra sales per extra unit of spend at daily ``spend``."""
        return float(self.b * self.sales(spend) / spend) if spend > 0 else float("nan")


def fit_campaign(days: pd.DataFrame) -> CampaignFit | None:
    """Fit one campaign's daily rows (``spend``, ``orders``, ``sales``); None without orders or spread of spend.

    A Poisson GLM with log link of orders on log(spend); b's standard error is scaled by the Pearson
    dispersion (daily orders are over-dispersed).
    """
    import statsmodels.api as sm

    d = days[days["spend"] > 0]
    orders = d["orders"].to_numpy(dtype=float)
    if orders.sum() <= 0 or d["spend"].nunique() < 3:
        return None
    x = sm.add_constant(np.log(d["spend"].to_numpy(dtype=float)))
    try:
        res = sm.GLM(orders, x, family=sm.families.Poisson()).fit(scale="X2")
    except Exception:  # noqa: BLE001 - a fit that does not converge is "not fitted", said in the table
        return None
    a, b = float(np.exp(res.params[0])), float(res.params[1])
    if not (np.isfinite(a) and np.isfinite(b)):
        return None
    return CampaignFit(a=a, b=b, b_se=float(res.bse[1]), order_value=float(d["sales"].sum() / orders.sum()))


def reallocate(
    fits: dict[str, CampaignFit], current: dict[str, float], highest: dict[str, float], s: BudgetSettings
) -> dict[str, float]:
    """Share ``sum(current)`` across the campaigns in steps toward the highest next-step fitted sales.

    Each campaign stays within [(1 − max_step), (1 + max_step)] × current and at most ``highest``; budget that
    no campaign can take within its bounds is left unspent (the suggestion never forces spend).
    """
    lo = {c: (1 - s.max_step) * v for c, v in current.items()}
    hi = {c: min((1 + s.max_step) * v, max(highest.get(c, v), v)) for c, v in current.items()}
    alloc = dict(lo)
    left = sum(current.values()) - sum(lo.values())
    step = left / s.steps if left > 0 else 0.0
    while left > 1e-9 and step > 0:
        best, gain = None, -np.inf
        for c, f in fits.items():
            room = hi[c] - alloc[c]
            if room <= 1e-12:
                continue
            inc = min(step, room)
            g = (float(f.sales(alloc[c] + inc)) - float(f.sales(alloc[c]))) / inc
            if g > gain:
                best, gain = c, g
        if best is None:
            break
        inc = min(step, hi[best] - alloc[best], left)
        alloc[best] += inc
        left -= inc
    return alloc


def _daily(rows: pd.DataFrame) -> pd.DataFrame:
    d = rows.assign(day=pd.to_datetime(rows["period_start"]))
    return d.groupby(["campaign", "day"], as_index=False)[["spend", "orders", "sales"]].sum()


def _holdout(days: pd.DataFrame, cut: pd.Timestamp) -> tuple[float, float]:
    """(actual, predicted) ad sales on days from ``cut``, the fit made on the days before it."""
    fit = fit_campaign(days[days["day"] < cut])
    later = days[days["day"] >= cut]
    if fit is None or later.empty:
        return float("nan"), float("nan")
    return float(later["sales"].sum()), float(fit.sales(later["spend"].to_numpy()).sum())


def budget_table(rows: pd.DataFrame, s: BudgetSettings) -> pd.DataFrame:
    """Per account × campaign of the daily campaign rows: fit, error, current and suggested daily spend."""
    out: list[dict[str, Any]] = []
    for key, acc in rows.groupby(_ACCOUNT, dropna=False):
        account = dict(zip(_ACCOUNT, key, strict=True))  # type: ignore[arg-type]
        daily = _daily(acc)
        if s.as_of is not None:
            daily = daily[daily["day"] <= pd.Timestamp(s.as_of)]
        if daily.empty:
            continue
        start, end = daily["day"].min(), daily["day"].max()
        window_start = end - pd.Timedelta(days=s.window_days - 1)
        held = min(s.holdout_days, ((end - start).days + 1) // 4)
        cut = end - pd.Timedelta(days=held - 1)
        fits: dict[str, CampaignFit] = {}
        current: dict[str, float] = {}
        highest: dict[str, float] = {}
        recs: dict[str, dict[str, Any]] = {}
        for campaign, days in daily.groupby("campaign"):
            spent = days[days["spend"] > 0]
            cur = float(days.loc[days["day"] >= window_start, "spend"].sum() / s.window_days)
            rec: dict[str, Any] = {**account, "campaign": campaign, "fit_start": spent["day"].min(),
                                   "fit_end": spent["day"].max(), "fit_days": len(spent),
                                   "fit_spend": float(spent["spend"].sum()), "fit_sales": float(spent["sales"].sum()),
                                   "current_daily_spend": cur, "max_daily_spend": float(days["spend"].max())}  # fmt: skip
            fit = None
            if len(spent) < s.min_days:
                rec["status"] = "too_few_days"
            elif spent["orders"].sum() < s.min_orders:
                rec["status"] = "no_orders"
            else:
                fit = fit_campaign(days)
                rec["status"] = "fitted" if fit is not None else "no_orders"
            if fit is not None:
                rec.update(elasticity=fit.b, elasticity_se=fit.b_se, order_value=fit.order_value)
                rec["holdout_actual"], rec["holdout_predicted"] = _holdout(days, cut)
                if fit.b <= 0:
                    rec["status"] = "no_response"  # more spend, no more orders: nothing to share toward
                elif cur > 0:
                    fits[str(campaign)], current[str(campaign)] = fit, cur
                    highest[str(campaign)] = rec["max_daily_spend"]
                else:
                    rec["status"] = "not_active"
            recs[str(campaign)] = rec
        alloc = reallocate(fits, current, highest, s) if fits else {}
        for c, rec in recs.items():
            if c in alloc:
                f, cur, new = fits[c], current[c], alloc[c]
                rec.update(suggested_daily_spend=new, current_roas=float(f.sales(cur)) / cur,
                           marginal_roas=f.marginal_roas(cur), suggested_marginal_roas=f.marginal_roas(new),
                           expected_daily_sales_change=float(f.sales(new) - f.sales(cur)))  # fmt: skip
            else:
                rec["suggested_daily_spend"] = rec["current_daily_spend"]
            out.append(rec)
    return pd.DataFrame(out)


def with_profit(budget: pd.DataFrame, break_even: pd.DataFrame, ceilings: pd.DataFrame) -> pd.DataFrame:
    """``budget`` with the expected change in profit of each fitted campaign's suggestion.

    The total spend is unchanged, so the profit changes by the margin before advertising on the change in ad
    sales. ``margin_share`` is the campaign's product's break-even ACoS (unit margin / price, when the campaign
    advertises one product with a landed cost: ``margin_source`` = ``break_even``), else the account's fee ceiling
    (what the marketplace leaves of a sale before product cost, an upper bound of every product's margin:
    ``fee_ceiling``), else unknown (NULL).

    Args:
        budget: :func:`budget_table` rows.
        break_even: ``marketplace_id``, ``campaign``, ``break_even_acos`` of campaigns advertising one product.
        ceilings: ``marketplace_id``, ``currency``, ``fee_ceiling_acos`` per account.
    """
    out = budget.copy()
    be = break_even.dropna(subset=["break_even_acos"]).drop_duplicates(["marketplace_id", "campaign"])
    own = out.merge(be, on=["marketplace_id", "campaign"], how="left")["break_even_acos"].to_numpy()
    cap = ceilings.dropna(subset=["fee_ceiling_acos"]).drop_duplicates(["marketplace_id", "currency"])
    ceiling = out.merge(cap, on=["marketplace_id", "currency"], how="left")["fee_ceiling_acos"].to_numpy()
    out["margin_share"] = np.where(pd.notna(own), own, ceiling).astype(float)
    out["margin_source"] = [
        "break_even" if pd.notna(o) else "fee_ceiling" if pd.notna(c) else None
        for o, c in zip(own, ceiling, strict=True)
    ]
    delta = (
        out["expected_daily_sales_change"] if "expected_daily_sales_change" in out else np.nan
    )  # none fitted
    out["expected_daily_profit_change"] = out["margin_share"] * delta
    return out
