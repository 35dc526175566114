"""The tables the customers stage writes, declared once (columns, types, units, meaning)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = [
    "CUSTOMER_SCORES",
    "CUSTOMER_SEGMENTS",
    "CUSTOMER_COHORTS",
    "CUSTOMER_PRODUCTS",
    "CUSTOMER_MODELS",
    "CUSTOMER_BACKTEST",
    "CUSTOMER_CALIBRATION",
    "TABLES",
]

_RUN = Column("run_id", "VARCHAR", "runs.run_id of the customers run.", nullable=False)
_SOURCE = Column(
    "source", "VARCHAR", "order_lines.source: one shop's data (models are fitted per source).", nullable=False
)
_MARKET = "ISO 3166-1 alpha-2 buyer country of the customer's first purchase."
_HORIZON = Column(
    "horizon_days", "INTEGER", "Length of the forecast period of the expected columns.", unit="days"
)

CUSTOMER_SCORES = Table(
    "customer_scores",
    "One row per customer (pseudonymous key) per customers run: RFM facts and scores, segment, and the "
    "BG/NBD and Gamma-Gamma expectations over the horizon (docs/customers.md).",
    owner="customers",
    columns=(
        _RUN,
        _SOURCE,
        Column(
            "customer_key",
            "VARCHAR",
            "order_lines.customer_key (keyed hash; never a raw id).",
            personal=True,
            nullable=False,
        ),  # fmt: skip
        Column("market", "VARCHAR", _MARKET),
        Column(
            "currency",
            "VARCHAR",
            "ISO 4217 currency of the customer's first purchase; values below are in it.",
        ),
        Column("first_purchase", "DATE", "Day of the first purchase."),
        Column("last_purchase", "DATE", "Day of the last purchase."),
        Column(
            "purchases",
            "INTEGER",
            "Days with a purchase (several orders on one day are one purchase).",
            unit="purchases",
        ),  # fmt: skip
        Column(
            "recency_days",
            "INTEGER",
            "Days from the last purchase to the end of the source's data.",
            unit="days",
        ),
        Column(
            "total_value",
            "DOUBLE",
            "Value bought (sold product lines, quantity × unit price).",
            unit="currency",
        ),
        Column(
            "mean_repeat_value",
            "DOUBLE",
            "Mean value of the repeat purchases (all but the first); NULL without any.",
            unit="currency",
        ),  # fmt: skip
        Column("r_score", "TINYINT", "Recency score 1..5 within the source (5 = most recent)."),
        Column("f_score", "TINYINT", "Frequency score 1..5 within the source (5 = most purchases)."),
        Column("m_score", "TINYINT", "Monetary score 1..5 within the source (5 = most value)."),
        Column("segment", "VARCHAR", "high_value | potential | at_risk | lost (rule in docs/customers.md)."),
        Column(
            "p_alive",
            "DOUBLE",
            "BG/NBD probability that the customer is still active; NULL without a model.",
            unit="fraction",
        ),  # fmt: skip
        Column("p_buy", "DOUBLE", "P(a purchase within horizon_days) (BG/NBD); rank by it.", unit="fraction"),
        Column(
            "expected_purchases",
            "DOUBLE",
            "BG/NBD expected purchases in the next horizon_days.",
            unit="purchases",
        ),  # fmt: skip
        Column("expected_spend", "DOUBLE", "Gamma-Gamma expected value of one purchase.", unit="currency"),
        Column(
            "expected_value", "DOUBLE", "expected_purchases × expected_spend (undiscounted).", unit="currency"
        ),
        _HORIZON,
    ),
)

CUSTOMER_SEGMENTS = Table(
    "customer_segments",
    "One row per source × market × RFM segment × currency per customers run (all four segments, zeros "
    "included): how many customers, what they bought and are expected to buy.",
    owner="customers",
    columns=(
        _RUN,
        _SOURCE,
        Column("market", "VARCHAR", _MARKET),
        Column("segment", "VARCHAR", "high_value | potential | at_risk | lost."),
        Column("currency", "VARCHAR", "ISO 4217 currency of the value columns."),
        Column("customers", "INTEGER", "Customers in the segment.", unit="customers"),
        Column(
            "share",
            "DOUBLE",
            "Share of the market's customers (of the source) in the segment.",
            unit="fraction",
        ),
        Column("mean_recency_days", "DOUBLE", "Mean days since the last purchase.", unit="days"),
        Column("mean_purchases", "DOUBLE", "Mean purchases per customer.", unit="purchases"),
        Column("total_value", "DOUBLE", "Value bought by the segment.", unit="currency"),
        Column("mean_p_alive", "DOUBLE", "Mean BG/NBD probability of being active.", unit="fraction"),
        Column("mean_p_buy", "DOUBLE", "Mean P(a purchase within horizon_days).", unit="fraction"),
        Column(
            "expected_purchases",
            "DOUBLE",
            "Expected purchases of the segment in the horizon.",
            unit="purchases",
        ),
        Column("expected_value", "DOUBLE", "Expected value of the segment in the horizon.", unit="currency"),
        Column("expected_value_per_customer", "DOUBLE", "expected_value / customers.", unit="currency"),
        _HORIZON,
    ),
)

CUSTOMER_COHORTS = Table(
    "customer_cohorts",
    "Cohort retention per customers run: of the customers whose first purchase fell in cohort_month (per "
    "source × market), how many bought in the month months_since later.",
    owner="customers",
    columns=(
        _RUN,
        _SOURCE,
        Column("market", "VARCHAR", _MARKET),
        Column("cohort_month", "DATE", "First day of the month of the cohort's first purchases."),
        Column(
            "months_since", "INTEGER", "Months after the cohort month (0 = the cohort month).", unit="months"
        ),
        Column("cohort_customers", "INTEGER", "Customers in the cohort.", unit="customers"),
        Column(
            "active_customers", "INTEGER", "Cohort customers with a purchase in that month.", unit="customers"
        ),
        Column("retention", "DOUBLE", "active_customers / cohort_customers.", unit="fraction"),
    ),
)

CUSTOMER_PRODUCTS = Table(
    "customer_products",
    "One row per source × product × market (buyer country of the line) × currency per customers run: the "
    "product's buyers, their repurchases, segment mix and expected value.",
    owner="customers",
    columns=(
        _RUN,
        _SOURCE,
        Column("product_id", "VARCHAR", "products.product_id.", nullable=False),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 buyer country of the lines."),
        Column("currency", "VARCHAR", "ISO 4217 currency of the buyers' values."),
        Column("buyers", "INTEGER", "Customers who bought the product in the market.", unit="customers"),
        Column(
            "repeat_buyers", "INTEGER", "Buyers who bought the product on two days or more.", unit="customers"
        ),
        Column("repurchase_rate", "DOUBLE", "repeat_buyers / buyers.", unit="fraction"),
        Column(
            "returning_buyers",
            "INTEGER",
            "Buyers with any purchase after their first purchase of the product.",
            unit="customers",
        ),  # fmt: skip
        Column("returning_rate", "DOUBLE", "returning_buyers / buyers.", unit="fraction"),
        Column("high_value", "INTEGER", "Buyers in the high value segment.", unit="customers"),
        Column("potential", "INTEGER", "Buyers in the potential segment.", unit="customers"),
        Column("at_risk", "INTEGER", "Buyers in the at risk segment.", unit="customers"),
        Column("lost", "INTEGER", "Buyers in the lost segment.", unit="customers"),
        Column("mean_p_alive", "DOUBLE", "Mean BG/NBD probability that a buyer is active.", unit="fraction"),
        Column(
            "mean_p_buy", "DOUBLE", "Mean P(a purchase within horizon_days) of the buyers.", unit="fraction"
        ),
        Column(
            "expected_value_per_buyer",
            "DOUBLE",
            "Mean expected value of a buyer over the horizon (all products of the shop).",
            unit="currency",
        ),  # fmt: skip
        Column("expected_value", "DOUBLE", "Expected value of all buyers over the horizon.", unit="currency"),
        _HORIZON,
    ),
)

CUSTOMER_MODELS = Table(
    "customer_models",
    "One row per source per customers run: whether its orders carry customer keys, the BG/NBD and "
    "Gamma-Gamma estimates (time unit: week) and a holdout check of the purchase forecast.",
    owner="customers",
    columns=(
        _RUN,
        _SOURCE,
        Column("status", "VARCHAR", "fitted | spend_not_fitted | too_few_customers | no_customer_keys."),
        Column("sold_lines", "BIGINT", "Sold product order lines of the source.", unit="lines"),
        Column("keyed_lines", "BIGINT", "Of them, lines with a customer key.", unit="lines"),
        Column("observed_from", "DATE", "First order day of the source."),
        Column(
            "observed_until",
            "DATE",
            "Last order day of the source (the end of every customer's observation).",
        ),
        Column(
            "customers",
            "INTEGER",
            "Keyed customers whose first purchase lies before the last day (the ones the models see).",
            unit="customers",
        ),  # fmt: skip
        Column(
            "repeat_customers", "INTEGER", "Customers with at least one repeat purchase.", unit="customers"
        ),
        Column("r", "DOUBLE", "BG/NBD: shape of the Gamma distribution of purchase rates."),
        Column("alpha", "DOUBLE", "BG/NBD: scale of the Gamma distribution of purchase rates.", unit="weeks"),
        Column("a", "DOUBLE", "BG/NBD: first shape of the Beta distribution of drop-out probabilities."),
        Column("b", "DOUBLE", "BG/NBD: second shape of the Beta distribution of drop-out probabilities."),
        Column("bgnbd_log_likelihood", "DOUBLE", "BG/NBD log-likelihood at the estimate."),
        Column("p", "DOUBLE", "Gamma-Gamma: shape of one customer's purchase values."),
        Column("q", "DOUBLE", "Gamma-Gamma: shape of the distribution of the customers' scale."),
        Column(
            "gamma",
            "DOUBLE",
            "Gamma-Gamma: scale of the distribution of the customers' scale.",
            unit="currency",
        ),
        Column("spend_log_likelihood", "DOUBLE", "Gamma-Gamma log-likelihood at the estimate."),
        Column(
            "frequency_spend_correlation",
            "DOUBLE",
            "Correlation of repeat purchases and mean spend among "
            "repeat customers (Gamma-Gamma assumes about 0).",
        ),  # fmt: skip
        Column("holdout_days", "INTEGER", "Days held out at the end of the data for the check.", unit="days"),
        Column(
            "holdout_actual",
            "DOUBLE",
            "Purchases of the calibration customers in the holdout.",
            unit="purchases",
        ),
        Column(
            "holdout_predicted",
            "DOUBLE",
            "BG/NBD (fitted without the holdout) forecast of them.",
            unit="purchases",
        ),
        Column(
            "holdout_correlation",
            "DOUBLE",
            "Correlation of forecast and actual holdout purchases per customer.",
        ),
        Column(
            "notes",
            "JSON",
            "Message codes with their numbers (why no model, assumption checks).",
            message=True,
        ),
        Column("notes_en", "VARCHAR", "The notes in English."),
        Column("notes_zh", "VARCHAR", "The notes in Chinese."),
        Column(
            "holdout_purchases_last_period",
            "DOUBLE",
            "Naive forecast of the holdout purchases: the same customers' purchases in as many days before it.",
            unit="purchases",
        ),  # fmt: skip
        Column(
            "holdout_currency", "VARCHAR", "Currency of the holdout value columns (that of most customers)."
        ),
        Column(
            "holdout_value_actual",
            "DOUBLE",
            "Net value bought by the calibration customers (of holdout_currency) in the holdout.",
            unit="currency",
        ),  # fmt: skip
        Column(
            "holdout_value_predicted",
            "DOUBLE",
            "BG/NBD × Gamma-Gamma (fitted without the holdout) forecast of it.",
            unit="currency",
        ),  # fmt: skip
        Column(
            "holdout_value_last_period",
            "DOUBLE",
            "Naive forecast of it: the same customers' value in as many days before the holdout.",
            unit="currency",
        ),  # fmt: skip
        Column(
            "holdout_top_capture",
            "DOUBLE",
            "Share of the holdout value bought by the 20% of customers the models rank highest.",
            unit="fraction",
        ),  # fmt: skip
        Column(
            "holdout_top_capture_last_period",
            "DOUBLE",
            "The same for the 20% ranked highest by their value in the period before.",
            unit="fraction",
        ),  # fmt: skip
        Column(
            "holdout_top_capture_best",
            "DOUBLE",
            "The most any 20% of the customers bought (the ceiling of the two above).",
            unit="fraction",
        ),  # fmt: skip
    ),
)

CUSTOMER_BACKTEST = Table(
    "customer_backtest",
    "One row per source × segment (at the start of the holdout) × market × currency per customers run: "
    "what the calibration customers bought in the holdout against the models' forecast and the naive "
    "'same as the period before' forecast (docs/customers.md, Lifetime value on a held-out period).",
    owner="customers",
    columns=(
        _RUN,
        _SOURCE,
        Column("holdout_days", "INTEGER", "Days held out at the end of the source's data.", unit="days"),
        Column(
            "calibration_until", "DATE", "Last day the models were fitted on (the holdout starts after it)."
        ),
        Column("segment", "VARCHAR", "RFM segment of the customers on calibration_until."),
        Column("market", "VARCHAR", _MARKET),
        Column("currency", "VARCHAR", "ISO 4217 currency of the customers' values."),
        Column("customers", "INTEGER", "Calibration customers.", unit="customers"),
        Column("buyers", "INTEGER", "Of them, customers with a purchase in the holdout.", unit="customers"),
        Column("mean_p_alive", "DOUBLE", "Mean BG/NBD P(alive) on calibration_until.", unit="fraction"),
        Column(
            "expected_buyers",
            "DOUBLE",
            "Sum of P(a purchase in the holdout): buyers forecast.",
            unit="customers",
        ),
        Column("actual_purchases", "DOUBLE", "Purchases in the holdout.", unit="purchases"),
        Column("model_purchases", "DOUBLE", "BG/NBD forecast of them.", unit="purchases"),
        Column("last_period_purchases", "DOUBLE", "Purchases in as many days before.", unit="purchases"),
        Column("actual_value", "DOUBLE", "Net value bought in the holdout.", unit="currency"),
        Column("model_value", "DOUBLE", "BG/NBD × Gamma-Gamma forecast of it.", unit="currency"),
        Column("last_period_value", "DOUBLE", "Net value bought in as many days before.", unit="currency"),
    ),
)

CUSTOMER_CALIBRATION = Table(
    "customer_calibration",
    "One row per source × ranking (p_buy: P(a purchase in the holdout); p_alive) × tenth of the calibration "
    "customers ranked by it per customers run: mean prediction against the share who bought in the holdout "
    "(docs/customers.md, Calibration).",
    owner="customers",
    columns=(
        _RUN,
        _SOURCE,
        Column("holdout_days", "INTEGER", "Days held out at the end of the source's data.", unit="days"),
        Column("ranking", "VARCHAR", "p_buy | p_alive: the probability the customers are ranked by."),
        Column("decile", "INTEGER", "Tenth of the customers by the ranking: 1 lowest, 10 highest."),
        Column("customers", "INTEGER", "Customers in the tenth.", unit="customers"),
        Column(
            "one_time_buyers", "INTEGER", "Of them, without a repeat purchase at the cut.", unit="customers"
        ),
        Column("mean_p_alive", "DOUBLE", "Mean BG/NBD P(alive) at the cut.", unit="fraction"),
        Column("mean_p_buy", "DOUBLE", "Mean P(a purchase in the holdout).", unit="fraction"),
        Column("buyers", "INTEGER", "Customers with a purchase in the holdout.", unit="customers"),
        Column("bought_share", "DOUBLE", "buyers / customers.", unit="fraction"),
        Column("model_purchases", "DOUBLE", "BG/NBD forecast of the holdout purchases.", unit="purchases"),
        Column("actual_purchases", "DOUBLE", "Purchases in the holdout.", unit="purchases"),
    ),
)

TABLES = (
    CUSTOMER_SCORES,
    CUSTOMER_SEGMENTS,
    CUSTOMER_COHORTS,
    CUSTOMER_PRODUCTS,
    CUSTOMER_MODELS,
    CUSTOMER_BACKTEST,
    CUSTOMER_CALIBRATION,
)
