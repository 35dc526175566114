-- Browser sessions (cookie) and API bearer tokens; only hashes of the secrets are stored.
CREATE TABLE sessions (
    token_hash VARCHAR PRIMARY KEY,
    user_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    name VARCHAR,
    csrf_token VARCHAR,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    ip VARCHAR
);
COMMENT ON TABLE sessions IS 'Login sessions (browser cookie) and API bearer tokens; both expire and can be revoked.';
COMMENT ON COLUMN sessions.token_hash IS 'SHA-256 (hex) of the session cookie or bearer token; the secret itself is only ever given to the user.';
COMMENT ON COLUMN sessions.user_id IS 'users.user_id of the owner.';
COMMENT ON COLUMN sessions.kind IS 'session (browser cookie, CSRF-protected) | token (Authorization: Bearer, for scripts).';
COMMENT ON COLUMN sessions.name IS 'Label the user gave a bearer token (what it is for).';
COMMENT ON COLUMN sessions.csrf_token IS 'Per-session CSRF token that every state-changing form or cookie-authenticated API call must echo.';
COMMENT ON COLUMN sessions.created_at IS 'When the session or token was issued (UTC).';
COMMENT ON COLUMN sessions.expires_at IS 'When it stops working (UTC).';
COMMENT ON COLUMN sessions.revoked_at IS 'When it was ended early (logout, password change, account disabled), UTC.';
COMMENT ON COLUMN sessions.ip IS 'Client address that created it.';
