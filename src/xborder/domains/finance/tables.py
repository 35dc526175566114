"""The tables the finance stage writes, declared once (columns, types, units, meaning)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = [
    "PRICE_LADDERS",
    "WARNING_INDICATORS",
    "CASH_FLOWS",
    "CASH_MODE_OPTIONS",
    "CASH_CAPACITY",
    "FX_HEDGES",
    "RUN_TABLES",
    "TABLES",
]

_RUN = Column("run_id", "VARCHAR", "runs.run_id of the run that computed the row.", nullable=False)


def _share(name: str, doc: str) -> Column:
    return Column(name, "DOUBLE", doc, unit="fraction")


PRICE_LADDERS = Table(
    "price_ladders",
    "Local selling price of a product in a market for a target margin after landed cost and marketplace fees, "
    "with local price endings, and the margin it gives at today's FX and under currency moves (one row per run "
    "x product x market x mode x target margin).",
    owner="finance",
    columns=(
        _RUN,
        Column("product_id", "VARCHAR", "products.product_id.", nullable=False),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market.", nullable=False),
        Column("mode", "VARCHAR", "Shipping mode of the landed-cost row used.", nullable=False),
        Column("currency", "VARCHAR", "ISO 4217 currency of the prices (the market's)."),
        _share("target_margin", "Target unit margin / net revenue of the rung."),
        Column("exact_price", "DOUBLE", "Price at which the margin is exactly the target.", unit="currency"),
        Column(
            "local_price",
            "DOUBLE",
            "The exact price raised to the market's price ending (.99, .95, whole 10 yen, 100 won ...).",
            unit="currency",
        ),
        Column("unit_margin", "DOUBLE", "Unit margin at the local price.", unit="currency"),
        _share("margin_pct", "Unit margin / net revenue at the local price and today's FX."),
        _share(
            "margin_fx_m30",
            "Margin at the local price if the market currency falls 30% against the cost currency.",
        ),
        _share("margin_fx_m10", "Margin at the local price if the market currency falls 10%."),
        _share("margin_fx_p10", "Margin at the local price if the market currency rises 10%."),
        _share("margin_fx_p30", "Margin at the local price if the market currency rises 30%."),
        Column("current_price", "DOUBLE", "The price the landed-cost row was computed at.", unit="currency"),
        Column("as_of", "DATE", "Date of the rules and FX rates of the landed-cost row."),
    ),
)

WARNING_INDICATORS = Table(
    "warning_indicators",
    "Warning indicators with their latest value, the value before (trend), threshold and status, for the "
    "seller, a currency or a plan (product x market); formulas in docs/finance.md.",
    owner="finance",
    columns=(
        _RUN,
        Column("scope", "VARCHAR", "seller | currency | plan.", nullable=False),
        Column("subject", "VARCHAR", "all | the currency | product_id|market | the origin country."),
        Column("product_id", "VARCHAR", "products.product_id for plan rows."),
        Column("market", "VARCHAR", "Market for plan rows."),
        Column("indicator", "VARCHAR", "Indicator code (see docs/finance.md).", nullable=False),
        Column("period", "VARCHAR", "Month (YYYY-MM) of the value, when monthly."),
        Column("value", "DOUBLE", "Latest value (unit by indicator: fraction, days)."),
        Column("previous", "DOUBLE", "The value of the period before (trend)."),
        Column("threshold", "DOUBLE", "Threshold from settings."),
        Column("direction", "VARCHAR", "max = warn above the threshold, min = warn below."),
        Column("status", "VARCHAR", "ok | warn | no_data."),
        Column("text_en", "VARCHAR", "The indicator's name in English."),
        Column("text_zh", "VARCHAR", "The indicator's name in Chinese."),
        Column(
            "source_tables",
            "VARCHAR",
            "Warehouse tables the value is computed from (status no_data: what to fill).",
        ),
    ),
)

CASH_FLOWS = Table(
    "cash_flows",
    "The seller's 13-week cash flow: one row per week x line (purchases, freight, duties and import VAT, VAT, "
    "payouts, advertising, refunds, storage), plus the week's net and the closing balance (docs/finance.md).",
    owner="finance",
    columns=(
        _RUN,
        Column("week", "DATE", "Monday of the week.", nullable=False),
        Column("line", "VARCHAR", "payouts_history | payouts | purchase_deposits | purchase_balances | freight | "
               "duties_import_vat | vat_recovered | vat_output | advertising | refunds | storage | net | balance.", nullable=False),
        Column("amount", "DOUBLE", "Cash in (+) or out (-) in the week; for balance, cash at the week's end.",
               unit="currency"),
        Column("currency", "VARCHAR", "ISO 4217 currency of the flow (settings cash_currency, else the currency of most of the sales revenue)."),
        Column("estimated", "BOOLEAN", "TRUE when the line is estimated from plans and settings' timing; FALSE "
               "for payouts projected from settlement history."),
        Column("basis", "VARCHAR", "settlement_history | plan (inventory plans x landed costs) | ad_budget | ad_actual | sum."),
        Column("opening_balance", "DOUBLE", "Cash at the start (NULL: not set, the flow starts at 0).",
               unit="currency"),
        Column("floor", "DOUBLE", "The cash floor (settings cash_floor).", unit="currency"),
        Column("plan_scope", "VARCHAR", "Which inventory plans the flow launches: picks (the run's ranked "
               "opportunities that pass every gate) | all_plans (every plan priced by a landed cost)."),
        Column("plans_included", "INTEGER", "Number of inventory plans in the flow."),
        Column("supplier_terms_basis", "VARCHAR", "Whose payment terms the purchase lines use: quotes (every plan its "
               "supplier quote's, supplier_offers) | mixed | settings (supplier_deposit_share, supplier_payment_days)."),
        Column("plans_with_quote_terms", "INTEGER", "Plans paid on their supplier quote's terms."),
    ),
)  # fmt: skip


def _money(name: str, doc: str) -> Column:
    return Column(name, "DOUBLE", doc, unit="currency")


CASH_MODE_OPTIONS = Table(
    "cash_mode_options",
    "A plan of the 13-week cash flow re-priced with another shipping mode of its landed-cost rows: the unit "
    "margin and the plan's own cash with each mode (one row per run x plan x other mode; docs/finance.md).",
    owner="finance",
    columns=(
        _RUN,
        Column("product_id", "VARCHAR", "products.product_id.", nullable=False),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market.", nullable=False),
        Column("mode", "VARCHAR", "The plan's shipping mode (its inventory plan's landed-cost row).", nullable=False),
        Column("alt_mode", "VARCHAR", "The other mode priced.", nullable=False),
        Column("currency", "VARCHAR", "ISO 4217 currency of the money columns (the cash flow's)."),
        _money("unit_margin", "Unit margin with the plan's mode."),
        _money("alt_unit_margin", "Unit margin with the other mode."),
        _share("margin_pct", "Margin / net revenue with the plan's mode."),
        _share("alt_margin_pct", "Margin / net revenue with the other mode."),
        Column("lead_time_days", "DOUBLE", "The plan's lead time.", unit="days"),
        Column("alt_lead_time_days", "DOUBLE", "Lead time with the other mode: lead + its transit - the plan's "
               "transit (freight rules' midpoints).", unit="days"),
        _money("lowest_cash", "The plan's own lowest cumulative cash over the flow (from 0), with its mode."),
        _money("alt_lowest_cash", "The same with the other mode."),
        _money("end_cash", "The plan's own cumulative cash at the flow's end, with its mode."),
        _money("alt_end_cash", "The same with the other mode."),
        _money("cash_gain", "alt_lowest_cash - lowest_cash (> 0: the switch needs less cash)."),
        _money("end_gain", "alt_end_cash - end_cash."),
        Column("chosen", "BOOLEAN", "TRUE for the switch the change_mode lever applies: the other mode that "
               "raises the plan's lowest cash most while its unit margin stays positive."),
    ),
)  # fmt: skip

CASH_CAPACITY = Table(
    "cash_capacity",
    "How many of the run's picks, in rank order, the cash carries: the 13-week cash flow with the top k picks "
    "launched, for k = 0 (no pick: settlement payouts and ad plans only) to every pick (one row per run x k; "
    "docs/finance.md).",
    owner="finance",
    columns=(
        _RUN,
        Column("picks", "INTEGER", "k: the number of picks launched, the top k in rank order.", nullable=False),
        Column("product_id", "VARCHAR", "products.product_id of the k-th pick (NULL for k = 0)."),
        Column("market", "VARCHAR", "Market of the k-th pick (NULL for k = 0)."),
        Column("rank", "DOUBLE", "opportunities.rank of the k-th pick (NULL: k = 0, or a pick without a rank).",
               unit="rank"),
        Column("currency", "VARCHAR", "ISO 4217 currency of the money columns (the cash flow's)."),
        _money("lowest_balance", "Lowest week-end balance of the flow with the top k picks, from the opening balance."),
        Column("lowest_week", "DATE", "Monday of the week of that lowest balance."),
        _money("opening_needed", "Opening balance at which the flow with the top k picks never ends a week below "
               "the floor: floor - the lowest cumulated net from 0."),
        _money("headroom", "lowest_balance - floor (< 0: the flow goes below the floor)."),
        Column("breach_week", "DATE", "First week whose balance ends below the floor (NULL: none)."),
        Column("fits", "BOOLEAN", "TRUE when the flow with the top k picks stays at or above the floor."),
        Column("carried", "BOOLEAN", "TRUE when the flows with the top 1 .. k picks all fit: the cash carries k."),
        _money("opening_balance", "The flow's opening balance (NULL: not set, counted as 0)."),
        _money("floor", "The cash floor (settings cash_floor)."),
    ),
)  # fmt: skip

FX_HEDGES = Table(
    "fx_hedges",
    "FX hedges the seller holds (forward contracts), recorded with `xborder fx hedge add` or `xborder fx hedge load "
    "FILE`: one row per contract. `xborder fx exposure` and the hedge_cover indicator set them against the net "
    "exposure per currency.",
    owner="finance",
    role="input",
    primary_key=("hedge_id",),
    dated_by="maturity",
    columns=(
        Column(
            "hedge_id",
            "VARCHAR",
            "md5 (16 hex) of the contract's fields: the same contract loaded twice is one row.",
        ),
        Column("currency", "VARCHAR", "ISO 4217 currency hedged.", nullable=False),
        Column(
            "direction",
            "VARCHAR",
            "sell (covers receivables: the currency sold forward) | buy (covers payables).",
            nullable=False,
        ),
        Column(
            "amount", "DOUBLE", "Contract amount in the hedged currency.", unit="currency", nullable=False
        ),
        Column("maturity", "DATE", "Day the contract settles.", nullable=False),
        Column(
            "forward_rate",
            "DOUBLE",
            "Agreed rate, units of the seller's base currency per unit (NULL: not given).",
        ),
        Column(
            "trade_date", "DATE", "Day the contract was made (NULL: not given; counted open from any day)."
        ),
        Column("counterparty", "VARCHAR", "Bank or broker."),
        Column("reference", "VARCHAR", "The seller's contract reference."),
        Column("source", "VARCHAR", "File name, or 'command' for xborder fx hedge add."),
    ),
)

RUN_TABLES: tuple[Table, ...] = (
    PRICE_LADDERS,
    WARNING_INDICATORS,
    CASH_FLOWS,
    CASH_MODE_OPTIONS,
    CASH_CAPACITY,
)
"""The tables the finance stage writes per run."""
TABLES: tuple[Table, ...] = (*RUN_TABLES, FX_HEDGES)
"""Every finance table: the stage's ``writes`` (a run's clean re-run deletes only the run-scoped ones)."""
