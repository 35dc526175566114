"""Turn an opportunity's frames into what a page shows: display tables, waterfall steps and risks."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from xborder.report.tables import levels_of, pick

__all__ = ["fmt", "display_table", "landed_modes", "risks", "SPECS"]

_HIDDEN = {"run_id", "product_id", "market", "market_code", "unique_id", "created_at"}

# Display columns per section: (message key, candidate column names in the engine's table).
SPECS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "factors": [
        ("factor", ("factor",)),
        ("raw_value", ("raw_value",)),
        ("unit", ("unit",)),
        ("normalised", ("normalised", "normalized")),
        ("weight", ("weight",)),
        ("contribution", ("contribution",)),
        ("source_table", ("source_table",)),
    ],
    "trends": [
        ("series", ("unique_id",)),
        ("signal", ("signal", "kind", "signal_type", "name")),
        ("value", ("value", "slope", "score", "change")),
        ("direction", ("direction", "trend")),
        ("since", ("since", "ds", "detected_at", "period", "date")),
        ("details", ("text", "details", "explanation", "message", "method")),
    ],
    "compliance": [
        ("requirement", ("requirement", "requirement_name", "title", "name", "rule_id")),
        ("mandatory", ("mandatory", "required")),
        ("lead_time_days", ("lead_time_days", "lead_time")),
        ("cost", ("cost", "cost_estimate", "cost_eur")),
        ("currency", ("currency", "cost_currency")),
        ("source", ("source", "source_url")),
        ("valid_from", ("valid_from",)),
        ("last_checked", ("last_checked",)),
    ],
    "pains": [
        ("aspect", ("aspect", "phrase", "keyphrase", "topic", "theme", "title")),
        ("share", ("share", "share_negative", "neg_share", "frequency")),
        ("reviews_n", ("n_reviews", "reviews", "count", "support")),
        ("explanation", ("suggestion", "improvement", "explanation", "description")),
        ("examples", ("examples", "example_reviews", "example", "example_review")),
    ],
    "accuracy": [
        ("series_level", ("level",)),
        ("freq", ("freq",)),
        ("model", ("model",)),
        ("metric", ("metric",)),
        ("value", ("value",)),
        ("n", ("n", "n_series")),
        ("mase", ("mase", "MASE")),
        ("wape", ("wape", "WAPE")),
        ("smape", ("smape", "sMAPE")),
        ("mae", ("mae", "MAE")),
        ("bias", ("bias",)),
        ("coverage_80", ("coverage_80",)),
        ("coverage_95", ("coverage_95",)),
        ("coverage", ("coverage",)),
    ],
}


def fmt(v: Any, lang: str = "en") -> str:
    """A cell as text: numbers rounded sensibly, booleans as yes/no, lists joined, NaN empty."""
    from xborder.report.messages import t

    if v is None:
        return ""
    if isinstance(v, bool):
        return t(lang, "yes" if v else "no")
    if isinstance(v, float | int) and not isinstance(v, bool):
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            return ""
        if isinstance(v, int) or float(v).is_integer():
            return f"{int(v):,}"
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if hasattr(v, "isoformat") and not isinstance(v, str):
        return str(v.isoformat())[:10]
    if isinstance(v, list | tuple):
        return " · ".join(fmt(x, lang) for x in v)
    try:
        if hasattr(v, "tolist"):
            return fmt(v.tolist(), lang)
    except (TypeError, ValueError):
        pass
    return str(v)


def display_table(df: pd.DataFrame, section: str, tr: Any, lang: str, *, limit: int = 50) -> dict[str, Any]:
    """{'head': [...labels], 'rows': [[...cells]]}: the section's known columns, else every visible column.

    Columns with one variant per language (``text_en``/``text_zh``) are shown in the report's language.
    """
    if df is None or df.empty:
        return {"head": [], "rows": []}
    for base in ("text", "explanation", "label", "title", "suggestion", "aspect"):
        if f"{base}_{lang}" in df.columns and base not in df.columns:
            df = df.assign(
                **{base: df[f"{base}_{lang}"].where(df[f"{base}_{lang}"].notna(), df.get(f"{base}_en"))}
            )
    spec = SPECS.get(section, [])
    chosen = [(key, col) for key, cands in spec if (col := pick(df, *cands))]
    if len(chosen) < 2:
        chosen = [(None, c) for c in df.columns if c not in _HIDDEN]
    head = [tr(key) if key and key in tr.keys else (key or col) for key, col in chosen]
    rows = [
        [fmt(v, lang) for v in rec] for rec in df[[c for _, c in chosen]].head(limit).itertuples(index=False)
    ]
    return {"head": head, "rows": rows}


_COMPONENTS = (
    "product_cost",
    "unit_cost",
    "cogs",
    "purchase_cost",
    "packaging",
    "freight",
    "freight_cost",
    "shipping",
    "first_mile",
    "insurance",
    "duty",
    "customs_duty",
    "duty_cost",
    "vat",
    "import_vat",
    "gst",
    "sales_tax",
    "customs_fees",
    "brokerage",
    "last_mile",
    "marketplace_fee",
    "referral_fee",
    "fulfilment_fee",
    "fulfillment_fee",
    "fba_fee",
    "payment_fee",
    "fx_cost",
    "returns_cost",
    "other_cost",
)


def landed_modes(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Per shipping mode: waterfall steps [(component, amount)], total, price, margin and currency."""
    if df is None or df.empty:
        return []
    mode_col = pick(df, "shipping_mode", "mode", "route", "freight_mode", "lane")
    cur_col = pick(df, "currency")
    groups = df.groupby(mode_col, sort=False, dropna=False) if mode_col else [("", df)]
    out = []
    for mode, g in groups:
        comp_col, amt_col = pick(g, "component"), pick(g, "amount", "value")
        if comp_col and amt_col:
            steps = [(str(c), float(a)) for c, a in zip(g[comp_col], g[amt_col], strict=True) if pd.notna(a)]
            first = g.iloc[0]
        else:
            first = g.iloc[0]
            steps = [
                (c, float(first[c]))
                for c in _COMPONENTS
                if c in g.columns and pd.notna(first[c]) and float(first[c]) != 0.0
            ]
        total_col = pick(g, "landed_cost", "total_landed_cost", "landed_cost_total", "total")
        price_col = pick(g, "price", "selling_price", "sale_price")
        margin_col = pick(g, "margin", "margin_pct", "net_margin")
        out.append(
            {
                "mode": "" if mode is None or (isinstance(mode, float) and math.isnan(mode)) else str(mode),
                "steps": steps,
                "total": float(first[total_col])
                if total_col and pd.notna(first[total_col])
                else sum(v for _, v in steps),
                "price": float(first[price_col]) if price_col and pd.notna(first[price_col]) else None,
                "margin": float(first[margin_col]) if margin_col and pd.notna(first[margin_col]) else None,
                "currency": str(first[cur_col]) if cur_col else "",
            }
        )
    return out


