"""``xborder inventory alerts``: slow movers, aged stock, stock-outs and capped or make-to-order plans, each product
named by its id and title, in English or Chinese."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from xborder.cli.common import console, emit, state
from xborder.cli.inventory import (
    _ACTIONS,
    _HEALTH_COLS,
    JsonOpt,
    MarketOpt,
    RunOpt,
    _cap_text,
    _decisions_line,
    _load,
    stock_decisions,
)
from xborder.core.errors import BadInputError

__all__ = ["alerts", "register"]

_TITLE_CHARS = 60  # a title shown beside its id is cut here (--json carries it whole)


def _lang(lang: str) -> str:
    if lang not in ("en", "zh"):
        raise BadInputError(f"--lang {lang!r}: use en or zh.")
    return lang


def alerts(
    ctx: typer.Context,
    market: MarketOpt = None,
    run: RunOpt = None,
    top: Annotated[
        int,
        typer.Option(
            "--top", min=0, help="Capped / make-to-order plans to list, largest uncapped stock first."
        ),
    ] = 10,
    lang: Annotated[str, typer.Option("--lang", help="en | zh (--json carries both).")] = "en",
    json_out: JsonOpt = False,
) -> None:
    """Slow movers (30/60/90 days without a sale), aged-stock surcharges ahead, clearance events, stock-out periods,
    and plans capped at the months-of-stock setting or marked make-to-order, with the reason; each product named
    by its id and title."""
    from xborder.core import i18n

    lang = _lang(lang)
    if json_out:
        state(ctx).json = True
    d = _load(ctx, run, {}, market)
    titles: dict[str, str] = d["titles"]
    health = d["frames"]["inventory_health"]
    flagged = health[health["status"].astype(str).str.startswith("slow_") | health["first_fee_date"].notna()]
    outs = d["frames"]["inventory_stockouts"]
    plans = d["frames"]["inventory_plans"]
    held = (
        plans[plans["stock_action"].isin(["cap", "make_to_order"])]
        if "stock_action" in plans
        else plans.iloc[:0]
    )
    held = held.sort_values("uncapped_average_stock", ascending=False).head(top)

    def title(f: Any) -> Any:
        sku = f["sku"] if "sku" in f else [None] * len(f)
        return [
            titles.get(str(p)) or titles.get(f"sku:{k}") for p, k in zip(f["product_id"], sku, strict=True)
        ]

    flagged = flagged.assign(title=title(flagged))
    held = held.assign(title=title(held), reason_en=held["notes"].map(_cap_text),
                       reason_zh=held["notes"].map(lambda n: _cap_text(n, "zh")))  # fmt: skip
    data = {"run_id": d["run_id"], "statuses": health["status"].value_counts().to_dict(),
            "alerts": flagged.reindex(columns=[*_HEALTH_COLS[:3], "title", *_HEALTH_COLS[3:], "text_zh"]).reset_index(drop=True),
            "stockouts": outs.drop(columns=["run_id"]).reset_index(drop=True),
            "stock_decisions": stock_decisions(plans),
            "overstock_plans": held.reindex(
                columns=["product_id", "title", "market", "kind", "stock_action", "cover_months",
                         "uncapped_average_stock", "average_stock", "uncapped_cycle_service",
                         "expected_cycle_service", "reason_en", "reason_zh"]
            ).reset_index(drop=True)}  # fmt: skip

    def named(pid: Any, t: Any) -> str:
        if isinstance(t, str) and t:
            shown = t if len(t) <= _TITLE_CHARS else t[: _TITLE_CHARS - 1].rstrip() + "…"
        elif str(pid).startswith("niche:"):
            shown = i18n.render("inventory.cli.niche_title", lang, category=str(pid).removeprefix("niche:"))
        else:
            shown = i18n.render("inventory.cli.no_title", lang)
        return f"{pid} “{shown}”" if lang == "en" else f"{pid}「{shown}」"

    def paren(*parts: Any) -> str:
        return f" ({', '.join(map(str, parts))})" if lang == "en" else f"（{'，'.join(map(str, parts))}）"

    def render(x: dict[str, Any]) -> None:
        sep = ", " if lang == "en" else "，"
        statuses = sep.join(f"{i18n.render(f'inventory.field.{k}', lang)} {v}" if lang == "zh" else f"{k} {v}"
                            for k, v in x["statuses"].items())  # fmt: skip
        if not statuses:
            statuses = i18n.render("inventory.cli.no_health", lang)
        console.print(
            i18n.render("inventory.cli.health", lang, run=x["run_id"], statuses=statuses), highlight=False
        )
        for r in x["alerts"].itertuples():
            text = r.text_en if lang == "en" else r.text_zh
            console.print(f"[bold]{escape(str(r.sku))}[/]{escape(paren(named(r.product_id, r.title), r.market))}"
                          f"{': ' if lang == 'en' else '：'}{escape(str(text))}", highlight=False)  # fmt: skip
        wide = x["stockouts"][x["stockouts"]["location"] == "*"]
        console.print(i18n.render("inventory.cli.stockouts", lang, n=len(x["stockouts"]), wide=len(wide)),
                      highlight=False)  # fmt: skip
        if x["stock_decisions"]:
            console.print(_decisions_line(x["stock_decisions"], lang), highlight=False)
        for r in x["overstock_plans"].itertuples():
            action = (
                _ACTIONS[r.stock_action]
                if lang == "en"
                else i18n.render(f"inventory.field.{r.stock_action}", lang)
            )
            reason = r.reason_en if lang == "en" else r.reason_zh
            console.print(f"[bold]{escape(named(r.product_id, r.title))}[/]{escape(paren(r.market, action))}"
                          f"{': ' if lang == 'en' else '：'}{escape(str(reason))}", highlight=False)  # fmt: skip

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    """Add ``alerts`` to ``xborder inventory``."""
    app.command("alerts")(alerts)
