"""``xborder brief PRODUCT MARKET``: a product brief (en/zh HTML, PDF) for a factory or a designer, from the dossier."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.core import i18n
from xborder.core.clock import utcnow
from xborder.core.errors import BadInputError

__all__ = ["register", "brief", "render_brief"]

_CSS = """body{font-family:'Noto Sans','Noto Sans CJK SC',sans-serif;margin:2em;color:#222;font-size:13px}
h1{font-size:20px}h2{font-size:15px;border-bottom:1px solid #ccc;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}
th{background:#f3f3f3}.note{color:#666}"""


_SHARES = ("target_margin", "margin_pct", "margin_fx_m10", "margin_fx_p10", "roi")


def _cell(v: Any, col: str = "") -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if v != v else (f"{v:.1%}" if col in _SHARES else f"{v:,.2f}")
    return html.escape(str(v))


def _table(rows: list[dict[str, Any]], cols: list[str], lang: str = "en") -> str:
    cols = [c for c in cols if any(c in r for r in rows)]
    if not rows or not cols:
        return ""
    head = "".join(f"<th>{html.escape(i18n.render(f'launch.brief.col.{c}', lang))}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{_cell(r.get(c), c)}</td>" for c in cols) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _why(section: dict[str, Any], name: str, lang: str) -> str:
    parts = []
    if isinstance(section.get("note"), dict):
        parts.append(i18n.message(section["note"], lang))
    st = section.get("stage") or {}
    if st.get("status") not in (None, "ok"):
        parts.append(i18n.render("launch.brief.stage_note", lang, stage=name, status=st.get("status"),
                                 reason=st.get("reason") or st.get("error") or ""))  # fmt: skip
    text = " ".join(parts) or i18n.render("launch.brief.none", lang)
    return f'<p class="note">{html.escape(text)}</p>'


def render_brief(d: dict[str, Any], lang: str) -> str:
    """The brief of one dossier (``xborder.pipeline.dossier.dossier``) as a standalone HTML page in ``lang``."""

    def t(key: str, **kw: Any) -> str:
        return i18n.render(f"launch.brief.{key}", lang, **kw)

    s = d["sections"]
    opp = (s.get("selection") or {}).get("opportunity") or {}
    title = opp.get("title") or d["product"].get("title") or d["product_id"]
    out = [f"<h1>{html.escape(t('title', title=title, market=d['market']))}</h1>",
           f"<p>{html.escape(t('intro', run_id=d['run_id']))}</p>"]  # fmt: skip
    # Market and price ladder.
    out.append(f"<h2>{t('market')}</h2>")
    if opp.get("score") is not None:
        out.append(
            f"<p>{html.escape(t('score', score=opp['score'], rank=opp.get('rank'), profile=opp.get('profile')))}</p>"
        )
    explanation = opp.get("explanation_zh" if lang == "zh" else "explanation_en")
    if explanation:
        out.append(f"<p>{html.escape(explanation)}</p>")
    ladder = (s.get("finance") or {}).get("ladder") or []
    out.append(_table(ladder, ["mode", "currency", "current_price", "local_price", "target_margin", "unit_margin",
                               "margin_pct", "margin_fx_m10", "margin_fx_p10"], lang) or _why(s.get("finance") or {}, "finance", lang))  # fmt: skip
    # Landed cost.
    out.append(f"<h2>{t('landed')}</h2>")
    lc = (s.get("landed_cost") or {}).get("rows") or []
    out.append(_table(lc, ["mode", "currency", "price", "unit_cost", "freight", "duty", "landed_cost", "referral_fee",
                           "fulfilment_fee", "unit_margin", "margin_pct", "rules_used", "notes"], lang)
               or _why(s.get("landed_cost") or {}, "landed_cost", lang))  # fmt: skip
    # Pains and delights.
    rv = s.get("reviews") or {}
    out.append(f"<h2>{t('pains')}</h2>")
    pains = [{**p, "aspect": p.get("aspect_zh") if lang == "zh" and p.get("aspect_zh") else p.get("aspect"),
              "evidence": " ".join(p.get("example_texts") or [])} for p in rv.get("pains") or []]  # fmt: skip
    out.append(
        _table(pains, ["aspect", "n_negative", "n_total", "evidence_low", "evidence"], lang)
        or _why(rv, "reviews", lang)
    )
    out.append(f"<h2>{t('delights')}</h2>")
    good = [r for r in rv.get("examples") or [] if (r.get("rating") or 0) >= 4][:5]
    out.append(_table(good, ["rating", "title", "text"], lang) or _why(rv, "reviews", lang))
    # Compliance.
    comp = s.get("compliance") or {}
    out.append(f"<h2>{t('compliance')}</h2>")
    summ = comp.get("summary") or {}
    if summ:
        out.append(
            f"<p>{html.escape(t('ttm', days_min=summ.get('time_to_market_days_min') or 0, days_max=summ.get('time_to_market_days_max') or 0, unknown=summ.get('n_lead_time_unknown') or 0))}</p>"
        )
    out.append(_table(comp.get("rows") or [], ["requirement", "kind", "mandatory", "lead_time_days_min",
                                               "lead_time_days_max", "cost_min", "cost_max", "currency", "source",
                                               "confidence"], lang) or _why(comp, "compliance", lang))  # fmt: skip
    # Suppliers.
    sup = s.get("suppliers") or {}
    out.append(f"<h2>{t('suppliers')}</h2>")
    shortlist = sup.get("ranking") or sup.get("rows") or sup.get("shortlist") or []
    out.append(_table(shortlist if isinstance(shortlist, list) else [], ["supplier_id", "name", "score", "rank",
               "unit_cost", "currency", "lead_time_days", "origin_country"], lang) or _why(sup, "suppliers", lang))  # fmt: skip
    # Forecast.
    dem = s.get("demand") or {}
    out.append(f"<h2>{t('forecast')}</h2>")
    if opp.get("demand_6m") is not None:
        lo, hi = opp.get("demand_6m_lo"), opp.get("demand_6m_hi")
        out.append(
            f"<p>{html.escape(t('opportunity_6m', units=opp['demand_6m'], lo=_cell(lo) or '?', hi=_cell(hi) or '?'))}</p>"
        )
    out.append(_table(dem.get("forecast_shown") or dem.get("forecast") or [], ["ds", "model", "point", "lo_80", "hi_80", "kind"], lang)
               or _why(dem, "demand", lang))  # fmt: skip
    out.append(
        f'<p class="note">{html.escape(t("generated", when=utcnow().strftime("%Y-%m-%d %H:%M UTC")))}</p>'
    )
    body = "\n".join(x for x in out if x)
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(str(title))}</title>'
            f"<style>{_CSS}</style></head><body>{body}</body></html>")  # fmt: skip


def brief(
    ctx: typer.Context,
    product_id: Annotated[str, typer.Argument(help="products.product_id of the pick.")],
    market: Annotated[str, typer.Argument(help="ISO2 target market.")],
    run: Annotated[
        str | None, typer.Option("--run", help="Run id (default: the latest pipeline run).")
    ] = None,
    lang: Annotated[list[str] | None, typer.Option("--lang", help="en, zh (default both).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the files.")] = Path("xborder-brief"),
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also a PDF (headless Chromium).")] = True,
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """A product brief for a pick, in English and Chinese: market and prices, landed cost and margin, pains and
    delights, certifications and lead times, suppliers and the demand forecast (HTML, and PDF when possible)."""
    if json_out:
        state(ctx).json = True
    from xborder.pipeline.dossier import connection_query, dossier

    langs = [x.lower() for x in (lang or ["en", "zh"])]
    bad = [x for x in langs if x not in ("en", "zh")]
    if bad:
        raise BadInputError(f"--lang {bad[0]} is not available.", hint="Use en or zh.")
    con = open_warehouse(ctx, read_only=True)
    try:
        run_id = run
        if run_id is None:
            row = con.execute(
                "SELECT run_id FROM runs WHERE kind = 'pipeline' ORDER BY started_at DESC LIMIT 1"
            ).fetchall()
            if not row:
                raise BadInputError("No pipeline run in this warehouse.", hint="Run: xborder run")
            run_id = str(row[0][0])
        d = dossier(connection_query(con), run_id, product_id, market.upper())
    finally:
        con.close()
    out.mkdir(parents=True, exist_ok=True)
    stem = f"brief_{product_id.replace(':', '_')}_{market.upper()}"
    files: list[dict[str, str]] = []
    for lg in langs:
        path = out / f"{stem}.{lg}.html"
        path.write_text(render_brief(d, lg), encoding="utf-8")
        files.append({"lang": lg, "format": "html", "path": str(path)})
        if pdf:
            from xborder.report.pdf import PdfUnavailableError, html_to_pdf

            try:
                html_to_pdf(path, path.with_suffix(".pdf"))
                files.append({"lang": lg, "format": "pdf", "path": str(path.with_suffix(".pdf"))})
            except PdfUnavailableError as exc:
                files.append({"lang": lg, "format": "pdf", "path": "", "error": str(exc)})
    data = {"run_id": run_id, "product_id": product_id, "market": market.upper(), "files": files}

    def render(x: dict[str, Any]) -> None:
        for f in x["files"]:
            console.print(f"{f['lang']} {f['format']} {f['path'] or f.get('error')}")

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    """Add ``brief`` to the main app."""
    app.command("brief")(brief)
