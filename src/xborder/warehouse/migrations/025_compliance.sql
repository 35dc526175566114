-- Compliance: requirements per product x market x rule, and the per product x market summary.
CREATE TABLE compliance_checks (
    run_id VARCHAR NOT NULL,
    product_id VARCHAR NOT NULL,
    market VARCHAR NOT NULL,
    rule_id VARCHAR NOT NULL,
    requirement VARCHAR,
    kind VARCHAR,
    mandatory BOOLEAN,
    holder VARCHAR,
    lead_time_days_min DOUBLE,
    lead_time_days_max DOUBLE,
    cost_min DOUBLE,
    cost_max DOUBLE,
    currency VARCHAR,
    depends_on VARCHAR,
    on_critical_path BOOLEAN,
    basis VARCHAR,
    scope VARCHAR,
    source VARCHAR,
    valid_from DATE,
    valid_to DATE,
    last_checked DATE,
    confidence VARCHAR,
    as_of DATE NOT NULL
);
COMMENT ON TABLE compliance_checks IS 'One row per product x market x conformity requirement that applies on as_of (rule base reference/data/compliance/requirements.csv).';
COMMENT ON COLUMN compliance_checks.run_id IS 'runs.run_id of the run that wrote the row.';
COMMENT ON COLUMN compliance_checks.product_id IS 'products.product_id.';
COMMENT ON COLUMN compliance_checks.market IS 'ISO 3166-1 alpha-2 target market.';
COMMENT ON COLUMN compliance_checks.rule_id IS 'Rule id in compliance/requirements.csv (e.g. eu_red, us_cpc).';
COMMENT ON COLUMN compliance_checks.requirement IS 'The mark, registration, document, test or label required, with its legal basis.';
COMMENT ON COLUMN compliance_checks.kind IS 'test | certificate | declaration | registration | mark | label | representative | document.';
COMMENT ON COLUMN compliance_checks.mandatory IS 'TRUE when the law requires it; FALSE for marketplace policies or duties of large firms only.';
COMMENT ON COLUMN compliance_checks.holder IS 'Who must hold or do it (manufacturer, importer, EU responsible person, local representative...).';
COMMENT ON COLUMN compliance_checks.lead_time_days_min IS 'Typical lead time, lower end, days; NULL when no source gives one.';
COMMENT ON COLUMN compliance_checks.lead_time_days_max IS 'Typical lead time, upper end, days; NULL when no source gives one.';
COMMENT ON COLUMN compliance_checks.cost_min IS 'Typical cost, lower end, in currency; NULL when no source gives one.';
COMMENT ON COLUMN compliance_checks.cost_max IS 'Typical cost, upper end, in currency; NULL when no source gives one.';
COMMENT ON COLUMN compliance_checks.currency IS 'ISO 4217 currency of cost_min/cost_max (USD in the bundled rules).';
COMMENT ON COLUMN compliance_checks.depends_on IS 'Rule ids (;-separated) that must be done first (e.g. tests before the declaration).';
COMMENT ON COLUMN compliance_checks.on_critical_path IS 'TRUE when the requirement lies on the longest chain that sets the time to market.';
COMMENT ON COLUMN compliance_checks.basis IS 'stated (the product''s given attributes trigger it) | inferred (only an attribute inferred from category/title does).';
COMMENT ON COLUMN compliance_checks.scope IS 'Market or region of the rule row (EU rows cover DE FR IT ES NL PL SE).';
COMMENT ON COLUMN compliance_checks.source IS 'Address of the original legal source of the rule.';
COMMENT ON COLUMN compliance_checks.valid_from IS 'Date the rule applies from (NULL = long-standing, no start given).';
COMMENT ON COLUMN compliance_checks.valid_to IS 'Last date the rule applies (NULL = open-ended).';
COMMENT ON COLUMN compliance_checks.last_checked IS 'Date the rule row was last checked against its source.';
COMMENT ON COLUMN compliance_checks.confidence IS 'high | low (low: only secondary sources, or sources disagree).';
COMMENT ON COLUMN compliance_checks.as_of IS 'The day the requirements were evaluated for.';

CREATE TABLE compliance_summary (
    run_id VARCHAR NOT NULL,
    product_id VARCHAR NOT NULL,
    market VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    n_requirements INTEGER,
    n_mandatory INTEGER,
    time_to_market_days_min DOUBLE,
    time_to_market_days_max DOUBLE,
    critical_path VARCHAR,
    cost_min DOUBLE,
    cost_max DOUBLE,
    currency VARCHAR,
    n_lead_time_unknown INTEGER,
    n_cost_unknown INTEGER,
    n_inferred INTEGER,
    confidence VARCHAR,
    inferred_attributes VARCHAR
);
COMMENT ON TABLE compliance_summary IS 'Per product x market: mandatory items, critical-path time to market and total certification cost range.';
COMMENT ON COLUMN compliance_summary.run_id IS 'runs.run_id of the run that wrote the row.';
COMMENT ON COLUMN compliance_summary.product_id IS 'products.product_id.';
COMMENT ON COLUMN compliance_summary.market IS 'ISO 3166-1 alpha-2 target market.';
COMMENT ON COLUMN compliance_summary.as_of IS 'The day the requirements were evaluated for.';
COMMENT ON COLUMN compliance_summary.n_requirements IS 'Requirements that apply (mandatory or not).';
COMMENT ON COLUMN compliance_summary.n_mandatory IS 'Mandatory requirements that apply.';
COMMENT ON COLUMN compliance_summary.time_to_market_days_min IS 'Critical path through the mandatory requirements using the low lead times, days (unknown lead times count 0).';
COMMENT ON COLUMN compliance_summary.time_to_market_days_max IS 'Critical path using the high lead times, days (unknown lead times count 0).';
COMMENT ON COLUMN compliance_summary.critical_path IS 'Rule ids on the longest chain, in order (a > b > c).';
COMMENT ON COLUMN compliance_summary.cost_min IS 'Sum of the low cost of the mandatory requirements with a sourced cost.';
COMMENT ON COLUMN compliance_summary.cost_max IS 'Sum of the high cost of the mandatory requirements with a sourced cost (a lower bound when n_cost_unknown > 0).';
COMMENT ON COLUMN compliance_summary.currency IS 'ISO 4217 currency of the cost range (USD).';
COMMENT ON COLUMN compliance_summary.n_lead_time_unknown IS 'Mandatory requirements whose lead time no source gives.';
COMMENT ON COLUMN compliance_summary.n_cost_unknown IS 'Mandatory requirements whose (upper) cost no source gives.';
COMMENT ON COLUMN compliance_summary.n_inferred IS 'Requirements that apply only because of an attribute inferred from category or title.';
COMMENT ON COLUMN compliance_summary.confidence IS 'low when any mandatory requirement rests on a low-confidence rule, else high.';
COMMENT ON COLUMN compliance_summary.inferred_attributes IS 'Attributes inferred from category/title for this product (;-separated).';
