"""Bid and keyword rules with guardrails: suggestions with their numbers and money at stake, and a replay."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["RuleSettings", "ACTIONS", "WEEKDAYS", "ad_group_targets", "suggestions", "weekday_bids", "replay"]

ACTIONS = ("pause_keyword", "lower_bid", "raise_bid", "harvest_exact", "add_negative", "weekday_bid")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_ASIN = re.compile(r"^b0[0-9a-z]{8}$", re.IGNORECASE)


@dataclass(frozen=True)
class RuleSettings:
    """Guardrails of the rules (defaults from common practice; every one is a stage parameter)."""

    target_acos: float = 0.35
    """ACoS target where the product's break-even ACoS is unknown."""
    min_clicks: int = 10
    """No suggestion on fewer clicks than this (too little evidence)."""
    raise_below: float = 0.7
    """Raise bids on terms whose ACoS is below this share of the target."""
    max_bid_step: float = 0.3
    """Largest bid change suggested at once (share of the current CPC)."""
    harvest_min_orders: int = 2
    """Orders a search term needs before it is suggested as an exact keyword."""


def ad_group_targets(advertised: pd.DataFrame, break_even: pd.DataFrame, default: float) -> pd.DataFrame:
    """Target ACoS per ad group: the lowest break-even ACoS of the products it advertises, when known.

    Args:
        advertised: Rows with ``marketplace_id``, ``campaign``, ``ad_group``, ``listing_id``/``product_id``.
        break_even: ``product_id``, ``market``, ``break_even_acos``.
        default: The target where no break-even is known.

    Returns:
        ``marketplace_id``, ``campaign``, ``ad_group``, ``target_acos``, ``target_source``
        (``break_even`` | ``default``).
    """
    cols = ["marketplace_id", "campaign", "ad_group", "target_acos", "target_source"]
    if advertised.empty or break_even.empty:
        return pd.DataFrame(columns=cols)
    adv = advertised.dropna(subset=["product_id"]).assign(
        market=lambda f: f["marketplace_id"].str.split(".").str[-1]
    )
    j = adv.merge(break_even.dropna(subset=["break_even_acos"]), on=["product_id", "market"], how="inner")
    if j.empty:
        return pd.DataFrame(columns=cols)
    out = j.groupby(["marketplace_id", "campaign", "ad_group"], as_index=False).agg(
        break_even_acos=("break_even_acos", "min")
    )
    return out.rename(columns={"break_even_acos": "target_acos"}).assign(target_source="break_even")


def _with_targets(metrics: pd.DataFrame, targets: pd.DataFrame, s: RuleSettings) -> pd.DataFrame:
    m = (
        metrics.merge(targets, on=["marketplace_id", "campaign", "ad_group"], how="left")
        if len(targets)
        else metrics.assign(target_acos=np.nan, target_source=None)
    )
    m["target_source"] = m["target_source"].where(m["target_acos"].notna(), "default")
    m["target_acos"] = m["target_acos"].fillna(s.target_acos)
    return m


def _row(
    r: pd.Series, action: str, grain: str, bid: float | None, money: float, kind: str
) -> dict[str, object]:
    return {
        "action": action,
        "grain": grain,
        **{k: r.get(k) for k in ("marketplace_id", "market_code", "currency", "campaign", "ad_group", "targeting",
                                  "match_type", "search_term", "period_start", "period_end", "clicks", "spend",
                                  "orders", "sales", "acos", "cpc", "target_acos", "target_source")},
        "suggested_bid": bid,
        "money_at_stake": money,
        "money_kind": kind,
    }  # fmt: skip


