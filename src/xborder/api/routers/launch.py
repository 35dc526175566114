"""Launch: the dashboard page of projects, launch outcomes, the KPI scorecard and its trend over runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape

from xborder.api.accounts import Principal
from xborder.api.queries import launch as ql
from xborder.api.routers.dashboard import Lang, to_json
from xborder.api.security import current_user, get_db
from xborder.api.templating import render
from xborder.core.i18n import Translator

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _with_code(t: Translator) -> Callable[..., Markup]:
    """``t`` whose arguments may be markup (a ``<code>`` command): the message text escaped, then filled."""

    def tm(key: str, **args: Any) -> Markup:
        return Markup(escape(t(key))).format(**args)

    return tm


@router.get("/launch", response_class=HTMLResponse)
def launch_page(
    request: Request, p: Annotated[Principal, Depends(current_user)], lang: Lang = "en"
) -> Response:
    """Projects, launch outcomes, the KPI scorecard and its trend, replayed launches and risk events, in ``lang``."""
    settings = request.app.state.settings
    d = ql.launch_overview(get_db(request), refit_min_projects=settings.launch_refit_min_projects, lang=lang)
    t = Translator(lang, "dashboard.launch")
    words = {
        k: t(k)
        for k in ("chart_progress", "chart_progress_short", "chart_target", "chart_unknown", "chart_run")
    }
    charts = to_json({"series": d["series"], "scorecard": d["scorecard"], "words": words})
    return render(
        request, "launch.html", d=d, charts_json=charts, lang=lang,
        page_lang="zh-Hans" if lang == "zh" else "en", t=t, tm=_with_code(t),
    )  # fmt: skip
