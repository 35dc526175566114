"""The tables the selection stage writes, declared once (columns, types, units, meaning)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = ["OPPORTUNITIES", "OPPORTUNITY_FACTORS", "RANK_SALES_CURVES", "SELECTION_BACKTEST", "TABLES"]

OPPORTUNITIES = Table(
    "opportunities",
    "One row per product × market candidate of a selection run, with its score, rank and explanation (docs/selection.md).",
    owner="selection",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the selection run.", nullable=False),
        Column("product_id", "VARCHAR", "products.product_id.", nullable=False),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market.", nullable=False),
        Column("category", "VARCHAR", "xborder category id of the product."),
        Column("title", "VARCHAR", "Product title, for display."),
        Column(
            "score",
            "DOUBLE",
            "Opportunity score in [0, 1] (weighted sum or TOPSIS closeness of the normalised factors).",
            unit="0-1",
        ),
        Column("rank", "INTEGER", "Rank of the score within the run (1 = best).", unit="rank"),
        Column(
            "profile",
            "VARCHAR",
            "Weight profile used (balanced, low-risk, high-growth, low-capital or a user file).",
        ),
        Column("method", "VARCHAR", "weighted_sum | topsis."),
        Column(
            "sold_before",
            "BOOLEAN",
            "TRUE when the product already sold in this market; FALSE for a new market.",
        ),
        Column(
            "demand_6m",
            "DOUBLE",
            "Demand over the next 6 months, units (forecast, or last 6 months of sales when no forecast).",
            unit="units",
        ),
        Column(
            "margin_pct",
            "DOUBLE",
            "Landed-cost margin after duty, tax and fees, % of price (NULL when unknown).",
            unit="%",
        ),
        Column(
            "compliance_items",
            "INTEGER",
            "Mandatory compliance items (certifications, registrations) for the market.",
            unit="items",
        ),
        Column(
            "time_to_market_days",
            "DOUBLE",
            "Estimated days before the product can be sold there (compliance lead time).",
            unit="days",
        ),
        Column(
            "budget_needed",
            "DOUBLE",
            "Cash needed to start: compliance cost + landed cost of the first month of forecast units.",
            unit="currency",
        ),
        Column("budget_currency", "VARCHAR", "ISO 4217 currency of budget_needed."),
        Column(
            "top_rank_stability",
            "DOUBLE",
            "Share of ±20% weight perturbations under which the candidate stays in the top k (NULL outside the top k).",
            unit="fraction",
        ),
        Column("explanation_en", "VARCHAR", "Short explanation of the score in English."),
        Column("explanation_zh", "VARCHAR", "Short explanation of the score in Simplified Chinese."),
        Column(
            "viable",
            "BOOLEAN",
            "Passes the profile's viability gate: margin after duty and fees (best shipping mode) >= the profile's min_margin_pct (default 0%); unknown margin passes. Non-viable candidates rank after all viable ones.",
        ),
        Column(
            "explanation",
            "JSON",
            "The explanation as message codes with arguments ([{code, args}], catalogue domains/selection/messages); explanation_en and explanation_zh are its rendering.",
            message=True,
        ),
    ),
)

OPPORTUNITY_FACTORS = Table(
    "opportunity_factors",
    "Every factor behind every opportunity score: raw value with unit, normalised value, weight and contribution.",
    owner="selection",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the selection run.", nullable=False),
        Column("product_id", "VARCHAR", "products.product_id.", nullable=False),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market.", nullable=False),
        Column("factor", "VARCHAR", "Factor name (docs/selection.md lists them all).", nullable=False),
        Column(
            "factor_group",
            "VARCHAR",
            "Factor group the profile weighs (demand_size, momentum, seasonality, competition, unit_economics, compliance, logistics, customer_opportunity, volatility).",
        ),
        Column(
            "raw_value",
            "DOUBLE",
            "Value before normalisation, in unit; NULL when missing for this candidate (normalised to the neutral 0.5).",
            unit="the row's unit column",
        ),
        Column("unit", "VARCHAR", "Unit of raw_value."),
        Column(
            "normalised",
            "DOUBLE",
            "Normalised value in [0, 1], larger is better (cost factors are reversed).",
            unit="0-1",
        ),
        Column(
            "weight",
            "DOUBLE",
            "Weight of the factor after redistributing the weight of unavailable factors (sums to 1).",
            unit="fraction",
        ),
        Column(
            "contribution",
            "DOUBLE",
            "Part of the score due to this factor (weight × normalised for the weighted sum).",
            unit="0-1",
        ),
        Column("source_table", "VARCHAR", "Warehouse table(s) the raw value came from."),
    ),
)

RANK_SALES_CURVES = Table(
    "rank_sales_curves",
    "Rank → sales power laws log(units) = intercept − slope · log(rank) per marketplace × rank category.",
    owner="selection",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the selection run that fitted it."),
        Column("marketplace_id", "VARCHAR", "marketplaces.marketplace_id (amazon.IT, ...).", nullable=False),
        Column(
            "rank_category",
            "VARCHAR",
            "Category the rank is in (as the marketplace names it); * for all.",
            nullable=False,
        ),
        Column(
            "intercept",
            "DOUBLE",
            "Intercept of the log-log fit (natural logs).",
            unit="log units",
            nullable=False,
        ),
        Column(
            "slope",
            "DOUBLE",
            "Slope β1 > 0: units fall as rank^−β1.",
            unit="log units per log rank",
            nullable=False,
        ),
        Column("period", "VARCHAR", "Period of the units: month | week.", nullable=False),
        Column(
            "n_obs",
            "INTEGER",
            "Observations with known sales the curve was fitted on (0 for a literature default).",
            unit="observations",
        ),
        Column(
            "mape",
            "DOUBLE",
            "Leave-one-out mean absolute percentage error of the fitted units, 0-1 (NULL for a default).",
            unit="fraction",
        ),
        Column(
            "log_resid_sd",
            "DOUBLE",
            "Standard deviation of log residuals (gives the prediction interval).",
            unit="log units",
        ),
        Column("source", "VARCHAR", "calibrated | default (Brynjolfsson, Hu & Smith 2003).", nullable=False),
        Column("fitted_at", "TIMESTAMP", "When the curve was fitted (UTC)."),
    ),
)

SELECTION_BACKTEST = Table(
    "selection_backtest",
    "Backtested selection success rate: at each past cutoff the top-k picks of each method, and the share that grew faster than the median candidate over the next 6 months (xborder.domains.selection.backtest).",
    owner="selection",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the pipeline run.", nullable=False),
        Column(
            "cutoff",
            "VARCHAR",
            "Month (YYYY-MM) the picks were made at, using only data before it.",
            nullable=False,
        ),
        Column(
            "candidates",
            "INTEGER",
            "Product × market candidates at the cutoff (enough units sold in the 6 months before).",
            unit="candidates",
        ),
        Column("k", "INTEGER", "How many top picks were evaluated.", unit="picks", nullable=False),
        Column(
            "method",
            "VARCHAR",
            "xborder (the selection score, weights calibrated on earlier cutoffs) | best_sellers | momentum | random.",
            nullable=False,
        ),
        Column(
            "success",
            "DOUBLE",
            "Share of the k picks whose 6-month growth beat the median candidate (0-1).",
            unit="fraction",
        ),
        Column(
            "success_lo95",
            "DOUBLE",
            "Random picks only: 2.5% quantile of the success share over 2,000 draws.",
            unit="fraction",
        ),
        Column(
            "success_hi95",
            "DOUBLE",
            "Random picks only: 97.5% quantile of the success share over 2,000 draws.",
            unit="fraction",
        ),
        Column(
            "revenue_next",
            "DOUBLE",
            "Revenue of the k picks in the 6 months after the cutoff (currency of the order lines).",
            unit="order-line currency",
        ),
        Column("weights", "JSON", "Factor weights the xborder score used at this cutoff, as JSON."),
    ),
)

TABLES: tuple[Table, ...] = (
    OPPORTUNITIES,
    OPPORTUNITY_FACTORS,
    RANK_SALES_CURVES,
    SELECTION_BACKTEST,
)
