-- Core canonical tables. Units: money in the row's currency (ISO 4217), weights kg, lengths cm.
CREATE TABLE markets (
    market_code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    currency VARCHAR,
    language VARCHAR,
    region VARCHAR
);
COMMENT ON TABLE markets IS 'Countries a product can be sold in (ISO 3166-1 alpha-2), seeded from the rule base.';
COMMENT ON COLUMN markets.market_code IS 'ISO 3166-1 alpha-2 code, e.g. DE.';
COMMENT ON COLUMN markets.name IS 'English name of the market.';
COMMENT ON COLUMN markets.currency IS 'ISO 4217 currency of prices in this market.';
COMMENT ON COLUMN markets.language IS 'Main ISO 639-1 language of buyers.';
COMMENT ON COLUMN markets.region IS 'Customs/trade region (EU, GCC, ASEAN, ...) where it matters.';

CREATE TABLE marketplaces (
    marketplace_id VARCHAR PRIMARY KEY,
    platform VARCHAR NOT NULL,
    market_code VARCHAR,
    currency VARCHAR
);
COMMENT ON TABLE marketplaces IS 'A platform in a market, named platform.market (amazon.DE, shopee.SG, shop.GB for an own web shop).';
COMMENT ON COLUMN marketplaces.marketplace_id IS 'platform.MARKET, e.g. amazon.DE.';
COMMENT ON COLUMN marketplaces.platform IS 'amazon, temu, tiktok, shopee, mercadolibre, shop (own shop), ...';
COMMENT ON COLUMN marketplaces.market_code IS 'ISO 3166-1 alpha-2 market the marketplace sells to.';
COMMENT ON COLUMN marketplaces.currency IS 'ISO 4217 currency the marketplace prices in.';

CREATE TABLE products (
    product_id VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,
    source_key VARCHAR,
    title VARCHAR,
    category VARCHAR,
    category_confidence DOUBLE,
    category_source VARCHAR,
    brand VARCHAR,
    weight_kg DOUBLE,
    length_cm DOUBLE,
    width_cm DOUBLE,
    height_cm DOUBLE,
    dims_estimated BOOLEAN DEFAULT FALSE,
    hs_code VARCHAR,
    origin_country VARCHAR,
    is_product BOOLEAN DEFAULT TRUE,
    battery BOOLEAN,
    radio BOOLEAN,
    electrical BOOLEAN,
    for_children BOOLEAN,
    food_contact BOOLEAN,
    attributes JSON,
    ingest_id VARCHAR
);
COMMENT ON TABLE products IS 'Every product seen in any source, own or competitor, with the attributes that drive cost and compliance.';
COMMENT ON COLUMN products.product_id IS 'Stable id: <source>:<source_key>, e.g. uci:85123A.';
COMMENT ON COLUMN products.source IS 'Source system or dataset the product came from.';
COMMENT ON COLUMN products.source_key IS 'The product''s id in its source (StockCode, ASIN, Olist product_id).';
COMMENT ON COLUMN products.title IS 'Product title or description as given by the source.';
COMMENT ON COLUMN products.category IS 'Category id in the xborder taxonomy (see docs/taxonomy.md).';
COMMENT ON COLUMN products.category_confidence IS 'Confidence of the category in [0, 1]; 1 for source-given or user-overridden categories.';
COMMENT ON COLUMN products.category_source IS 'source | rules | override: where the category came from.';
COMMENT ON COLUMN products.brand IS 'Brand name when known.';
COMMENT ON COLUMN products.weight_kg IS 'Shipping weight, kg.';
COMMENT ON COLUMN products.length_cm IS 'Package length, cm.';
COMMENT ON COLUMN products.width_cm IS 'Package width, cm.';
COMMENT ON COLUMN products.height_cm IS 'Package height, cm.';
COMMENT ON COLUMN products.dims_estimated IS 'TRUE when weight/dimensions are a documented estimate rather than source data.';
COMMENT ON COLUMN products.hs_code IS 'Harmonized System code (6+ digits) when known.';
COMMENT ON COLUMN products.origin_country IS 'ISO 3166-1 alpha-2 country of origin (manufacture).';
COMMENT ON COLUMN products.is_product IS 'FALSE for non-product lines (postage, fees, manual adjustments).';
COMMENT ON COLUMN products.battery IS 'Contains or ships with a battery.';
COMMENT ON COLUMN products.radio IS 'Has a radio/wireless function (Wi-Fi, Bluetooth, ...).';
COMMENT ON COLUMN products.electrical IS 'Mains-powered or electrical/electronic equipment.';
COMMENT ON COLUMN products.for_children IS 'Designed or intended for children (toys, childcare).';
COMMENT ON COLUMN products.food_contact IS 'Comes into contact with food.';
COMMENT ON COLUMN products.attributes IS 'Other attributes as JSON (battery_wh, age_min, fibre content, ...).';
COMMENT ON COLUMN products.ingest_id IS 'Ingest batch that last wrote the row (ingest_log.ingest_id).';

