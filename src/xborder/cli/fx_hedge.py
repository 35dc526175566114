"""``xborder fx hedge``: record the FX hedges (forward contracts) the seller holds, list and remove them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.core import i18n

__all__ = ["hedge_app", "hedge_add", "hedge_load", "hedge_list", "hedge_remove"]

hedge_app = typer.Typer(
    help="FX hedges the seller holds (forward contracts): set against the exposure by xborder fx exposure.",
    no_args_is_help=True,
)


def _store(ctx: typer.Context, rows) -> None:  # noqa: ANN001 — validated hedge rows
    from xborder.domains.finance.stage.hedges import store_hedges

    con = open_warehouse(ctx)
    try:
        counts = store_hedges(con, rows)
    finally:
        con.close()
    data = {**counts, "hedges": rows}
    emit(ctx, data, lambda d: console.print(i18n.render("finance.hedge_stored", "en", **d)))


@hedge_app.command("add")
def hedge_add(
    ctx: typer.Context,
    currency: Annotated[str, typer.Argument(help="Currency hedged (ISO 4217), e.g. USD.")],
    amount: Annotated[float, typer.Argument(help="Contract amount in that currency.")],
    maturity: Annotated[str, typer.Option("--maturity", help="Day the contract settles (YYYY-MM-DD).")],
    sell: Annotated[
        bool,
        typer.Option(
            "--sell/--buy", help="--sell: you sell the currency forward (payouts to come); --buy: you buy it."
        ),
    ] = True,
    rate: Annotated[float | None, typer.Option("--rate", help="Agreed forward rate (base per unit).")] = None,
    trade_date: Annotated[str | None, typer.Option("--trade-date", help="Day the contract was made.")] = None,
    counterparty: Annotated[str | None, typer.Option("--counterparty", help="Bank or broker.")] = None,
    reference: Annotated[str | None, typer.Option("--reference", help="Your contract reference.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Record one forward contract."""
    import pandas as pd

    from xborder.domains.finance.hedges import hedge_rows

    if json_out:
        state(ctx).json = True
    raw = pd.DataFrame([{"currency": currency, "direction": "sell" if sell else "buy", "amount": amount,
                         "maturity": maturity, "forward_rate": rate, "trade_date": trade_date,
                         "counterparty": counterparty, "reference": reference}])  # fmt: skip
    _store(ctx, hedge_rows(raw, "command"))


@hedge_app.command("load")
def hedge_load(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="CSV/XLSX: currency, direction (sell|buy), amount, maturity, ...")
    ],
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Record every forward contract of a file (a contract already recorded counts as a duplicate)."""
    from xborder.domains.finance.hedges import read_hedge_file

    if json_out:
        state(ctx).json = True
    _store(ctx, read_hedge_file(file))


@hedge_app.command("list")
def hedge_list(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Only the hedges open on this day, valued on it (default: all, valued today)."
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """The recorded hedges (all, or those open on --as-of), each marked to market in the cash currency."""
    from xborder.cli.fx import _day
    from xborder.core.clock import today
    from xborder.domains.finance.hedge_value import valuation_sentences
    from xborder.domains.finance.hedges import open_hedges
    from xborder.domains.finance.stage.hedges import hedge_valuation, read_hedges

    if json_out:
        state(ctx).json = True
    day = _day(as_of)
    con = open_warehouse(ctx, read_only=True)
    try:
        rows = read_hedges(con)
        if day is not None:
            rows = open_hedges(rows, day)
        valuation = hedge_valuation(con, state(ctx).settings, day or today(), hedges=rows)
    finally:
        con.close()
    values = valuation.pop("rows")[["hedge_id", "status", "basis", "market_rate", "fx_date", "value"]]
    rows = rows.merge(values, on="hedge_id", how="left").reset_index(drop=True)

    def show(d: dict) -> None:
        from rich.markup import escape
        from rich.table import Table

        if not len(d["hedges"]):
            console.print(i18n.render("finance.hedge_list_none", "en"), highlight=False)
            return
        t = Table(title=i18n.render("finance.hedge_list_title", "en", n=len(d["hedges"])))
        for c in ("hedge_id", "currency", "direction", "amount", "maturity", "forward_rate", "counterparty",
                  "status", "market_rate", f"value {d['valuation']['currency']}"):  # fmt: skip
            t.add_column(c, justify="right" if c in ("amount", "forward_rate", "market_rate") or
                         c.startswith("value") else "left")  # fmt: skip
        for r in d["hedges"].itertuples():
            rate = "" if r.forward_rate is None or pd_isna(r.forward_rate) else f"{r.forward_rate:g}"
            t.add_row(r.hedge_id, r.currency, r.direction, f"{r.amount:,.2f}", str(r.maturity)[:10], rate,
                      r.counterparty or "", r.status, "" if pd_isna(r.market_rate) else f"{r.market_rate:.4f}",
                      "?" if pd_isna(r.value) else f"{r.value:+,.2f}")  # fmt: skip
        console.print(t)
        for line in valuation_sentences(d["valuation"], "en"):
            console.print(escape(line))

    emit(ctx, {"hedges": rows, "valuation": valuation}, show)


def pd_isna(value: object) -> bool:
    """True for a missing number."""
    return value != value  # NaN is the only value not equal to itself


@hedge_app.command("remove")
def hedge_remove(
    ctx: typer.Context,
    hedge_id: Annotated[str, typer.Argument(help="The hedge_id shown by xborder fx hedge list.")],
) -> None:
    """Remove a hedge (closed early, or recorded by mistake)."""
    from xborder.core.errors import NotFoundError
    from xborder.domains.finance.stage.hedges import remove_hedge

    con = open_warehouse(ctx)
    try:
        n = remove_hedge(con, hedge_id)
    finally:
        con.close()
    if not n:
        raise NotFoundError(f"No hedge {hedge_id!r}.", hint="See the ids with: xborder fx hedge list")
    emit(
        ctx, {"removed": n}, lambda d: console.print(i18n.render("finance.hedge_removed", "en", id=hedge_id))
    )
