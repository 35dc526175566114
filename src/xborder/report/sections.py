"""Turn an opportunity's frames into what a page shows: display tables, waterfall steps and risks."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from xborder.domains.landed_cost.waterfall import COST_LINES, SALE_LINES

__all__ = [
    "fmt",
    "display_table",
    "landed_modes",
    "compliance_view",
    "pains_view",
    "risks",
    "SPECS",
    "LANDED_PARTS",
    "SALE_PARTS",
    "levels_of",
    "generic_section",
]

_HIDDEN = {"run_id", "product_id", "market", "market_code", "unique_id", "created_at"}

# Display columns per section: (message key, column of the section's declared table).
SPECS: dict[str, list[tuple[str, str]]] = {
    "factors": [
        ("factor", "factor_label"),
        ("raw_value", "raw_value"),
        ("unit", "unit_label"),
        ("normalised", "normalised"),
        ("weight", "weight"),
        ("contribution", "contribution"),
        ("source_table", "source_label"),
    ],
    "trends": [
        ("series", "unique_id"),
        ("signal", "signal"),
        ("value", "value"),
        ("since", "since"),
        ("details", "text"),
    ],
    "compliance": [
        ("requirement", "requirement"),
        ("mandatory", "mandatory"),
        ("lead_time_days", "lead_time_days"),
        ("cost", "cost"),
        ("kind", "kind"),
        ("holder", "holder"),
        ("source", "source"),
        ("valid_from", "valid_from"),
        ("last_checked", "last_checked"),
    ],
    "pains": [
        ("aspect", "aspect"),
        ("share", "evidence_share"),
        ("reviews_n", "n_reviews"),
        ("direction", "trend_direction"),
        ("explanation", "summary"),
        ("examples", "example_texts"),
    ],
    "rules": [
        ("rule", "rule"),
        ("source", "source"),
        ("valid_from", "valid_from"),
        ("last_checked", "last_checked"),
        ("confidence", "confidence"),
    ],
    "accuracy": [
        ("series_level", "level"),
        ("freq", "freq"),
        ("model", "model"),
        ("n", "n"),
        ("mase", "mase"),
        ("wape", "wape"),
        ("bias", "bias"),
        ("coverage_80", "coverage_80"),
        ("coverage_95", "coverage_95"),
    ],
}


def levels_of(fc: pd.DataFrame) -> list[int]:
    """Interval levels present in a forecast frame (``lo_<L>``/``hi_<L>``), widest first."""
    levels = {int(c[3:]) for c in fc.columns if c.startswith("lo_") and f"hi_{c[3:]}" in fc.columns}
    return sorted(levels, reverse=True)


def fmt(v: Any, lang: str = "en") -> str:
    """A cell as text: numbers rounded sensibly, booleans as yes/no, lists joined, NaN empty."""
    from xborder.report.messages import t

    if v is None or v is pd.NaT:
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
    for base in ("text", "explanation", "label", "title", "suggestion", "aspect", "summary"):
        own = f"{base}_{lang}"
        if own in df.columns:
            fallback = df[base] if base in df.columns else df.get(f"{base}_en")
            df = df.assign(**{base: df[own].where(df[own].notna(), fallback)})
    chosen: list[tuple[str | None, str]]
    if section in SPECS:
        chosen = [(key, col) for key, col in SPECS[section] if col in df.columns]
    else:  # a section the report has no layout for (a new domain's): every column a person can read
        chosen = [(None, col) for col in df.columns if col not in _HIDDEN]
    head = [tr(key) if key and key in tr.keys else (key or col) for key, col in chosen]
    rows = [
        [fmt(v, lang) for v in rec] for rec in df[[c for _, c in chosen]].head(limit).itertuples(index=False)
    ]
    return {"head": head, "rows": rows}


# Landed-cost components in waterfall order (landed_costs columns): costs up to the landed cost, then
# what the sale costs on top, then the margin that is left of the price.
LANDED_PARTS = COST_LINES
SALE_PARTS = SALE_LINES


def landed_modes(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Per shipping mode: waterfall steps ``(key, amount, measure)``, landed cost, price, margin, currency.

    Reads the landed-cost rows (one per product × market × mode, the declared ``landed_costs`` columns).
    """
    if df is None or df.empty:
        return []
    groups = df.groupby("mode", sort=False, dropna=False)
    out = []
    for mode, g in groups:
        first = g.iloc[0]

        def val(col: str, row: Any = first) -> float | None:
            return float(row[col]) if col in row.index and pd.notna(row[col]) else None

        steps: list[tuple[str, float, str]] = [(c, v, "relative") for c in LANDED_PARTS if (v := val(c))]
        landed = val("landed_cost") or sum(v for _, v, _ in steps)
        steps.append(("landed_cost", landed, "total"))
        price = val("price")
        if price is not None:
            steps += [(c, v, "relative") for c in SALE_PARTS if (v := val(c))]
            if val("unit_margin") is not None:
                steps.append(("unit_margin", val("unit_margin") or 0.0, "relative"))
            steps.append(("price", price, "total"))
        out.append(
            {
                "mode": "" if pd.isna(mode) else str(mode),
                "steps": steps,
                "total": landed,
                "price": val("price"),
                "margin": val("margin_pct"),
                "unit_margin": val("unit_margin"),
                "currency": str(first["currency"]),
                "low_confidence": bool(first["low_confidence"])
                if pd.notna(first["low_confidence"])
                else False,
                "notes": str(first["notes"]) if pd.notna(first["notes"]) else "",
                "note_codes": first["note_codes"]
                if "note_codes" in first and pd.notna(first["note_codes"])
                else "",
                "rules": str(first["rules_used"]) if pd.notna(first["rules_used"]) else "",
                "channel": _text(first, "channel"),
                "channel_basis": _text(first, "channel_basis"),
                "channel_rules": _text(first, "channel_rules"),
            }
        )
    return out


