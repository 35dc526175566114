"""``xborder ads keywords | budget | fees``: the keyword matrix, the budget reallocation across campaigns, the fee
ceiling of ACoS."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from xborder.cli.ads import MarketOpt, ParamOpt, RunOpt, TopOpt, _load, _num, _params, ads_app
from xborder.cli.common import console, emit

__all__ = ["keywords", "budget", "fees"]


@ads_app.command("keywords")
def keywords(
    ctx: typer.Context,
    market: MarketOpt = None,
    action: Annotated[
        list[str] | None,
        typer.Option(
            "--action", help="harvest_exact | negate | cut_bid | keep | undecided | product_target."
        ),
    ] = None,
    top: TopOpt = 20,
    run: RunOpt = None,
    param: ParamOpt = None,
) -> None:
    """Keyword matrix: search terms × match type, tier, and harvest/negate calls by exact binomial bounds."""
    d = _load(ctx, run, _params(param), market)
    m = d["frames"]["ad_keyword_matrix"]
    summary = m.groupby(["marketplace_id", "currency", "action"], as_index=False).agg(
        terms=("action", "size"), clicks=("clicks", "sum"), spend=("spend", "sum"), sales=("sales", "sum"),
        money_at_stake=("money_at_stake", lambda v: v.sum(min_count=1)),  # no amount for keep / undecided
    )  # fmt: skip
    tiers = m.groupby(["marketplace_id", "currency", "tier"], as_index=False).agg(
        terms=("tier", "size"), clicks=("clicks", "sum"), orders=("orders", "sum"), spend=("spend", "sum"),
        sales=("sales", "sum"),
    )  # fmt: skip
    shown = (
        m[m["action"].isin(action)] if action else m[m["action"].isin(["harvest_exact", "negate", "cut_bid"])]
    )
    cols = ["marketplace_id", "currency", "product_id", "search_term", "tier", "action", "clicks", "orders", "spend",
            "sales", "cvr", "cvr_low", "cvr_high", "breakeven_cvr", "clicks_to_decide", "acos", "exact_clicks",
            "phrase_clicks", "broad_clicks", "auto_clicks", "product_clicks", "money_at_stake", "review_pains",
            "review_delights"]  # fmt: skip
    rows = shown.sort_values("money_at_stake", ascending=False).reindex(columns=cols).head(top)
    rt = d["frames"]["ad_review_terms"].drop(columns=["run_id"]).reset_index(drop=True)
    data = {"run_id": d["run_id"], "summary": summary, "tiers": tiers, "terms": rows.reset_index(drop=True),
            "review_terms": rt}  # fmt: skip

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title=f"Keyword matrix calls per account (run {x['run_id']}); nothing is applied")
        for c in ("account", "action", "terms", "clicks", "spend", "sales", "money at stake"):
            t.add_column(c, justify="left" if c in ("account", "action") else "right")
        for r in x["summary"].to_dict(orient="records"):
            t.add_row(f"{r['marketplace_id']} {r['currency']}", r["action"], f"{r['terms']:,}", _num(r["clicks"], ",.0f"),
                      _num(r["spend"], ",.2f"), _num(r["sales"], ",.2f"), _num(r["money_at_stake"], ",.2f") or "—")  # fmt: skip
        console.print(t)
        t2 = Table(title="Terms (largest money at stake first)")
        for c in ("account", "term", "tier", "action", "clicks", "orders", "CVR", "CVR bounds", "break-even CVR",
                  "clicks to decide"):  # fmt: skip
            t2.add_column(c, justify="left" if c in ("account", "term", "tier", "action") else "right")
        for r in x["terms"].to_dict(orient="records"):
            t2.add_row(f"{r['marketplace_id']} {r['currency']}", str(r["search_term"]), r["tier"], r["action"],
                       _num(r["clicks"], ",.0f"), _num(r["orders"], ",.0f"), _num(r["cvr"], ".1%"),
                       f"{_num(r['cvr_low'], '.1%')}–{_num(r['cvr_high'], '.1%')}", _num(r["breakeven_cvr"], ".1%"),
                       _num(r["clicks_to_decide"], ",.0f"))  # fmt: skip
        console.print(t2)
        if len(x["review_terms"]):
            t3 = Table(title="Review language: pain/delight phrases of the advertised products' reviews in their "
                             "search terms (not searched: a keyword idea, no volume known)")  # fmt: skip
            for c in (
                "product",
                "kind",
                "phrase",
                "z",
                "terms",
                "clicks",
                "orders",
                "CVR",
                "ACoS",
                "top term",
            ):
                t3.add_column(
                    c, justify="left" if c in ("product", "kind", "phrase", "top term") else "right"
                )
            for r in x["review_terms"].to_dict(orient="records"):
                t3.add_row(str(r["product_id"]), r["kind"], r["phrase"], _num(r["z"], ".1f"), str(r["terms"]),
                           _num(r["clicks"], ",.0f"), _num(r["orders"], ",.0f"), _num(r["cvr"], ".1%"),
                           _num(r["acos"], ".0%"), r["top_term"] if isinstance(r["top_term"], str) else "—")  # fmt: skip
            console.print(t3)
        else:
            console.print("Review language: no reviews run has phrases for these advertised products.")

    emit(ctx, data, render)


@ads_app.command("budget")
def budget(
    ctx: typer.Context,
    market: MarketOpt = None,
    run: RunOpt = None,
    param: ParamOpt = None,
) -> None:
    """Budget reallocation across campaigns toward equal marginal ROAS (fit, its error, the expected change)."""
    d = _load(ctx, run, _params(param), market)
    b = d["frames"]["ad_budget"].drop(columns=["run_id"]).reset_index(drop=True)
    fitted = b[b["status"] == "fitted"]
    totals = fitted.groupby(["marketplace_id", "currency"], as_index=False).agg(
        campaigns=("campaign", "size"), current_daily_spend=("current_daily_spend", "sum"),
        suggested_daily_spend=("suggested_daily_spend", "sum"),
        expected_daily_sales_change=("expected_daily_sales_change", "sum"),
        expected_daily_profit_change=("expected_daily_profit_change", lambda v: v.sum(min_count=len(v))),
        holdout_actual=("holdout_actual", "sum"), holdout_predicted=("holdout_predicted", "sum"),
    )  # fmt: skip
    status = b.groupby(["marketplace_id", "currency", "status"], as_index=False).agg(
        campaigns=("status", "size")
    )
    data = {
        "run_id": d["run_id"],
        "totals": totals,
        "status": status,
        "campaigns": fitted.reset_index(drop=True),
    }

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title=f"Budget per campaign, fitted campaigns only (run {x['run_id']}); nothing is applied")
        for c in ("account", "campaign", "days", "b ± se", "holdout actual / fitted", "daily spend now",
                  "suggested", "marginal ROAS now", "at suggestion", "Δ daily sales", "Δ daily profit"):  # fmt: skip
            t.add_column(c, justify="left" if c in ("account", "campaign") else "right")
        for r in x["campaigns"].to_dict(orient="records"):
            t.add_row(f"{r['marketplace_id']} {r['currency']}", str(r["campaign"])[:40], str(r["fit_days"]),
                      f"{_num(r['elasticity'], '.2f')} ± {_num(r['elasticity_se'], '.2f')}",
                      f"{_num(r['holdout_actual'], ',.0f')} / {_num(r['holdout_predicted'], ',.0f')}",
                      _num(r["current_daily_spend"], ",.2f"), _num(r["suggested_daily_spend"], ",.2f"),
                      _num(r["marginal_roas"], ".2f"), _num(r["suggested_marginal_roas"], ".2f"),
                      _num(r["expected_daily_sales_change"], "+,.2f"),
                      f"{_num(r['expected_daily_profit_change'], '+,.2f')}{' ≤' if r['margin_source'] == 'fee_ceiling' else ''}")  # fmt: skip
        console.print(t)
        console.print("Δ daily profit = margin before advertising × Δ daily ad sales (total spend unchanged); the "
                      "margin is the product's break-even ACoS, or ≤: the account's fee ceiling, the highest possible; "
                      "empty: unknown (no landed cost, no transaction report).", highlight=False)  # fmt: skip
        for r in x["status"].to_dict(orient="records"):
            console.print(
                f"{r['marketplace_id']} {r['currency']}: {r['campaigns']} campaign(s) {r['status']}"
            )

    emit(ctx, data, render)


@ads_app.command("fees")
def fees(
    ctx: typer.Context,
    market: MarketOpt = None,
    run: RunOpt = None,
    param: ParamOpt = None,
) -> None:
    """Fee ceiling of ACoS from the transaction reports, and the campaigns above it (lost at any product cost)."""
    d = _load(ctx, run, _params(param), market)
    f = d["frames"]["ad_fee_ceilings"].drop(columns=["run_id"]).reset_index(drop=True)
    data = {"run_id": d["run_id"], "accounts": f}

    def render(x: dict[str, Any]) -> None:
        if not len(x["accounts"]):
            console.print("No transaction (settlement or date-range) report for an ads account: load one with "
                          "xborder ingest FILE to bound the break-even ACoS by the marketplace's fees.")  # fmt: skip
        for r in x["accounts"].to_dict(orient="records"):
            cur = r["currency"]
            console.print(
                f"[bold]{r['marketplace_id']} {cur}[/] ({str(r['period_start'])[:10]} … {str(r['period_end'])[:10]}, {r['orders']:,.0f} "
                f"orders): of {_num(r['product_sales'], ',.2f')} product sales the marketplace left "
                f"{_num(r['fee_ceiling_acos'], '.1%')} after selling fees {_num(r['selling_fees'], ',.2f')}, FBA fees "
                f"{_num(r['fba_fees'], ',.2f')} and rebates {_num(r['promotional_rebates'], ',.2f')}; "
                f"{_num(r['refund_ceiling_acos'], '.1%')} after refunds. No product can break even above that ACoS.\n"
                f"  campaigns: {r['campaigns']}, ACoS {_num(r['ad_spend'] / r['ad_sales'] if r['ad_sales'] else None, '.1%')} "
                f"(spend {_num(r['ad_spend'], ',.2f')}, ad sales {_num(r['ad_sales'], ',.2f')}); "
                f"{r['campaigns_above']} above the ceiling: spend {_num(r['spend_above'], ',.2f')}, sales "
                f"{_num(r['sales_above'], ',.2f')}, lost even at zero product cost {_num(r['loss_at_zero_cost'], ',.2f')} {cur} "
                f"(all campaigns: {_num(r['account_loss_at_zero_cost'], '+,.2f')})",
                highlight=False,
            )  # fmt: skip

    emit(ctx, data, render)
