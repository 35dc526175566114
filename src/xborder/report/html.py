"""Build the report's HTML (interactive for screens, static charts and A4 layout for print) from the gathered data."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pandas as pd

import xborder.report.charts as charts
from xborder.core import i18n
from xborder.report.backtest_view import backtest_context
from xborder.report.data import ReportData
from xborder.report.messages import Translator
from xborder.report.model_note import model_choice_note
from xborder.report.panels import panel_context
from xborder.report.pdf import NO_CHROMIUM
from xborder.report.reasons import _missing, _notes, _run_status, _stage_reason, _stages
from xborder.report.sections import (
    compliance_view,
    display_table,
    fmt,
    generic_section,
    landed_modes,
    pains_view,
    risks,
)

__all__ = ["render_html", "build_context"]


def _template_text(name: str) -> str:
    return resources.files("xborder.report").joinpath("templates", name).read_text(encoding="utf-8")


def landed_notes(codes: object, lang: str) -> str:
    """The landed-cost notes in ``lang`` from their message codes (``landed_costs.note_codes``); "" when none."""
    import json

    if not isinstance(codes, str) or not codes:
        return ""
    try:
        msgs = json.loads(codes)
    except ValueError:
        return ""
    if not isinstance(msgs, list):
        return ""
    return "; ".join(i18n.message(m, lang) for m in msgs if isinstance(m, dict) and "code" in m)


def short_title(title: str, limit: int = 80) -> str:
    """A listing title cut at a word boundary near ``limit`` characters (marketplace titles run to 200+ and
    push the list's explanation into a sliver); the page shows the full title under its heading."""
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) >= limit // 2 else title[:limit]).rstrip(" ,;|-–—【(") + "…"


def _named_series(p: Any, tr: Translator) -> pd.DataFrame:
    """The trend signals with their series named for a person: the product's title, or the category, and the
    market ("SPOTTY BUNTING (CH)", "category party_seasonal (CH)"), not series ids."""
    t = p.trends
    if t.empty or "unique_id" not in t.columns:
        return t

    def name(uid: object) -> str:
        pid, _, market = str(uid).partition("|")
        if pid == p.product_id:
            return f"{p.title} ({market})" if market else p.title
        if pid.startswith("cat:"):
            return tr("series_category", category=pid[4:], market=market)
        return str(uid)

    return t.assign(unique_id=t["unique_id"].map(name))


def _top_status(data: ReportData, tr: Translator) -> str:
    """How many assessed foreign candidates pass every gate, how many are listed apart, and the home baseline."""
    o = data.opportunities
    if o.empty or "status" not in o.columns:
        return ""
    n = o["status"].value_counts()
    summary = ((data.stages.get("selection") or {}).get("summary") or {}) if data.stages else {}
    if summary.get("mode") == "research":
        return tr("top_status_research", n=f"{len(o):,}")
    gates = summary.get("profile_settings") or {}
    margin, units = gates.get("min_margin_pct"), gates.get("min_demand_6m")
    return tr(
        "top_status",
        ranked=f"{int(n.get('ranked', 0)):,}",
        assessed=f"{int(n.get('ranked', 0) + n.get('gated', 0)):,}",
        margin="—" if margin is None else f"{float(margin):g}",
        units="—" if units is None else f"{float(units):,.0f}",
        not_assessed=f"{int(n.get('not_assessed', 0)):,}",
        home=f"{int(n.get('home_baseline', 0)):,}",
        home_markets=", ".join(summary.get("home_markets") or []) or "—",
    )


def _unknowns(p: Any, lang: str) -> list[str]:
    """The pair's unknowns (selection messages: what, why, the command that fills it) in ``lang``."""
    from xborder.domains.selection.explain import render_message

    return [render_message(m, lang) for m in p.unknowns if isinstance(m, dict) and "code" in m]


def _selection_risks(p: Any, lang: str) -> list[str]:
    """The selection's risks of the pair, each with its weight in the score, in ``lang``."""
    from xborder.domains.selection.explain import render_message

    return [render_message(m, lang) for m in p.selection_risks if isinstance(m, dict) and "code" in m]


