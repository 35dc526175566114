-- Every write through the web app or the users command, and every login attempt outcome.
CREATE TABLE audit_log (
    audit_id VARCHAR PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    user_id VARCHAR,
    username VARCHAR,
    ip VARCHAR,
    action VARCHAR NOT NULL,
    target VARCHAR,
    outcome VARCHAR NOT NULL,
    detail JSON
);
COMMENT ON TABLE audit_log IS 'Append-only record of who did what, when, to what, and with what outcome (web app and xborder users).';
COMMENT ON COLUMN audit_log.audit_id IS 'Random id of the entry (hex).';
COMMENT ON COLUMN audit_log.occurred_at IS 'When it happened (UTC).';
COMMENT ON COLUMN audit_log.user_id IS 'users.user_id of the actor; NULL for anonymous attempts.';
COMMENT ON COLUMN audit_log.username IS 'Login name of the actor as given (also for failed logins); cli:<os user> for the command line.';
COMMENT ON COLUMN audit_log.ip IS 'Client address (web) or NULL (command line).';
COMMENT ON COLUMN audit_log.action IS 'What was done: login, logout, password.change, token.create, user.add, user.set_role, user.disable, data.upload, run.start, ...';
COMMENT ON COLUMN audit_log.target IS 'What it was done to: user name, file name, run or job id.';
COMMENT ON COLUMN audit_log.outcome IS 'ok | denied (not allowed) | failed (error or bad input) | locked (rate limit).';
COMMENT ON COLUMN audit_log.detail IS 'Further facts as JSON (ingest summary, error message, new role).';
