"""Why a candidate scored as it did: the facts behind each score as message codes, and their rendering.

The engine says *what* drives a score as a list of messages ``{"code": "selection.<key>", "args": {...}}``
(stored as ``opportunities.explanation``); people read it through the message catalogue
(``domains/selection/messages/<lang>.toml``) with :func:`render_explanation`. An argument may itself be a
message (rendered first, in the same language) or a list of messages (joined with ``selection.list_sep``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import pandas as pd

from xborder.core import i18n
from xborder.domains.selection.factors import factor_spec

__all__ = ["Message", "explain_row", "explain_frame", "render_explanation", "render_message"]

Message = dict[str, Any]
"""``{"code": "selection.<key>", "args": {...}}`` (``args`` left out when there are none)."""


def _msg(key: str, **args: Any) -> Message:
    return {"code": f"selection.{key}", "args": args} if args else {"code": f"selection.{key}"}


def _num(v: object) -> float | None:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


_FIELDS = (
    "momentum_pct",
    "demand_6m",
    "demand_6m_lo",
    "demand_6m_hi",
    "demand_error",
    "demand_estimate",
    "research",
    "demand_source",
    "demand_basis",
    "sold_before",
    "margin_pct",
    "margin_source",
    "gross_profit_6m",
    "profit_currency",
    "compliance_items",
    "compliance_names",
    "compliance_lead_days",
    "compliance_cost_unknown",
    "competitors",
    "viable",
    "status",
    "candidate_kind",
    "category",
    "niche_units_6m",
    "niche_products",
    "home_market",
    "demand_transfer",
    "price_gap_pct",
    "ip_flag",
    "imputed",
    "moved_down",
    "missing",
    "gate_min_margin_pct",
    "gate_min_demand_6m",
    "gate_min_gross_profit_6m",
)


def _gate_reason(r: Mapping[str, Any]) -> Message | list[Message]:
    """Which viability gate(s) a candidate failed; an unknown value fails its gate (``gate_unknown``)."""
    parts: list[Message] = []
    m, tm = _num(r.get("margin_pct")), _num(r.get("gate_min_margin_pct"))
    d, td = _num(r.get("demand_6m")), _num(r.get("gate_min_demand_6m"))
    g, tg = _num(r.get("gross_profit_6m")), _num(r.get("gate_min_gross_profit_6m"))
    if tm is not None and "margin_pct" in r:
        if m is None:
            parts.append(_msg("gate_unknown", factor={"code": "selection.factor.margin_pct"}))
        elif m < tm:
            parts.append(_msg("gate_margin", margin=m, min=tm))
    if td is not None and "demand_6m" in r:
        if d is None:
            parts.append(_msg("gate_unknown", factor={"code": "selection.factor.demand_6m"}))
        elif d < td:
            parts.append(_msg("gate_demand", units=d, min=td))
    if tg is not None and "gross_profit_6m" in r:
        if g is None:
            parts.append(_msg("gate_unknown", factor={"code": "selection.factor.gross_profit_6m"}))
        elif g <= tg:
            parts.append(_msg("gate_profit", amount=g, min=tg, currency=str(r.get("profit_currency") or "")))
    if not parts:
        return _msg("below_minimum")
    return parts[0] if len(parts) == 1 else parts  # a list argument renders joined with selection.list_sep


def _failed_gates(r: Mapping[str, Any]) -> set[str]:
    """The gate factors whose value is unknown or on the wrong side of its threshold."""
    out = set()
    for col, gate, strict in (
        ("margin_pct", "gate_min_margin_pct", False),
        ("demand_6m", "gate_min_demand_6m", False),
        ("gross_profit_6m", "gate_min_gross_profit_6m", True),
    ):
        v, t = _num(r.get(col)), _num(r.get(gate))
        if t is not None and (v is None or (v <= t if strict else v < t)):
            out.add(col)
    return out


def _lead(days: float, names: str) -> Message | str:
    """The compliance detail: requirement names and/or lead time in weeks (10 days or more) or days."""
    if not days:
        return names
    if days >= 10:
        weeks = max(1, round(days / 7))
        return (
            _msg("names_lead_weeks", names=names, weeks=weeks) if names else _msg("lead_weeks", weeks=weeks)
        )
    whole = round(days)
    return _msg("names_lead_days", names=names, days=whole) if names else _msg("lead_days", days=whole)


def _compliance(n: float, names: str, lead: float | None) -> Message:
    if n == 0:
        return _msg("no_certification")
    detail = _lead(lead or 0.0, names)
    plural = "certifications" if n != 1 else "certification"
    return _msg(f"{plural}_detail", n=n, detail=detail) if detail else _msg(plural, n=n)


_DEMAND_KEY = {
    "forecast": "demand_forecast",
    "analogue": "demand_analogue",
    "listing": "demand_listing",
    "history": "demand_history",
}


def _demand(r: Mapping[str, Any], d6: float) -> Message:
    """Expected units, saying where the number comes from."""
    source = r.get("demand_source")
    if source == "listing" and r.get("demand_estimate") == "observed":
        return _msg("demand_listing_observed", units=d6)
    lo, hi = _num(r.get("demand_6m_lo")), _num(r.get("demand_6m_hi"))
    if source == "listing" and r.get("demand_estimate") == "rank" and lo is not None and hi is not None:
        err = _num(r.get("demand_error"))
        if err is None:
            return _msg("demand_listing_rank_default", units=d6, lo=lo, hi=hi)
        return _msg("demand_listing_rank", units=d6, lo=lo, hi=hi, error=err)
    if source in _DEMAND_KEY:
        return _msg(_DEMAND_KEY[str(source)], units=d6)
    if source == "none" and r.get("demand_basis") == "transfer":
        return _msg("demand_share_guess", units=d6)
    return _msg("new_market_demand" if r.get("sold_before") is False else "demand_units", units=d6)


def _lead_message(r: Mapping[str, Any]) -> Message | None:
    """What the candidate is, first: home baseline, not assessed, niche (and not viable, added later)."""
    status = r.get("status")
    if status == "home_baseline":
        return _msg("home_baseline")
    if r.get("research") is True and status != "not_assessed":
        return _msg("research")
    if status == "not_assessed":
        items = [
            {"code": f"selection.item.{i}"}
            for i in ("demand", "margin", "compliance")
            if r.get(f"{i}_source") == "none"
        ]
        return _msg("not_assessed", items=items) if items else _msg("not_assessed_other")
    return None


def _context(r: Mapping[str, Any], out: list[Message]) -> None:
    """Demand, home comparison, margin, profit, compliance, competition and the IP screen."""
    mom = _num(r.get("momentum_pct"))
    if mom is not None:
        if mom >= 1000:  # growth from a near-zero base: the percentage says little
            out.append(_msg("demand_takeoff"))
        else:
            word = "rising" if mom >= 5 else "falling" if mom <= -5 else "steady"
            out.append(_msg(f"demand_{word}", pct=mom))
    d6 = _num(r.get("demand_6m"))
    if d6 is not None:
        out.append(_demand(r, d6))
    share, gap = _num(r.get("demand_transfer")), _num(r.get("price_gap_pct"))
    home = r.get("home_market")
    if share is not None and home and r.get("status") != "home_baseline":
        out.append(_msg("vs_home", share=share, home=str(home)))
    if gap is not None and home and r.get("status") != "home_baseline":
        out.append(_msg("price_vs_home", pct=gap, home=str(home)))
    m = _num(r.get("margin_pct"))
    if m is not None:
        key = {"estimate": "margin_estimated", "category": "margin_category"}.get(str(r.get("margin_source")))
        out.append(_msg(key or "margin", pct=m))
    gp = _num(r.get("gross_profit_6m"))
    if gp is not None:
        cur = str(r.get("profit_currency") or "")
        unknown = _num(r.get("compliance_cost_unknown"))
        if (
            unknown
        ):  # some mandatory item has no sourced cost: the profit is before that cost (an upper bound)
            out.append(_msg("gross_profit_before_compliance", amount=gp, currency=cur, n=unknown))
        else:
            out.append(_msg("gross_profit", amount=gp, currency=cur))
    n = _num(r.get("compliance_items"))
    if n is not None:
        names = r.get("compliance_names")
        names = names.strip() if isinstance(names, str) else ""
        out.append(_compliance(n, names, _num(r.get("compliance_lead_days"))))
    comp = _num(r.get("competitors"))
    if comp is not None:
        out.append(_msg("competitors", n=comp))
    flag = r.get("ip_flag")
    if isinstance(flag, str) and flag:
        out.append(_msg("ip_flag", mark=flag))


def explain_row(row: pd.Series | Mapping[Any, Any], unavailable: list[str] | None = None) -> list[Message]:
    """The messages naming the facts that drive a candidate's score, in reading order.

    Uses, when present: the status and assessment (``status``, ``<item>_source``), ``momentum_pct``,
    ``demand_6m`` with its source, the comparison with the home market (``home_market``, ``demand_transfer``,
    ``price_gap_pct``), ``margin_pct``, ``gross_profit_6m``, the compliance columns, ``competitors``, ``ip_flag``,
    ``viable`` with the ``gate_*`` thresholds, the ``contrib_*``/``weight_*`` columns (strongest and weakest
    factor), the factors scored at the pessimistic quantile (``imputed``), a diversification move
    (``moved_down``) and the factor groups without data (``unavailable``: one factor per group).
    """
    r = dict(row)
    out: list[Message] = []
    lead = _lead_message(r)
    if lead is not None:
        out.append(lead)
    if r.get("candidate_kind") == "niche":
        cat = str(r.get("category") or "other")
        out.append(
            _msg(
                "niche",
                category={"code": f"selection.category.{cat if cat in _category_ids() else 'other'}"},
                units=_num(r.get("niche_units_6m")) or 0.0,
                products=_num(r.get("niche_products")) or 0.0,
            )
        )
    _context(r, out)
    viable = r.get("viable")
    if r.get("status") == "gated" or (
        r.get("status") is None and viable is not None and not pd.isna(viable) and not bool(viable)
    ):
        out.insert(0, _msg("not_viable", why=_gate_reason(r)))
    contrib = {k[8:]: _num(v) for k, v in r.items() if str(k).startswith("contrib_") and _num(v) is not None}
    weights = {k: _num(r.get(f"weight_{k}")) for k in contrib}
    if contrib:
        # normalised value of each factor = contribution / weight (1 = best candidate on it)
        norm = {k: (contrib[k] or 0.0) / w for k in contrib if (w := weights.get(k)) and w > 0}
        if r.get("status") == "gated":  # a failed gate's factor is never named the strongest
            failed = _failed_gates(r)
            norm = {k: v for k, v in norm.items() if k not in failed or v < 0.5}
        if norm:
            best = max(norm, key=lambda k: norm[k])
            worst = min(norm, key=lambda k: norm[k])
            if norm[best] >= 0.5:
                out.append(_msg("strongest", factor=_label(best, True)))
            if worst != best and norm[worst] < 0.5:
                out.append(_msg("weakest", factor=_label(worst, False)))
    imputed = r.get("imputed")
    if isinstance(imputed, list | tuple) and len(imputed) and _num(r.get("missing_quantile")) is not None:
        out.append(
            _msg(
                "imputed",
                factors=[{"code": f"selection.factor.{f}"} for f in imputed],
                pct=round(100 * (_num(r.get("missing_quantile")) or 0.0)),
            )
        )
    moved = r.get("moved_down")
    if moved in ("product", "category"):
        out.append(_msg(f"moved_down_{moved}"))
    if unavailable:
        groups = sorted({factor_spec(f).group for f in unavailable})
        if groups:
            out.append(_msg("no_data", groups=[{"code": f"selection.group.{g}"} for g in groups]))
    return out


@lru_cache(maxsize=1)
def _category_ids() -> frozenset[str]:
    """The taxonomy's category ids (their names are messages ``selection.category.<id>``)."""
    from xborder.catalog import CATEGORY_IDS

    return frozenset(CATEGORY_IDS)


