"""Dashboard pages: opportunities (filter, sort, compare markets), product × market detail, data, runs, and a
run's domain panels."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xborder.api import services
from xborder.api.accounts import Principal
from xborder.api.queries import detail as qd
from xborder.api.queries import opportunities as qo
from xborder.api.queries import panels as qp
from xborder.api.queries import runs as qr
from xborder.api.routers.opportunities import MARKET, RUN_ID
from xborder.api.security import current_user, get_db, require_role
from xborder.api.templating import render
from xborder.catalog import taxonomy
from xborder.report.model_note import model_choice_note

__all__ = ["Lang", "router", "to_json"]

router = APIRouter(include_in_schema=False)


def to_json(data: Any) -> str:
    """JSON for a <script type="application/json"> block (no '</' can close the tag)."""
    from xborder.core.jsonable import to_jsonable

    return json.dumps(to_jsonable(data), ensure_ascii=False).replace("</", "<\\/")


def _category_names() -> dict[str, str]:
    """Category id → English name from the shared taxonomy."""
    cats = taxonomy.categories()
    return dict(zip(cats["category"], cats["name_en"], strict=True))


@router.get("/opportunities", response_class=HTMLResponse)
def opportunities(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    run_id: Annotated[str | None, Query(pattern=RUN_ID)] = None,
    market: Annotated[str | None, Query(pattern=r"^([A-Z]{2})?$")] = None,
    category: Annotated[str | None, Query(pattern=r"^([a-z0-9_]{1,64})?$")] = None,
    product: Annotated[str | None, Query(max_length=100)] = None,
    min_score: Annotated[str | None, Query(max_length=20)] = None,
    sort: Annotated[Literal["rank", "score", "market", "product_id", "title", "category"], Query()] = "rank",
    order: Annotated[Literal["asc", "desc"], Query()] = "asc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    db = get_db(request)
    try:
        ms = float(min_score) if min_score not in (None, "") else None
    except ValueError:
        ms = None
    filters: dict[str, Any] = {
        "run_id": run_id,
        "market": market or None,
        "category": category or None,
        "product": product or None,
        "min_score": ms,
    }
    listing = qo.list_opportunities(db, **filters, sort=sort, order=order, page=page, page_size=50)
    fac = qo.facets(db, run_id)
    comp = qo.compare_markets(db, run_id, category or None)
    pages = max(1, -(-listing["total"] // 50))
    return render(
        request,
        "opportunities.html",
        listing=listing,
        facets=fac,
        compare=comp,
        compare_json=to_json(comp["markets"]),
        filters=filters,
        sort=sort,
        order=order,
        page=page,
        pages=pages,
        min_score=min_score or "",
        categories=_category_names(),
    )


@router.get("/opportunities/{market}/{product_id:path}", response_class=HTMLResponse)
def detail(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    market: Annotated[str, Path(pattern=MARKET)],
    product_id: Annotated[str, Path(max_length=200)],
    run_id: Annotated[str | None, Query(pattern=RUN_ID)] = None,
) -> Response:
    d = qd.product_market_detail(get_db(request), product_id, market, run_id)
    s = d["sections"]
    charts = {
        "history": s["demand"]["history"],
        "freq": s["demand"]["freq"],
        "forecast": s["demand"]["forecast_shown"],
        "factors": s["selection"]["factors"],
        "landed_costs": s["landed_cost"]["rows"],
        "other_markets": s["selection"]["other_markets"],
        "market": market,
        "segment_mix": s.get("customers", {}).get("segment_mix", []),
        "acos_by_week": s.get("marketing", {}).get("acos_by_week", []),
        "break_even_acos": s.get("marketing", {}).get("break_even_acos"),
        "keyword_mix": s.get("marketing", {}).get("keyword_mix", []),
    }
    dem = s["demand"]
    note = model_choice_note({**(dem.get("choice") or {}), "level_accuracy": dem.get("level_accuracy") or []},
                             dem.get("accuracy") or [], "en")  # fmt: skip
    return render(request, "detail.html", d=d, charts_json=to_json(charts), categories=_category_names(),
                  notes=_section_notes(s), texts=_card_texts(d), model_note=note)  # fmt: skip


def _card_texts(d: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The customers and advertising cards' headings, fact labels and explanations in English and Chinese."""
    from xborder.core import i18n

    ad = d["sections"].get("marketing") or {}
    terms = ad.get("keyword_terms")
    codes = {"ads_title": ("marketing.card.title", {}), "ads_chart": ("marketing.card.keyword_chart", {"terms": terms}),
             "ads_keywords": ("marketing.card.keywords", {"shown": len(ad.get("keywords") or []), "terms": terms}),
             "ads_keywords_explain": ("marketing.card.keywords_explain", {}),
             "ads_review_title": ("marketing.card.review_title", {}), "ads_explain": ("marketing.card.explain", {}),
             "cust_title": ("customers.card.title", {}), "cust_explain": ("customers.card.explain", {}),
             "cust_segments": ("customers.card.segments", {"market": d.get("market")})}  # fmt: skip
    days = (d["sections"].get("customers") or {}).get("horizon_days") or "—"
    codes |= {f"ads_{k}": (f"marketing.card.{k}", {}) for k in ("spend", "ad_sales", "clicks", "orders", "break_even",
                                                              "unknown")}  # fmt: skip
    codes |= {f"cust_{k}": (f"customers.card.{k}", {"days": days} if k in ("p_buy", "value") else {})
              for k in ("buyers", "again", "returning", "p_buy", "p_alive", "value")}  # fmt: skip
    return {k: {lang: i18n.render(c, lang, **a) for lang in ("en", "zh")} for k, (c, a) in codes.items()}


