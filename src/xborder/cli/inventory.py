"""``xborder inventory plan | alerts | calendar``: stock plans vs the days-of-cover rule, slow movers and aged stock,
the market event calendar."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, progress, state
from xborder.core.errors import BadInputError

__all__ = ["register", "plan", "calendar", "stock_decisions"]

inventory_app = typer.Typer(
    help="Inventory: stock plans from the forecasts (lost sales), stock-outs, slow movers, aged stock, event calendar.",
    no_args_is_help=True,
)

MarketOpt = Annotated[list[str] | None, typer.Option("--market", help="Only this ISO2 market (repeatable).")]
RunOpt = Annotated[
    str | None,
    typer.Option("--run", help="Show a stored inventory run (id or 'latest') instead of planning again."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]

_PLAN_COLS = ["product_id", "market", "sku", "kind", "plan_method", "daily_demand", "lead_time_days", "service_measure",
              "service_target", "reorder_point", "order_quantity", "safety_stock", "on_hand", "stockout_date",
              "order_by", "suggested_order", "average_stock", "cash_tied_up", "currency", "expected_cycle_service",
              "baseline_reorder_point", "baseline_order_quantity", "baseline_average_stock", "baseline_cash_tied_up",
              "baseline_cycle_service", "stock_action", "cover_months", "uncapped_reorder_point",
              "uncapped_average_stock", "uncapped_cycle_service", "measured_cycle_service", "notes_en"]  # fmt: skip
_ACTIONS = {"stock": "stock", "cap": "capped", "make_to_order": "make to order"}
_CAP_CODES = ("inventory.stock_cap", "inventory.stock_cap_launch", "inventory.make_to_order_moq", "inventory.make_to_order_lumpy",
              "inventory.make_to_order_launch")  # fmt: skip
_HEALTH_COLS = ["product_id", "market", "sku", "as_of", "on_hand", "daily_rate", "days_of_cover", "turnover",
                "days_without_sales", "status", "aged_units_next", "first_fee_date", "aged_fee_total",
                "clearance_event_id", "clearance_start", "clearance_units", "text_en"]  # fmt: skip


def _load(
    ctx: typer.Context, run: str | None, params: dict[str, Any], markets: list[str] | None
) -> dict[str, Any]:
    """Run the stockouts and inventory stages (or open a stored run) and read the inventory tables."""
    from xborder.core import i18n
    from xborder.domains.inventory.stage import STAGE, STOCKOUTS_STAGE
    from xborder.domains.inventory.tables import TABLES
    from xborder.pipeline.runner import run_stage
    from xborder.warehouse.tables import latest_run_id, read_rows

    con = open_warehouse(ctx, read_only=run is not None)
    summary: dict[str, Any] = {}
    run_id: str | None
    out_run: str | None
    try:
        if run is None:
            with progress(ctx) as bar:
                task = bar.add_task("inventory", total=100)
                say = lambda f, m: bar.update(task, completed=int(100 * f), description=m[:60])  # noqa: E731
                out_run, _ = run_stage(
                    con, state(ctx).settings, STOCKOUTS_STAGE, {}, markets=markets, progress=say
                )
                run_id, summary = run_stage(
                    con, state(ctx).settings, STAGE, params, markets=markets, progress=say
                )
        else:
            run_id = latest_run_id(con, "inventory_plans") if run == "latest" else run
            if run_id is None:
                raise BadInputError("No inventory run in this warehouse.", hint="Run: xborder inventory plan")
            out_run = latest_run_id(con, "inventory_stockouts")
        frames = {
            t.name: read_rows(con, t, out_run if t.name == "inventory_stockouts" else run_id) for t in TABLES
        }
        titles = _titles(con, frames)
    finally:
        con.close()
    if summary.get("reason_code") == "inventory.no_demand":
        raise BadInputError(i18n.render("inventory.no_demand", "en"))
    if markets:
        wanted = [m.upper() for m in markets]
        frames = {k: f[f["market"].isin(wanted)] for k, f in frames.items()}
    return {"run_id": run_id, "frames": frames, "summary": summary, "titles": titles}


def _titles(con: Any, frames: dict[str, Any]) -> dict[str, str]:
    """product_id → title (``products``) of the products in ``frames``, and ``sku:<sku>`` → the latest inventory
    snapshot's title of each SKU in them (a report names its products; the products table may not)."""
    ids = sorted(
        {str(x) for f in frames.values() if "product_id" in f for x in f["product_id"].dropna().unique()}
    )
    skus = sorted({str(x) for f in frames.values() if "sku" in f for x in f["sku"].dropna().unique()})
    useful = "title IS NOT NULL AND trim(title) NOT IN ('', 'nan')"
    rows = con.execute(
        f"SELECT product_id, title FROM products WHERE product_id IN (SELECT unnest(?)) AND {useful}", [ids]
    ).fetchall()
    rows += con.execute(
        f"SELECT 'sku:' || sku, arg_max(title, snapshot_date) FROM inventory_snapshots "
        f"WHERE sku IN (SELECT unnest(?)) AND {useful} GROUP BY sku",
        [skus],
    ).fetchall()
    return {str(k): str(v).strip() for k, v in rows}