def _label(name: str, good: bool) -> Message:
    """Factor label; a cost factor is good when low ("low demand volatility") and bad when high."""
    label: Message = {"code": f"selection.factor.{name}"}
    if factor_spec(name).benefit:
        return label
    return _msg("low" if good else "high", factor=label)


def explain_frame(
    ranked: pd.DataFrame,
    weights: dict[str, float],
    unavailable: list[str] | None = None,
    *,
    missing_quantile: float | None = None,
) -> pd.DataFrame:
    """Add ``explanation`` (the list of messages of :func:`explain_row`) to every row of a ranked frame."""
    groups_missing = _missing_groups(weights, unavailable or [])
    sources = [f"{i}_source" for i in ("demand", "margin", "compliance") if f"{i}_source" in ranked]
    cols = [c for c in _FIELDS if c in ranked] + sources
    cols += [f"contrib_{f}" for f in weights if f"contrib_{f}" in ranked]
    fr = ranked[list(dict.fromkeys(cols))].copy()
    for f, w in weights.items():
        fr[f"weight_{f}"] = w
    fr["missing_quantile"] = missing_quantile
    out = ranked.copy()
    msgs = [explain_row(r, groups_missing) for r in fr.to_dict(orient="records")]
    out["explanation"] = pd.Series(msgs, index=out.index, dtype=object)
    return out