def risks(page: Any, tr: Any, *, target_margin: float = 0.30) -> list[str]:
    """Risks read off the page's own numbers (weak factors, uncertainty, falling trend, margin, compliance)."""
    out: list[str] = []
    f = page.factors
    if not f.empty and "contribution" in f.columns:
        name_col = pick(f, "factor") or f.columns[0]
        for _, r in f.sort_values("contribution").head(2).iterrows():
            if pd.notna(r["contribution"]) and float(r["contribution"]) < 0:
                out.append(
                    tr(
                        "risk_negative_factor",
                        factor=r[name_col],
                        contribution=f"{float(r['contribution']):+.3f}",
                    )
                )
    fc = page.forecast
    levels = levels_of(fc)
    if levels and not fc.empty and fc["yhat"].abs().sum() > 0:
        lv = levels[0]
        ratio = float((fc[f"hi_{lv}"] - fc[f"lo_{lv}"]).sum() / fc["yhat"].abs().sum())
        if ratio > 1.0:
            out.append(tr("risk_wide_interval", level=lv, ratio=f"{ratio:.1f}"))
    tsig = page.trends
    dcol = pick(tsig, "direction", "trend")
    if dcol:
        scol = pick(tsig, "signal", "kind", "signal_type", "name") or dcol
        for _, r in (
            tsig[tsig[dcol].astype(str).str.lower().isin({"down", "falling", "decline", "decreasing"})]
            .head(2)
            .iterrows()
        ):
            out.append(tr("risk_falling", signal=r[scol]))
    for m in landed_modes(page.landed):
        if m["margin"] is not None and m["margin"] < target_margin:
            out.append(
                tr(
                    "risk_low_margin",
                    mode=m["mode"] or "—",
                    margin=f"{m['margin']:.0%}",
                    target=f"{target_margin:.0%}",
                )
            )
    c = page.compliance
    mcol = pick(c, "mandatory", "required")
    if mcol and not c.empty:
        mand = c[c[mcol].fillna(False).astype(bool)]
        if len(mand):
            lcol = pick(mand, "lead_time_days", "lead_time")
            days = (
                int(pd.to_numeric(mand[lcol], errors="coerce").max())
                if lcol and mand[lcol].notna().any()
                else 0
            )
            out.append(tr("risk_compliance", n=len(mand), days=days))
    if 0 < len(page.history) < 12:
        out.append(tr("risk_short_history", n=len(page.history)))
    return out
