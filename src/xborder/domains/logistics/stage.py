"""The logistics stage: the product × market pairs of landed cost → routed shipments on the lane network, with
the disruption scenarios and the freight-index alerts.

Reads the run's ``landed_costs`` (else the latest landed-cost run's: the pairs, their landed cost and freight),
``products`` (origin, weight, dimensions), ``supplier_offers`` and ``suppliers`` (origin when the product does
not say), the seller's ``freight_lanes``, ``freight_bookings`` and ``freight_index``, and the freight rules of
the rule base; writes the five tables of :mod:`xborder.domains.logistics.tables`. It runs after landed cost
because it reads landed cost's output (landed cost does not read logistics').
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd
from pydantic import Field, field_validator

from xborder.core import i18n
from xborder.core.clock import today
from xborder.core.errors import BadInputError
from xborder.core.settings import Settings
from xborder.domains.logistics.dossier import SECTION
from xborder.domains.logistics.index_alert import followed_index, index_moves, lane_index_moves, pick_index
from xborder.domains.logistics.inputs import landed_cost_per_unit, product_origins, shipment_frame
from xborder.domains.logistics.lanes import booking_lanes, default_lanes, sheet_lanes
from xborder.domains.logistics.plan import plan_routes, usd_factors
from xborder.domains.logistics.routes import Network, build_network
from xborder.domains.logistics.scenarios import (
    change_lanes,
    chokepoints,
    close_chokepoints,
    compare_plans,
    parse_change,
)
from xborder.domains.logistics.stockout import PLAN_COLUMNS, scenario_stock_summary, stockout_impact
from xborder.domains.logistics.tables import (
    LOGISTICS_IMPACTS,
    LOGISTICS_INDEX_ALERTS,
    LOGISTICS_LANES,
    LOGISTICS_ROUTES,
    LOGISTICS_SCENARIOS,
    TABLES,
)
from xborder.reference.base import as_of as rules_as_of
from xborder.reference.base import load_table
from xborder.reference.fx import load_fx
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, latest_run_id, read_rows, table_exists, write_frame

__all__ = [
    "LogisticsParams",
    "run_logistics",
    "lane_network",
    "usd_rates",
    "shipments_for",
    "report_panels",
    "STAGE",
    "MODES",
]

Mode = Literal["sea_fcl", "sea_lcl", "air", "express", "rail"]
MODES: tuple[Mode, ...] = ("sea_fcl", "sea_lcl", "air", "express", "rail")
_KEYS = ["product_id", "market"]


class LogisticsParams(Params):
    """Parameters of the logistics stage."""

    as_of: dt.date | None = None
    """Day of the freight rules, rate sheets, FX rates and index (default today)."""
    shipment_units: int = Field(500, ge=1, le=10_000_000)
    """Units in each product's shipment."""
    deadline_days: float | None = Field(None, gt=0, le=365)
    """Latest arrival after dispatch: the plan is the cheapest route within it."""
    budget_per_unit: float | None = Field(None, gt=0)
    """Highest freight per unit (USD) for the fastest route within budget."""
    time_basis: Literal["p90", "median"] = "p90"
    """Transit time deadlines, "fastest" and the Pareto front use."""
    max_legs: int = Field(4, ge=1, le=8)
    """Most legs in a route."""
    modes: list[Mode] = list(MODES)
    """Modes of the default lanes taken from the freight rules."""
    scenarios: list[Literal["suez", "panama"]] = ["suez", "panama"]
    """Chokepoints closed, one scenario each."""
    changes: list[str] = []
    """Lane changes of one more scenario, ``changes``: MATCH:cost=+20% or MATCH:days=+7 (MATCH a lane id, a
    mode or ORIGIN-DESTINATION)."""
    max_pairs: int | None = Field(None, ge=1)
    """Route at most this many product × market pairs (the largest landed-cost products first)."""
    booking_window_days: int = Field(365, ge=1, le=3650)
    """Container bookings of this many days up to the newest make a lane."""
    index_name: str | None = None
    """Freight index sea lanes follow (default: the only one stored, else SCFI)."""
    index_window_weeks: int = Field(4, ge=1, le=104)
    """Weeks over which an index move is measured."""
    index_threshold: float = Field(0.15, gt=0, le=10)
    """An index move of at least this share raises an alert."""

    @field_validator("changes")
    @classmethod
    def _readable(cls, v: list[str]) -> list[str]:
        for text in v:
            try:
                parse_change(text)
            except BadInputError as exc:
                raise ValueError(exc.message) from None
        return v


