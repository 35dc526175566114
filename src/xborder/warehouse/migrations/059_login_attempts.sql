-- Login attempts, for rate limiting: 5 failures per user name and address lock that pair for 15 minutes.
CREATE TABLE login_attempts (
    username VARCHAR NOT NULL,
    ip VARCHAR NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    success BOOLEAN NOT NULL
);
COMMENT ON TABLE login_attempts IS 'Every login attempt by user name and client address; recent failures lock the pair (rate limiting survives restarts).';
COMMENT ON COLUMN login_attempts.username IS 'User name as typed (lower-cased), whether or not the account exists.';
COMMENT ON COLUMN login_attempts.ip IS 'Client address of the attempt.';
COMMENT ON COLUMN login_attempts.attempted_at IS 'When it happened (UTC).';
COMMENT ON COLUMN login_attempts.success IS 'TRUE when the password was right (resets the failure count).';
