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
    "sold_before",
    "margin_pct",
    "compliance_items",
    "compliance_names",
    "compliance_lead_days",
    "competitors",
    "viable",
    "gate_min_margin_pct",
    "gate_min_demand_6m",
)


def _gate_reason(r: Mapping[str, Any]) -> Message:
    """Which viability gate(s) a candidate failed (``below_minimum`` when the values do not say)."""
    m, tm = _num(r.get("margin_pct")), _num(r.get("gate_min_margin_pct"))
    d, td = _num(r.get("demand_6m")), _num(r.get("gate_min_demand_6m"))
    low_margin = m is not None and tm is not None and m < tm
    low_demand = d is not None and td is not None and d < td
    if low_margin and low_demand:
        return _msg("gate_margin_demand", margin=m, min_margin=tm, units=d, min_units=td)
    if low_margin:
        return _msg("gate_margin", margin=m, min=tm)
    if low_demand:
        return _msg("gate_demand", units=d, min=td)
    return _msg("below_minimum")


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


def explain_row(row: pd.Series | Mapping[Any, Any], unavailable: list[str] | None = None) -> list[Message]:
    """The messages naming the facts that drive a candidate's score, in reading order.

    Uses, when present: ``momentum_pct``, ``demand_6m``, ``sold_before``, ``margin_pct``, ``compliance_items``,
    ``compliance_names``, ``compliance_lead_days``, ``competitors``, ``viable`` with the ``gate_*`` thresholds
    and the ``contrib_*``/``weight_*`` columns (strongest and weakest factor), and says which factor groups had
    no data (``unavailable``: one factor per group without data).
    """
    r = dict(row)
    out: list[Message] = []
    mom = _num(r.get("momentum_pct"))
    if mom is not None:
        if mom >= 1000:  # growth from a near-zero base: the percentage says little
            out.append(_msg("demand_takeoff"))
        else:
            word = "rising" if mom >= 5 else "falling" if mom <= -5 else "steady"
            out.append(_msg(f"demand_{word}", pct=mom))
    d6 = _num(r.get("demand_6m"))
    if d6 is not None:
        out.append(_msg("new_market_demand" if r.get("sold_before") is False else "demand_units", units=d6))
    m = _num(r.get("margin_pct"))
    if m is not None:
        out.append(_msg("margin", pct=m))
    viable = r.get("viable")
    if viable is not None and not pd.isna(viable) and not bool(viable):
        out.insert(0, _msg("not_viable", why=_gate_reason(r)))
    n = _num(r.get("compliance_items"))
    if n is not None:
        out.append(
            _compliance(n, str(r.get("compliance_names") or "").strip(), _num(r.get("compliance_lead_days")))
        )
    comp = _num(r.get("competitors"))
    if comp is not None:
        out.append(_msg("competitors", n=comp))
    contrib = {k[8:]: _num(v) for k, v in r.items() if str(k).startswith("contrib_") and _num(v) is not None}
    weights = {k: _num(r.get(f"weight_{k}")) for k in contrib}
    if contrib:
        # normalised value of each factor = contribution / weight (1 = best candidate on it)
        norm = {k: (contrib[k] or 0.0) / w for k in contrib if (w := weights.get(k)) and w > 0}
        if norm:
            best = max(norm, key=lambda k: norm[k])
            worst = min(norm, key=lambda k: norm[k])
            if norm[best] >= 0.5:
                out.append(_msg("strongest", factor=_label(best, True)))
            if worst != best and norm[worst] < 0.5:
                out.append(_msg("weakest", factor=_label(worst, False)))
    if unavailable:
        groups = sorted({factor_spec(f).group for f in unavailable})
        if groups:
            out.append(_msg("no_data", groups=[{"code": f"selection.group.{g}"} for g in groups]))
    return out


def _label(name: str, good: bool) -> Message:
    """Factor label; a cost factor is good when low ("low demand volatility") and bad when high."""
    label: Message = {"code": f"selection.factor.{name}"}
    if factor_spec(name).benefit:
        return label
    return _msg("low" if good else "high", factor=label)


def explain_frame(
    ranked: pd.DataFrame, weights: dict[str, float], unavailable: list[str] | None = None
) -> pd.DataFrame:
    """Add ``explanation`` (the list of messages of :func:`explain_row`) to every row of a ranked frame."""
    groups_missing = _missing_groups(weights, unavailable or [])
    cols = [c for c in _FIELDS if c in ranked] + [f"contrib_{f}" for f in weights if f"contrib_{f}" in ranked]
    fr = ranked[cols].copy()
    for f, w in weights.items():
        fr[f"weight_{f}"] = w
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