CREATE TABLE listings (
    listing_id VARCHAR PRIMARY KEY,
    product_id VARCHAR,
    marketplace_id VARCHAR,
    external_id VARCHAR,
    own BOOLEAN DEFAULT TRUE,
    seller VARCHAR,
    title VARCHAR,
    category VARCHAR,
    price DOUBLE,
    currency VARCHAR,
    first_seen DATE,
    ingest_id VARCHAR
);
COMMENT ON TABLE listings IS 'A product offered on a marketplace, own or a competitor''s.';
COMMENT ON COLUMN listings.listing_id IS 'Stable id: <marketplace_id>:<external_id>.';
COMMENT ON COLUMN listings.product_id IS 'products.product_id when the listing maps to a known product.';
COMMENT ON COLUMN listings.marketplace_id IS 'marketplaces.marketplace_id.';
COMMENT ON COLUMN listings.external_id IS 'ASIN, item id, SKU on the marketplace.';
COMMENT ON COLUMN listings.own IS 'TRUE for the user''s own listing, FALSE for a competitor''s.';
COMMENT ON COLUMN listings.seller IS 'Seller or brand name shown on the listing.';
COMMENT ON COLUMN listings.title IS 'Listing title.';
COMMENT ON COLUMN listings.category IS 'Marketplace category path or xborder category.';
COMMENT ON COLUMN listings.price IS 'Last known price in currency.';
COMMENT ON COLUMN listings.currency IS 'ISO 4217 currency of price.';
COMMENT ON COLUMN listings.first_seen IS 'First date the listing was observed (for new-entrant share).';
COMMENT ON COLUMN listings.ingest_id IS 'Ingest batch that wrote the row.';

CREATE TABLE order_lines (
    line_key VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,
    order_id VARCHAR NOT NULL,
    line_no INTEGER,
    ordered_at TIMESTAMP NOT NULL,
    customer_key VARCHAR,
    product_id VARCHAR,
    marketplace_id VARCHAR,
    country VARCHAR,
    quantity DOUBLE NOT NULL,
    unit_price DOUBLE,
    currency VARCHAR,
    status VARCHAR NOT NULL,
    is_product BOOLEAN DEFAULT TRUE,
    ingest_id VARCHAR
);
COMMENT ON TABLE order_lines IS 'One row per order line from shop/ERP/marketplace order exports.';
COMMENT ON COLUMN order_lines.line_key IS 'Deterministic key of the line (source + order + line content); duplicates are recognised by it.';
COMMENT ON COLUMN order_lines.source IS 'Source dataset or system.';
COMMENT ON COLUMN order_lines.order_id IS 'Order/invoice number as in the source.';
COMMENT ON COLUMN order_lines.line_no IS 'Position of the line in its order (1-based) when known.';
COMMENT ON COLUMN order_lines.ordered_at IS 'Order time (local time of the source).';
COMMENT ON COLUMN order_lines.customer_key IS 'Keyed hash (HMAC-SHA256) of the customer id; raw ids are never stored.';
COMMENT ON COLUMN order_lines.product_id IS 'products.product_id.';
COMMENT ON COLUMN order_lines.marketplace_id IS 'marketplaces.marketplace_id (shop.<country> for own web shops).';
COMMENT ON COLUMN order_lines.country IS 'ISO 3166-1 alpha-2 country of the buyer (the market).';
COMMENT ON COLUMN order_lines.quantity IS 'Units, always positive; the status says whether sold, cancelled or returned.';
COMMENT ON COLUMN order_lines.unit_price IS 'Price per unit in currency.';
COMMENT ON COLUMN order_lines.currency IS 'ISO 4217 currency of unit_price.';
COMMENT ON COLUMN order_lines.status IS 'sold | cancelled | returned.';
COMMENT ON COLUMN order_lines.is_product IS 'FALSE for non-product lines (postage, bank charges, manual, fees).';
COMMENT ON COLUMN order_lines.ingest_id IS 'Ingest batch that wrote the row.';