def usd_rates(con: Any, currencies: set[str], as_of: dt.date) -> dict[str, float]:
    """USD per unit of each currency on ``as_of`` (the currencies the FX table does not know are left out)."""
    fx = load_fx(con)
    out = {}
    for c in sorted({str(x).upper() for x in currencies if isinstance(x, str)}):
        try:
            out[c] = fx.factor(c, "USD", as_of).rate
        except BadInputError:
            continue
    return out


def lane_network(
    con: Any, as_of: dt.date, pairs: set[tuple[str, str]], *, modes: Sequence[str] = MODES,
    booking_window_days: int = 365,
) -> pd.DataFrame:  # fmt: skip
    """Every lane in force on ``as_of``: default lanes for the origin × market ``pairs``, rate-sheet lanes and
    booking lanes."""
    rules = rules_as_of(pd.concat([load_table("freight/rates"), load_table("freight/derived_rates")]), as_of)
    markets = rules_as_of(load_table("markets"), as_of)
    regions = dict(zip(markets["market_code"], markets["freight_region"], strict=True))
    parts = [
        default_lanes(rules, regions, pairs, modes),
        sheet_lanes(read_rows(con, "freight_lanes"), as_of),
        booking_lanes(read_rows(con, "freight_bookings"), as_of, window_days=booking_window_days),
    ]
    return (
        pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
    )


def shipments_for(con: Any, settings: Settings, pairs: pd.DataFrame, units: float) -> pd.DataFrame:
    """Shipments of ``units`` units per (product_id, market) of ``pairs``, origin and dimensions from the
    warehouse."""
    ids = list(pairs["product_id"].unique())
    products = read_rows(con, "products", columns=["product_id", "category", "weight_kg", "length_cm", "width_cm",
                                                   "height_cm", "origin_country"],
                         where="product_id IN (SELECT unnest(?::VARCHAR[]))", params=[ids])  # fmt: skip
    offers = read_rows(con, "supplier_offers", columns=["supplier_id", "product_id", "origin_country", "valid_from"],
                       where="product_id IN (SELECT unnest(?::VARCHAR[]))", params=[ids])  # fmt: skip
    suppliers = read_rows(con, "suppliers", columns=["supplier_id", "country"])
    known = pd.DataFrame({"product_id": ids}).merge(products, on="product_id", how="left")
    origins = product_origins(known, offers, suppliers, settings.default_origin)
    return shipment_frame(pairs, known, origins, load_table("category_defaults"), units)


def _landed(con: Any, run_id: str) -> pd.DataFrame:
    cols = ["product_id", "market", "mode", "currency", "units", "landed_cost", "freight"]
    rows = read_rows(con, "landed_costs", run_id, columns=cols, limit=1)
    run = run_id if len(rows) else latest_run_id(con, "landed_costs")
    return read_rows(con, "landed_costs", run, columns=cols) if run else pd.DataFrame(columns=cols)


def _route(net: Network, ships: pd.DataFrame, p: LogisticsParams, usd: dict[str, float], landed: pd.DataFrame,
           usd_to: dict[str, float]) -> pd.DataFrame:  # fmt: skip
    rows = plan_routes(net, ships, usd_factors(net.lanes, usd), time_basis=p.time_basis, deadline_days=p.deadline_days,
                       budget_per_unit=p.budget_per_unit, max_legs=p.max_legs)  # fmt: skip
    return landed_cost_per_unit(rows, landed, usd_to).assign(
        deadline_days=p.deadline_days, budget_per_unit=p.budget_per_unit
    )


def _stock_plans(con: Any, run_id: str) -> pd.DataFrame:
    """The inventory plans of this run (the inventory stage runs before logistics), else of the latest run."""
    if not table_exists(con, "inventory_plans"):
        return pd.DataFrame(columns=PLAN_COLUMNS)
    rows = read_rows(con, "inventory_plans", run_id, columns=["product_id"], limit=1)
    run = run_id if len(rows) else latest_run_id(con, "inventory_plans")
    if run is None:
        return pd.DataFrame(columns=PLAN_COLUMNS)
    return read_rows(
        con, "inventory_plans", run, columns=PLAN_COLUMNS, where="location = '*' AND kind <> 'none'"
    )


