"""Lifetime value checked on a held-out period: the models' forecast of each customer's purchases and value
against what they bought, next to the naive "same as the last period" forecast.

The models (BG/NBD for purchases, Gamma-Gamma for spend per purchase) are fitted on the data up to the cut,
``holdout_days`` before the source's last day, exactly as the stage fits them on all data; the forecast for the
next ``holdout_days`` is compared with the purchases and the net value (sold minus cancelled and returned, in the
customer's currency) of the same customers after the cut. The baseline repeats each customer's purchases and
value of the ``holdout_days`` before the cut. Customers first seen after the cut are not part of the check.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from xborder.domains.customers.bgnbd import (
    expected_purchases,
    fit_bgnbd,
    probability_alive,
    probability_buys,
)
from xborder.domains.customers.calibration import calibration_table
from xborder.domains.customers.gamma_gamma import expected_spend, fit_gamma_gamma
from xborder.domains.customers.rfm import rfm_scores, rfm_segment
from xborder.domains.customers.transactions import DAYS_PER_WEEK, customer_summary

__all__ = ["clv_backtest", "forecast_accuracy", "TOP_SHARE", "PREDICTORS", "SHORT_CALIBRATION_RATIO"]

TOP_SHARE = 0.2
"""Share of customers ranked highest by a forecast whose actual holdout value is measured (the "top 20 %")."""
PREDICTORS = ("model", "last_period")
SHORT_CALIBRATION_RATIO = 2.0
"""Below this ratio of calibration days to forecast days a note says the drop-out is barely observed: on UCI
Online Retail one year of calibration gives a drop-out chance per purchase a/(a+b) of 0.2 % (4.5 % with a year
and a half) and a 365-day forecast 54 % too high."""


def forecast_accuracy(
    actual: ArrayLike, forecast: ArrayLike, *, top_share: float = TOP_SHARE
) -> dict[str, Any]:
    """How well one per-customer forecast matches the actual holdout figures.

    Returns:
        ``total`` (sum of the forecast), ``error`` (total / actual total − 1), ``mae`` (mean absolute error per
        customer), ``rank_correlation`` (Spearman) and ``top_capture``: the share of the actual total bought by
        the ``top_share`` of customers the forecast ranks highest (ties broken by customer order).
    """
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    n, total = len(a), float(a.sum())
    k = max(1, round(top_share * n)) if n else 0
    top = np.argsort(-f, kind="stable")[:k]
    both = np.std(a) > 0 and np.std(f) > 0
    rank = pd.Series(a).rank().corr(pd.Series(f).rank()) if both else float("nan")
    return {
        "total": float(f.sum()),
        "error": float(f.sum() / total - 1.0) if total else float("nan"),
        "mae": float(np.abs(f - a).mean()) if n else float("nan"),
        "rank_correlation": float(rank),
        "top_capture": float(a[top].sum() / total) if total else float("nan"),
    }


def _window(days: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, keys: pd.Series) -> pd.DataFrame:
    """Purchases (bought days) and net value per customer of ``keys`` in (start, end]."""
    w = days[(days["day"] > start) & (days["day"] <= end)]
    bought = w[w["bought"].astype(bool)] if "bought" in w.columns else w
    out = pd.DataFrame(
        {
            "purchases": bought.groupby("customer_key").size(),
            "value": w.groupby("customer_key")["value"].sum(min_count=1),
        }
    )
    return out.reindex(keys).fillna(0.0)


def clv_backtest(
    days: pd.DataFrame,
    source: str,
    observed_until: pd.Timestamp,
    holdout_days: int,
    *,
    min_customers: int,
    min_repeat_customers: int,
    recent_min_score: float,
    valuable_min_score: float,
    top_share: float = TOP_SHARE,
) -> dict[str, Any] | None:
    """Fit BG/NBD and Gamma-Gamma on one source's data up to ``holdout_days`` before its end and score the
    forecast of the following ``holdout_days`` against what the customers bought.

    Args:
        days: :func:`~xborder.domains.customers.transactions.purchases` rows (all sources).
        source: The source checked.
        observed_until: Its last order day.
        holdout_days: Days held out.
        min_customers: Fewest calibration customers (with a first purchase before the cut) to check.
        min_repeat_customers: Fewest of them with a repeat purchase.
        recent_min_score: RFM setting (segments are those the customers had at the cut).
        valuable_min_score: RFM setting.
        top_share: Share of customers in the "top" of each forecast.

    Returns:
        None when the calibration data are too few or the purchase fit fails; else ``holdout_days``,
        ``calibration_until``, ``observed_until``, ``customers``, ``currency`` (the currency of most customers;
        values are compared on its customers, ``other_currency_customers`` are left out of the value figures),
        ``purchases`` and ``value`` (each ``{"actual": total, "model": accuracy, "last_period": accuracy}``, see
        :func:`forecast_accuracy`; ``value.model`` is None when Gamma-Gamma cannot be fitted),
        ``correlation`` (Pearson, forecast vs actual purchases per customer), ``spend_fitted``, and ``segments``:
        one row per segment at the cut × market × currency with customers, buyers (customers with a purchase
        after the cut), mean P(alive) at the cut, expected buyers (sum of P(a purchase in the holdout)), and
        actual / model / last-period purchases and value; ``calibration`` (:func:`~xborder.domains.customers.
        calibration.calibration_table`), ``calibration_days`` (from the first order to the cut),
        ``dropout_per_purchase`` (a / (a + b)) and ``notes`` (``customers.short_calibration`` when the
        calibration period is shorter than ``SHORT_CALIBRATION_RATIO`` × the holdout).
    """
    end = pd.Timestamp(observed_until).normalize()
    cut = end - pd.Timedelta(days=holdout_days)
    mine = days[days["source"] == source]
    cal = mine[mine["day"] <= cut]
    if holdout_days <= 0 or cal.empty or cal["day"].min() >= cut:
        return None
    summary = customer_summary(cal, {source: cut})
    summary = summary[summary["age"] > 0].reset_index(drop=True)
    x, tx, age = summary["frequency"], summary["recency"], summary["age"]
    if len(summary) < min_customers or int((x > 0).sum()) < min_repeat_customers:
        return None
    bg = fit_bgnbd(x, tx, age)
    weeks = holdout_days / DAYS_PER_WEEK
    predicted = expected_purchases(bg, weeks, x, tx, age)
    if not bg.converged or not np.all(np.isfinite(predicted)):
        return None
    keys = summary["customer_key"]
    actual = _window(mine, cut, end, keys)
    before = _window(mine, cut - pd.Timedelta(days=holdout_days), cut, keys)
    a_n, p_n = actual["purchases"].to_numpy(), np.asarray(predicted, dtype=float)
    corr = float(np.corrcoef(a_n, p_n)[0, 1]) if np.std(a_n) > 0 and np.std(p_n) > 0 else None

    m = summary["mean_repeat_value"]
    spenders = (x > 0) & (m > 0)
    spend = fit_gamma_gamma(x[spenders], m[spenders]) if int(spenders.sum()) >= min_repeat_customers else None
    spend = spend if spend is not None and spend.q > 1 else None
    per = summary[["customer_key", "market", "currency", "frequency"]].assign(
        p_alive=probability_alive(bg, x, tx, age),
        p_buy=probability_buys(bg, weeks, x, tx, age),
        actual_purchases=a_n,
        model_purchases=p_n,
        last_period_purchases=before["purchases"].to_numpy(),
        actual_value=actual["value"].to_numpy(),
        model_value=p_n * expected_spend(spend, x, m) if spend is not None else np.nan,
        last_period_value=before["value"].to_numpy(),
    )
    currency = per["currency"].fillna("").mode().iloc[0] if len(per) else ""
    same = per["currency"].fillna("") == currency
    v = per[same]
    value: dict[str, Any] = {
        "actual": float(v["actual_value"].sum()),
        "model": forecast_accuracy(v["actual_value"], v["model_value"], top_share=top_share)
        if spend
        else None,
        "last_period": forecast_accuracy(v["actual_value"], v["last_period_value"], top_share=top_share),
        "best_top_capture": forecast_accuracy(v["actual_value"], v["actual_value"], top_share=top_share)[
            "top_capture"
        ],
    }
    purchases = {
        "actual": float(a_n.sum()),
        "model": forecast_accuracy(a_n, p_n, top_share=top_share),
        "last_period": forecast_accuracy(a_n, per["last_period_purchases"], top_share=top_share),
    }
    scored = rfm_scores(summary.assign(source=source))
    per["segment"] = rfm_segment(scored["r_score"], scored["f_score"], scored["m_score"],
                                 recent_min_score=recent_min_score, valuable_min_score=valuable_min_score)  # fmt: skip
    per["buyer"] = per["actual_purchases"] > 0
    sums = [f"{w}_{k}" for k in ("purchases", "value") for w in ("actual", "model", "last_period")]
    segments = (
        per.assign(currency=per["currency"].fillna(""))
        .groupby(["segment", "market", "currency"], dropna=False, sort=True)
        .agg(
            customers=("customer_key", "size"),
            buyers=("buyer", "sum"),
            mean_p_alive=("p_alive", "mean"),
            expected_buyers=("p_buy", "sum"),
            **{c: (c, "sum") for c in sums},
        )  # fmt: skip
        .reset_index()
    )
    if spend is None:
        segments["model_value"] = np.nan
    calibration_days = int((cut - cal["day"].min()).days)
    notes = []
    if calibration_days < SHORT_CALIBRATION_RATIO * holdout_days:
        notes.append({"code": "customers.short_calibration",
                      "args": {"source": source, "calibration_days": calibration_days, "days": int(holdout_days),
                               "dropout": bg.a / (bg.a + bg.b)}})  # fmt: skip
    return {
        "holdout_days": int(holdout_days),
        "calibration_until": cut.date(),
        "observed_until": end.date(),
        "customers": int(len(summary)),
        "calibration_days": calibration_days,
        "dropout_per_purchase": float(bg.a / (bg.a + bg.b)),
        "currency": currency,
        "other_currency_customers": int((~same).sum()),
        "correlation": corr,
        "spend_fitted": spend is not None,
        "purchases": purchases,
        "value": value,
        "segments": segments,
        "calibration": calibration_table(per),
        "notes": notes,
    }