def _text(row: Any, col: str) -> str:
    """A text cell of ``row`` ("" when the column is absent or empty)."""
    return str(row[col]) if col in row.index and pd.notna(row[col]) else ""


def pains_view(df: pd.DataFrame) -> pd.DataFrame:
    """Pain points with shares as percentages (the engine stores fractions)."""
    if df is None or df.empty:
        return df
    out = df.copy()
    out["evidence_share"] = [
        f"{v:.1%}" if pd.notna(v) else "" for v in pd.to_numeric(out["evidence_share"], errors="coerce")
    ]
    return out


def compliance_view(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Compliance rows with lead time and cost ranges joined into readable cells (min–max)."""
    if df is None or df.empty:
        return df

    def rng(lo: Any, hi: Any, suffix: str = "") -> str:
        if pd.isna(lo) and pd.isna(hi):
            return "?"
        lo_s, hi_s = fmt(lo, lang), fmt(hi, lang)
        return (lo_s if lo_s == hi_s or not hi_s else f"{lo_s or '0'}–{hi_s}") + suffix

    out = df.copy()
    if "lead_time_days_min" in out.columns:
        out["lead_time_days"] = [
            rng(a, b)
            for a, b in zip(
                out["lead_time_days_min"],
                out.get("lead_time_days_max", out["lead_time_days_min"]),
                strict=True,
            )
        ]
    if "cost_min" in out.columns:
        cur = out["currency"].fillna("") if "currency" in out.columns else ""
        out["cost"] = [
            rng(a, b, f" {c}" if c else "")
            for a, b, c in zip(
                out["cost_min"],
                out.get("cost_max", out["cost_min"]),
                cur if len(cur) else [""] * len(out),
                strict=True,
            )
        ]
    if "mandatory" in out.columns:
        out = out.sort_values("mandatory", ascending=False, kind="stable")
    return out


def risks(page: Any, tr: Any, *, target_margin: float = 0.30, skip_falling: bool = False) -> list[str]:
    """Risks read off the page's own numbers (weak factors, uncertainty, falling trend, margin, compliance);
    ``skip_falling`` leaves out the falling-trend signals when the selection's risks already name falling demand."""
    out: list[str] = []
    f = page.factors
    if not f.empty and "contribution" in f.columns:
        name_col = "factor"
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
    lang = getattr(tr, "lang", "en")
    tsig = page.trends
    if not skip_falling and not tsig.empty and {"signal", "value"} <= set(tsig.columns):
        own = (
            tsig[tsig["unique_id"].astype(str) == f"{page.product_id}|{page.market}"]
            if "unique_id" in tsig
            else tsig
        )
        falling = own[
            own["signal"].isin(["growth_13", "yoy"]) & (pd.to_numeric(own["value"], errors="coerce") < -0.10)
        ]
        text_col = f"text_{lang}" if f"text_{lang}" in falling.columns else "text_en"
        for _, r in falling.head(2).iterrows():
            out.append(tr("risk_falling", signal=r[text_col]))
    thin, estimated = [], []
    for m in landed_modes(page.landed):
        mode = (
            tr(f"mode_{m['mode']}") if f"mode_{m['mode']}" in getattr(tr, "keys", ()) else (m["mode"] or "—")
        )
        if m["margin"] is not None and m["margin"] < target_margin:
            thin.append(f"{mode} {m['margin']:.0%}")
        if m["low_confidence"]:
            estimated.append(mode)
    if thin:
        out.append(tr("risk_low_margin", modes=", ".join(thin), target=f"{target_margin:.0%}"))
    if estimated:
        out.append(tr("risk_estimated_cost", modes=", ".join(estimated)))
    c = page.compliance
    if not c.empty:
        mand = c[c["mandatory"].fillna(False).astype(bool)]
        if len(mand):
            lead = pd.to_numeric(mand["lead_time_days_max"], errors="coerce")
            if lead.notna().any():
                out.append(tr("risk_compliance", n=len(mand), days=fmt(float(lead.max()), lang)))
            else:
                out.append(tr("risk_compliance_unknown", n=len(mand)))
    p = page.pains
    if not p.empty and "trend_direction" in p.columns:
        asp = "aspect_zh" if lang == "zh" else "aspect"
        for _, r in p[p["trend_direction"].astype(str) == "rising"].head(2).iterrows():
            out.append(tr("risk_rising_complaint", aspect=r[asp]))
    months = page.history["ds"].dt.to_period("M").nunique() if len(page.history) else 0
    if 0 < months < 12:
        out.append(tr("risk_short_history", n=months))
    return out


def generic_section(name: str, body: dict[str, Any], tr: Any, lang: str) -> dict[str, Any]:
    """What a page shows of a dossier section the report has no layout for (a new domain's): its figures as a
    list of (label, value) and its lists of rows as tables, so adding a domain needs no report code."""
    from xborder.core import i18n

    title = i18n.render(f"{name}.title", lang) if i18n.has(f"{name}.title", lang) else name.replace("_", " ")

    def label(key: str) -> str:  # the domain's own label `<domain>.field.<key>`, else the key
        code = f"{name}.field.{key}"
        return i18n.render(code, lang) if i18n.has(code, lang) else key.replace("_", " ")

    def value(v: Any) -> str:  # a code value with a label of its own (e.g. `analogue`) is shown by it
        return label(v) if isinstance(v, str) and i18n.has(f"{name}.field.{v}", lang) else fmt(v, lang)

    figures = [
        (label(k), value(v)) for k, v in body.items() if k != "stage" and not isinstance(v, list | dict)
    ]
    # a record of its own (e.g. risk's `stress`: this pair's probability of loss): its figures, labelled
    # `<domain>.field.<record>_<key>`, without the ids the page already shows
    for k, v in body.items():
        if isinstance(v, dict) and k not in {"stage", "note", "messages"}:
            figures += [
                (label(f"{k}_{sub}"), value(x))
                for sub, x in v.items()
                if sub not in _HIDDEN and not isinstance(x, list | dict) and x is not None
            ]

    def readable(rows: list[dict[str, Any]]) -> pd.DataFrame:
        """The rows a person reads on a page: no ids the page already shows (run, product, market), no empty
        columns, at most 10 columns and 12 rows (the workbook's detail sheets hold them all)."""
        df = pd.DataFrame(rows)
        other = "_zh" if lang == "en" else "_en"  # a text column per language: the page's own
        df = df[
            [
                c
                for c in df.columns
                if c not in _HIDDEN and not str(c).endswith("_run_id") and not str(c).endswith(other)
            ]
        ]
        df = df.dropna(axis=1, how="all").iloc[:12, :10]
        return df.map(lambda x: value(x) if isinstance(x, str) else x).rename(columns=label)

    tables = [
        (label(k), display_table(readable(v), name, tr, lang))
        for k, v in body.items()
        if isinstance(v, list) and v and isinstance(v[0], dict)
    ]
    # message codes: a `note`, and lists of them under `messages`
    msgs = [body["note"]] if isinstance(body.get("note"), dict) else []
    for group in (body.get("messages") or {}).values():
        msgs += [m for m in group if isinstance(m, dict) and "code" in m]
    texts = [i18n.message(m, lang) for m in msgs if i18n.has(m["code"], lang)]
    stage = body.get("stage") or {}
    note = (
        None
        if stage.get("status", "ok") == "ok"
        else f"{stage.get('status')}: {stage.get('reason') or stage.get('error') or ''}"
    )
    return {"title": title, "figures": figures, "tables": tables, "note": note, "texts": texts}
