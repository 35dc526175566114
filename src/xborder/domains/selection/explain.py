"""Short explanations of an opportunity score, in English and Simplified Chinese."""

from __future__ import annotations

import math

import pandas as pd

from xborder.domains.selection.factors import GROUP_LABELS, factor_spec

__all__ = ["explain_row", "explain_frame"]


def _num(v: object) -> float | None:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _weeks(days: float) -> str:
    return f"~{max(1, round(days / 7))} weeks" if days >= 10 else f"~{round(days)} days"


def _weeks_zh(days: float) -> str:
    return f"约{max(1, round(days / 7))}周" if days >= 10 else f"约{round(days)}天"


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


def _gate_reasons(r: dict) -> tuple[str, str]:
    """Which viability gate(s) a candidate failed, in English and Chinese (empty when unknown)."""
    en: list[str] = []
    zh: list[str] = []
    m, tm = _num(r.get("margin_pct")), _num(r.get("gate_min_margin_pct"))
    if m is not None and tm is not None and m < tm:
        en.append(f"margin {m:.0f}% < {tm:g}%")
        zh.append(f"利润率{m:.0f}% < {tm:g}%")
    d, td = _num(r.get("demand_6m")), _num(r.get("gate_min_demand_6m"))
    if d is not None and td is not None and d < td:
        en.append(f"{d:,.0f} units/6 months < {td:,.0f}")
        zh.append(f"6个月{d:,.0f}件 < {td:,.0f}件")
    return ", ".join(en), "，".join(zh)


def explain_row(row: pd.Series | dict, unavailable: list[str] | None = None) -> tuple[str, str]:
    """(English, Chinese) sentence naming the facts that drive the score.

    Uses, when present: ``momentum_pct``, ``demand_6m``, ``sold_before``, ``margin_pct``, ``compliance_items``,
    ``compliance_names``, ``compliance_lead_days``, ``competitors``, ``demand_cv`` and the ``contrib_*``
    columns (strongest and weakest factor), and says which factor groups had no data.
    """
    r = dict(row)
    en: list[str] = []
    zh: list[str] = []
    mom = _num(r.get("momentum_pct"))
    if mom is not None:
        word, wz = (
            ("rising", "上升") if mom >= 5 else ("falling", "下降") if mom <= -5 else ("steady", "平稳")
        )
        if mom >= 1000:  # growth from a near-zero base: the percentage says little
            en.append("demand taking off from a small base (>+999%)")
            zh.append("需求从低位快速起步（>+999%）")
        else:
            en.append(f"{word} demand {mom:+.0f}%")
            zh.append(f"需求{wz}{mom:+.0f}%")
    d6 = _num(r.get("demand_6m"))
    if d6 is not None:
        if r.get("sold_before") is False:
            en.append(f"new market, ~{d6:,.0f} units/6 months expected")
            zh.append(f"新市场，预计6个月约{d6:,.0f}件")
        else:
            en.append(f"{d6:,.0f} units/6 months")
            zh.append(f"6个月{d6:,.0f}件")
    m = _num(r.get("margin_pct"))
    if m is not None:
        en.append(f"margin {m:.0f}% after duty and fees")
        zh.append(f"扣除关税和费用后利润率{m:.0f}%")
    viable = r.get("viable")
    if viable is not None and not pd.isna(viable) and not bool(viable):
        why_en, why_zh = _gate_reasons(r)
        en.insert(0, f"NOT VIABLE ({why_en or 'below the profile minimum'}; ranked after viable ones)")
        zh.insert(0, f"不可行（{why_zh or '低于方案下限'}，排在可行机会之后）")
    n = _num(r.get("compliance_items"))
    if n is not None:
        names = str(r.get("compliance_names") or "").strip()
        lead = _num(r.get("compliance_lead_days"))
        detail = "; ".join(x for x in (names, _weeks(lead) if lead else "") if x)
        detail_zh = "；".join(x for x in (names, _weeks_zh(lead) if lead else "") if x)
        if n == 0:
            en.append("no certification needed")
            zh.append("无需认证")
        else:
            en.append(
                f"{n:.0f} certification{'s' if n != 1 else ''} needed" + (f" ({detail})" if detail else "")
            )
            zh.append(f"需{n:.0f}项认证" + (f"（{detail_zh}）" if detail_zh else ""))
    comp = _num(r.get("competitors"))
    if comp is not None:
        en.append(f"{comp:.0f} competing sellers")
        zh.append(f"{comp:.0f}个竞争卖家")
    contrib = {k[8:]: _num(v) for k, v in r.items() if str(k).startswith("contrib_") and _num(v) is not None}
    weights = {k: _num(r.get(f"weight_{k}")) for k in contrib}
    if contrib:
        # normalised value of each factor = contribution / weight (1 = best candidate on it)
        norm = {k: (contrib[k] or 0.0) / w for k in contrib if (w := weights.get(k)) and w > 0}
        if norm:
            best = max(norm, key=lambda k: norm[k])
            worst = min(norm, key=lambda k: norm[k])
            if norm[best] >= 0.5:
                en.append(f"strongest: {_label(best, True)[0]}")
                zh.append(f"最强因素：{_label(best, True)[1]}")
            if worst != best and norm[worst] < 0.5:
                en.append(f"weakest: {_label(worst, False)[0]}")
                zh.append(f"最弱因素：{_label(worst, False)[1]}")
    if unavailable:
        groups = sorted({factor_spec(f).group for f in unavailable})
        if groups:
            en.append(
                "no data for "
                + ", ".join(GROUP_LABELS[g][0] for g in groups)
                + " (weight given to the others)"
            )
            zh.append(
                "缺少数据：" + "、".join(GROUP_LABELS[g][1] for g in groups) + "（权重已分配给其他因素）"
            )
    return ", ".join(en), "，".join(zh)


def _label(name: str, good: bool) -> tuple[str, str]:
    """Factor label; a cost factor is good when low ("low demand volatility") and bad when high."""
    spec = factor_spec(name)
    if spec.benefit:
        return spec.label_en, spec.label_zh
    return (
        (f"low {spec.label_en}", f"{spec.label_zh}低")
        if good
        else (f"high {spec.label_en}", f"{spec.label_zh}高")
    )


def explain_frame(
    ranked: pd.DataFrame, weights: dict[str, float], unavailable: list[str] | None = None
) -> pd.DataFrame:
    """Add ``explanation_en`` and ``explanation_zh`` to every row of a ranked frame."""
    groups_missing = _missing_groups(weights, unavailable or [])
    cols = [c for c in _FIELDS if c in ranked] + [f"contrib_{f}" for f in weights if f"contrib_{f}" in ranked]
    fr = ranked[cols].copy()
    for f, w in weights.items():
        fr[f"weight_{f}"] = w
    pairs = [explain_row(r, groups_missing) for r in fr.to_dict(orient="records")]
    out = ranked.copy()
    out["explanation_en"] = [p[0] for p in pairs]
    out["explanation_zh"] = [p[1] for p in pairs]
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
