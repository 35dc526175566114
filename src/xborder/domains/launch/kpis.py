"""The KPI scorecard: each KPI's formula, data, value (or what is missing) against the seed's targets."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from xborder.core import i18n

__all__ = ["KPI", "KPIS", "scorecard", "used_text"]

Frames = Mapping[str, pd.DataFrame | None]
Message = dict[str, Any]
"""``{"code": "launch.used.<key>", "args": {...}}``: the data a KPI used, rendered in any language."""


def _m(key: str, **args: Any) -> Message:
    return {"code": f"launch.used.{key}", "args": args}


@dataclass(frozen=True)
class KPI:
    """One KPI of the seed, with how it is computed here.

    Attributes:
        key: Id (message code ``launch.kpi.<key>``).
        unit: fraction | per_year | months | hours.
        target: The seed's target.
        direction: at_least | at_most.
        baseline: The seed's starting value, where given.
        formula: How the value is computed.
        needs: Tables it reads (the first is the one whose absence makes it unknown).
        missing: What fills it when it is unknown.
    """

    key: str
    unit: str
    target: float
    direction: str
    baseline: float | None
    formula: str
    needs: tuple[str, ...]
    missing: str


KPIS = (
    KPI("selection_success_rate", "fraction", 0.68, "at_least", 0.25,
        "judged successes / judged launches (launch_outcomes of the run: complete windows)",
        ("launch_outcomes",), "launched projects with a complete window: xborder projects new/gate, then xborder run"),
    KPI("selection_success_rate_backtest", "fraction", 0.68, "at_least", 0.25,
        "mean success of the xborder picks at the largest k over the backtest cutoffs (selection_backtest)",
        ("selection_backtest",), "the selection backtest stage (xborder run)"),
    KPI("selection_success_rate_replay", "fraction", 0.68, "at_least", 0.25,
        "successes / judged picks of the replayed launch history (launch_replay, group all: product x market "
        "pairs first sold after the data's first month, top 20% by expected revenue at each launch month)",
        ("launch_replay",), "sales covering at least 8 months (ingest order lines), then the launch stage"),
    KPI("forecast_accuracy", "fraction", 0.85, "at_least", None,
        "1 - median WAPE of the chosen model over product x market series (forecast_accuracy)",
        ("forecast_accuracy",), "the demand stage's backtest (xborder forecast)"),
    KPI("forecast_accuracy_launches", "fraction", 0.85, "at_least", None,
        "1 - WAPE of the frozen forecasts of the replayed launches over their first 6 months (launch_replay, "
        "group all)",
        ("launch_replay",), "sales covering at least 8 months (ingest order lines), then the launch stage"),
    KPI("slow_moving_share", "fraction", 0.05, "at_most", 0.18,
        "on-hand units with a slow_* status / on-hand units whose sales are known (inventory_health)",
        ("inventory_health",), "stock snapshots (ingest kind inventory_snapshots) and the inventory stage"),
    KPI("inventory_turnover", "per_year", 8.2, "at_least", None,
        "median turnover (annual sales / on-hand) over SKUs with stock (inventory_health)",
        ("inventory_health",), "stock snapshots (ingest kind inventory_snapshots) and the inventory stage"),
    KPI("development_cycle_months", "months", 3.0, "at_most", 6.0,
        "median days from the idea gate to the launch 'go' / 30.44 over launched projects (project_events)",
        ("project_events",), "projects that reached the launch gate: xborder projects gate ID launch"),
    KPI("gross_margin_picks", "fraction", 0.25, "at_least", None,
        "median planned margin_pct of the selection run's picks (opportunities with status ranked: assessed, "
        "passing every gate; planned on landed cost, not realised); the median over every assessed product x "
        "market pair (landed_costs, best mode) is shown beside it, labelled, as it is not the business's margin",
        ("opportunities", "landed_costs"), "the selection stage (xborder select) after the landed-cost stage"),
    KPI("single_country_supply_share", "fraction", 0.30, "at_most", None,
        "largest country's share of supplier spend (supplier_concentration, dimension country)",
        ("supplier_concentration",), "supplier offers and events (ingest) and the suppliers stage"),
    KPI("logistics_cost_share", "fraction", 0.18, "at_most", None,
        "median (freight + insurance + fulfilment fee) / price of the best mode per product x market (landed_costs)",
        ("landed_costs",), "the landed-cost stage"),
    KPI("marketing_share", "fraction", 0.15, "at_most", None,
        "ad spend / total sales over the run's periods (ad_tacos: TACoS)",
        ("ad_tacos",), "ad reports (ingest kind ad_performance) and the marketing stage"),
    KPI("acos", "fraction", 0.35, "at_most", None,
        "ad spend / ad-attributed sales over the run's periods (ad_tacos)",
        ("ad_tacos",), "ad reports (ingest kind ad_performance) and the marketing stage"),
    KPI("risk_detection_hours", "hours", 72.0, "at_most", None,
        "median hours from when a risk event happened (its source's date) to when xborder or a person first "
        "flagged it, over live events with both dates (risk_events: detected_at - happened_at; backfilled "
        "histories and events with no happened date left out and counted)",
        ("risk_events",), "risk events with both dates that reached xborder live: warning indicators that "
        "warn at a run over current data (xborder finance, then xborder risk run), supplier delivery files "
        "ingested as they come, or events stated with xborder risk events add|load"),
)  # fmt: skip


def _best_mode(lc: pd.DataFrame) -> pd.DataFrame:
    lc = lc.dropna(subset=["margin_pct"])
    return lc.sort_values("margin_pct", ascending=False).drop_duplicates(["product_id", "market"])


def _picks_margin(opportunities: pd.DataFrame, landed: pd.DataFrame) -> tuple[float | None, Message]:
    """Median planned margin of the picks, and the data used with the all-pairs median labelled as such."""
    picks = opportunities
    if len(picks) and "status" in picks:
        picks = picks[picks["status"].astype(str) == "ranked"]
    # opportunities.margin_pct is in % of price (landed_costs.margin_pct is a fraction)
    margins = picks["margin_pct"].dropna() / 100.0 if len(picks) else pd.Series(dtype=float)
    lc = _best_mode(landed) if len(landed) else pd.DataFrame()
    used = (
        _m("picks_margin_pairs", margins=len(margins), picks=len(picks), pairs=len(lc),
           median=float(lc["margin_pct"].median()))
        if len(lc)
        else _m("picks_margin", margins=len(margins), picks=len(picks))
    )  # fmt: skip
    return (float(margins.median()) if len(margins) else None), used


def _detection(e: pd.DataFrame) -> tuple[float | None, Message]:
    """Median detection hours over live events with both dates (the risk domain's rule, docs/risk.md)."""
    n = len(e)
    dated = e[e["happened_at"].notna()] if n else e
    back = dated["backfill"].fillna(False).astype(bool) if len(dated) else pd.Series(dtype=bool)
    hours: pd.Series = (
        pd.to_numeric(dated.loc[~back, "detection_hours"], errors="coerce").dropna()
        if len(dated)
        else pd.Series(dtype=float)
    )
    counts = {"live": len(hours), "events": n, "backfill": int(back.sum()), "undated": n - len(dated)}
    used = (
        _m("detection_quartiles", **counts, q1=float(hours.quantile(0.25)), q3=float(hours.quantile(0.75)))
        if len(hours)
        else _m("detection", **counts)
    )
    return (float(hours.median()) if len(hours) else None), used


def _value(key: str, f: Frames) -> tuple[float | None, Message]:
    def get(name: str) -> pd.DataFrame:
        df = f.get(name)
        return df if df is not None else pd.DataFrame()

    if key == "selection_success_rate":
        o = get("launch_outcomes")
        o = o[o["complete"].astype(bool) & o["success"].notna()] if len(o) else o
        return (float(o["success"].astype(bool).mean()) if len(o) else None), _m("judged_launches", n=len(o))
    if key == "selection_success_rate_backtest":
        b = get("selection_backtest")
        b = b[b["method"] == "xborder"] if len(b) else b
        b = b[b["k"] == b["k"].max()] if len(b) else b
        k = int(b["k"].max()) if len(b) else 0
        return (float(b["success"].mean()) if len(b) else None), _m("cutoffs", n=len(b), k=k)
    if key in ("selection_success_rate_replay", "forecast_accuracy_launches"):
        r = get("launch_replay")
        r = r[r["launch_group"] == "all"] if len(r) else r
        if r.empty:
            return None, _m("no_replay")
        row = r.iloc[0]
        if key == "selection_success_rate_replay":
            picked = int(row["picks"]) > 0 and not pd.isna(row["picks_success_rate"])
            return (float(row["picks_success_rate"]) if picked else None), _m(
                "judged_picks", n=int(row["picks"])
            )
        judged = int(row["launches"]) > 0 and not pd.isna(row["wape"])
        return (1.0 - float(row["wape"]) if judged else None), _m("judged_launches", n=int(row["launches"]))
    if key == "forecast_accuracy":
        a = get("forecast_accuracy")
        a = (
            a[(a["level"] == "product_market") & (a["model"] == "Chosen")].dropna(subset=["wape"])
            if len(a)
            else a
        )
        return (1.0 - float(a["wape"].median()) if len(a) else None), _m("series", n=len(a))
    if key in ("slow_moving_share", "inventory_turnover"):
        h = get("inventory_health")
        h = h[h["on_hand"].fillna(0) > 0] if len(h) else h
        if h.empty:
            return None, _m("no_stock")
        if key == "slow_moving_share":
            # stock whose sales are unknown is neither slow nor active: counting it would lower the share
            known = h[h["status"].astype(str) != "unknown"]
            unknown = len(h) - len(known)
            if known.empty or known["on_hand"].sum() <= 0:
                return None, _m("stock_rows_none_known", n=len(h), unknown=unknown)
            slow = known["status"].astype(str).str.startswith("slow")
            slow_share = float(known.loc[slow, "on_hand"].sum() / known["on_hand"].sum())
            return slow_share, _m("stock_rows", n=len(known), unknown=unknown)
        t = h["turnover"].dropna()
        return (float(t.median()) if len(t) else None), _m("turnover_rows", n=len(t))
    if key == "development_cycle_months":
        c = get("cycle_times")
        return (float(c["cycle_months"].median()) if len(c) else None), _m("launched_projects", n=len(c))
    if key == "gross_margin_picks":
        return _picks_margin(get("opportunities"), get("landed_costs"))
    if key == "logistics_cost_share":
        lc = _best_mode(get("landed_costs")) if len(get("landed_costs")) else pd.DataFrame()
        if lc.empty:
            return None, _m("no_plans")
        cost = lc["freight"].fillna(0) + lc["insurance"].fillna(0) + lc["fulfilment_fee"].fillna(0)
        share = (cost / lc["price"].replace(0, np.nan)).dropna()
        return (float(share.median()) if len(share) else None), _m("priced_plans", n=len(share))
    if key == "single_country_supply_share":
        s = get("supplier_concentration")
        s = s[s["dimension"] == "country"] if len(s) else s
        return (float(s["spend_share"].max()) if len(s) else None), _m("supplier_countries", n=len(s))
    if key in ("marketing_share", "acos"):
        ads = get("ad_tacos")
        if ads.empty:
            return None, _m("no_periods")
        denom = ads["total_sales"].sum() if key == "marketing_share" else ads["ad_sales"].sum()
        return (float(ads["ad_spend"].sum() / denom) if denom > 0 else None), _m("ad_periods", n=len(ads))
    if key == "risk_detection_hours":
        return _detection(get("risk_events"))
    return None, _m("not_recorded")


def scorecard(frames: Frames) -> pd.DataFrame:
    """The scorecard from the run's tables (each may be absent: the KPI is then unknown with what it needs).

    Args:
        frames: Table name -> rows (launch_outcomes, selection_backtest, launch_replay, forecast_accuracy,
            inventory_health, cycle_times, opportunities, landed_costs, supplier_concentration, ad_tacos).

    Returns:
        kpi, value, unit, target, direction, baseline, meets, formula, data_used (English text),
        data_used_message (JSON ``{"code", "args"}`` of its phrase, for other languages), missing.
    """
    rows = []
    for k in KPIS:
        value, used = _value(k.key, frames)
        if value is not None and not np.isfinite(value):
            value = None  # a NaN mean (no usable row) is unknown, never a value that may read as met
        meets = (
            None if value is None else (value >= k.target if k.direction == "at_least" else value <= k.target)
        )
        rows.append({
            "kpi": k.key, "value": value, "unit": k.unit, "target": k.target, "direction": k.direction,
            "baseline": k.baseline, "meets": meets, "formula": k.formula,
            "data_used": f"{', '.join(k.needs)}: {i18n.message(used, 'en')}",
            "data_used_message": json.dumps(used), "missing": None if value is not None else k.missing,
        })  # fmt: skip
    return pd.DataFrame(rows)


def used_text(data_used: str, message: Any, lang: str) -> str:
    """The "Data used" cell in ``lang``: the stored tables, then the phrase rendered from its message code.

    Args:
        data_used: The stored English text (``"<tables>: <phrase>"``).
        message: The stored ``data_used_message`` (JSON text or dict); NULL for scorecards written before it
            existed, whose English text is shown as it is.
        lang: en | zh.
    """
    if not isinstance(message, str | dict) or not message:
        return data_used
    msg = json.loads(message) if isinstance(message, str) else message
    tables = data_used.split(": ", 1)[0] if ": " in data_used else ""
    phrase = i18n.message(msg, lang)
    return f"{tables}: {phrase}" if tables else phrase
