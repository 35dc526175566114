"""What the CLI shows for compliance answers and change reports: cells and lines as messages (code + args).

Figures are formatted here (``56-84+`` days, ``$3,500-6,000`` USD, ``?`` when no source gives one); words
are message codes of the ``compliance`` catalogue (``domains/compliance/messages``), whose arguments may
themselves be messages (the interface renders those first). No I/O here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["change_lines", "days", "money", "requirement_lines", "summary_rows", "UNKNOWN"]

UNKNOWN = "?"
"""A figure no source gives."""

Message = dict[str, Any]


def _msg(key: str, **args: Any) -> Message:
    return {"code": f"compliance.{key}", "args": args}


def _missing(value: Any) -> bool:
    return value is None or value != value  # None or NaN/NaT


def money(lo: Any, hi: Any) -> str:
    """'$400-1,500', '$70' or '?' (unknown) for a USD cost range."""
    if _missing(lo):
        return UNKNOWN
    return f"${lo:,.0f}" if _missing(hi) or hi == lo else f"${lo:,.0f}-{hi:,.0f}"


def days(lo: Any, hi: Any) -> str:
    """'10-28' or '?' (unknown) for a lead-time range in days."""
    return UNKNOWN if _missing(hi) else f"{lo:.0f}-{hi:.0f}"


def summary_rows(summary: pd.DataFrame) -> list[tuple[str, ...]]:
    """(market, mandatory, days, cost, unknown lead/cost, confidence) per market.

    Days and cost read "?" when no mandatory item has a sourced figure, and carry a "+" when some
    items are unknown (the figure is then a lower bound).
    """
    rows: list[tuple[str, ...]] = []
    for r in summary.to_dict(orient="records"):
        n = int(r["n_mandatory"])
        n_lead, n_cost = int(r["n_lead_time_unknown"]), int(r["n_cost_unknown"])
        d = days(r["time_to_market_days_min"], r["time_to_market_days_max"])
        cost = money(r["cost_min"], r["cost_max"])
        d = UNKNOWN if n and n_lead == n and not r["time_to_market_days_max"] else d + ("+" if n_lead else "")
        cost = UNKNOWN if n and n_cost == n and not r["cost_min"] else cost + ("+" if n_cost else "")
        rows.append((str(r["market"]), str(n), d, cost, f"{n_lead}/{n_cost}", str(r["confidence"])))
    return rows


def requirement_lines(requirements: pd.DataFrame, summary: pd.DataFrame) -> list[Message]:
    """Per market: a heading with the critical path, then one block per requirement (rule, holder, days, source)."""
    paths = {str(m): str(p) for m, p in zip(summary["market"], summary["critical_path"], strict=True)}
    lines: list[Message] = []
    for key, grp in requirements.groupby("market", sort=False):
        market = str(key)
        lines.append(_msg("market_heading", market=market, path=paths.get(market) or "-"))
        for r in grp.itertuples():
            since = (
                "" if _missing(r.valid_from) or not r.valid_from else _msg("since", date=str(r.valid_from))
            )
            lines.append(
                _msg(
                    "requirement",
                    mark="*" if r.on_critical_path else " ",
                    optional="" if r.mandatory else _msg("optional"),
                    rule_id=r.rule_id,
                    requirement=r.requirement,
                    holder=r.holder,
                    days=days(r.lead_time_days_min, r.lead_time_days_max),
                    cost=money(r.cost_min, r.cost_max),
                    basis=r.basis,
                    confidence=r.confidence,
                    since=since,
                    source=r.source,
                )
            )
    lines.append(_msg("legend"))
    return lines


def change_lines(changes: pd.DataFrame) -> list[Message]:
    """One block per rule change: date, kind of change, rule, scope, products affected, source."""
    return [
        _msg(
            "change",
            date=str(r.date),
            change=_msg("change_kind." + str(r.change).replace(" ", "_").replace("-", "_")),
            rule_id=r.rule_id,
            scope=r.scope,
            confidence=r.confidence,
            products=r.products_affected,
            requirement=r.requirement,
            source=r.source,
        )
        for r in changes.itertuples()
    ]
