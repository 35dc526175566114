"""The tables the risk stage writes, declared once (columns, types, units, meaning)."""

from __future__ import annotations

from xborder.domains.risk.event_tables import RISK_EVENTS
from xborder.schema.table import Column, Table

__all__ = [
    "STRESS_TESTS",
    "STRESS_DRIVERS",
    "RISK_REGISTER",
    "RULE_CHANGE_RATES",
    "RULE_CHANGE_ALERTS",
    "RISK_EVENTS",
    "TABLES",
]

_RUN = Column("run_id", "VARCHAR", "runs.run_id of the run that computed the row.", nullable=False)
_PRODUCT = Column("product_id", "VARCHAR", "products.product_id.", nullable=False)
_MARKET = Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market.", nullable=False)
_MODE = Column("mode", "VARCHAR", "Shipping mode of the plan (the landed-cost row with the best margin).")
_CCY = Column("currency", "VARCHAR", "ISO 4217 currency of the money columns (the market's).")


def _share(name: str, doc: str) -> Column:
    return Column(name, "DOUBLE", doc, unit="fraction")


STRESS_TESTS = Table(
    "stress_tests",
    "Monte Carlo stress test of a product x market plan (one consignment bought up front, sold over the horizon) "
    "under freight, FX, duty, demand, fee and lead-time shocks: probability of loss and the plan-margin "
    "distribution (one row per run x product x market).",
    owner="risk",
    columns=(
        _RUN, _PRODUCT, _MARKET, _MODE, _CCY,
        Column("units", "DOUBLE", "Planned units (the landed-cost row's consignment).", unit="units"),
        Column("draws", "INTEGER", "Monte Carlo draws (the same draws for every plan of the run)."),
        _share("p_loss", "Probability that the plan loses money."),
        _share("mc_error", "Standard error of p_loss."),
        _share("base_margin", "Plan profit / planned net revenue without shocks (the unit margin %)."),
        _share("mean_margin", "Mean plan margin over the draws."),
        _share("p05", "5th percentile of plan margin."),
        _share("p25", "25th percentile of plan margin."),
        _share("p50", "Median plan margin."),
        _share("p75", "75th percentile of plan margin."),
        _share("p95", "95th percentile of plan margin."),
        Column("expected_profit", "DOUBLE", "Mean profit per planned unit.", unit="currency"),
    ),
)  # fmt: skip

STRESS_DRIVERS = Table(
    "stress_drivers",
    "Per plan and stress driver: the driver's break-even value alone and its first-order variance share.",
    owner="risk",
    columns=(
        _RUN, _PRODUCT, _MARKET,
        Column("driver", "VARCHAR", "freight | fx | duty | demand | fee | delay.", nullable=False),
        Column(
            "break_even",
            "DOUBLE",
            "Driver value alone at which the plan breaks even: freight multiplier, FX move (fraction), duty "
            "change (rate points as a fraction), sold share of plan, fee rise (fraction), delay (weeks). "
            "NULL when the plan loses without a shock.",
        ),
        _share("first_order", "First-order variance share of plan profit (binning estimator, 20 bins)."),
    ),
)  # fmt: skip

RISK_REGISTER = Table(
    "risk_register",
    "Risk register of a product x market plan: probability x money impact x controllability, response level "
    "L1-L4 with its deadline and owner (one row per run x product x market x category).",
    owner="risk",
    columns=(
        _RUN, _PRODUCT, _MARKET, _MODE, _CCY,
        Column("category", "VARCHAR", "compliance | platform | fx | logistics | demand | supply | ip_brand | data.", nullable=False),
        _share("probability", "Probability of the event in the next 12 months."),
        Column("probability_basis", "VARCHAR", "rule_base | ecb_history | prior (settings) | estimated_inputs (data: the settings' prior when the row rests on estimates)."),
        Column("impact", "DOUBLE", "Money lost on the plan if it happens.", unit="currency"),
        Column("expected_loss", "DOUBLE", "probability x impact.", unit="currency"),
        _share("controllability", "What the seller can do about it (0 none .. 1 fully), from settings."),
        Column("priority", "DOUBLE", "expected_loss x (1 - controllability / 2).", unit="currency"),
        Column("level", "VARCHAR", "Response level L1 (most urgent) .. L4."),
        Column("response_hours", "INTEGER", "Response deadline of the level (settings).", unit="hours"),
        Column("owner", "VARCHAR", "Team that answers for the risk."),
        Column("reputation", "VARCHAR", "Reputation impact of the category: high | medium | low | none (listing "
               "standing, ratings, account health; docs/risk.md)."),
    ),
)  # fmt: skip

RULE_CHANGE_RATES = Table(
    "rule_change_rates",
    "How often a market's money rules (duty, VAT/GST, low-value, platform fees) changed per year in the dated "
    "rule base, and the chance of a change in the next 12 months (one row per run x family x rule market).",
    owner="risk",
    columns=(
        _RUN,
        Column("family", "VARCHAR", "duty | vat | low_value | platform_fee.", nullable=False),
        Column("market", "VARCHAR", "Rule-base market code (a country, EU ...).", nullable=False),
        Column("changes", "INTEGER", "Dated changes in the window."),
        Column("years", "DOUBLE", "Window length (from the first recorded rule, at most the settings' years).", unit="years"),
        Column("rate_per_year", "DOUBLE", "changes / years."),
        _share("p_change_12m", "1 - exp(-rate_per_year)."),
    ),
)  # fmt: skip

RULE_CHANGE_ALERTS = Table(
    "rule_change_alerts",
    "Money rules that start after the run's date, with the plans they hit (their landed cost used the rule "
    "replaced) and the unit margin change at today's price (one row per run x rule x product x market x mode).",
    owner="risk",
    columns=(
        _RUN,
        Column("rule_id", "VARCHAR", "The new rule (rule base).", nullable=False),
        Column("old_rule_id", "VARCHAR", "The rule it replaces."),
        Column("family", "VARCHAR", "duty | vat | low_value | platform_fee."),
        _MARKET, _PRODUCT, _MODE, _CCY,
        Column("valid_from", "DATE", "Day the new rule holds from."),
        Column("days_ahead", "INTEGER", "Days from the run's date to valid_from.", unit="days"),
        Column("old_rate", "DOUBLE", "Rate of the replaced rule (its table's rate column)."),
        Column("rate", "DOUBLE", "Rate of the new rule."),
        Column("unit_margin", "DOUBLE", "Unit margin today.", unit="currency"),
        Column("margin_change", "DOUBLE", "Change of unit margin when the rule applies (NULL: not priced).", unit="currency"),
        _share("margin_pct_after", "Unit margin / net revenue after the change."),
    ),
)  # fmt: skip

TABLES: tuple[Table, ...] = (
    STRESS_TESTS,
    STRESS_DRIVERS,
    RISK_REGISTER,
    RULE_CHANGE_RATES,
    RULE_CHANGE_ALERTS,
    RISK_EVENTS,
)
