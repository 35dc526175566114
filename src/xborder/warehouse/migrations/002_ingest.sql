-- Ingest helpers: user category overrides, order headers and customer links for multi-table order exports.
CREATE TABLE product_category_overrides (
    product_id VARCHAR PRIMARY KEY,
    category VARCHAR NOT NULL,
    note VARCHAR,
    ingest_id VARCHAR
);
COMMENT ON TABLE product_category_overrides IS 'User-given categories (ingested with --as categories); they win over rule-assigned ones.';
COMMENT ON COLUMN product_category_overrides.product_id IS 'products.product_id the override applies to.';
COMMENT ON COLUMN product_category_overrides.category IS 'Category id in the xborder taxonomy (catalog/data/categories.csv).';
COMMENT ON COLUMN product_category_overrides.note IS 'Free text from the mapping file (why).';
COMMENT ON COLUMN product_category_overrides.ingest_id IS 'Ingest batch that wrote the override.';

CREATE TABLE order_headers (
    source VARCHAR NOT NULL,
    order_id VARCHAR NOT NULL,
    ordered_at TIMESTAMP NOT NULL,
    customer_key VARCHAR,
    status VARCHAR NOT NULL,
    source_status VARCHAR,
    country VARCHAR,
    region VARCHAR,
    ingest_id VARCHAR,
    PRIMARY KEY (source, order_id)
);
COMMENT ON TABLE order_headers IS 'Order-level facts of exports that split orders and lines into two tables (Olist); order_lines joins to it.';
COMMENT ON COLUMN order_headers.source IS 'Source dataset or system.';
COMMENT ON COLUMN order_headers.order_id IS 'Order id as in the source.';
COMMENT ON COLUMN order_headers.ordered_at IS 'Purchase time (local time of the source).';
COMMENT ON COLUMN order_headers.customer_key IS 'Keyed hash (HMAC-SHA256) of the customer id; raw ids are never stored.';
COMMENT ON COLUMN order_headers.status IS 'sold | cancelled | returned (mapped from source_status).';
COMMENT ON COLUMN order_headers.source_status IS 'Status as given by the source (delivered, canceled, ...).';
COMMENT ON COLUMN order_headers.country IS 'ISO 3166-1 alpha-2 country of the buyer.';
COMMENT ON COLUMN order_headers.region IS 'State/region code of the buyer when given (e.g. SP).';
COMMENT ON COLUMN order_headers.ingest_id IS 'Ingest batch that wrote the row.';

CREATE TABLE customer_links (
    source VARCHAR NOT NULL,
    source_customer_key VARCHAR NOT NULL,
    customer_key VARCHAR NOT NULL,
    country VARCHAR,
    region VARCHAR,
    ingest_id VARCHAR,
    PRIMARY KEY (source, source_customer_key)
);
COMMENT ON TABLE customer_links IS 'Links a per-order customer id to the person-level customer id (Olist customer_id → customer_unique_id), both pseudonymised.';
COMMENT ON COLUMN customer_links.source IS 'Source dataset or system.';
COMMENT ON COLUMN customer_links.source_customer_key IS 'HMAC-SHA256 of the per-order customer id.';
COMMENT ON COLUMN customer_links.customer_key IS 'HMAC-SHA256 of the person-level customer id (used in order_lines).';
COMMENT ON COLUMN customer_links.country IS 'ISO 3166-1 alpha-2 country of the customer.';
COMMENT ON COLUMN customer_links.region IS 'State/region code when given.';
COMMENT ON COLUMN customer_links.ingest_id IS 'Ingest batch that wrote the row.';