def _label_factors(f: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Add ``factor_label``: the selection engine's own name of each factor in the report's language."""
    if f.empty or "factor" not in f.columns:
        return f
    try:
        from xborder.domains.selection.factors import factor_spec
    except ImportError:
        return f

    def label(name: str) -> str:
        try:
            spec = factor_spec(name)
        except KeyError:
            return name
        return spec.label_zh if lang == "zh" else spec.label_en

    f = f.assign(factor_label=f["factor"].astype(str).map(label))
    if "unit" in f.columns:

        def unit(name: str, given: object) -> str:
            key = f"selection.unit.{name}"
            return (
                i18n.render(key, lang)
                if i18n.has(key, lang)
                else ("" if given is None or given != given else str(given))
            )

        f = f.assign(unit_label=[unit(str(n), u) for n, u in zip(f["factor"], f["unit"], strict=True)])
    if "source_table" in f.columns:
        f = f.assign(source_label=f["source_table"].map(lambda v: source_words(v, lang)))
    if "raw_value" in f.columns:  # no value: say so (scored at the pessimistic quantile), never a blank
        unknown = i18n.render("report.factor_unknown", lang)
        f = f.assign(
            raw_value=[unknown if pd.isna(v) else v for v in pd.to_numeric(f["raw_value"], errors="coerce")]
        )
    return f


_SOURCE_TOKEN = re.compile(r"[a-z_]+(?:\.[a-z_]+)?")


def source_words(value: object, lang: str) -> str:
    """A factor's source in a seller's words ("your order history | demand forecast"), not table names; a name
    without a wording (``report.src_<name>``) is kept as it is."""
    if not isinstance(value, str) or not value:
        return ""

    def word(m: re.Match[str]) -> str:
        key = "report.src_" + m.group(0).replace(".", "_")
        return i18n.render(key, lang) if i18n.has(key, lang) else m.group(0)

    return _SOURCE_TOKEN.sub(word, value.replace("expected units", "expected_units"))


def _page(
    data: ReportData,
    p: Any,
    tr: Translator,
    lang: str,
    *,
    target_margin: float,
) -> dict[str, Any]:
    page: dict[str, Any] = {
        "anchor": f"opp-{p.rank}",
        "heading": tr("opp_page", rank=p.rank, title=short_title(p.title), market=p.market),
        "full_title": p.title if short_title(p.title) != p.title else "",
        "product_id": p.product_id,
        "category": p.category,
        "score": fmt(p.score),
        "explanation": p.explanation.get(lang) or p.explanation.get("en", ""),
    }
    f = _label_factors(p.factors, lang)
    page["factor_chart"] = None  # no factors with contributions (an unassessed candidate): no chart
    if not f.empty and "contribution" in f.columns:
        name_col = "factor_label" if "factor_label" in f.columns else "factor"
        fs = f.sort_values("contribution", ascending=False)
        page["factor_chart"] = charts.bar_chart(
            fs[name_col].astype(str).tolist(),
            fs["contribution"].astype(float).tolist(),
            title=tr("why_factors"),
            value_label=tr("contribution"),
            signed=True,
        )
    page["factors"] = display_table(f, "factors", tr, lang)
    page["factors_missing"] = None if len(f) else _missing(data, "factors", tr)
    labels = {k: tr(k) for k in ("history", "forecast", "units")} | {
        "interval": tr("interval", level="{level}")
    }
    page["demand_chart"] = charts.demand_chart(
        p.history,
        p.forecast,
        title=f"{p.title} — {p.market}",
        labels=labels,
    )
    page["forecast_missing"] = None if len(p.forecast) else _missing(data, "demand", tr, p)
    page["forecast_model"] = ", ".join(sorted({m for m in p.forecast.get("model", pd.Series()) if m}))
    page["history_note"] = tr("history_note_week" if p.freq.lower().startswith("w") else "history_note_month")
    page["analogue_note"] = (
        tr("forecast_kind_analogue", basis=p.forecast_basis or "—") if "analogue" in p.forecast_kind else ""
    )
    page["accuracy"] = display_table(p.accuracy, "accuracy", tr, lang, limit=6)
    page["model_note"] = model_choice_note(p.model_choice, p.accuracy.to_dict("records"), lang)
    page["trends"] = display_table(_named_series(p, tr), "trends", tr, lang)
    page["trends_missing"] = None if len(p.trends) else _missing(data, "trends", tr, p)
    modes = []
    for m in landed_modes(p.landed):
        mode = tr(f"mode_{m['mode']}") if f"mode_{m['mode']}" in tr.keys else m["mode"]
        title = f"{tr('landed_cost')}: {mode}" if mode else tr("landed_cost")
        steps = [(tr(f"lc_{k}") if f"lc_{k}" in tr.keys else k, v, meas) for k, v, meas in m["steps"]]
        modes.append(
            {
                "mode": mode,
                "total": fmt(m["total"]),
                "price": fmt(m["price"]),
                "currency": m["currency"],
                "margin": "" if m["margin"] is None else f"{m['margin']:.0%}",
                "chart": charts.waterfall_chart(
                    steps, title=title, currency=m["currency"], result=tr("lc_unit_margin")
                ),
                "notes": landed_notes(m.get("note_codes"), lang) or m["notes"],
                "rules": m["rules"],
                "channel": _channel_text(m, lang),
                "margin_value": m["margin"],
            }
        )
    page["landed"] = modes
    page["landed_channel"] = next((m["channel"] for m in modes if m["channel"]), "")
    page["landed_shared"] = _shared_freight_note(p, modes, tr)
    page["landed_missing"] = None if modes else _missing(data, "landed", tr, p)
    page["compliance"] = display_table(compliance_view(p.compliance, lang), "compliance", tr, lang)
    page["compliance_missing"] = None if len(p.compliance) else _missing(data, "compliance", tr, p)
    page["pains"] = display_table(pains_view(p.pains), "pains", tr, lang, limit=8)
    page["pains_level"] = tr(f"pains_level_{p.pains_level}") if p.pains_level else ""
    page["pains_missing"] = None if len(p.pains) else _missing(data, "pains", tr, p)
    own = _selection_risks(p, lang)
    falling = any(str(m.get("code", "")).endswith(".falling_demand") for m in p.selection_risks)
    page["risks"] = own + risks(p, tr, target_margin=target_margin, skip_falling=falling)
    page["unknowns"] = _unknowns(p, lang)
    page["other_sections"] = [
        generic_section(name, body, tr, lang) for name, body in p.other_sections.items()
    ]
    return page


def _channel_text(mode: dict[str, Any], lang: str) -> str:
    """Which sales channel the mode's fees are for, by which rules, and (in English, as stored) why."""
    if not mode.get("channel"):
        return ""
    text = i18n.render(
        "landed_cost.channel_note", lang, channel=mode["channel"], rules=mode["channel_rules"] or "—"
    )
    return text + (f". {mode['channel_basis']}" if lang == "en" and mode.get("channel_basis") else "")


def _shared_freight_note(p: Any, modes: list[dict[str, Any]], tr: Translator) -> str:
    """When the list's margin (after the shipment shared with the other picks) differs from every mode's
    stand-alone margin shown on the page, say why the two numbers differ."""
    listed = p.extra.get("margin")  # opportunities.margin_pct: percent
    shown = [m["margin_value"] for m in modes if m.get("margin_value") is not None]
    if listed is None or not shown or min(abs(listed / 100.0 - v) for v in shown) < 0.01:
        return ""
    return tr("landed_shared_freight", listed=f"{listed:.0f}%", market=p.market)


def build_context(
    data: ReportData, lang: str, *, interactive: bool, target_margin: float = 0.30
) -> dict[str, Any]:
    """Everything the template needs, in one language, for screen (interactive) or print (static)."""
    tr = Translator(lang)
    params = data.run.get("params") or {}
    run = data.run
    top = data.opportunities.head(len(data.pages) or 10)
    top_rows = []
    for page in data.pages:
        row: dict[str, Any] = {
            "anchor": f"opp-{page.rank}",
            "rank": page.rank,
            "title": short_title(page.title),
            "product_id": page.product_id,
            "category": page.category,
            "market": page.market,
            "score": fmt(page.score),
            "explanation": page.explanation.get(lang) or page.explanation.get("en", ""),
        }
        for key, val in page.extra.items():
            # opportunities.margin_pct is in percent already (not a fraction); units and days as whole numbers
            row[key] = "" if val is None else (f"{val:.0f}%" if key == "margin" else fmt(float(round(val))))
        top_rows.append(row)

    backtest = backtest_context(data.backtest, tr)
    return {
        "lang": lang,
        "html_lang": "zh-Hans" if lang == "zh" else "en",
        "_": tr,
        "interactive": interactive,
        "plotlyjs": charts.plotly_js(),
        "css": _template_text("report.css"),
        "meta": {
            "run_id": run["run_id"],
            "status": _run_status(data, tr),
            "started": str(run.get("started_at") or "")[:19],
            "finished": str(run.get("finished_at") or "")[:19],
            "generated": data.generated_at.strftime("%Y-%m-%d %H:%M:%S"),
            "markets": ", ".join(params.get("markets") or []) or tr("all_markets"),
            "data": params.get("data") or tr("warehouse_as_is"),
            "fingerprint": (run.get("fingerprint") or "")[:16],
        },
        "stages": _stages(data, tr),
        "notes": _notes(data, tr),
        "top": top_rows,
        "top_status": _top_status(data, tr),
        "n_opps": len(top),
        "top_extra": [
            k for k in ("demand_6m", "margin", "time_to_market") if any(r.get(k) for r in top_rows)
        ],
        "top_missing": None
        if top_rows
        else (
            tr("no_opportunities")
            + " "
            + (_missing(data, "factors", tr) if _stage_reason(data, "selection", tr) else "")
        ),
        "pages": [_page(data, p, tr, lang, target_margin=target_margin) for p in data.pages],
        "accuracy": display_table(data.accuracy, "accuracy", tr, lang),
        "accuracy_missing": None if len(data.accuracy) else _missing(data, "accuracy", tr),
        "backtest": backtest,
        "backtest_missing": None if backtest else _missing(data, "backtest", tr),
        "ingests": {
            "head": [tr("file"), tr("kind"), tr("rows"), tr("ingested")],
            "rows": [
                [fmt(r.file_name), fmt(r.kind), fmt(r.rows_stored), str(r.started_at)[:19]]
                for r in data.ingests.itertuples()
            ]
            if len(data.ingests)
            else [],
        },
        "coverage": {
            "head": [tr("table"), tr("rows"), tr("from"), tr("to")],
            "rows": [
                [tb, fmt(n), str(lo or "")[:10], str(hi or "")[:10]]
                for tb, n, lo, hi in data.coverage[["table", "rows", "from", "to"]].itertuples(
                    index=False, name=None
                )
            ],
        },
        "rule_sources": display_table(data.rule_sources, "rules", tr, lang, limit=200),
        "panels": [panel_context(p, lang) for p in data.panels.get(lang, [])],
    }


def _script_json(value: Any) -> Any:
    """JSON safe to place inside a <script> element."""
    import json

    from markupsafe import Markup

    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return Markup(text.replace("</", "<\\/").replace("<!--", "<\\!--"))


def render_html(
    data: ReportData,
    lang: str,
    *,
    interactive: bool,
    target_margin: float = 0.30,
    pdf_missing: str | None = None,
) -> str:
    """The report as one self-contained HTML document (inline CSS, JS and images).

    ``pdf_missing`` is the reason no PDF can be made here; the HTML then says so on its first page.
    """
    import jinja2

    env = jinja2.Environment(
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined
    )
    env.filters["script_json"] = _script_json
    tmpl = env.from_string(_template_text("report.html.j2"))
    ctx = build_context(data, lang, interactive=interactive, target_margin=target_margin)
    tr = Translator(lang)
    reason = tr("no_chromium") if pdf_missing == NO_CHROMIUM else pdf_missing
    ctx["pdf_note"] = tr("pdf_missing", reason=reason) if pdf_missing else ""
    return tmpl.render(**ctx)