CREATE TABLE sales (
    listing_id VARCHAR,
    product_id VARCHAR,
    marketplace_id VARCHAR,
    country VARCHAR,
    period VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    units DOUBLE,
    revenue DOUBLE,
    currency VARCHAR,
    source VARCHAR NOT NULL,
    ingest_id VARCHAR
);
COMMENT ON TABLE sales IS 'Aggregated sales per product/listing and period, actual (from the seller) or estimated (e.g. from rank).';
COMMENT ON COLUMN sales.listing_id IS 'listings.listing_id when known.';
COMMENT ON COLUMN sales.product_id IS 'products.product_id.';
COMMENT ON COLUMN sales.marketplace_id IS 'marketplaces.marketplace_id.';
COMMENT ON COLUMN sales.country IS 'ISO 3166-1 alpha-2 market.';
COMMENT ON COLUMN sales.period IS 'day | week | month.';
COMMENT ON COLUMN sales.period_start IS 'First day of the period.';
COMMENT ON COLUMN sales.units IS 'Units sold in the period.';
COMMENT ON COLUMN sales.revenue IS 'Revenue in currency.';
COMMENT ON COLUMN sales.currency IS 'ISO 4217 currency of revenue.';
COMMENT ON COLUMN sales.source IS 'actual | estimated.';
COMMENT ON COLUMN sales.ingest_id IS 'Ingest batch that wrote the row.';

CREATE TABLE rank_snapshots (
    listing_id VARCHAR NOT NULL,
    observed_at TIMESTAMP NOT NULL,
    rank BIGINT,
    rank_category VARCHAR,
    price DOUBLE,
    currency VARCHAR,
    offers INTEGER,
    monthly_sold DOUBLE,
    rating DOUBLE,
    rating_count BIGINT,
    ingest_id VARCHAR
);
COMMENT ON TABLE rank_snapshots IS 'Marketplace best-seller rank and price observations (Keepa, inventory reports).';
COMMENT ON COLUMN rank_snapshots.listing_id IS 'listings.listing_id.';
COMMENT ON COLUMN rank_snapshots.observed_at IS 'When the rank was observed.';
COMMENT ON COLUMN rank_snapshots.rank IS 'Best-seller rank in rank_category (1 = best).';
COMMENT ON COLUMN rank_snapshots.rank_category IS 'Category the rank is in.';
COMMENT ON COLUMN rank_snapshots.price IS 'Price at observation, in currency.';
COMMENT ON COLUMN rank_snapshots.currency IS 'ISO 4217 currency.';
COMMENT ON COLUMN rank_snapshots.offers IS 'Number of offers/sellers.';
COMMENT ON COLUMN rank_snapshots.monthly_sold IS 'Marketplace "bought in past month" figure or known units/month, when shown (calibrates rank to sales).';
COMMENT ON COLUMN rank_snapshots.rating IS 'Average star rating at observation.';
COMMENT ON COLUMN rank_snapshots.rating_count IS 'Number of ratings at observation.';
COMMENT ON COLUMN rank_snapshots.ingest_id IS 'Ingest batch that wrote the row.';

CREATE TABLE search_trends (
    keyword VARCHAR NOT NULL,
    market_code VARCHAR NOT NULL,
    ds DATE NOT NULL,
    value DOUBLE,
    freq VARCHAR,
    source VARCHAR NOT NULL,
    ingest_id VARCHAR
);
COMMENT ON TABLE search_trends IS 'Search interest over time per keyword and market (Google Trends 0-100 index).';
COMMENT ON COLUMN search_trends.keyword IS 'Search term.';
COMMENT ON COLUMN search_trends.market_code IS 'ISO 3166-1 alpha-2 market, or WW for worldwide.';
COMMENT ON COLUMN search_trends.ds IS 'Start of the period.';
COMMENT ON COLUMN search_trends.value IS 'Relative interest 0-100 ("<1" stored as 0.5).';
COMMENT ON COLUMN search_trends.freq IS 'week | month | day.';
COMMENT ON COLUMN search_trends.source IS 'google_trends or another provider.';
COMMENT ON COLUMN search_trends.ingest_id IS 'Ingest batch that wrote the row.';

