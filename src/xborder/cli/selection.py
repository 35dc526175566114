"""``xborder select``: rank product × market opportunities, show views, and backtest the score."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, progress, state
from xborder.core.errors import BadInputError

__all__ = ["register"]

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Machine-readable JSON on stdout (same as the global --json).")
]


def _parse_date(value: str) -> str:
    import pandas as pd

    try:
        return str(pd.Period(value, "M"))
    except (ValueError, TypeError) as exc:
        raise BadInputError(
            f"--cutoff {value!r} is not a date.", hint="Use YYYY-MM or YYYY-MM-DD, e.g. --cutoff 2011-03."
        ) from exc


def select(
    ctx: typer.Context,
    market: Annotated[
        str | None, typer.Option("--market", help="Best products for this market (ISO2, e.g. DE).")
    ] = None,
    product: Annotated[
        str | None, typer.Option("--product", help="Best markets for this product id (e.g. uci:85123A).")
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="balanced | low-risk | high-growth | low-capital | textbook-topsis, or my.toml[:name].",
        ),
    ] = None,
    top: Annotated[
        int,
        typer.Option("--top", min=1, help="How many to show (and the k of the stability check / backtest)."),
    ] = 20,
    category: Annotated[
        str | None, typer.Option("--category", help="Only this category id (docs/taxonomy.md).")
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option("--budget", min=0, help="Only candidates needing at most this much cash to start."),
    ] = None,
    max_ttm_days: Annotated[
        float | None,
        typer.Option("--max-ttm-days", min=0, help="Only candidates sellable within this many days."),
    ] = None,
    run: Annotated[
        str | None,
        typer.Option("--run", help="Show a stored selection run (id or 'latest') instead of scoring again."),
    ] = None,
    backtest: Annotated[
        bool, typer.Option("--backtest", help="Backtest the score on the order history instead.")
    ] = False,
    cutoff: Annotated[
        list[str] | None,
        typer.Option(
            "--cutoff",
            help="Backtest cutoff month (repeatable); default: 7 monthly cutoffs ending 6 months before the data ends.",
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Rank product × market opportunities with every factor shown, or backtest how often the picks grew."""
    st = state(ctx)
    if json_out:
        st.json = True
    if category:
        from xborder.catalog.taxonomy import CATEGORY_IDS

        if category not in CATEGORY_IDS:
            raise BadInputError(
                f"--category {category!r} is not a category id.",
                hint=f"Use one of: {', '.join(CATEGORY_IDS)}.",
            )
    if backtest:
        return _backtest(ctx, cutoff or [], top, profile)
    if cutoff:
        raise BadInputError(
            "--cutoff only applies with --backtest.", hint="Add --backtest, or drop --cutoff."
        )
    data = _select(ctx, market, product, profile, top, category, budget, max_ttm_days, run)
    emit(ctx, data, _render)


def _profile_params(profile: str | None) -> dict[str, str]:
    """``--profile`` as stage parameters: a preset by name, anything else as a profile file (path.toml[:name])."""
    from xborder.domains.selection.profiles import PRESETS

    if profile is None:
        return {}
    return {"profile": profile} if profile in PRESETS else {"profile_file": profile}


def _select(ctx, market, product, profile, top, category, budget, max_ttm_days, run) -> dict[str, Any]:
    from xborder.domains.selection.stage.select import STAGE, load_opportunities
    from xborder.domains.selection.views import (
        apply_filters,
        best_markets_for_product,
        best_products_for_market,
    )
    from xborder.pipeline.runner import run_stage

    st = state(ctx)
    summary: dict[str, Any] = {}
    run_id: str | None
    con = open_warehouse(ctx, read_only=run is not None)
    try:
        if run is None:
            with progress(ctx) as bar:
                task = bar.add_task("Selecting", total=100)
                run_id, summary = run_stage(
                    con,
                    st.settings,
                    STAGE,
                    {**_profile_params(profile), "top": top},
                    progress=lambda f, m: bar.update(task, completed=int(100 * f), description=m),
                )
        else:
            run_id = None if run == "latest" else run
        run_id, opp = load_opportunities(con, run_id)
    finally:
        con.close()
    opp = apply_filters(opp, category=category, budget=budget, max_ttm_days=max_ttm_days)
    if product:
        view, title = best_markets_for_product(opp, product, top=top), f"Best markets for {product}"
    elif market:
        view, title = best_products_for_market(opp, market, top=top), f"Best products for {market.upper()}"
    else:
        view, title = opp.head(top), "Best product × market opportunities"
    cols = [
        "rank",
        "product_id",
        "market",
        "title",
        "category",
        "score",
        "demand_6m",
        "margin_pct",
        "compliance_items",
        "time_to_market_days",
        "budget_needed",
        "sold_before",
        "top_rank_stability",
        "explanation_en",
        "explanation_zh",
    ]
    return {
        "run_id": run_id,
        "view": title,
        "filters": {"category": category, "budget": budget, "max_ttm_days": max_ttm_days},
        **{
            k: summary[k]
            for k in (
                "profile",
                "method",
                "cutoff",
                "candidates",
                "weights",
                "unavailable_factors",
                "sensitivity",
            )
            if k in summary
        },
        "rows": view.reindex(columns=cols),
    }


