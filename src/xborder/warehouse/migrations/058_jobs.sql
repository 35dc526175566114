-- Background jobs of the web app (pipeline runs started from the dashboard or API).
CREATE TABLE jobs (
    job_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    progress DOUBLE NOT NULL DEFAULT 0,
    message VARCHAR,
    params JSON,
    result JSON,
    run_id VARCHAR,
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP
);
COMMENT ON TABLE jobs IS 'Long work started through the web app, run in the background; poll GET /api/jobs/{job_id} for progress.';
COMMENT ON COLUMN jobs.job_id IS 'Random id of the job (hex).';
COMMENT ON COLUMN jobs.kind IS 'run (end-to-end pipeline) | report (render a report).';
COMMENT ON COLUMN jobs.status IS 'queued | running | ok | failed | interrupted (server stopped while it ran).';
COMMENT ON COLUMN jobs.progress IS 'Fraction done, 0 to 1, as last reported by the work.';
COMMENT ON COLUMN jobs.message IS 'Last progress message, the summary, or the error for the user.';
COMMENT ON COLUMN jobs.params IS 'Parameters of the job as JSON (markets, language, ...).';
COMMENT ON COLUMN jobs.result IS 'JSON summary returned by the work when it finished.';
COMMENT ON COLUMN jobs.run_id IS 'runs.run_id of the pipeline run the job produced, once known.';
COMMENT ON COLUMN jobs.created_by IS 'users.username of who started it.';
COMMENT ON COLUMN jobs.created_at IS 'When it was queued (UTC).';
COMMENT ON COLUMN jobs.started_at IS 'When it began running (UTC).';
COMMENT ON COLUMN jobs.finished_at IS 'When it ended (UTC).';