def _cap_text(notes: Any, lang: str = "en") -> str:
    """The stock cap's note of a plan, in ``lang``."""
    import json

    from xborder.core import i18n

    codes = json.loads(notes) if isinstance(notes, str) and notes.startswith("[") else []
    return " ".join(i18n.message(n, lang) for n in codes if n.get("code") in _CAP_CODES)


def _num(v: Any, digits: int = 0) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return f"{v:,.{digits}f}"


@inventory_app.command("plan")
def plan(
    ctx: typer.Context,
    market: MarketOpt = None,
    product: Annotated[str | None, typer.Option("--product", help="Only this product id.")] = None,
    service_level: Annotated[
        float | None, typer.Option("--service-level", help="Target service (0.5-0.999).")
    ] = None,
    fill_rate: Annotated[
        bool, typer.Option("--fill-rate", help="Target a fill rate instead of a cycle service level.")
    ] = False,
    engine: Annotated[str, typer.Option("--engine", help="local | dask | spark | ray.")] = "local",
    top: Annotated[int, typer.Option("--top", min=1, help="Rows to show (by cash tied up).")] = 20,
    action: Annotated[
        str | None,
        typer.Option("--action", help="Only plans with this stock decision: stock | cap | make_to_order."),
    ] = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write the stock projection of --product to FILE.html.")
    ] = None,
    run: RunOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Stock plans: reorder point, order quantity, stock-out date, cash tied up, next to the days-of-cover rule."""
    if json_out:
        state(ctx).json = True
    if action is not None and action not in _ACTIONS:
        raise BadInputError(f"--action {action!r}: write one of {', '.join(_ACTIONS)}.")
    if chart is not None and not product:
        raise BadInputError("--chart needs --product (the projection is of one product).")
    params: dict[str, Any] = {"engine": engine, "service_measure": "fill_rate" if fill_rate else "cycle"}
    if service_level is not None:
        params["service_level"] = service_level
    d = _load(ctx, run, params, market)
    plans = d["frames"]["inventory_plans"]
    if product:
        plans = plans[plans["product_id"] == product]
        if plans.empty:
            raise BadInputError(f"No plan for product {product!r} in run {d['run_id']}.",
                                hint="List the plans without --product to see the ids.")  # fmt: skip
    decisions = stock_decisions(plans)
    if action is not None:
        plans = plans[plans["stock_action"] == action] if "stock_action" in plans else plans.iloc[:0]
    key = "uncapped_average_stock" if action in ("cap", "make_to_order") else "cash_tied_up"
    shown = plans.sort_values(key, ascending=False, na_position="last").head(top)
    written = _chart(plans, chart) if chart is not None else None
    data = {"run_id": d["run_id"], "summary": d["summary"], "stock_decisions": decisions,
            "plans": shown.reindex(columns=_PLAN_COLS).reset_index(drop=True), "chart": written}  # fmt: skip
    emit(ctx, data, _render_plans)


def stock_decisions(plans: Any) -> list[dict[str, Any]]:
    """Per stock decision (stock, cap, make_to_order): plans, average stock before and after the cap, the rule's,
    and the mean cycle service before and after (make-to-order plans hold nothing: no service)."""
    if "stock_action" not in plans or plans.empty:
        return []
    p = plans[plans["reorder_point"].notna()]
    out = []
    for a in _ACTIONS:
        g = p[p["stock_action"] == a]
        if len(g):
            svc = g["expected_cycle_service"].mean()
            out.append({"action": a, "plans": len(g), "uncapped_average_stock": float(g["uncapped_average_stock"].sum()),
                        "average_stock": float(g["average_stock"].sum()),
                        "baseline_average_stock": float(g["baseline_average_stock"].sum()),
                        "uncapped_cycle_service": float(g["uncapped_cycle_service"].mean()),
                        "cycle_service": None if svc != svc else float(svc)})  # fmt: skip
    return out


def _decisions_line(rows: list[dict[str, Any]], lang: str = "en") -> str:
    from xborder.core import i18n

    parts = []
    for r in rows:
        svc = (
            i18n.render("inventory.cli.decision_no_stock", lang)
            if r["cycle_service"] is None
            else i18n.render("inventory.cli.decision_service", lang, before=r["uncapped_cycle_service"],
                             after=r["cycle_service"])
        )  # fmt: skip
        action = (
            _ACTIONS[r["action"]] if lang == "en" else i18n.render(f"inventory.field.{r['action']}", lang)
        )
        parts.append(i18n.render("inventory.cli.decision_part", lang, action=action, plans=r["plans"],
                                 before=r["uncapped_average_stock"], after=r["average_stock"],
                                 rule=r["baseline_average_stock"], service=svc))  # fmt: skip
    return i18n.render("inventory.cli.decisions", lang, parts=("; " if lang == "en" else "；").join(parts))


def _chart(plans: Any, path: Path) -> str | None:
    from xborder.domains.inventory.projection import project_stock
    from xborder.report.charts import plotly_html, stock_projection_chart

    row = plans.iloc[0].to_dict()
    labels = {"on_hand": "on hand", "position": "on hand + on order", "reorder_point": "reorder point",
              "arrival": "order arrives", "day": "day", "units": "units"}  # fmt: skip
    start = row.get("stock_as_of") if row.get("stock_as_of") is not None else row.get("plan_start")
    fig = stock_projection_chart(project_stock(row), title=f"Expected stock of {row['product_id']} in {row['market']}",
                                 labels=labels, start=start)  # fmt: skip
    if fig is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    plotly_html(fig, path)
    return str(path)


def _service(r: Any) -> str:
    """A plan's cycle service: a launch plan's as measured on real launches (marked *), else the model's."""
    held = getattr(r, "measured_cycle_service", None)
    if held is not None and held == held:
        return f"{held:.0%}*"
    return format(r.expected_cycle_service, ".0%")


