"""``xborder serve``: the REST API (FastAPI, OpenAPI) and the web dashboard, with accounts and audit."""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def create_app(*args: Any, **kwargs: Any) -> Any:
    """Build the FastAPI app (see :func:`xborder.api.app.create_app`); imported lazily to keep the CLI fast."""
    from xborder.api.app import create_app as _create

    return _create(*args, **kwargs)