def suggestions(
    keywords: pd.DataFrame, search_terms: pd.DataFrame, targets: pd.DataFrame, s: RuleSettings
) -> pd.DataFrame:
    """Suggestions from keyword and search-term metrics (never applied: the seller decides).

    Rules, each only on terms with at least ``min_clicks`` clicks:

    - ``pause_keyword``: a keyword with no order; at stake its spend (``spend``).
    - ``lower_bid``: ACoS above target; bid = CPC × target/ACoS, at most ``max_bid_step`` lower; at stake the
      spend above target (spend − target × sales, ``excess_spend``).
    - ``raise_bid``: ACoS below ``raise_below`` × target with orders; bid = CPC × min(target/ACoS,
      1 + ``max_bid_step``); at stake the spend still allowed at target (target × sales − spend, ``headroom``).
    - ``harvest_exact``: a search term with ``harvest_min_orders`` orders at or below target ACoS that is not
      yet an exact keyword of its ad group; bid = its CPC; at stake its sales (``sales``).
    - ``add_negative``: a search term with no order (negative exact, or negative product target for an
      ASIN); at stake its spend.

    Args:
        keywords: :func:`xborder.domains.marketing.ads.ad_metrics` at ``keyword`` grain.
        search_terms: The same at ``search_term`` grain.
        targets: :func:`ad_group_targets`.
        s: Guardrails.
    """
    out: list[dict[str, object]] = []
    kw = _with_targets(keywords, targets, s) if len(keywords) else keywords
    for _, r in kw.iterrows():
        clicks, orders, spend, sales = (
            r["clicks"] or 0,
            r["orders"] or 0,
            r["spend"] or 0.0,
            r["sales"] or 0.0,
        )
        if clicks < s.min_clicks or not spend:
            continue
        cpc, target = float(r["cpc"]), float(r["target_acos"])
        if orders == 0 or sales <= 0:
            out.append(_row(r, "pause_keyword", "keyword", None, spend, "spend"))
        elif r["acos"] > target:
            bid = cpc * max(target / r["acos"], 1 - s.max_bid_step)
            out.append(_row(r, "lower_bid", "keyword", bid, spend - target * sales, "excess_spend"))
        elif r["acos"] < s.raise_below * target:
            bid = cpc * min(target / r["acos"], 1 + s.max_bid_step)
            out.append(_row(r, "raise_bid", "keyword", bid, target * sales - spend, "headroom"))
    st = _with_targets(search_terms, targets, s) if len(search_terms) else search_terms
    if len(st):
        exact = {
            (r.marketplace_id, r.campaign, r.ad_group, str(r.targeting).lower())
            for r in keywords.itertuples(index=False)
            if str(r.match_type).upper() == "EXACT"
        }
        for _, r in st.iterrows():
            term = str(r["search_term"] or "").strip().lower()
            clicks, orders, spend, sales = (
                r["clicks"] or 0,
                r["orders"] or 0,
                r["spend"] or 0.0,
                r["sales"] or 0.0,
            )
            if not term or clicks < s.min_clicks:
                continue
            is_keyword = str(r["match_type"]).upper() == "EXACT" and term == str(r["targeting"]).lower()
            if orders == 0 and spend > 0 and not is_keyword:
                out.append(_row(r, "add_negative", "search_term", None, spend, "spend"))
            elif (
                orders >= s.harvest_min_orders
                and r["acos"] <= r["target_acos"]
                and not is_keyword
                and not _ASIN.match(term)
                and (r["marketplace_id"], r["campaign"], r["ad_group"], term) not in exact
            ):
                out.append(_row(r, "harvest_exact", "search_term", float(r["cpc"]), sales, "sales"))
    cols = list(_row(pd.Series(dtype=object), "", "", None, 0.0, "").keys())
    frame = pd.DataFrame(out, columns=cols)
    return frame.sort_values("money_at_stake", ascending=False, ignore_index=True)