def _missing_groups(weights: dict[str, float], unavailable: list[str]) -> list[str]:
    """Unavailable factors whose whole group is unavailable (one representative each)."""
    have = {factor_spec(f).group for f in weights}
    seen: dict[str, str] = {}
    for f in unavailable:
        g = factor_spec(f).group
        if g not in have and g not in seen:
            seen[g] = f
    return list(seen.values())


@lru_cache(maxsize=512)
def _text(code: str, lang: str) -> str:
    """The catalogue's text of ``code`` (unformatted), kept: explanations render tens of thousands of times."""
    return i18n.render(code, lang)


def _arg(value: Any, lang: str) -> Any:
    if isinstance(value, Mapping):
        return render_message(value, lang)
    if isinstance(value, list):
        return _text("selection.list_sep", lang).join([str(_arg(v, lang)) for v in value])
    return value


def render_message(msg: Mapping[str, Any], lang: str = "en") -> str:
    """One message in ``lang`` through the catalogue (:mod:`xborder.core.i18n`); arguments that are messages
    (or lists of them) are rendered first."""
    args = msg.get("args")
    text = _text(str(msg["code"]), lang)
    if not args:
        return text
    return text.format(**{k: _arg(v, lang) if isinstance(v, Mapping | list) else v for k, v in args.items()})


def render_explanation(messages: Sequence[Mapping[str, Any]], lang: str = "en") -> str:
    """An explanation (a list of messages) as one sentence in ``lang`` (``en``, ``zh``)."""
    return _text("selection.sep", lang).join([render_message(m, lang) for m in messages])
