"""Replayed launches per product x market: new products and products entering a foreign market for the first time.

Stated rules (fixed before any result was seen; nothing here is tuned), on top of :mod:`.replay`'s:

* **Launch** = a product x market pair's first month with a sold unit, after the data's first month (burn-in).
  Every launch is a first sale of the product in that market, so every pick below is in a market new for the
  product.
* **Kind**: ``new_product`` when the product itself first sells after the burn-in (it first appears in the data),
  ``new_market`` when the product sold somewhere in the data's first month and later enters this market.
* **Scope**: ``home`` = the market with the most sold units (the seller's home: United Kingdom on UCI),
  ``foreign`` = every other market.
* **Frozen forecast**: :func:`.replay.freeze_forecasts` with the reference class = catalogue category x scope
  (a foreign launch is forecast from earlier foreign launches of its category, a home launch from home ones;
  fewer than ``min_class`` of them: every launch of the month's class basis).
* **Picks**: the launch month's top ``pick_share`` of pairs by expected revenue (point x launch price),
  home and foreign together. **Success**: units >= the frozen lower 80% bound (margin unknown without costs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.domains.launch.metrics import launch_summary
from xborder.domains.launch.refit import RefitRules, launch_factors, rolling_refit
from xborder.domains.launch.replay import ReplayRules, monthly_units, replay_launches

__all__ = ["home_market", "replay_market_launches", "market_replay_summary", "refit_market_launches"]

_SEP = "\x1f"


def home_market(lines: pd.DataFrame) -> str:
    """The market with the most sold units (the seller's home)."""
    return str(lines.groupby("market")["quantity"].sum().idxmax())


def replay_market_launches(
    lines: pd.DataFrame, categories: pd.Series, rules: ReplayRules | None = None, home: str | None = None
) -> pd.DataFrame:
    """Replay launches of product x market pairs: frozen forecasts, picks and judgements.

    Args:
        lines: Sold order lines: product_id, market, ordered_at, quantity (> 0), unit_price.
        categories: product_id -> catalogue category (missing: ``other``).
        rules: The stated rules (defaults: :class:`.replay.ReplayRules`).
        home: The home market (default: :func:`home_market`).

    Returns:
        One row per launched pair: product_id, market, kind, scope, category, launch_month, launch_price,
        actual_units, complete, basis, class_size, forecast, lo_80, hi_80, score, picked, success, beat_point,
        in_80, margin_known.
    """
    rules = rules or ReplayRules()
    lines = lines.dropna(subset=["product_id", "market", "ordered_at"])
    home = home or home_market(lines)
    month = pd.to_datetime(lines["ordered_at"]).dt.to_period("M")
    first_product = month.groupby(lines["product_id"]).min()
    scope = np.where(lines["market"] == home, "home", "foreign")
    key = lines["product_id"].astype(str) + _SEP + lines["market"].astype(str)
    pairs = pd.DataFrame({"key": key, "product_id": lines["product_id"], "scope": scope}).drop_duplicates(
        "key"
    )
    cat = pairs["product_id"].map(categories).fillna("other")
    classes = pd.Series((cat + _SEP + pairs["scope"]).to_numpy(), index=pairs["key"].to_numpy())
    keyed = pd.DataFrame({"product_id": key, "ordered_at": lines["ordered_at"], "quantity": lines["quantity"],
                          "unit_price": lines["unit_price"]})  # fmt: skip
    judged = replay_launches(keyed, classes, rules)
    parts = judged["product_id"].str.split(_SEP, n=1, expand=True)
    judged = judged.rename(columns={"product_id": "key"})
    judged.insert(0, "product_id", parts[0])
    judged.insert(1, "market", parts[1])
    split = judged["category"].str.split(_SEP, n=1, expand=True)
    judged["category"] = split[0]
    judged.insert(2, "scope", np.where(judged["market"] == home, "home", "foreign"))
    burn_in = month.min()
    new = judged["product_id"].map(first_product) > burn_in
    judged.insert(2, "kind", np.where(new, "new_product", "new_market"))
    return judged.drop(columns="key")


def market_replay_summary(judged: pd.DataFrame) -> pd.DataFrame:
    """Success rate and forecast error of the judged pairs: overall, per kind x scope, and of foreign picks.

    Args:
        judged: Output of :func:`replay_market_launches`.

    Returns:
        group (``all``, ``<kind>:<scope>``), launches (judged), pending (window not ended), success_rate,
        beat_point_rate, picks, picks_success_rate, actual_units, forecast_units, wape, bias, coverage_80.
    """
    groups = judged.assign(group=judged["kind"] + ":" + judged["scope"])
    out = pd.concat([launch_summary(groups), launch_summary(groups, by="group")], ignore_index=True)
    pending = groups[~groups["complete"].astype(bool)].groupby("group").size()
    out["pending"] = out["group"].map(pending).fillna(0).astype(int)
    out.loc[out["group"] == "all", "pending"] = int((~groups["complete"].astype(bool)).sum())
    cols = [
        "group",
        "launches",
        "pending",
        *[c for c in out.columns if c not in ("group", "launches", "pending")],
    ]
    return out[cols]


def refit_market_launches(
    lines: pd.DataFrame, judged: pd.DataFrame, categories: pd.Series, rules: RefitRules | None = None
) -> pd.DataFrame:
    """Weights refit before each launch month on every earlier judged pair (picked or not), tested on that month.

    :func:`.refit.rolling_refit` on the pairs: factors from the months before the launch (demand = the frozen
    forecast, price, and the category's momentum, crowding and volatility over all markets), the fit chooses the
    weights whose picks succeeded most often among all launches whose window had ended, so it learns from the
    launches the system would not have picked too.

    Args:
        lines: The sold lines given to :func:`replay_market_launches`.
        judged: Its output.
        categories: product_id -> catalogue category.
        rules: The refit's rules.

    Returns:
        One row per method (``refit``, ``balanced``, ``expected_revenue``) as ``refit:<method>`` groups: launches
        (tested), picks, picks_success_rate, success_rate (of all tested launches), test_months; empty when no
        month had ``min_train`` judged launches before it.
    """
    factors = launch_factors(monthly_units(lines), judged.reset_index(drop=True), categories)
    per_month, tested = rolling_refit(factors, rules)
    if per_month.empty:
        return pd.DataFrame()
    rows = []
    for method in ("refit", "balanced", "expected_revenue"):
        picked = tested[tested[f"picked_{method}"]]
        rows.append({
            "group": f"refit:{method}", "launches": len(tested), "pending": 0,
            "success_rate": float(tested["success"].astype(bool).mean()), "picks": len(picked),
            "picks_success_rate": float(picked["success"].astype(bool).mean()) if len(picked) else np.nan,
            "test_months": len(per_month),
        })  # fmt: skip
    return pd.DataFrame(rows)
