"""The dashboard's HTML templates (Jinja2) and how a page is rendered for the signed-in user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from xborder.core import i18n

__all__ = ["HERE", "templates", "render", "error_page"]

HERE = Path(__file__).resolve().parent
"""The api package folder (templates/ and static/ live here)."""

templates = Jinja2Templates(directory=str(HERE / "templates"))


def _qs(params: Any, **changes: Any) -> str:
    """The query string of ``params`` with ``changes`` applied (for sort and page links)."""
    from urllib.parse import urlencode

    merged = {k: v for k, v in dict(params).items() if v not in ("", None)}
    merged.update(changes)
    return urlencode(merged)


templates.env.filters["qs"] = _qs


def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    """Render a template with the principal (if any) and its CSRF token."""
    p = getattr(request.state, "principal", None)
    ctx.setdefault("user", p)
    ctx.setdefault("csrf", p.csrf_token if p is not None else "")
    # the header and footer in the page's language (pages with an English/中文 switch pass ``lang``)
    lang = ctx.get("lang") if ctx.get("lang") in i18n.LANGS else "en"
    ctx.setdefault("nav", i18n.Translator(str(lang), "dashboard.nav"))
    ctx.setdefault("lang_qs", "?lang=zh" if lang == "zh" else "")
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def error_page(request: Request, status: int, message: str, hint: str | None) -> HTMLResponse:
    """A friendly error page (pages never show tracebacks)."""
    return render(request, "error.html", status_code=status, status=status, message=message, hint=hint)
