-- Category names of multi-table sources (Olist translation table).
CREATE TABLE source_category_names (
    source VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    name_en VARCHAR,
    ingest_id VARCHAR,
    PRIMARY KEY (source, name)
);
COMMENT ON TABLE source_category_names IS 'Category names of a source and their English translation (Olist product_category_name_translation).';
COMMENT ON COLUMN source_category_names.source IS 'Source dataset or system.';
COMMENT ON COLUMN source_category_names.name IS 'Category name as used in the source (Portuguese for Olist).';
COMMENT ON COLUMN source_category_names.name_en IS 'English name; mapped to the xborder taxonomy by catalog/data/source_categories.csv.';
COMMENT ON COLUMN source_category_names.ingest_id IS 'Ingest batch that wrote the row.';