CREATE TABLE reviews (
    review_id VARCHAR PRIMARY KEY,
    product_id VARCHAR,
    listing_id VARCHAR,
    marketplace_id VARCHAR,
    market_code VARCHAR,
    reviewed_at TIMESTAMP,
    rating DOUBLE,
    title VARCHAR,
    text VARCHAR,
    language VARCHAR,
    label INTEGER,
    reviewer_key VARCHAR,
    source VARCHAR NOT NULL,
    ingest_id VARCHAR
);
COMMENT ON TABLE reviews IS 'Customer reviews and labelled review sentences.';
COMMENT ON COLUMN reviews.review_id IS 'Stable id: <source>:<source id or content hash>.';
COMMENT ON COLUMN reviews.product_id IS 'products.product_id (or a category-level pseudo product).';
COMMENT ON COLUMN reviews.listing_id IS 'listings.listing_id when known.';
COMMENT ON COLUMN reviews.marketplace_id IS 'marketplaces.marketplace_id when known.';
COMMENT ON COLUMN reviews.market_code IS 'ISO 3166-1 alpha-2 market of the reviewer/marketplace.';
COMMENT ON COLUMN reviews.reviewed_at IS 'Review time.';
COMMENT ON COLUMN reviews.rating IS 'Star rating 1-5 when given.';
COMMENT ON COLUMN reviews.title IS 'Review title.';
COMMENT ON COLUMN reviews.text IS 'Review text.';
COMMENT ON COLUMN reviews.language IS 'ISO 639-1 language (detected when not given).';
COMMENT ON COLUMN reviews.label IS 'Sentiment label given by the source: 1 positive, 0 negative (recommended flag, labelled sets).';
COMMENT ON COLUMN reviews.reviewer_key IS 'Keyed hash of the reviewer id/name; raw names are never stored.';
COMMENT ON COLUMN reviews.source IS 'Source dataset or system.';
COMMENT ON COLUMN reviews.ingest_id IS 'Ingest batch that wrote the row.';

CREATE TABLE suppliers (
    supplier_id VARCHAR PRIMARY KEY,
    name VARCHAR,
    country VARCHAR,
    city VARCHAR,
    source VARCHAR,
    ingest_id VARCHAR
);
COMMENT ON TABLE suppliers IS 'Suppliers and manufacturers.';
COMMENT ON COLUMN suppliers.supplier_id IS 'Stable id: <source>:<source key>.';
COMMENT ON COLUMN suppliers.name IS 'Supplier name.';
COMMENT ON COLUMN suppliers.country IS 'ISO 3166-1 alpha-2 country.';
COMMENT ON COLUMN suppliers.city IS 'City.';
COMMENT ON COLUMN suppliers.source IS 'Source dataset or system.';
COMMENT ON COLUMN suppliers.ingest_id IS 'Ingest batch that wrote the row.';

CREATE TABLE supplier_offers (
    supplier_id VARCHAR NOT NULL,
    product_id VARCHAR,
    unit_cost DOUBLE,
    currency VARCHAR,
    moq DOUBLE,
    lead_time_days DOUBLE,
    valid_from DATE,
    ingest_id VARCHAR
);
COMMENT ON TABLE supplier_offers IS 'Quotes: what a supplier charges for a product.';
COMMENT ON COLUMN supplier_offers.supplier_id IS 'suppliers.supplier_id.';
COMMENT ON COLUMN supplier_offers.product_id IS 'products.product_id.';
COMMENT ON COLUMN supplier_offers.unit_cost IS 'Price per unit (ex works/FOB as quoted) in currency.';
COMMENT ON COLUMN supplier_offers.currency IS 'ISO 4217 currency.';
COMMENT ON COLUMN supplier_offers.moq IS 'Minimum order quantity, units.';
COMMENT ON COLUMN supplier_offers.lead_time_days IS 'Production lead time, days.';
COMMENT ON COLUMN supplier_offers.valid_from IS 'Date of the quote.';
COMMENT ON COLUMN supplier_offers.ingest_id IS 'Ingest batch that wrote the row.';