def _render_plans(x: dict[str, Any]) -> None:
    from rich.table import Table

    t = Table(title=f"Stock plans (run {x['run_id']}); rule = reorder at lead time + N days of cover")
    for c in ("product", "market", "method", "decision", "per day", "reorder at", "order", "on hand", "stock-out",
              "avg stock plan|rule", "service plan|rule"):  # fmt: skip
        t.add_column(c, justify="left" if c in ("product", "market", "stock-out") else "right")
    for r in x["plans"].itertuples():
        mto = r.stock_action == "make_to_order"
        t.add_row(str(r.product_id), str(r.market), str(r.plan_method), _ACTIONS.get(str(r.stock_action), ""), _num(r.daily_demand, 2),
                  "—" if mto else _num(r.reorder_point), _num(r.order_quantity),
                  _num(r.on_hand), "" if r.stockout_date is None or r.stockout_date != r.stockout_date else str(r.stockout_date)[:10], f"{_num(r.average_stock)}|{_num(r.baseline_average_stock)}",
                  f"{'—' if mto else _service(r)}|{r.baseline_cycle_service:.0%}")  # fmt: skip
    console.print(t)
    if "measured_cycle_service" in x["plans"] and x["plans"]["measured_cycle_service"].notna().any():
        console.print(
            "* before launch: the cycle service launch plans held on later real launches (UCI 2011; "
            "benchmarks/inventory_analogue_outcomes.py), not the forecast model's.",
            highlight=False,
        )
    if x.get("stock_decisions"):
        console.print(_decisions_line(x["stock_decisions"]), highlight=False)
    if len(x["plans"]) == 1:
        console.print(str(x["plans"]["notes_en"].iloc[0]), highlight=False)
    if x.get("chart"):
        console.print(f"Stock projection: {x['chart']}")


@inventory_app.command("calendar")
def calendar(
    ctx: typer.Context,
    market: MarketOpt = None,
    start: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """The market event calendar: sales events, seasons and factory closures, each with its source."""
    import datetime as dt

    from xborder.reference.calendar import market_events

    if json_out:
        state(ctx).json = True
    for name, v in (("--from", start), ("--to", end)):
        if v is not None:
            try:
                dt.date.fromisoformat(v)
            except ValueError:
                raise BadInputError(f"{name} must be a date like 2025-11-28; got {v!r}.") from None
    ev = market_events(market, start=start, end=end)
    cols = [
        "event_id",
        "market",
        "event",
        "kind",
        "platform",
        "valid_from",
        "valid_to",
        "confidence",
        "source",
        "notes",
    ]
    data = {"events": ev[cols].reset_index(drop=True)}

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title="Market event calendar")
        for c in ("market", "event", "kind", "from", "to", "confidence", "source"):
            t.add_column(c)
        for r in x["events"].itertuples():
            t.add_row(r.market, r.event, r.kind, str(r.valid_from), str(r.valid_to), r.confidence, r.source)
        console.print(t)

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    """Add ``xborder inventory`` to the main app."""
    from xborder.cli import inventory_alerts, inventory_leadtimes

    inventory_alerts.register(inventory_app)
    inventory_leadtimes.register(inventory_app)
    app.add_typer(inventory_app, name="inventory")
