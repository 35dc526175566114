-- Web accounts (xborder serve): who may read, upload and run.
CREATE TABLE users (
    user_id VARCHAR PRIMARY KEY,
    username VARCHAR NOT NULL UNIQUE,
    password_hash VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    last_login_at TIMESTAMP
);
COMMENT ON TABLE users IS 'Accounts of the web dashboard and REST API (xborder serve, xborder users).';
COMMENT ON COLUMN users.user_id IS 'Random id of the account (hex).';
COMMENT ON COLUMN users.username IS 'Login name (lower-case letters, digits, . _ -; 2-64 characters).';
COMMENT ON COLUMN users.password_hash IS 'Argon2id hash of the password (PHC string); the password itself is never stored.';
COMMENT ON COLUMN users.role IS 'admin (everything, manages users) | analyst (upload data, start runs) | viewer (read only).';
COMMENT ON COLUMN users.must_change_password IS 'TRUE after a one-time or admin-set password: the user must choose a new one at next login.';
COMMENT ON COLUMN users.disabled IS 'TRUE when the account may no longer log in; its sessions and tokens stop working.';
COMMENT ON COLUMN users.created_at IS 'When the account was created (UTC).';
COMMENT ON COLUMN users.updated_at IS 'Last change of password, role or state (UTC).';
COMMENT ON COLUMN users.last_login_at IS 'Last successful login (UTC).';