CREATE TABLE ingest_log (
    ingest_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    layout VARCHAR,
    rows_in BIGINT,
    rows_stored BIGINT,
    rows_duplicate BIGINT,
    rows_quarantined BIGINT,
    status VARCHAR NOT NULL,
    message VARCHAR
);
COMMENT ON TABLE ingest_log IS 'One row per ingested file (or table of a multi-table folder); rows_in = rows_stored + rows_duplicate + rows_quarantined.';
COMMENT ON COLUMN ingest_log.ingest_id IS 'Batch id.';
COMMENT ON COLUMN ingest_log.started_at IS 'Start time (UTC).';
COMMENT ON COLUMN ingest_log.finished_at IS 'End time (UTC).';
COMMENT ON COLUMN ingest_log.file_name IS 'Path of the file as given.';
COMMENT ON COLUMN ingest_log.sha256 IS 'SHA-256 of the file''s bytes.';
COMMENT ON COLUMN ingest_log.kind IS 'orders | products | reviews | sales | trends | ranks | ... (the --as option).';
COMMENT ON COLUMN ingest_log.layout IS 'Recognised layout (uci_online_retail, olist_orders, mapping:<file>, ...).';
COMMENT ON COLUMN ingest_log.rows_in IS 'Data rows read from the file.';
COMMENT ON COLUMN ingest_log.rows_stored IS 'Rows written to canonical tables.';
COMMENT ON COLUMN ingest_log.rows_duplicate IS 'Rows recognised as duplicates of stored rows.';
COMMENT ON COLUMN ingest_log.rows_quarantined IS 'Rows written to quarantine with a reason.';
COMMENT ON COLUMN ingest_log.status IS 'ok | skipped (same file already ingested) | failed.';
COMMENT ON COLUMN ingest_log.message IS 'Summary or error message.';

CREATE TABLE quarantine (
    ingest_id VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    row_number BIGINT,
    column_name VARCHAR,
    value VARCHAR,
    reason_code VARCHAR NOT NULL,
    reason VARCHAR,
    raw JSON
);
COMMENT ON TABLE quarantine IS 'Input rows that could not be stored, with the reason; nothing is lost.';
COMMENT ON COLUMN quarantine.ingest_id IS 'ingest_log.ingest_id.';
COMMENT ON COLUMN quarantine.file_name IS 'File the row came from.';
COMMENT ON COLUMN quarantine.row_number IS 'Data row number in the file (1 = first row after the header).';
COMMENT ON COLUMN quarantine.column_name IS 'Column that failed validation.';
COMMENT ON COLUMN quarantine.value IS 'The offending value as text.';
COMMENT ON COLUMN quarantine.reason_code IS 'Machine-readable reason (bad_date, bad_number, missing_required, ...).';
COMMENT ON COLUMN quarantine.reason IS 'Human-readable reason and what to do.';
COMMENT ON COLUMN quarantine.raw IS 'The whole raw row as JSON.';

CREATE TABLE runs (
    run_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    params JSON,
    fingerprint VARCHAR,
    stages JSON,
    message VARCHAR
);
COMMENT ON TABLE runs IS 'Every engine run (forecast, selection, full pipeline) with parameters and the fingerprint of its inputs.';
COMMENT ON COLUMN runs.run_id IS 'Run id.';
COMMENT ON COLUMN runs.kind IS 'forecast | trends | reviews | select | pipeline | ...';
COMMENT ON COLUMN runs.started_at IS 'Start time (UTC).';
COMMENT ON COLUMN runs.finished_at IS 'End time (UTC).';
COMMENT ON COLUMN runs.status IS 'running | ok | failed.';
COMMENT ON COLUMN runs.params IS 'Parameters as JSON.';
COMMENT ON COLUMN runs.fingerprint IS 'SHA-256 over the input data the run read.';
COMMENT ON COLUMN runs.stages IS 'Per-stage status and timings as JSON (pipeline runs).';
COMMENT ON COLUMN runs.message IS 'Summary or error.';
