-- Selection: ranked product × market opportunities, every factor behind each score, rank→sales curves.
CREATE TABLE opportunities (
    run_id VARCHAR NOT NULL,
    product_id VARCHAR NOT NULL,
    market VARCHAR NOT NULL,
    category VARCHAR,
    title VARCHAR,
    score DOUBLE,
    rank INTEGER,
    profile VARCHAR,
    method VARCHAR,
    sold_before BOOLEAN,
    demand_6m DOUBLE,
    margin_pct DOUBLE,
    compliance_items INTEGER,
    time_to_market_days DOUBLE,
    budget_needed DOUBLE,
    budget_currency VARCHAR,
    top_rank_stability DOUBLE,
    explanation_en VARCHAR,
    explanation_zh VARCHAR
);
COMMENT ON TABLE opportunities IS 'One row per product × market candidate of a selection run, with its score, rank and explanation (docs/selection.md).';
COMMENT ON COLUMN opportunities.run_id IS 'runs.run_id of the selection run.';
COMMENT ON COLUMN opportunities.product_id IS 'products.product_id.';
COMMENT ON COLUMN opportunities.market IS 'ISO 3166-1 alpha-2 market.';
COMMENT ON COLUMN opportunities.category IS 'xborder category id of the product.';
COMMENT ON COLUMN opportunities.title IS 'Product title, for display.';
COMMENT ON COLUMN opportunities.score IS 'Opportunity score in [0, 1] (weighted sum or TOPSIS closeness of the normalised factors).';
COMMENT ON COLUMN opportunities.rank IS 'Rank of the score within the run (1 = best).';
COMMENT ON COLUMN opportunities.profile IS 'Weight profile used (balanced, low-risk, high-growth, low-capital or a user file).';
COMMENT ON COLUMN opportunities.method IS 'weighted_sum | topsis.';
COMMENT ON COLUMN opportunities.sold_before IS 'TRUE when the product already sold in this market; FALSE for a new market.';
COMMENT ON COLUMN opportunities.demand_6m IS 'Demand over the next 6 months, units (forecast, or last 6 months of sales when no forecast).';
COMMENT ON COLUMN opportunities.margin_pct IS 'Landed-cost margin after duty, tax and fees, % of price (NULL when unknown).';
COMMENT ON COLUMN opportunities.compliance_items IS 'Mandatory compliance items (certifications, registrations) for the market.';
COMMENT ON COLUMN opportunities.time_to_market_days IS 'Estimated days before the product can be sold there (compliance lead time).';
COMMENT ON COLUMN opportunities.budget_needed IS 'Cash needed to start: compliance cost + landed cost of the first month of forecast units.';
COMMENT ON COLUMN opportunities.budget_currency IS 'ISO 4217 currency of budget_needed.';
COMMENT ON COLUMN opportunities.top_rank_stability IS 'Share of ±20% weight perturbations under which the candidate stays in the top k (NULL outside the top k).';
COMMENT ON COLUMN opportunities.explanation_en IS 'Short explanation of the score in English.';
COMMENT ON COLUMN opportunities.explanation_zh IS 'Short explanation of the score in Simplified Chinese.';

CREATE TABLE opportunity_factors (
    run_id VARCHAR NOT NULL,
    product_id VARCHAR NOT NULL,
    market VARCHAR NOT NULL,
    factor VARCHAR NOT NULL,
    factor_group VARCHAR,
    raw_value DOUBLE,
    unit VARCHAR,
    normalised DOUBLE,
    weight DOUBLE,
    contribution DOUBLE,
    source_table VARCHAR
);
COMMENT ON TABLE opportunity_factors IS 'Every factor behind every opportunity score: raw value with unit, normalised value, weight and contribution.';
COMMENT ON COLUMN opportunity_factors.run_id IS 'runs.run_id of the selection run.';
COMMENT ON COLUMN opportunity_factors.product_id IS 'products.product_id.';
COMMENT ON COLUMN opportunity_factors.market IS 'ISO 3166-1 alpha-2 market.';
COMMENT ON COLUMN opportunity_factors.factor IS 'Factor name (docs/selection.md lists them all).';
COMMENT ON COLUMN opportunity_factors.factor_group IS 'Factor group the profile weighs (demand_size, momentum, seasonality, competition, unit_economics, compliance, logistics, customer_opportunity, volatility).';
COMMENT ON COLUMN opportunity_factors.raw_value IS 'Value before normalisation, in unit; NULL when missing for this candidate (normalised to the neutral 0.5).';
COMMENT ON COLUMN opportunity_factors.unit IS 'Unit of raw_value.';
COMMENT ON COLUMN opportunity_factors.normalised IS 'Normalised value in [0, 1], larger is better (cost factors are reversed).';
COMMENT ON COLUMN opportunity_factors.weight IS 'Weight of the factor after redistributing the weight of unavailable factors (sums to 1).';
COMMENT ON COLUMN opportunity_factors.contribution IS 'Part of the score due to this factor (weight × normalised for the weighted sum).';
COMMENT ON COLUMN opportunity_factors.source_table IS 'Warehouse table(s) the raw value came from.';

CREATE TABLE rank_sales_curves (
    run_id VARCHAR,
    marketplace_id VARCHAR NOT NULL,
    rank_category VARCHAR NOT NULL,
    intercept DOUBLE NOT NULL,
    slope DOUBLE NOT NULL,
    period VARCHAR NOT NULL,
    n_obs INTEGER,
    mape DOUBLE,
    log_resid_sd DOUBLE,
    source VARCHAR NOT NULL,
    fitted_at TIMESTAMP
);
COMMENT ON TABLE rank_sales_curves IS 'Rank → sales power laws log(units) = intercept − slope · log(rank) per marketplace × rank category.';
COMMENT ON COLUMN rank_sales_curves.run_id IS 'runs.run_id of the selection run that fitted it.';
COMMENT ON COLUMN rank_sales_curves.marketplace_id IS 'marketplaces.marketplace_id (amazon.IT, ...).';
COMMENT ON COLUMN rank_sales_curves.rank_category IS 'Category the rank is in (as the marketplace names it); * for all.';
COMMENT ON COLUMN rank_sales_curves.intercept IS 'Intercept of the log-log fit (natural logs).';
COMMENT ON COLUMN rank_sales_curves.slope IS 'Slope β1 > 0: units fall as rank^−β1.';
COMMENT ON COLUMN rank_sales_curves.period IS 'Period of the units: month | week.';
COMMENT ON COLUMN rank_sales_curves.n_obs IS 'Observations with known sales the curve was fitted on (0 for a literature default).';
COMMENT ON COLUMN rank_sales_curves.mape IS 'Leave-one-out mean absolute percentage error of the fitted units, 0-1 (NULL for a default).';
COMMENT ON COLUMN rank_sales_curves.log_resid_sd IS 'Standard deviation of log residuals (gives the prediction interval).';
COMMENT ON COLUMN rank_sales_curves.source IS 'calibrated | default (Brynjolfsson, Hu & Smith 2003).';
COMMENT ON COLUMN rank_sales_curves.fitted_at IS 'When the curve was fitted (UTC).';
