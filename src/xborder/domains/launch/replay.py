"""Replayed launch history: launches found in sales lines, forecasts frozen at launch, outcomes judged.

Stated rules (fixed before any result was seen; nothing here is tuned):

* **Launch** — a product's first month with a sold unit, after the first month of the data (a burn-in: every
  product sold in the first month existed before the data began).
* **Frozen forecast** of the product's units in its first ``horizon`` months (launch month included), from what
  was known before the launch month only. Reference class = the product's catalogue category (keyword rules).
  Tier 1, ``analogue_launches``: earlier launches of the category whose whole window ended before the launch
  month (at least ``min_class`` of them; else the earlier launches of every category). Tier 2,
  ``category_run_rate`` (when fewer than ``min_class`` launches had a complete window): the category's existing
  products, units over the last ``horizon`` months (or fewer when the data is shorter) scaled to ``horizon``.
  Point = the class median, 80% interval = its 10th..90th percentiles (reference-class forecasting).
* **Score** at decision time = point forecast x the launch month's median unit price (expected revenue);
  the month's **picks** are its ceil(``pick_share`` x launches) best by score.
* **Success** = actual units >= the forecast's lower 80% bound within the window (and margin >= target where
  margin is knowable; on data without costs this part is reported unknown and the judgement is on sales).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ReplayRules",
    "monthly_units",
    "find_launches",
    "freeze_forecasts",
    "judge_launches",
    "replay_launches",
]


@dataclass(frozen=True)
class ReplayRules:
    """The replay's stated rules.

    Args:
        horizon: Months in the outcome window, the launch month included.
        min_class: Fewest analogues a reference class needs before it is used.
        lower_q: Quantile of the class giving the lower 80% bound.
        upper_q: Quantile of the class giving the upper 80% bound.
        pick_share: Share of a month's launches, by score, the system would have picked.
    """

    horizon: int = 6
    min_class: int = 20
    lower_q: float = 0.10
    upper_q: float = 0.90
    pick_share: float = 0.20


def monthly_units(lines: pd.DataFrame) -> pd.DataFrame:
    """Sold units and median unit price per product and calendar month.

    Args:
        lines: Sold order lines with product_id, ordered_at, quantity (> 0), unit_price.

    Returns:
        product_id, month (pandas Period 'M'), units, price.
    """
    df = lines.assign(month=pd.to_datetime(lines["ordered_at"]).dt.to_period("M"))
    g = df.groupby(["product_id", "month"], observed=True)
    return pd.DataFrame({"units": g["quantity"].sum(), "price": g["unit_price"].median()}).reset_index()


def find_launches(monthly: pd.DataFrame, categories: pd.Series, rules: ReplayRules) -> pd.DataFrame:
    """Every product first sold after the data's first month, with its window's actual units.

    Args:
        monthly: Output of :func:`monthly_units`.
        categories: product_id -> catalogue category.
        rules: The replay's rules.

    Returns:
        product_id, category, launch_month, launch_price, actual_units (NaN when the window is not complete
        within the data), complete (bool).
    """
    first_month = monthly["month"].min()
    last_full = monthly["month"].max() - 1  # the data's last month is partial
    first = monthly.groupby("product_id")["month"].min().rename("launch_month")
    launches = first[first > first_month].reset_index()
    m = monthly.merge(launches, on="product_id")
    age = (m["month"] - m["launch_month"]).map(lambda d: d.n)
    in_window = m[age < rules.horizon]
    actual = in_window.groupby("product_id")["units"].sum()
    price = m[age == 0].set_index("product_id")["price"]
    out = launches.assign(
        category=launches["product_id"].map(categories).fillna("other"),
        launch_price=launches["product_id"].map(price),
        actual_units=launches["product_id"].map(actual),
    )
    end = out["launch_month"] + (rules.horizon - 1)
    out["complete"] = end <= last_full
    out.loc[~out["complete"], "actual_units"] = np.nan
    return out[["product_id", "category", "launch_month", "launch_price", "actual_units", "complete"]]


def _class_forecast(values: np.ndarray, rules: ReplayRules) -> tuple[float, float, float]:
    return (
        float(np.median(values)),
        float(np.quantile(values, rules.lower_q)),
        float(np.quantile(values, rules.upper_q)),
    )


def _run_rate(monthly: pd.DataFrame, month: pd.Period, rules: ReplayRules) -> pd.DataFrame:
    """Per existing product: units over the last ``horizon`` months before ``month``, scaled to ``horizon``."""
    start = max(month - rules.horizon, monthly["month"].min())
    span = (month - start).n
    past = monthly[(monthly["month"] >= start) & (monthly["month"] < month)]
    rate = past.groupby("product_id")["units"].sum() * (rules.horizon / span)
    return rate.rename("units").reset_index()


def freeze_forecasts(
    monthly: pd.DataFrame, launches: pd.DataFrame, categories: pd.Series, rules: ReplayRules
) -> pd.DataFrame:
    """The forecast, score and pick the system would have frozen at each launch month.

    Args:
        monthly: Output of :func:`monthly_units`.
        launches: Output of :func:`find_launches`.
        categories: product_id -> catalogue category (for existing products too).
        rules: The replay's rules.

    Returns:
        launches plus basis, class_size, forecast (point), lo_80, hi_80, score, picked.
    """
    rows = []
    for month_key, batch in launches.groupby("launch_month"):
        month: Any = month_key
        known = launches[(launches["launch_month"] + (rules.horizon - 1) < month) & launches["complete"]]
        if len(known) >= rules.min_class:
            basis = "analogue_launches"
            ref = known[["product_id", "category", "actual_units"]].rename(columns={"actual_units": "units"})
        else:
            basis = "category_run_rate"
            ref = _run_rate(monthly, month, rules)
            ref["category"] = ref["product_id"].map(categories).fillna("other")
        everyone = _class_forecast(ref["units"].to_numpy(dtype=float), rules)
        by_cat = {
            c: (_class_forecast(g["units"].to_numpy(dtype=float), rules), len(g))
            for c, g in ref.groupby("category")
            if len(g) >= rules.min_class
        }
        for rec in batch.to_dict("records"):
            (point, lo, hi), n = by_cat.get(rec["category"], (everyone, len(ref)))
            cls = "category" if rec["category"] in by_cat else "all"
            rows.append((rec["product_id"], f"{basis}:{cls}", n, point, lo, hi))
    fc = pd.DataFrame(rows, columns=["product_id", "basis", "class_size", "forecast", "lo_80", "hi_80"])
    out = launches.merge(fc, on="product_id")
    out["score"] = out["forecast"] * out["launch_price"].fillna(0.0)
    rank = out.groupby("launch_month")["score"].rank(ascending=False, method="first")
    size = out.groupby("launch_month")["score"].transform("size")
    out["picked"] = rank <= np.ceil(rules.pick_share * size)
    return out


def judge_launches(frozen: pd.DataFrame) -> pd.DataFrame:
    """Judge complete launches: success = actual units >= the frozen lower 80% bound (margin unknown here).

    Args:
        frozen: Output of :func:`freeze_forecasts`.

    Returns:
        frozen plus success (bool; NA for incomplete windows), beat_point, in_80 and margin_known (False).
    """
    out = frozen.copy()
    done = out["complete"]
    out["success"] = (out["actual_units"] >= out["lo_80"]).where(done)
    out["beat_point"] = (out["actual_units"] >= out["forecast"]).where(done)
    out["in_80"] = ((out["actual_units"] >= out["lo_80"]) & (out["actual_units"] <= out["hi_80"])).where(done)
    out["margin_known"] = False
    return out


def replay_launches(
    lines: pd.DataFrame, categories: pd.Series, rules: ReplayRules | None = None
) -> pd.DataFrame:
    """The whole replay: monthly units, launches, frozen forecasts and judgements.

    Args:
        lines: Sold order lines (product_id, ordered_at, quantity > 0, unit_price).
        categories: product_id -> catalogue category.
        rules: The stated rules (defaults: :class:`ReplayRules`).

    Returns:
        Output of :func:`judge_launches`, one row per launch (complete or not).
    """
    rules = rules or ReplayRules()
    monthly = monthly_units(lines)
    launches = find_launches(monthly, categories, rules)
    return judge_launches(freeze_forecasts(monthly, launches, categories, rules))
