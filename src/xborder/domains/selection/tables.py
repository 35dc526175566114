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
            "Opportunity score in [0, 1] (weighted sum or TOPSIS closeness of the normalised factors), among the assessed foreign candidates; NULL for not_assessed and home_baseline.",
            unit="0-1",
        ),
        Column(
            "rank",
            "INTEGER",
            "Position in the list shown (1 = best): ranked candidates first (diversified), then gated ones; NULL for not_assessed and home_baseline.",
            unit="rank",
        ),
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
            "Passes the profile's viability gates: margin after duty and fees (best shipping mode) >= min_margin_pct (default the target margin, 25%), expected 6-month units >= min_demand_6m, expected 6-month gross profit > min_gross_profit_6m; an unknown value fails its gate unless the profile's pass_unknown names it.",
        ),
        Column(
            "explanation",
            "JSON",
            "The explanation as message codes with arguments ([{code, args}], catalogue domains/selection/messages); explanation_en and explanation_zh are its rendering.",
            message=True,
        ),
        Column(
            "candidate_kind",
            "VARCHAR",
            "product (an existing product in a market) | niche (a category in a market: a new product to develop; product_id niche:<category>).",
        ),
        Column(
            "status",
            "VARCHAR",
            "ranked (assessed, passes the gates) | gated (assessed, fails a gate; ranked after the ranked ones) | not_assessed (a required item unknown; listed apart, no score or rank) | home_baseline (the seller's home market, the baseline; not ranked).",
        ),
        Column(
            "demand_source",
            "VARCHAR",
            "Where the expected demand comes from: forecast (statistical) | analogue (demand engine's pre-launch estimate) | listing (observed marketplace sales) | history (last 6 months only, no forecast) | none.",
        ),
        Column(
            "margin_source",
            "VARCHAR",
            "Where the margin comes from: quote (landed cost on a supplier quote) | estimate (on an estimated unit cost) | category (median of the category's costed products; niches) | none.",
        ),
        Column(
            "compliance_source",
            "VARCHAR",
            "assessed (the compliance engine answered for the pair) | category (for the category's products; niches) | none.",
        ),
        Column(
            "voice_source",
            "VARCHAR",
            "Customer voice: product (reviews of the product) | category (reviews of its category) | none.",
        ),
        Column(
            "competition_source",
            "VARCHAR",
            "Competition: listings (competitor listings) | reviews (review ratings of the market × category) | none.",
        ),
        Column(
            "missing",
            "JSON",
            "What is not known and the command that fills each item, as message codes ([{code, args: {command, ...}}], selection.missing.*).",
            message=True,
        ),
        Column(
            "risks",
            "JSON",
            "Facts that speak against the candidate, heaviest first, as message codes with their numbers and weight (the factor's share of the score): [{code, args: {..., weight}}], selection.risk.*.",
            message=True,
        ),
        Column(
            "gross_profit_6m",
            "DOUBLE",
            "Expected 6-month gross profit: expected units × unit margin after landed cost and fees − one-off compliance cost − launch cost (new markets), in profit_currency.",
            unit="profit_currency",
        ),
        Column(
            "profit_currency",
            "VARCHAR",
            "ISO 4217 currency of gross_profit_6m (the currency of most sales revenue).",
        ),
        Column(
            "home_market",
            "VARCHAR",
            "The seller's home market the candidate is compared with (setting home_markets, else the market with most sales).",
        ),
        Column(
            "home_demand_6m",
            "DOUBLE",
            "Expected 6-month units of the same product (or niche) in the home market.",
            unit="units",
        ),
        Column(
            "demand_transfer",
            "DOUBLE",
            "demand_6m / home_demand_6m: how much of the home demand the market is expected to reach.",
            unit="ratio",
        ),
        Column(
            "price_gap_pct",
            "DOUBLE",
            "Selling price in the market vs the home market, % (100 × (market / home − 1), both in profit_currency).",
            unit="%",
        ),
        Column(
            "ip_flag",
            "VARCHAR",
            "Famous trademark or franchise named in the title, or dominating the market's listings (brand/IP screen); NULL when none.",
        ),
        Column(
            "niche_units_6m",
            "DOUBLE",
            "Niches: expected 6-month units of the whole category in the market (demand_6m is a typical product's share).",
            unit="units",
        ),
        Column(
            "niche_products",
            "DOUBLE",
            "Niches: products (own, or listings) selling the category in the market.",
            unit="products",
        ),
        Column(
            "demand_estimate",
            "VARCHAR",
            "Listings: observed (the marketplace's own 'bought in past month' figure) | rank (estimated from the sales rank); NULL otherwise.",
        ),
        Column(
            "demand_6m_lo",
            "DOUBLE",
            "Rank-estimated demand: lower end of the 80% interval of demand_6m.",
            unit="units",
        ),
        Column(
            "demand_6m_hi",
            "DOUBLE",
            "Rank-estimated demand: upper end of the 80% interval of demand_6m.",
            unit="units",
        ),
        Column(
            "demand_error",
            "DOUBLE",
            "Rank-estimated demand: leave-one-out mean absolute percentage error of the rank → sales curve on the marketplace's known sales (NULL for the literature default curve).",
            unit="fraction",
        ),
        Column(
            "research",
            "BOOLEAN",
            "TRUE when the run had no own sales and ranked from marketplace data only (a research-only start): every number is an estimate.",
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
            "Factor group the profile weighs (demand_size, momentum, seasonality, competition, unit_economics, profit, compliance, logistics, customer_opportunity, volatility).",
        ),
        Column(
            "raw_value",
            "DOUBLE",
            "Value before normalisation, in unit; NULL when missing for this candidate (scored at the pessimistic quantile, setting missing_factor_quantile).",
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
    "Backtest of the list the selection shows: at each past cutoff the list rebuilt from what was known then (same profile, gates, weights, diversification), its top k and the baselines' k picks from the same pool, with what they realised over the next 6 months (xborder.domains.selection.backtest).",
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
            "The pool at the cutoff: assessed foreign candidates of the list (ranked + gated).",
            unit="candidates",
        ),
        Column("k", "INTEGER", "How many top picks were evaluated.", unit="picks", nullable=False),
        Column(
            "method",
            "VARCHAR",
            "xborder (the first k of the shown list) | best_sellers (most units in the 6 months before) | momentum | random.",
            nullable=False,
        ),
        Column(
            "success",
            "DOUBLE",
            "Share of the k picks whose growth (units next 6 months / units 6 months before) beat the pool's median (0-1).",
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
            "Revenue of the k picks in the 6 months after the cutoff (currency of the order lines; random: mean over draws).",
            unit="order-line currency",
        ),
        Column("weights", "JSON", "Group weights of the profile the list used, as JSON."),
        Column("picks", "INTEGER", "Picks actually made (k, or the pool when smaller).", unit="picks"),
        Column(
            "profitable",
            "DOUBLE",
            "Share of the picks whose realised 6-month gross profit (units × unit margin − compliance − launch) was > 0.",
            unit="fraction",
        ),
        Column(
            "grew",
            "DOUBLE",
            "Share of the picks that sold more units in the 6 months after the cutoff than in the 6 before.",
            unit="fraction",
        ),
        Column(
            "units_next", "DOUBLE", "Units the picks sold in the 6 months after the cutoff.", unit="units"
        ),
        Column(
            "units_expected", "DOUBLE", "The picks' demand_6m as shown at the cutoff, summed.", unit="units"
        ),
        Column(
            "gross_profit_next",
            "DOUBLE",
            "Realised 6-month gross profit of the picks, in profit_currency (unknown unit margins count 0).",
            unit="profit_currency",
        ),
        Column("profile", "VARCHAR", "The selection profile of the list."),
        Column("profit_currency", "VARCHAR", "ISO 4217 currency of gross_profit_next."),
    ),
)

TABLES: tuple[Table, ...] = (
    OPPORTUNITIES,
    OPPORTUNITY_FACTORS,
    RANK_SALES_CURVES,
    SELECTION_BACKTEST,
)
