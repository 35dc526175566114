"""The tables the logistics stage writes, declared once (columns, types, units, meaning)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = ["LOGISTICS_LANES", "LOGISTICS_ROUTES", "LOGISTICS_IMPACTS", "LOGISTICS_SCENARIOS",
           "LOGISTICS_INDEX_ALERTS", "TABLES"]  # fmt: skip

_RUN = Column("run_id", "VARCHAR", "runs.run_id of the logistics run.", nullable=False)


def _d(name: str, doc: str, unit: str | None = None) -> Column:
    return Column(name, "DOUBLE", doc, unit=unit)


def _v(name: str, doc: str) -> Column:
    return Column(name, "VARCHAR", doc)


LOGISTICS_LANES = Table(
    "logistics_lanes",
    "The lane network of a logistics run: default lanes from the freight rules, rate-sheet lanes and lanes "
    "from container bookings, with the freight index they follow.",
    owner="logistics",
    columns=(
        _RUN,
        _v("lane_id", "Lane id (rule id:origin-market, a rate sheet's id, bookings:POL-POD)."),
        _v("carrier", "Carrier or forwarder."),
        _v("service", "Service code."),
        _v("origin", "Origin node."),
        _v("destination", "Destination node."),
        _v("destination_kind", "country | port | ... | fba_warehouse."),
        _v("mode", "sea_fcl | sea_lcl | air | express | rail | truck | sea_air | bonded | clearance."),
        _v("basis", "kg | cbm | container | shipment."),
        _d("rate", "Rate per basis unit.", "currency"),
        _v("currency", "ISO 4217 currency of the money columns."),
        _d("min_charge", "Minimum charge per shipment.", "currency"),
        _d("min_kg", "Weight band, lower end.", "kg"),
        _d("max_kg", "Weight band, upper end.", "kg"),
        _d("divisor", "Volumetric divisor (cm3 per kg)."),
        _d("container_cbm", "Usable volume of a container.", "m3"),
        _d("container_max_kg", "Payload of a container.", "kg"),
        _d("surcharge", "Per-shipment (per-container) charges.", "currency"),
        _d("transit_days_median", "Median transit days.", "days"),
        _d("transit_days_p90", "90th percentile transit days.", "days"),
        _d("clearance_days", "Customs clearance days.", "days"),
        _d("reliability", "Share on time.", "fraction"),
        _v("via", "Chokepoints passed, ;-separated."),
        _v("index_name", "Freight index the lane follows."),
        _d(
            "index_change", "Index change from the lane's rate date to as_of (NULL: not covered).", "fraction"
        ),
        _d("index_rate", "The rate scaled by index_change.", "currency"),
        Column(
            "index_alert", "BOOLEAN", "TRUE when |index_change| reaches the threshold: the rate is stale."
        ),
        Column("valid_from", "DATE", "Day the rate holds from."),
        _v("source", "rule:<rule id> | sheet:<layout> | bookings:<n bookings>."),
        _v("confidence", "Rule confidence (high | medium | low), given (rate sheet) or observed (bookings)."),
    ),
)

_KEYS = (
    _RUN,
    _v("scenario", "base, or the scenario (suez_closed, panama_closed ...)."),
    Column("product_id", "VARCHAR", "products.product_id.", nullable=False),
    Column("market", "VARCHAR", "ISO 3166-1 alpha-2 target market.", nullable=False),
)

LOGISTICS_ROUTES = Table(
    "logistics_routes",
    "Per logistics run, scenario and product × market: the routes kept for a shipment — the cost/time Pareto "
    "front, the best route of each mode and the choices — with freight and landed cost per unit.",
    owner="logistics",
    columns=(
        *_KEYS,
        _v("origin", "Origin node (the product's origin country)."),
        _d("units", "Units in the shipment.", "units"),
        _d("weight_kg", "Weight of one unit.", "kg"),
        _d("volume_m3", "Volume of one unit.", "m3"),
        Column("dims_estimated", "BOOLEAN", "TRUE when weight or dimensions are category medians."),
        _v("route", "Nodes passed, 'CN > DE'; NULL: no usable route."),
        _v("lanes", "Lane ids, ' > '-separated."),
        _v("modes", "Modes of the legs, '+'-separated."),
        Column("legs", "INTEGER", "Legs in the route."),
        _v("carriers", "Carriers of the legs."),
        _v("via", "Chokepoints passed."),
        _v("sources", "Where the lanes came from (rule ids, rate sheets, bookings)."),
        _d("cost_usd", "Freight of the whole shipment.", "USD"),
        _d("cost_per_unit_usd", "Freight per unit.", "USD"),
        _v("currency", "ISO 4217 currency of the market (cost_per_unit, landed_cost_per_unit)."),
        _d("cost_per_unit", "Freight per unit in the market currency.", "currency"),
        _d("days_median", "Median transit + clearance days.", "days"),
        _d("days_p90", "90th percentile transit + clearance days (sum of the legs').", "days"),
        _d("reliability", "Product of the legs' on-time shares (unknown ones left out).", "fraction"),
        _d("landed_cost_per_unit", "The landed cost of the pair with this route's freight.", "currency"),
        _v("landed_cost_mode", "Mode of the landed-cost row the route's freight replaced."),
        Column("pareto", "BOOLEAN", "On the cost/time Pareto front."),
        Column("best_in_mode", "BOOLEAN", "Cheapest route of its mode(s)."),
        Column("cheapest", "BOOLEAN", "Cheapest route."),
        Column("fastest", "BOOLEAN", "Fastest route."),
        Column("cheapest_within_deadline", "BOOLEAN", "Cheapest route arriving within deadline_days."),
        Column("fastest_within_budget", "BOOLEAN", "Fastest route within budget_per_unit."),
        Column("plan", "BOOLEAN", "The route planned: cheapest within the deadline (or cheapest)."),
        _d("deadline_days", "Deadline used.", "days"),
        _d("budget_per_unit", "Budget used.", "USD"),
    ),
)

LOGISTICS_IMPACTS = Table(
    "logistics_impacts",
    "Per logistics run, scenario and product × market affected: the base plan and the re-routed plan, their "
    "cost and time.",
    owner="logistics",
    columns=(
        *_KEYS,
        _v("route_base", "The base plan's route."),
        _v("route_new", "The scenario's plan (NULL: no route left)."),
        _v("modes_base", "Modes of the base plan."),
        _v("modes_new", "Modes of the scenario's plan."),
        _d("cost_per_unit_usd_base", "Base freight per unit.", "USD"),
        _d("cost_per_unit_usd_new", "Scenario freight per unit.", "USD"),
        _d("days_p90_base", "Base days (p90).", "days"),
        _d("days_p90_new", "Scenario days (p90).", "days"),
        _d("cost_change_pct", "Freight change.", "fraction"),
        _d("delay_days", "Extra days (p90).", "days"),
        Column("rerouted", "BOOLEAN", "The plan takes other lanes."),
        Column("unroutable", "BOOLEAN", "No route is left."),
        _v("plan_kind", "Kind of the pair's stock plan (inventory_plans.kind; NULL: no plan)."),
        _v("plan_currency", "Currency of extra_cash (the plan's landed cost)."),
        _d("cycle_service_base", "Cycle service of the stock plan as planned.", "fraction"),
        _d(
            "cycle_service_new",
            "Cycle service when orders placed at the reorder point arrive delay_days later (0: no route).",
            "fraction",
        ),
        _d(
            "units_short_base",
            "Expected units short per replenishment cycle as planned (lost sales).",
            "units",
        ),
        _d("units_short_new", "Expected units short per replenishment cycle under the scenario.", "units"),
        _d("stockout_days_base", "Expected days out of stock per replenishment cycle as planned.", "days"),
        _d(
            "stockout_days_new",
            "Expected days out of stock per replenishment cycle under the scenario.",
            "days",
        ),
        _d("fill_rate_new", "Share of demand served under the scenario (lost sales).", "fraction"),
        _d("reorder_point_base", "The plan's reorder point.", "units"),
        _d(
            "reorder_point_new",
            "Reorder point that keeps the plan's safety factor over the longer lead time.",
            "units",
        ),
        _d("extra_safety_stock", "reorder_point_new − reorder_point_base.", "units"),
        _d(
            "extra_cash",
            "Cash the extra safety stock ties up, at the plan's cash per unit of average stock.",
            "currency",
        ),
    ),
)

LOGISTICS_SCENARIOS = Table(
    "logistics_scenarios",
    "Per logistics run and scenario: what it closes or changes and its impact over all planned shipments.",
    owner="logistics",
    columns=(
        _RUN,
        _v("scenario", "Scenario name."),
        _v("closed", "Chokepoints closed, ;-separated."),
        _v("changes", "Lane changes (MATCH:cost=+20%, MATCH:days=+7)."),
        Column("pairs", "INTEGER", "Shipments planned."),
        Column("affected_pairs", "INTEGER", "Shipments whose plan changes in cost, time or route."),
        Column("rerouted_pairs", "INTEGER", "Shipments whose plan takes other lanes."),
        Column("unroutable_pairs", "INTEGER", "Shipments left without a route."),
        _d("mean_cost_change_pct", "Mean freight change of the affected shipments.", "fraction"),
        _d("max_cost_change_pct", "Largest freight change.", "fraction"),
        _d("mean_delay_days", "Mean extra days (p90) of the affected shipments.", "days"),
        _d("max_delay_days", "Largest extra days.", "days"),
        Column(
            "planned_pairs", "INTEGER", "Affected shipments whose pair has a stock plan (inventory_plans)."
        ),
        Column("pairs_service_down", "INTEGER", "Of those, pairs whose cycle service falls."),
        _d("mean_cycle_service_base", "Mean cycle service of those plans as planned.", "fraction"),
        _d("mean_cycle_service_new", "Mean cycle service under the scenario.", "fraction"),
        _d("extra_safety_stock", "Safety stock that restores every plan's safety factor.", "units"),
        _d(
            "stockout_days_base",
            "Mean expected days out of stock per replenishment cycle as planned.",
            "days",
        ),
        _d(
            "stockout_days_new",
            "Mean expected days out of stock per replenishment cycle under the scenario.",
            "days",
        ),
        _v("source", "Where the chokepoint's extra days and surcharges come from."),
    ),
)

LOGISTICS_INDEX_ALERTS = Table(
    "logistics_index_alerts",
    "Per logistics run and freight index: its latest move over the window and the lanes that follow it.",
    owner="logistics",
    columns=(
        _RUN,
        _v("index_name", "Index (freight_index.index_name)."),
        Column("latest_on", "DATE", "Newest observation on or before as_of."),
        _d("latest_value", "Its value.", "points"),
        Column("base_on", "DATE", "Observation window_weeks earlier."),
        _d("base_value", "Its value.", "points"),
        Column("window_weeks", "INTEGER", "Weeks compared."),
        _d("change", "latest / base - 1.", "fraction"),
        _d("threshold", "Alert threshold.", "fraction"),
        Column("alert", "BOOLEAN", "TRUE when |change| reaches the threshold."),
        Column("lanes", "INTEGER", "Lanes following the index."),
        Column(
            "stale_lanes",
            "INTEGER",
            "Of them, lanes whose index moved beyond the threshold since their rate date.",
        ),
    ),
)

TABLES = (LOGISTICS_LANES, LOGISTICS_ROUTES, LOGISTICS_IMPACTS, LOGISTICS_SCENARIOS, LOGISTICS_INDEX_ALERTS)
