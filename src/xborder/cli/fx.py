"""``xborder fx``: the dated FX table (update, rate) and net exposure per currency with its value at risk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.core import i18n
from xborder.core.errors import BadInputError
from xborder.core.i18n import message, render

__all__ = ["register", "exposure", "fx_app", "fx_rate", "fx_update"]

fx_app = typer.Typer(help="The dated FX table (ECB euro reference rates; Source: ECB).", no_args_is_help=True)


def exposure(
    ctx: typer.Context,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            help="Currency the seller keeps (default: settings cash_currency, else the currency of most of your sales).",
        ),
    ] = None,
    cost_currency: Annotated[
        str, typer.Option("--cost-currency", help="Currency suppliers are paid in.")
    ] = "CNY",
    years: Annotated[
        float, typer.Option("--years", min=1.0, max=25.0, help="Years of ECB history for the VaR.")
    ] = 5.0,
    level: Annotated[float, typer.Option("--level", min=0.5, max=0.999, help="VaR confidence level.")] = 0.95,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Day of the rates, moves and VaR (YYYY-MM-DD; default today)."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Net currency exposure over 13 weeks (payouts, purchases, stock) and its value at risk from ECB history."""
    if json_out:
        state(ctx).json = True
    from xborder.domains.finance.stage.exposure import fx_exposure

    con = open_warehouse(ctx, read_only=True)
    try:
        data = fx_exposure(
            con, state(ctx).settings, base=base, cost_currency=cost_currency, years=years, level=level,
            as_of=_day(as_of),
        )  # fmt: skip
    finally:
        con.close()
    if data["rows"].empty:
        raise BadInputError("No currency exposure: the warehouse has no inventory plans and no settlements.",
                            hint="Run: xborder run (inventory plans), or ingest settlement reports (xborder ingest FILE).")  # fmt: skip

    def show(d: dict) -> None:
        from rich.table import Table

        t = Table(title=i18n.render("finance.exposure_title", "en", **d))
        for c in ("currency", "receivables", "payables", "stock", "net", "hedge_ratio", "net_base", "var",
                  "move_90d", "hedged", "hedge_cover"):  # fmt: skip
            t.add_column(c, justify="left" if c == "currency" else "right")
        for r in d["rows"].itertuples():
            cover = "" if r.hedge_cover != r.hedge_cover else f"{r.hedge_cover:.0%}"
            t.add_row(r.currency, *[f"{v:,.0f}" for v in (r.receivables, r.payables, r.stock, r.net)],
                      f"{r.hedge_ratio:.2f}", f"{r.net_base:,.0f}", f"{r.var:,.0f}", f"{r.move_90d:+.1%}",
                      f"{r.hedged:,.0f}", cover)  # fmt: skip
        console.print(t)
        console.print(i18n.render("finance.exposure_var", "en", **d))
        if d["hedges_open"]:
            console.print(i18n.render("finance.exposure_var_hedged", "en", **d))
        for h in d["hedges"].itertuples():
            advice = i18n.render(f"finance.{h.action}", "en")
            console.print(i18n.render("finance.exposure_hedge", "en", currency=h.currency, move=h.move,
                                      base=d["base"], threshold=d["hedge_threshold"], advice=advice,
                                      net=h.net, net_base=h.net_base))  # fmt: skip
        if d["hedges"].empty:
            console.print(i18n.render("finance.exposure_no_hedge", "en", base=d["base"],
                                      threshold=d["hedge_threshold"]))  # fmt: skip
        if d["hedge_value"]:
            from xborder.domains.finance.hedge_value import valuation_sentences

            for line in valuation_sentences(d["hedge_value"], "en"):
                console.print(escape(line))

    emit(ctx, data, show)


def _day(text: str | None) -> dt.date | None:
    """``--as-of`` as a date (None: today); a clear message when it is not YYYY-MM-DD."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInputError(
            f"--as-of {text!r} is not a date.", hint="Write it as YYYY-MM-DD, e.g. 2020-05-09."
        ) from None


@fx_app.command("update")
def fx_update(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="ECB eurofxref-hist.zip or .csv.")]
) -> None:
    """Load a newer ECB reference-rate file into the warehouse (it extends the bundled table)."""
    from xborder.reference.fx import store_ecb_file

    con = open_warehouse(ctx)
    try:
        info = store_ecb_file(con, file)
    finally:
        con.close()
    emit(
        ctx,
        info,
        lambda d: console.print(
            render(
                "landed_cost.fx_stored", "en", rows=d["rows"], days=d["days"], start=d["from"], end=d["to"]
            )
        ),
    )


@fx_app.command("rate")
def fx_rate(
    ctx: typer.Context,
    from_ccy: Annotated[str, typer.Argument(help="From currency, e.g. USD.")],
    to_ccy: Annotated[str, typer.Argument(help="To currency, e.g. EUR.")],
    date: Annotated[str | None, typer.Option("--date", help="As of this day (YYYY-MM-DD).")] = None,
) -> None:
    """The conversion factor between two currencies as of a day (cross rate via EUR)."""
    from pathlib import Path as _Path

    from xborder.core.clock import today
    from xborder.domains.landed_cost.result import fx_and_margin_notes
    from xborder.reference.fx import load_fx

    st = state(ctx)
    day = date or today().isoformat()
    fx = load_fx()
    if _Path(st.settings.db_path).exists():  # the warehouse may hold newer ECB days (xborder fx update)
        con = open_warehouse(ctx, read_only=True)
        try:
            fx = load_fx(con)
        finally:
            con.close()
    q = fx.factor(from_ccy, to_ccy, day)
    warnings = [
        message(n)
        for n in fx_and_margin_notes(fx, dt.date.fromisoformat(day[:10]), [], st.settings.fx_max_age_days)
    ]
    emit(
        ctx,
        {
            "from": from_ccy.upper(),
            "to": to_ccy.upper(),
            "rate": q.rate,
            "ecb_date": q.date,
            "source": q.source,
            "warnings": warnings,
        },
        _render_rate,
    )


def _render_rate(d: dict[str, Any]) -> None:
    console.print(
        render("landed_cost.fx_rate", "en", base=d["from"], rate=d["rate"], quote=d["to"], day=d["ecb_date"])
    )
    for w in d["warnings"]:
        console.print(f"[yellow]{escape(w)}[/]")


def register(app: typer.Typer) -> None:
    """Add the ``xborder fx`` group (update, rate, exposure, hedge) to the main app."""
    from xborder.cli.fx_hedge import hedge_app

    fx_app.command("exposure")(exposure)
    fx_app.add_typer(hedge_app, name="hedge")
    app.add_typer(fx_app, name="fx")