def _write(con: Any, table: Any, frame: pd.DataFrame, run_id: str) -> int:
    if frame.empty:
        return 0
    keep = [c for c in frame.columns if c in table.column_names]
    return write_frame(con, table, frame[keep].assign(run_id=run_id))


def run_logistics(ctx: StageContext, p: LogisticsParams) -> dict[str, Any]:
    """Route every product × market pair of landed cost; write the logistics tables under the run."""
    con, as_of = ctx.con, p.as_of or today()
    delete_run_rows(con, TABLES, ctx.run_id)
    landed = _landed(con, ctx.run_id)
    if ctx.markets:
        landed = landed[landed["market"].isin([m.upper() for m in ctx.markets])]
    if landed.empty:
        return {"status": "skipped", "reason": i18n.render("logistics.no_pairs", "en"),
                "reason_code": "logistics.no_pairs", "pairs": 0}  # fmt: skip
    pairs = landed[_KEYS].drop_duplicates()
    if p.max_pairs:
        pairs = pairs.head(p.max_pairs)
    ctx.say(0.05, "shipments and lanes")
    ships = shipments_for(con, ctx.settings, pairs, p.shipment_units)
    lanes = lane_network(con, as_of, set(zip(ships["origin"], ships["market"], strict=True)), modes=p.modes,
                         booking_window_days=p.booking_window_days)  # fmt: skip
    usd = usd_rates(con, set(lanes["currency"]) | set(landed["currency"]), as_of)
    usd_to = {c: 1.0 / r for c, r in usd.items() if r}
    series = read_rows(con, "freight_index")
    default_index = pick_index(series, p.index_name)
    lanes = pd.concat([lanes, lane_index_moves(lanes, series, default_index, as_of, threshold=p.index_threshold)
                       .drop(columns="index_name")], axis=1)  # fmt: skip
    lanes["index_name"] = followed_index(lanes, default_index)
    net = build_network(lanes)
    ctx.say(0.2, f"routing {len(ships):,} shipments")
    base = _route(net, ships, p, usd, landed, usd_to).assign(scenario="base")
    routes, impacts, summaries = [base], [], []
    table = chokepoints().set_index("chokepoint")
    stock = _stock_plans(con, ctx.run_id)
    for k, cp in enumerate(p.scenarios):
        ctx.say(0.5 + 0.4 * k / max(1, len(p.scenarios)), f"{cp} closed")
        name = f"{cp}_closed"
        hit = base[base["plan"] & base["via"].fillna("").str.split(";").apply(lambda v, c=cp: c in v)]
        row = {"scenario": name, "closed": cp, "pairs": int(base["plan"].sum()), "affected_pairs": 0,
               "rerouted_pairs": 0, "unroutable_pairs": 0, "planned_pairs": 0, "source": table.at[cp, "source"]}  # fmt: skip
        if len(hit):
            closed = build_network(close_chokepoints(lanes, [cp]))
            sub = ships.merge(hit[_KEYS], on=_KEYS)
            scen = _route(closed, sub, p, usd, landed, usd_to).assign(scenario=name)
            cmp = compare_plans(base.merge(hit[_KEYS], on=_KEYS), scen, _KEYS).assign(scenario=name)
            cmp = stockout_impact(cmp, stock)
            routes.append(scen)
            impacts.append(cmp)
            row.update(affected_pairs=len(cmp), rerouted_pairs=int(cmp["rerouted"].sum()),
                       unroutable_pairs=int(cmp["unroutable"].sum()), mean_cost_change_pct=cmp["cost_change_pct"].mean(),
                       max_cost_change_pct=cmp["cost_change_pct"].max(), mean_delay_days=cmp["delay_days"].mean(),
                       max_delay_days=cmp["delay_days"].max(), **scenario_stock_summary(cmp))  # fmt: skip
        summaries.append(row)
    if p.changes:
        ctx.say(0.9, "lane changes")
        changed = build_network(change_lanes(lanes, [parse_change(c) for c in p.changes]))
        scen = _route(changed, ships, p, usd, landed, usd_to).assign(scenario="changes")
        cmp = compare_plans(base, scen, _KEYS).assign(scenario="changes")
        cmp = cmp[
            cmp["rerouted"]
            | cmp["unroutable"]
            | (cmp["cost_change_usd"].abs() > 1e-9)
            | (cmp["delay_days"].abs() > 1e-9)
        ]
        cmp = stockout_impact(cmp, stock)
        routes.append(scen.merge(cmp[_KEYS], on=_KEYS))
        impacts.append(cmp)
        summaries.append({
            "scenario": "changes", "changes": "; ".join(p.changes), "pairs": int(base["plan"].sum()),
            "affected_pairs": len(cmp), "rerouted_pairs": int(cmp["rerouted"].sum()),
            "unroutable_pairs": int(cmp["unroutable"].sum()), "mean_cost_change_pct": cmp["cost_change_pct"].mean(),
            "max_cost_change_pct": cmp["cost_change_pct"].max(), "mean_delay_days": cmp["delay_days"].mean(),
            "max_delay_days": cmp["delay_days"].max(), **scenario_stock_summary(cmp),
        })  # fmt: skip
    moves = index_moves(series, as_of, window_weeks=p.index_window_weeks, threshold=p.index_threshold)
    if len(moves):
        moves["lanes"] = moves["index_name"].map(lanes["index_name"].value_counts()).fillna(0).astype(int)
        moves["stale_lanes"] = (
            moves["index_name"]
            .map(lanes[lanes["index_alert"]]["index_name"].value_counts())
            .fillna(0)
            .astype(int)
        )
    ctx.say(0.95, "writing")
    out_routes = pd.concat(routes, ignore_index=True)
    counts = {
        "logistics_lanes": _write(con, LOGISTICS_LANES, lanes, ctx.run_id),
        "logistics_routes": _write(con, LOGISTICS_ROUTES, out_routes, ctx.run_id),
        "logistics_impacts": _write(
            con, LOGISTICS_IMPACTS, pd.concat(impacts) if impacts else pd.DataFrame(), ctx.run_id
        ),
        "logistics_scenarios": _write(con, LOGISTICS_SCENARIOS, pd.DataFrame(summaries), ctx.run_id),
        "logistics_index_alerts": _write(con, LOGISTICS_INDEX_ALERTS, moves, ctx.run_id),
    }
    plan = base[base["plan"]]
    ctx.say(1.0, "logistics done")
    return {
        "as_of": as_of.isoformat(),
        "pairs": int(len(ships)),
        "routed": int(plan[_KEYS].drop_duplicates().shape[0]),
        "unroutable": int(base["route"].isna().sum()),
        "lanes": {str(k): int(v) for k, v in lanes["source"].str.split(":").str[0].value_counts().items()},
        "plan_modes": {str(k): int(v) for k, v in plan["modes"].value_counts().items()},
        "scenarios": [
            {k: (round(v, 4) if isinstance(v, float) else v) for k, v in s.items() if k != "source"}
            for s in summaries
        ],
        "index_alerts": [
            {"index": n, "change": round(float(c), 4), "alert": bool(a)}
            for n, c, a in zip(
                moves.get("index_name", []), moves.get("change", []), moves.get("alert", []), strict=True
            )
        ],
        "rows": counts,
    }


def _run(ctx: StageContext, p: LogisticsParams) -> dict[str, Any]:
    return run_logistics(ctx, p)


STAGE = Stage(
    "logistics",
    _run,
    LogisticsParams,
    writes=TABLES,
    weight=0.04,
    web=("shipment_units", "deadline_days", "budget_per_unit", "time_basis", "scenarios"),
    title="Logistics",
    dossier=SECTION,
)


def report_panels(con: Any, run_id: str, lang: str) -> list[Any]:
    """The logistics panels of ``run_id`` in ``lang`` (freight against days per mode), drawn by :mod:`..panels`."""
    from xborder.domains.logistics.panels import PANEL_COLUMNS, freight_days_panel

    if not table_exists(con, "logistics_routes"):
        return [freight_days_panel(pd.DataFrame(), pd.DataFrame(), lang)]
    routes = read_rows(con, "logistics_routes", run_id, columns=PANEL_COLUMNS, where="best_in_mode OR plan")
    return [freight_days_panel(routes, read_rows(con, "logistics_scenarios", run_id), lang)]
