-- Landed cost per product x market x mode, and newer ECB FX days loaded with `xborder fx update`.
CREATE TABLE landed_costs (
    run_id VARCHAR NOT NULL,
    product_id VARCHAR NOT NULL,
    market VARCHAR NOT NULL,
    mode VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    currency VARCHAR NOT NULL,
    units DOUBLE,
    price DOUBLE,
    price_source VARCHAR,
    unit_cost DOUBLE,
    unit_cost_estimated BOOLEAN,
    dims_estimated BOOLEAN,
    goods_cost DOUBLE,
    freight DOUBLE,
    insurance DOUBLE,
    customs_value DOUBLE,
    duty DOUBLE,
    additional_duty DOUBLE,
    customs_fees DOUBLE,
    low_value_charges DOUBLE,
    import_tax_cost DOUBLE,
    import_vat_recoverable DOUBLE,
    landed_cost DOUBLE,
    referral_fee DOUBLE,
    fulfilment_fee DOUBLE,
    other_fees DOUBLE,
    output_vat DOUBLE,
    net_revenue DOUBLE,
    unit_margin DOUBLE,
    margin_pct DOUBLE,
    roi DOUBLE,
    break_even_price DOUBLE,
    target_price DOUBLE,
    target_margin DOUBLE,
    low_value_rule VARCHAR,
    duty_rule VARCHAR,
    rules_used VARCHAR,
    low_confidence BOOLEAN,
    notes VARCHAR
);
COMMENT ON TABLE landed_costs IS 'Landed cost and unit economics of a product sold in a market via a shipping mode, as of a date, with the rules used (one row per run x product x market x mode).';
COMMENT ON COLUMN landed_costs.run_id IS 'runs.run_id of the run that computed the row.';
COMMENT ON COLUMN landed_costs.product_id IS 'products.product_id.';
COMMENT ON COLUMN landed_costs.market IS 'ISO 3166-1 alpha-2 target market.';
COMMENT ON COLUMN landed_costs.mode IS 'Shipping mode: sea_fcl | sea_lcl | air | express | rail.';
COMMENT ON COLUMN landed_costs.as_of IS 'Date whose rules and FX rates were used.';
COMMENT ON COLUMN landed_costs.currency IS 'ISO 4217 currency of every money column in the row (the market''s currency).';
COMMENT ON COLUMN landed_costs.units IS 'Units in the consignment (per-shipment minimums are divided by it).';
COMMENT ON COLUMN landed_costs.price IS 'Selling price per unit in the market (VAT-inclusive where prices include VAT).';
COMMENT ON COLUMN landed_costs.price_source IS 'Where the price came from: observed (median sold price converted) or given.';
COMMENT ON COLUMN landed_costs.unit_cost IS 'Purchase cost per unit (ex works/FOB) in the market currency.';
COMMENT ON COLUMN landed_costs.unit_cost_estimated IS 'TRUE when unit cost is the settings-defined share of the observed home price (no supplier quote).';
COMMENT ON COLUMN landed_costs.dims_estimated IS 'TRUE when weight/dimensions came from category_defaults.csv.';
COMMENT ON COLUMN landed_costs.goods_cost IS 'Unit cost plus packaging per unit.';
COMMENT ON COLUMN landed_costs.freight IS 'International freight per unit (chargeable weight, per-shipment minimums and charges allocated).';
COMMENT ON COLUMN landed_costs.insurance IS 'Cargo insurance per unit.';
COMMENT ON COLUMN landed_costs.customs_value IS 'Customs value per unit on the market''s basis (CIF or FOB).';
COMMENT ON COLUMN landed_costs.duty IS 'Customs duty per unit (MFN or the low-value rule''s duty).';
COMMENT ON COLUMN landed_costs.additional_duty IS 'Additional duties per unit (US Section 301, IEEPA, Section 122 ...).';
COMMENT ON COLUMN landed_costs.customs_fees IS 'Per-entry customs fees per unit (US MPF/HMF).';
COMMENT ON COLUMN landed_costs.low_value_charges IS 'National per-parcel/per-item charges on low-value consignments per unit.';
COMMENT ON COLUMN landed_costs.import_tax_cost IS 'Import VAT/GST or flat import tax that is a cost (not recoverable) per unit.';
COMMENT ON COLUMN landed_costs.import_vat_recoverable IS 'Import VAT paid at the border and recoverable as input tax (cash flow, not cost) per unit.';
COMMENT ON COLUMN landed_costs.landed_cost IS 'Goods + freight + insurance + duties + fees at the border + non-recoverable import taxes, per unit.';
COMMENT ON COLUMN landed_costs.referral_fee IS 'Marketplace referral/commission fee per unit.';
COMMENT ON COLUMN landed_costs.fulfilment_fee IS 'Marketplace fulfilment fee (e.g. FBA) per unit.';
COMMENT ON COLUMN landed_costs.other_fees IS 'Payment and fixed per-order platform fees per unit.';
COMMENT ON COLUMN landed_costs.output_vat IS 'VAT/GST contained in the price and remitted on the sale, per unit.';
COMMENT ON COLUMN landed_costs.net_revenue IS 'Price minus output VAT.';
COMMENT ON COLUMN landed_costs.unit_margin IS 'Net revenue minus landed cost minus marketplace fees, per unit.';
COMMENT ON COLUMN landed_costs.margin_pct IS 'Unit margin / net revenue (0.25 = 25%).';
COMMENT ON COLUMN landed_costs.roi IS 'Unit margin / landed cost.';
COMMENT ON COLUMN landed_costs.break_even_price IS 'Selling price (same basis as price) at which the unit margin is zero.';
COMMENT ON COLUMN landed_costs.target_price IS 'Selling price at which margin_pct reaches target_margin.';
COMMENT ON COLUMN landed_costs.target_margin IS 'Target margin used for target_price (settings.target_margin unless given).';
COMMENT ON COLUMN landed_costs.low_value_rule IS 'rule_id of the low-value import rule applied to the consignment, if any.';
COMMENT ON COLUMN landed_costs.duty_rule IS 'rule_id of the duty rate used (heading row or market fallback).';
COMMENT ON COLUMN landed_costs.rules_used IS 'All rule_ids used, separated by |, to look up in the rule base (docs/rules.md).';
COMMENT ON COLUMN landed_costs.low_confidence IS 'TRUE when any rule used has confidence=low or an input was estimated.';
COMMENT ON COLUMN landed_costs.notes IS 'Short notes on estimates and modelling gaps that affect the row.';

CREATE TABLE fx_rates (
    rate_date DATE NOT NULL,
    currency VARCHAR NOT NULL,
    per_eur DOUBLE NOT NULL,
    source VARCHAR
);
COMMENT ON TABLE fx_rates IS 'ECB euro reference rates loaded with `xborder fx update`; they extend/override the bundled FX table.';
COMMENT ON COLUMN fx_rates.rate_date IS 'ECB business day.';
COMMENT ON COLUMN fx_rates.currency IS 'ISO 4217 currency.';
COMMENT ON COLUMN fx_rates.per_eur IS 'Units of currency per 1 EUR.';
COMMENT ON COLUMN fx_rates.source IS 'Address of the source (ECB).';
