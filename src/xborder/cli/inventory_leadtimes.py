"""``xborder inventory leadtimes``: lead times observed on real deliveries, per lane, supplier or product."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.core.errors import BadInputError

__all__ = ["leadtimes", "register"]

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def _num(v: Any, digits: int = 0) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return f"{v:,.{digits}f}"


def leadtimes(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", help="lane (destination × mode) | supplier | product.")] = "lane",
    top: Annotated[
        int, typer.Option("--top", min=0, help="Rows to list, most deliveries first (0: all).")
    ] = 30,
    json_out: JsonOpt = False,
) -> None:
    """Lead times observed on real deliveries (order → delivery days): per lane, supplier or product × market."""
    from xborder.domains.inventory.observed import LANE_KEYS, delivery_days, observed_lead_times
    from xborder.domains.inventory.stage.inputs import read_deliveries

    if json_out:
        state(ctx).json = True
    if by not in LANE_KEYS:
        raise BadInputError(f"--by {by!r}: write one of {', '.join(LANE_KEYS)}.")
    con = open_warehouse(ctx, read_only=True)
    try:
        dd = delivery_days(read_deliveries(con))
    finally:
        con.close()
    if dd.empty:
        raise BadInputError("No delivery with an order and a delivery day.",
                            hint="Load supplier events: xborder ingest events.csv --as suppliers")  # fmt: skip
    lanes = observed_lead_times(dd, by).sort_values("deliveries", ascending=False, kind="mergesort")
    data = {
        "by": by,
        "deliveries": len(dd),
        "lead_times": (lanes.head(top) if top else lanes).reset_index(drop=True),
    }

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table
        from rich.text import Text

        keys = LANE_KEYS[x["by"]]
        t = Table(title=Text(f"Order → delivery days, {x['deliveries']:,} deliveries"))
        for c in (*keys, "n", "mean", "sd", "median", "p90", "late"):
            t.add_column(c)
        for r in x["lead_times"].to_dict("records"):
            t.add_row(*(str(r[k])[:40] for k in keys), f"{r['deliveries']:,}", _num(r["mean_days"], 1),
                      _num(r["sd_days"], 1), _num(r["median_days"]), _num(r["p90_days"]), _num(r["late_share"], 2))  # fmt: skip
        console.print(t)

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    """Add ``leadtimes`` to ``xborder inventory``."""
    app.command("leadtimes")(leadtimes)