def _section_notes(sections: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The customers and advertising sections' notes (message code + numbers) in English and Chinese; the
    advertising section's note on review language is ``marketing_reviews``."""
    from xborder.core import i18n

    out: dict[str, dict[str, str]] = {}
    ad = sections.get("marketing") or {}
    reviews = (ad.get("messages") or {}).get("review_language") or [None]
    notes = {"customers": (sections.get("customers") or {}).get("note"), "marketing": ad.get("note"),
             "marketing_reviews": reviews[0]}  # fmt: skip
    for name, note in notes.items():
        if isinstance(note, dict) and note.get("code"):
            out[name] = {lang: i18n.message(note, lang) for lang in ("en", "zh")}
    return out


def _data_context(request: Request, ingest_id: str | None, page: int) -> dict[str, Any]:
    from xborder.warehouse import table_counts

    db = get_db(request)
    with db.read() as cur:
        tables = [
            t
            for t in table_counts(cur)
            if t["table"] not in {"users", "sessions", "login_attempts", "audit_log"}
        ]
    return {
        "tables": tables,
        "ingests": qr.list_ingests(db, limit=30),
        "quarantine": qr.list_quarantine(db, ingest_id=ingest_id, limit=50, offset=(page - 1) * 50),
        "ingest_id": ingest_id,
        "page": page,
        "kinds": services.UPLOAD_KINDS,
        "result": None,
        "max_mb": request.app.state.settings.max_upload_mb,
    }


@router.get("/data", response_class=HTMLResponse)
def data_page(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    ingest_id: Annotated[str | None, Query(max_length=80)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    return render(request, "data.html", **_data_context(request, ingest_id, page))


@router.post("/data/upload", response_class=HTMLResponse)
async def data_upload(
    request: Request,
    p: Annotated[Principal, Depends(require_role("analyst"))],
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    from starlette.concurrency import run_in_threadpool

    content = await file.read()
    result = await run_in_threadpool(services.ingest_upload, request, p, file.filename, content, kind or None)
    ctx = await run_in_threadpool(_data_context, request, None, 1)
    ctx["result"] = result
    return render(request, "data.html", status_code=422 if result.get("error") else 200, **ctx)


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request, p: Annotated[Principal, Depends(current_user)]) -> Response:
    db = get_db(request)
    jobs = qr.list_jobs(db, limit=20)
    return render(
        request,
        "runs.html",
        runs=qr.list_runs(db, limit=50),
        jobs=jobs,
        active=any(j["status"] in ("queued", "running") for j in jobs),
    )


@router.post("/runs")
def runs_start(
    request: Request,
    p: Annotated[Principal, Depends(require_role("analyst"))],
    markets: Annotated[str, Form(max_length=400)] = "",
    lang_en: Annotated[str, Form()] = "",
    lang_zh: Annotated[str, Form()] = "",
    scope: Annotated[Literal["full", "quick"], Form()] = "full",
) -> Response:
    langs = [x for x, on in (("en", lang_en), ("zh", lang_zh)) if on] or ["en"]
    ms = [m for m in markets.replace(";", ",").replace(" ", ",").split(",") if m]
    services.start_run(request, p, ms, langs, quick=scope == "quick")
    return RedirectResponse("/runs", status_code=303)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    run_id: Annotated[str, Path(pattern=RUN_ID)],
) -> Response:
    return render(
        request,
        "run.html",
        run=qr.run_detail(get_db(request), run_id),
        panel_domains=[(d, qp.domain_label(d, "en")) for d in qp.domain_names()],
    )


Lang = Annotated[Literal["en", "zh"], Query(description="Language of the panels' texts.")]


@router.get("/panels", response_class=HTMLResponse)
def latest_panels(
    request: Request, p: Annotated[Principal, Depends(current_user)], lang: Lang = "en"
) -> Response:
    """The panels of the newest pipeline run (a finished one first)."""
    with get_db(request).read() as cur:
        row = cur.execute(
            "SELECT run_id FROM runs WHERE kind = 'pipeline' "
            "ORDER BY status = 'ok' DESC, started_at DESC LIMIT 1"
        ).fetchone()
    if row is None:
        from xborder.api.templating import error_page
        from xborder.core import i18n

        return error_page(request, 404, i18n.render("dashboard.no_run", lang), None)
    return RedirectResponse(f"/runs/{row[0]}/panels?lang={lang}", status_code=303)


def _panels_page(request: Request, run_id: str, lang: str, domain: str | None) -> Response:
    from xborder.core.i18n import Translator

    data = qp.run_panels(get_db(request), run_id, lang, domain)
    figures = {
        v["anchor"]: v["figure"] for g in data["groups"] for v in g["panels"] if v["figure"] is not None
    }
    return render(
        request,
        "panels.html",
        data=data,
        domain=domain,
        lang=lang,
        page_lang="zh-Hans" if lang == "zh" else "en",
        t=Translator(lang, "dashboard"),
        all_domains=[(d, qp.domain_label(d, lang)) for d in qp.domain_names()],
        figures_json=to_json(figures),
    )


@router.get("/runs/{run_id}/panels", response_class=HTMLResponse)
def run_panels_page(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    run_id: Annotated[str, Path(pattern=RUN_ID)],
    lang: Lang = "en",
) -> Response:
    """Every domain's run-level panels (as in the report), interactive, with a table of contents."""
    return _panels_page(request, run_id, lang, None)


@router.get("/runs/{run_id}/panels/{domain}", response_class=HTMLResponse)
def run_domain_panels_page(
    request: Request,
    p: Annotated[Principal, Depends(current_user)],
    run_id: Annotated[str, Path(pattern=RUN_ID)],
    domain: Annotated[str, Path(pattern=r"^[a-z_]{1,40}$")],
    lang: Lang = "en",
) -> Response:
    """One domain's run-level panels."""
    return _panels_page(request, run_id, lang, domain)
