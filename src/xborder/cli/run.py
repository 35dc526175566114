"""`xborder run`, `xborder demo`, `xborder report`: the main job from data to a product-selection report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xborder.cli.common import emit, state

__all__ = ["register"]


def demo(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Report folder.")] = Path("xborder-report"),
) -> None:
    """Run the whole job on the bundled real demo data (what `make demo` calls)."""
    from xborder.pipeline.demo import run_demo

    result = run_demo(state(ctx).settings, out=out, json_mode=state(ctx).json)
    emit(ctx, result, lambda d: None)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