def _render(d: dict[str, Any]) -> None:
    from rich.table import Table

    t = Table(title=f"{d['view']} (run {d['run_id']})", show_lines=False)
    for c in ("#", "product", "market", "score", "why"):
        t.add_column(c, overflow="fold")
    for r in d["rows"].itertuples():
        t.add_row(
            str(r.rank),
            f"{r.product_id}\n{(r.title or '')[:40]}",
            r.market,
            f"{r.score:.3f}",
            str(r.explanation_en),
        )
    console.print(t)
    if d.get("unavailable_factors"):
        console.print(
            f"[dim]No data for: {', '.join(d['unavailable_factors'])} — their weight went to the other factors.[/]"
        )
    s = d.get("sensitivity") or {}
    if s:
        console.print(
            f"[dim]Weights ±{s['spread']:.0%} in {s['scenarios']} scenarios: top-{s['top']} overlap (Jaccard) "
            f"{s['mean_jaccard']:.2f}, number 1 unchanged in {s['first_unchanged_share']:.0%}.[/]"
        )


def _backtest(ctx: typer.Context, cutoffs: list[str], top: int, profile: str | None) -> None:
    import pandas as pd

    from xborder.domains.selection.stage.backtest import STAGE
    from xborder.pipeline.runner import run_stage

    params = {
        "k": top,
        "cutoffs": 7,  # without --cutoff: 7 monthly cutoffs, the last 6 months before the data ends
        "end": "last_complete",
        "cutoff_months": [_parse_date(c) for c in cutoffs],
        **_profile_params(profile),
    }
    con = open_warehouse(ctx)
    try:
        with progress(ctx) as bar:
            task = bar.add_task("Backtesting", total=100)
            _, summary = run_stage(
                con,
                state(ctx).settings,
                STAGE,
                params,
                progress=lambda f, m: bar.update(task, completed=int(100 * f), description=m),
            )
    finally:
        con.close()
    if summary.get("status") == "skipped":
        reason = str(summary.get("reason") or "no backtest is possible on this data")
        raise BadInputError(reason[:1].upper() + reason[1:].rstrip(".") + ".", hint=summary.get("hint"))
    df = pd.DataFrame(summary["rows"])
    mean = df.groupby("method")[["success", "revenue_next"]].mean()
    data = {
        "definition": "success = share of the top-k whose units in the 6 months from the cutoff / units in the 6 months "
        "before it exceed the median of all candidates (>= 50 units before the cutoff)",
        "k": top,
        "profile": summary["scoring"]["profile"],
        "cutoffs": summary["cutoff_results"],
        "rows": df,
        "mean": mean.reset_index(),
    }

    def render(d: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title=f"Selection backtest, top {d['k']} ({d['profile']})")
        piv = d["rows"].pivot(index="cutoff", columns="method", values="success")
        piv = piv[[m for m in ("xborder", "best_sellers", "momentum", "random") if m in piv]]
        t.add_column("cutoff")
        for m in piv.columns:
            t.add_column(m, justify="right")
        for cut, r in piv.iterrows():
            t.add_row(str(cut), *[f"{v:.2f}" for v in r])
        t.add_row("mean", *[f"{piv[m].mean():.3f}" for m in piv.columns])
        console.print(t)
        rnd = d["rows"][d["rows"]["method"] == "random"]
        if len(rnd):
            console.print(
                f"[dim]Random picks' 95% band: {rnd['success_lo95'].mean():.2f}-{rnd['success_hi95'].mean():.2f}.[/]"
            )
        console.print(f"[dim]{d['definition']}[/]")

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    app.command("select")(select)
