"""Launch: the dashboard page of projects, launch outcomes, the KPI scorecard and its trend over runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from xborder.api.accounts import Principal
from xborder.api.queries import launch as ql
from xborder.api.routers.dashboard import to_json
from xborder.api.security import current_user, get_db
from xborder.api.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/launch", response_class=HTMLResponse)
def launch_page(request: Request, p: Annotated[Principal, Depends(current_user)]) -> Response:
    settings = request.app.state.settings
    d = ql.launch_overview(get_db(request), refit_min_projects=settings.launch_refit_min_projects)
    charts = to_json({"series": d["series"], "scorecard": d["scorecard"]})
    return render(request, "launch.html", d=d, charts_json=charts)
