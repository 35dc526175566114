"""Plain-text lines for compliance answers and change reports (the CLI prints them; no I/O here)."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["change_lines", "money", "requirement_lines", "summary_rows"]


def _missing(value: Any) -> bool:
    return value is None or value != value  # None or NaN/NaT


def money(lo: Any, hi: Any) -> str:
    """'$400-1,500', '$70' or '?' (unknown) for a USD cost range."""
    if _missing(lo):
        return "?"
    return f"${lo:,.0f}" if _missing(hi) or hi == lo else f"${lo:,.0f}-{hi:,.0f}"


def _days(lo: Any, hi: Any) -> str:
    return "?" if _missing(hi) else f"{lo:.0f}-{hi:.0f}"


def summary_rows(summary: pd.DataFrame) -> list[tuple[str, ...]]:
    """(market, mandatory, days, cost, unknown lead/cost, confidence) per market.

    Days and cost read "?" when no mandatory item has a sourced figure, and carry a "+" when some
    items are unknown (the figure is then a lower bound).
    """
    rows: list[tuple[str, ...]] = []
    for r in summary.to_dict(orient="records"):
        n = int(r["n_mandatory"])
        n_lead, n_cost = int(r["n_lead_time_unknown"]), int(r["n_cost_unknown"])
        days = _days(r["time_to_market_days_min"], r["time_to_market_days_max"])
        cost = money(r["cost_min"], r["cost_max"])
        days = (
            "?" if n and n_lead == n and not r["time_to_market_days_max"] else days + ("+" if n_lead else "")
        )
        cost = "?" if n and n_cost == n and not r["cost_min"] else cost + ("+" if n_cost else "")
        rows.append((str(r["market"]), str(n), days, cost, f"{n_lead}/{n_cost}", str(r["confidence"])))
    return rows


def requirement_lines(requirements: pd.DataFrame, summary: pd.DataFrame) -> list[str]:
    """Per market: a heading with the critical path, then one block per requirement (rule, holder, days, source)."""
    paths = {str(m): str(p) for m, p in zip(summary["market"], summary["critical_path"], strict=True)}
    lines: list[str] = []
    for key, grp in requirements.groupby("market", sort=False):
        market = str(key)
        lines.append(f"\n{market} - critical path: {paths.get(market) or '-'}")
        for r in grp.itertuples():
            tag = ("*" if r.on_critical_path else " ") + ("" if r.mandatory else " (optional)")
            since = "" if _missing(r.valid_from) or not r.valid_from else f", from {r.valid_from!s}"
            lines.append(
                f"{tag} {r.rule_id}: {r.requirement}\n    holder: {r.holder}; days: "
                f"{_days(r.lead_time_days_min, r.lead_time_days_max)}; cost: {money(r.cost_min, r.cost_max)}; "
                f"basis: {r.basis}; confidence: {r.confidence}{since}\n    source: {r.source}"
            )
    lines.append("* = on the critical path. Not legal advice: confirm with the cited source or a test lab.")
    return lines


def change_lines(changes: pd.DataFrame) -> list[str]:
    """One block per rule change: date, kind of change, rule, scope, products affected, source."""
    return [
        f"{r.date}  {r.change:<15} {r.rule_id} ({r.scope}, confidence {r.confidence}) - "
        f"{r.products_affected} warehouse products\n    {r.requirement}\n    source: {r.source}"
        for r in changes.itertuples()
    ]
