"""The tables the inventory stages write, declared once (columns, types, units, meaning)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = [
    "INVENTORY_PLANS",
    "INVENTORY_STOCKOUTS",
    "INVENTORY_HEALTH",
    "TABLES",
    "PLAN_TABLES",
    "STOCKOUT_TABLES",
]

_RUN = Column("run_id", "VARCHAR", "runs.run_id of the inventory run.", nullable=False)
_PRODUCT = Column("product_id", "VARCHAR", "products.product_id (amazon:<ASIN> for FBA stock).")
_MARKET = Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market.", nullable=False)
_LOCATION = Column(
    "location", "VARCHAR", "Warehouse / fulfilment centre id; * = all locations of the market."
)


def _n(name: str, doc: str, unit: str | None = "units") -> Column:
    return Column(name, "DOUBLE", doc, unit=unit)


INVENTORY_PLANS = Table(
    "inventory_plans",
    "One stock plan per product × market (× location) per inventory run: safety stock, reorder point and order "
    "quantity for the target service with lost sales, projected stock-out, cash tied up, next to the ERP "
    "days-of-cover rule (baseline_*) computed on the same demand (docs/inventory.md).",
    owner="inventory",
    columns=(
        _RUN, Column("product_id", "VARCHAR", "products.product_id.", nullable=False), _MARKET, _LOCATION,
        Column("sku", "VARCHAR", "Seller SKU(s) of the product in the market, when inventory snapshots name them."),
        Column("kind", "VARCHAR", "Demand basis: forecast | analogue (before launch) | niche (category forecast ÷ its products) | history (own sales of the last 6 months, no forecast) | recent_sales (report's units shipped) | none (no plan: notes say why)."),
        Column("model", "VARCHAR", "Forecast model (or the report column) the demand came from."),
        Column("plan_start", "DATE", "Day 0 of the plan: the first forecast period, or the stock snapshot day."),
        Column("sd_basis", "VARCHAR", "Where demand's spread came from: q90 (calibrated q90 − q50) | hi_80 | hi_95 (upper half of the interval) | poisson; +total when the pair's horizon total (forecast_totals; a niche: its category's) set how it grows over the lead time, +pooled when the run's median growth over its product forecasts did (no total of its own)."),
        _n("daily_demand", "Expected units per day over the forecast horizon."),
        _n("daily_demand_sd", "Standard deviation of one day's demand (periods independent)."),
        _n("lead_time_days", "Expected lead time: production + transit + inbound receiving.", "days"),
        _n("lead_time_sd_days", "Standard deviation of the lead time.", "days"),
        Column("lead_time_source", "VARCHAR", "offer (supplier_offers) | settings, + freight rule id of the transit days; observed:<product_market|product|lane>:<deliveries> when real deliveries gave it (lane: every delivery to the market by the pair's mode family)."),
        _n("review_days", "Days between stock reviews.", "days"),
        _n("protection_days", "Lead time + review period: the days the reorder point must cover.", "days"),
        _n("protection_demand", "Expected demand over the protection days."),
        _n("protection_sd", "Standard deviation of demand over the protection days, lead-time variability included."),
        Column("service_measure", "VARCHAR", "cycle (probability of no stock-out per replenishment cycle) | fill_rate (share of demand served)."),
        _n("service_target", "Target of the service measure.", "fraction"),
        Column("distribution", "VARCHAR", "normal | gamma | empirical: distribution of demand over the protection "
               "days (empirical: a slow pair's own daily sales with the undershoot, domains/inventory/intermittent.py)."),
        _n("safety_factor", "Safety stock in standard deviations of protection demand.", None),
        _n("safety_stock", "Reorder point minus expected protection demand."),
        _n("reorder_point", "Order when stock on hand + inbound is at or below this."),
        _n("eoq", "Economic order quantity √(2Kλ/h); NULL without a unit cost."),
        _n("order_quantity", "Units per order: EOQ capped at max_cover_days of demand, at least the MOQ, whole cases."),
        Column("order_quantity_rule", "VARCHAR", "eoq | eoq_capped | cover_days (no unit cost: baseline_order_days of demand)."),
        _n("moq", "Minimum order quantity used."), _n("case_pack", "Units per case used (1 = single units)."),
        _n("expected_cycle_service", "Cycle service level the plan gives under its demand model.", "fraction"),
        _n("expected_fill_rate", "Fill rate the plan gives with lost sales.", "fraction"),
        _n("average_stock", "Expected average units on hand: safety stock + Q/2 + review-period demand/2."),
        _n("unit_cost", "Landed cost per unit (the cash a unit ties up).", "currency"),
        Column("currency", "VARCHAR", "ISO 4217 currency of the money columns."),
        Column("cost_source", "VARCHAR", "landed_costs:<mode> | none."),
        _n("cash_tied_up", "average_stock × unit_cost.", "currency"),
        _n("annual_cost", "Ordering + holding cost per year of the plan.", "currency"),
        _n("on_hand", "Sellable units at stock_as_of (all locations)."), _n("inbound", "Units inbound at stock_as_of."),
        Column("stock_as_of", "DATE", "Snapshot day of on_hand/inbound (NULL: no inventory snapshot)."),
        _n("days_of_cover", "on_hand / expected daily demand of the next 30 days.", "days"),
        Column("stockout_date", "DATE", "Projected day on_hand + inbound runs out at expected demand without a new order."),
        Column("order_by", "DATE", "Projected day stock on hand + inbound reaches the reorder point."),
        _n("suggested_order", "Units to order now (whole multiples of order_quantity) when at or below the reorder point."),
        _n("launch_quantity", "First order before launch: safety stock + one order quantity + review-period demand."),
        _n("launch_cash", "launch_quantity × unit_cost.", "currency"),
        _n("baseline_reorder_point", "ERP rule: (lead time + baseline_safety_days) × average daily sales."),
        _n("baseline_order_quantity", "ERP rule: baseline_order_days × average daily sales (MOQ, cases)."),
        _n("baseline_average_stock", "Expected average units on hand under the ERP rule."),
        _n("baseline_cash_tied_up", "baseline_average_stock × unit_cost.", "currency"),
        _n("baseline_cycle_service", "Cycle service level the ERP rule gives under the same demand model.", "fraction"),
        _n("baseline_fill_rate", "Fill rate the ERP rule gives with lost sales.", "fraction"),
        _n("baseline_annual_cost", "Ordering + holding cost per year of the ERP rule.", "currency"),
        Column("notes", "JSON", "Message codes with their numbers (assumptions, missing inputs).", message=True),
        Column("notes_en", "VARCHAR", "The notes in English."), Column("notes_zh", "VARCHAR", "The notes in Chinese."),
        _n("spread_growth", "Exponent a of the spread of demand summed over n periods, σ(n) ∝ n^a: 0.5 independent periods, up to 1 when the horizon total (own, the category's for a niche, else the run's pooled median) says errors move together.", None),
        Column("plan_method", "VARCHAR", "How demand, spread and reorder point were set: own_sales (the pair's own last 364 days of daily sales — mean, sd of the year's (lead time + review)-day sums, normal or gamma per volume class: the replay-validated policy of benchmarks/inventory_sim.py) | forecast_spread (the spread of the kind's forecast rows: product forecast, analogue, niche, six-month history, recent sales)."),
        Column("stock_action", "VARCHAR", "What to do with the pair's stock: stock (the plan as computed) | cap (its average stock would exceed settings.max_stock_months of its demand: the reorder point is lowered to hold that much; reorder_point, safety_stock, average_stock, cash_tied_up and expected_cycle_service are the capped plan's) | make_to_order (even capped it cannot serve — the order quantity alone, MOQ and cases, exceeds the cap, or the pair's median sale day is larger than the capped stock position: hold no stock, buy when a customer orders; stock and cash 0, cycle service not applicable)."),
        _n("cover_months", "Months of the pair's expected demand the uncapped plan holds on average (uncapped_average_stock ÷ 30.44 days of demand).", "months"),
        _n("uncapped_reorder_point", "Reorder point before the stock cap (equal to reorder_point where stock_action = stock)."),
        _n("uncapped_average_stock", "Average stock before the stock cap."),
        _n("uncapped_cycle_service", "Cycle service level before the stock cap, under the same demand model.", "fraction"),
        _n("measured_cycle_service", "Before-launch plans (kind analogue): the share of later real launch-windows that launch plans with the same stock action held (UCI launches after 2011-04-01 and 2011-07-01, benchmarks/inventory_analogue_outcomes.py: stock 90.0 % of 70, cap 75.3 % of 271, at the 6-month cap; 96.9 % uncapped with the launch floor, 20.3 % for the forecast alone) — the service a launch plan states, where expected_cycle_service is the forecast model's. NULL for other plans, make-to-order, and a cap setting it was not measured at.", "fraction"),
    ),
)  # fmt: skip

INVENTORY_STOCKOUTS = Table(
    "inventory_stockouts",
    "Periods without sellable stock per SKU × location (location * = the whole marketplace), from inventory "
    "snapshots: consecutive observed snapshot days with 0 sellable units or no row. Demand history should leave "
    "out the days of the * rows (sales were capped by stock).",
    owner="inventory",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the stockouts run.", nullable=False),
        Column("source", "VARCHAR", "inventory_snapshots.source (report layout) the period was observed in.", nullable=False),
        _MARKET, Column("marketplace_id", "VARCHAR", "marketplaces.marketplace_id (amazon.US)."),
        Column("sku", "VARCHAR", "Seller SKU.", nullable=False), _PRODUCT, _LOCATION,
        Column("first_day", "DATE", "First observed day without stock.", nullable=False),
        Column("last_day", "DATE", "Last observed day without stock (included).", nullable=False),
        Column("observed_days", "INTEGER", "Snapshot days in the period.", unit="days"),
        Column("calendar_days", "INTEGER", "last_day - first_day + 1.", unit="days"),
        Column("observed_from", "DATE", "First snapshot day of the SKU × location in the source."),
        Column("observed_until", "DATE", "Last snapshot day of the source in the market."),
    ),
)  # fmt: skip

INVENTORY_HEALTH = Table(
    "inventory_health",
    "Stock health per product × market (all locations) per inventory run: days of cover, turnover, days without "
    "sales and the slow-mover status at the settings' thresholds (30/60/90), aged-inventory surcharges ahead "
    "(first-in first-out at expected demand) and a clearance suggestion timed to the market's next sales event.",
    owner="inventory",
    columns=(
        _RUN, _PRODUCT, _MARKET, Column("sku", "VARCHAR", "Seller SKU.", nullable=False), _LOCATION,
        Column("as_of", "DATE", "Snapshot day of the stock."),
        _n("on_hand", "Sellable units."), _n("daily_rate", "Expected units sold per day (forecast, else the report's recent sales)."),
        Column("rate_basis", "VARCHAR", "forecast | units_shipped_30d | units_shipped_90d | none."),
        _n("days_of_cover", "on_hand / daily_rate.", "days"),
        _n("turnover", "365 × daily_rate / on_hand: stock turns per year at this stock level.", "turns"),
        _n("days_without_sales", "Days since the last sale, at least (report windows 7/30/90 days or the last order line).", "days"),
        Column("status", "VARCHAR", "slow_<N> (no sale for N days, N from settings.slow_mover_days) | active | no_stock | unknown."),
        _n("aged_units_next", "Units 181+ days old at the next assessment (15th of the month), first-in first-out."),
        Column("first_fee_date", "DATE", "First assessment day with an aged-inventory surcharge."),
        _n("aged_fee_next", "Surcharge at the next assessment (NULL: unit volume unknown).", "currency"),
        _n("aged_fee_total", "Surcharges of the next six assessments.", "currency"),
        Column("fee_currency", "VARCHAR", "ISO 4217 currency of the fees."),
        Column("fee_rules", "VARCHAR", "rule_id(s) of fees/amazon_aged_inventory used."),
        Column("clearance_event_id", "VARCHAR", "calendar/events.csv event_id of the suggested clearance event."),
        Column("clearance_start", "DATE", "First day of that event."),
        _n("clearance_units", "Units to clear: aged units ahead, or stock above 90 days of cover for a slow mover."),
        Column("message", "JSON", "The alert and suggestion as message codes with their numbers.", message=True),
        Column("text_en", "VARCHAR", "The alert in English."), Column("text_zh", "VARCHAR", "The alert in Chinese."),
    ),
)  # fmt: skip

PLAN_TABLES: tuple[Table, ...] = (INVENTORY_PLANS, INVENTORY_HEALTH)
"""What the inventory stage writes."""
STOCKOUT_TABLES: tuple[Table, ...] = (INVENTORY_STOCKOUTS,)
"""What the stockouts stage writes (before demand, which can leave those days out of its history)."""
TABLES: tuple[Table, ...] = (INVENTORY_PLANS, INVENTORY_STOCKOUTS, INVENTORY_HEALTH)
