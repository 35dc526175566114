-- Files the report step wrote for a pipeline run (one row per run, language and format).
CREATE TABLE report_files (
    run_id VARCHAR NOT NULL,
    lang VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    path VARCHAR,
    bytes BIGINT,
    created_at TIMESTAMP NOT NULL,
    status VARCHAR NOT NULL,
    message VARCHAR
);
COMMENT ON TABLE report_files IS 'Report files (HTML, PDF, XLSX per language) rendered for a run; the latest row per run, lang and format is current.';
COMMENT ON COLUMN report_files.run_id IS 'runs.run_id of the pipeline run the report describes.';
COMMENT ON COLUMN report_files.lang IS 'Report language: en | zh (Simplified Chinese).';
COMMENT ON COLUMN report_files.format IS 'html | pdf | xlsx.';
COMMENT ON COLUMN report_files.path IS 'Absolute path of the file; NULL when it could not be produced.';
COMMENT ON COLUMN report_files.bytes IS 'File size in bytes.';
COMMENT ON COLUMN report_files.created_at IS 'When the file was written (UTC).';
COMMENT ON COLUMN report_files.status IS 'ok | missing (not produced; see message).';
COMMENT ON COLUMN report_files.message IS 'Why the file is missing (e.g. no Chromium for the PDF), or NULL.';
