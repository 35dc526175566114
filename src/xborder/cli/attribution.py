"""``xborder attribution FILE``: conversions per channel under last/first click, linear, time decay, position,
Markov and Shapley attribution."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit
from xborder.core.errors import BadInputError

__all__ = ["register", "attribution"]


def attribution(
    ctx: typer.Context,
    paths_file: Annotated[Path, typer.Argument(help="CSV with path ('A > B > C'), conversions[, nulls].")],
    model: Annotated[
        list[str] | None, typer.Option("--model", help="Models to show (repeatable; default all).")
    ] = None,
    half_life: Annotated[
        float, typer.Option("--half-life", min=0.01, help="Time decay half-life in touches.")
    ] = 7.0,
    separator: Annotated[str, typer.Option("--separator", help="Separator of touches in a path.")] = ">",
) -> None:
    """Attribute conversions to channels under each model, each model's convention stated."""
    import pandas as pd

    from xborder.domains.marketing.attribution import CONVENTIONS, MODELS, attribute, journeys

    if not paths_file.is_file():
        raise BadInputError(f"{paths_file}: no such file.", hint="Give a CSV with path, conversions, nulls.")
    try:
        raw = pd.read_csv(paths_file)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{paths_file}: not a readable CSV ({exc}).") from exc
    try:
        paths = journeys(raw, separator=separator)
    except BadInputError as exc:
        raise BadInputError(f"{paths_file}: {exc.message}", hint=exc.hint) from exc
    chosen = list(model or MODELS)
    table = attribute(paths, chosen, half_life=half_life)
    data = {
        "file": str(paths_file),
        "journeys": int(len(paths)),
        "conversions": float(paths["conversions"].sum()),
        "nulls": float(paths["nulls"].sum()),
        "credit": table,
        "conventions": {m: CONVENTIONS[m] for m in chosen},
        "half_life": half_life,
    }

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(
            title=f"Conversions per channel ({x['conversions']:,.0f} conversions, {x['journeys']} paths)"
        )
        cols = [c for c in x["credit"].columns if c != "channel"]
        t.add_column("channel")
        for c in cols:
            t.add_column(c.replace("_", " "), justify="right")
        for r in x["credit"].to_dict(orient="records"):
            t.add_row(str(r["channel"]), *[f"{r[c]:.3f}" for c in cols])
        console.print(t)
        for m, text in x["conventions"].items():
            console.print(f"[bold]{m}[/]: {text}", highlight=False)

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    """Add ``xborder attribution``."""
    app.command("attribution")(attribution)