def weekday_bids(daily: pd.DataFrame, s: RuleSettings, *, min_change: float = 0.1) -> pd.DataFrame:
    """Peak/off-peak bid adjustments per campaign and weekday, from daily campaign rows.

    A weekday's bid should follow what a click is worth that day: modifier = (sales per click on the weekday) /
    (sales per click over all days) − 1, within ±``max_bid_step``, suggested when it is at least ``min_change``,
    the weekday holds at least 3 × ``min_clicks`` clicks on at least 4 days, and — for a raise — the weekday's
    ACoS is within ``target_acos``. Money at stake: the weekday's spend × |modifier|.

    Args:
        daily: Daily rows with ``marketplace_id``, ``market_code``, ``currency``, ``campaign``,
            ``period_start``, ``clicks``, ``spend``, ``orders``, ``sales``.
        s: Guardrails.
        min_change: Smallest modifier worth suggesting.
    """
    cols = ["action", "grain", "marketplace_id", "market_code", "currency", "campaign", "weekday", "period_start",
            "period_end", "clicks", "spend", "orders", "sales", "acos", "cpc", "suggested_bid", "bid_modifier",
            "money_at_stake", "money_kind"]  # fmt: skip
    if daily.empty:
        return pd.DataFrame(columns=cols)
    d = daily.assign(weekday=pd.to_datetime(daily["period_start"]).dt.dayofweek)
    for m in ("clicks", "spend", "orders", "sales"):
        d[m] = d[m].astype(float).fillna(0.0)
    key = ["marketplace_id", "market_code", "currency", "campaign"]
    total = d.groupby(key, dropna=False)[["clicks", "sales"]].sum()
    wd = d.groupby([*key, "weekday"], dropna=False).agg(
        clicks=("clicks", "sum"), spend=("spend", "sum"), orders=("orders", "sum"), sales=("sales", "sum"),
        period_start=("period_start", "min"), period_end=("period_start", "max"), days=("period_start", "nunique"),
    ).reset_index()  # fmt: skip
    t = total.reindex(pd.MultiIndex.from_frame(wd[key]))
    overall = (t["sales"] / t["clicks"].where(t["clicks"] > 0)).to_numpy()
    day_value = (wd["sales"] / wd["clicks"].where(wd["clicks"] > 0)).to_numpy()
    wd["bid_modifier"] = np.clip(
        day_value / np.where(overall > 0, overall, np.nan) - 1, -s.max_bid_step, s.max_bid_step
    )
    within = wd["spend"] <= s.target_acos * wd["sales"]
    keep = (wd["clicks"] >= 3 * s.min_clicks) & (wd["days"] >= 4) & (wd["bid_modifier"].abs() >= min_change)
    keep &= (wd["bid_modifier"] < 0) | within
    out = wd[keep].copy()
    out["weekday"] = out["weekday"].map(dict(enumerate(WEEKDAYS)))
    out["cpc"] = out["spend"] / out["clicks"]
    out["acos"] = out["spend"] / out["sales"].where(out["sales"] > 0)
    out["suggested_bid"] = out["cpc"] * (1 + out["bid_modifier"])
    out["money_at_stake"] = out["spend"] * out["bid_modifier"].abs()
    out = out.assign(action="weekday_bid", grain="campaign_weekday", money_kind="spend")
    return out.reindex(columns=cols).sort_values("money_at_stake", ascending=False, ignore_index=True)


def replay(
    daily: pd.DataFrame, keys: list[str], s: RuleSettings, target: float | None = None
) -> pd.DataFrame:
    """Replay the stopping rules day by day on daily rows, as if they had been followed.

    For each key (e.g. campaign, or campaign × ad group × keyword), the rule looks only at the days before:
    once those hold ``min_clicks`` clicks and no order (``no_orders``), or an ACoS above the target
    (``above_target``), the key is stopped from the next day on. What it spent from then on is the spend the
    rule would have saved; what it sold from then on is the sales at risk.

    Args:
        daily: Daily rows with ``keys``, ``period_start``, ``clicks``, ``spend``, ``orders``, ``sales``.
        keys: Columns naming what a rule stops.
        s: Guardrails (``min_clicks``, ``target_acos``).
        target: ACoS target (default ``s.target_acos``).

    Returns:
        One row per rule: ``rule``, ``keys_stopped``, ``keys``, ``spend``, ``sales`` (all days),
        ``spend_saved``, ``sales_at_risk``, ``orders_at_risk``.
    """
    t = s.target_acos if target is None else target
    d = daily.sort_values([*keys, "period_start"]).copy()
    for m in ("clicks", "spend", "orders", "sales"):
        d[m] = d[m].fillna(0.0)
    g = d.groupby(keys, dropna=False, sort=False)
    before = {m: g[m].cumsum() - d[m] for m in ("clicks", "spend", "orders", "sales")}
    enough = before["clicks"] >= s.min_clicks
    rules = {
        "no_orders": enough & (before["orders"] == 0),
        "above_target": enough & (before["spend"] > t * before["sales"]),
    }
    out = []
    for name, hit in rules.items():
        stopped = hit.groupby([d[k] for k in keys], dropna=False, sort=False).cummax()
        keys_stopped = d[stopped].groupby(keys, dropna=False).ngroups if stopped.any() else 0
        out.append({
            "rule": name,
            "keys": g.ngroups,
            "keys_stopped": keys_stopped,
            "spend": float(d["spend"].sum()),
            "sales": float(d["sales"].sum()),
            "spend_saved": float(d.loc[stopped, "spend"].sum()),
            "sales_at_risk": float(d.loc[stopped, "sales"].sum()),
            "orders_at_risk": float(d.loc[stopped, "orders"].sum()),
        })  # fmt: skip
    return pd.DataFrame(out)
