"""System tables: ingest log and quarantine, run records, report files, accounts, sessions, audit, jobs, ledger."""

from __future__ import annotations

from xborder.schema.ledger import TABLES as LEDGER_TABLES
from xborder.schema.privacy import (
    PERSONAL_READS,
    PRIVACY_BREACHES,
    PRIVACY_REQUESTS,
    PRIVACY_SUPPRESSIONS,
    PSEUDONYM_KEY,
    PSEUDONYM_KEY_LAYERS,
    PSEUDONYM_KEYS,
)
from xborder.schema.table import Column, Table

__all__ = [
    "SCHEMA_MIGRATIONS",
    "SCHEMA_SYNC",
    "INGEST_LOG",
    "QUARANTINE",
    "RUNS",
    "REPORT_FILES",
    "USERS",
    "SESSIONS",
    "AUDIT_LOG",
    "JOBS",
    "LOGIN_ATTEMPTS",
    "PSEUDONYM_KEY",
    "PRIVACY_REQUESTS",
    "PRIVACY_BREACHES",
    "TABLES",
]

SCHEMA_MIGRATIONS = Table(
    "schema_migrations",
    "Migrations applied to this warehouse file.",
    owner="warehouse",
    role="system",
    primary_key=("version",),
    columns=(
        Column("version", "INTEGER", "Migration number (NNN of NNN_name.sql)."),
        Column("name", "VARCHAR", "Migration file name."),
        Column("applied_at", "TIMESTAMP", "When it was applied (UTC).", default="current_timestamp"),
    ),
)

SCHEMA_SYNC = Table(
    "schema_sync",
    "Fingerprint of the table declarations this warehouse file was last brought up to: opening the file skips "
    "comparing every table and column with the declarations while it matches.",
    owner="warehouse",
    role="system",
    columns=(
        Column("fingerprint", "VARCHAR", "SHA-256 of every declared table's CREATE and COMMENT statements."),
        Column(
            "synced_at",
            "TIMESTAMP",
            "When the declarations were last synced (UTC).",
            default="current_timestamp",
        ),
    ),
)

INGEST_LOG = Table(
    "ingest_log",
    "One row per ingested file (or table of a multi-table folder); rows_in = rows_stored + rows_duplicate + rows_quarantined.",
    owner="ingest",
    role="system",
    primary_key=("ingest_id",),
    dated_by="started_at",
    columns=(
        Column("ingest_id", "VARCHAR", "Batch id."),
        Column("started_at", "TIMESTAMP", "Start time (UTC).", nullable=False),
        Column("finished_at", "TIMESTAMP", "End time (UTC)."),
        Column("file_name", "VARCHAR", "Path of the file as given.", nullable=False),
        Column("sha256", "VARCHAR", "SHA-256 of the file's bytes.", nullable=False),
        Column(
            "kind",
            "VARCHAR",
            "orders | products | reviews | sales | trends | ranks | ... (the --as option).",
            nullable=False,
        ),
        Column(
            "layout", "VARCHAR", "Recognised layout (uci_online_retail, olist_orders, mapping:<file>, ...)."
        ),
        Column("rows_in", "BIGINT", "Data rows read from the file."),
        Column("rows_stored", "BIGINT", "Rows written to canonical tables."),
        Column("rows_duplicate", "BIGINT", "Rows recognised as duplicates of stored rows."),
        Column("rows_quarantined", "BIGINT", "Rows written to quarantine with a reason."),
        Column("status", "VARCHAR", "ok | skipped (same file already ingested) | failed.", nullable=False),
        Column("message", "VARCHAR", "Summary or error message."),
        Column(
            "file_modified",
            "TIMESTAMP",
            "When the file was last written: a zip member's recorded time (the zipping machine's local time; "
            "zips carry no zone) or a plain file's modification time (UTC).",
        ),
        Column(
            "file_modified_source", "VARCHAR", "zip_member | file_mtime (where file_modified comes from)."
        ),
    ),
)

QUARANTINE = Table(
    "quarantine",
    "Input rows that could not be stored, with the reason; nothing is lost.",
    owner="ingest",
    role="system",
    columns=(
        Column("ingest_id", "VARCHAR", "ingest_log.ingest_id.", nullable=False),
        Column("file_name", "VARCHAR", "File the row came from.", nullable=False),
        Column("row_number", "BIGINT", "Data row number in the file (1 = first row after the header)."),
        Column("column_name", "VARCHAR", "Column that failed validation."),
        Column("value", "VARCHAR", "The offending value as text.", personal=True),
        Column(
            "reason_code",
            "VARCHAR",
            "Machine-readable reason (bad_date, bad_number, missing_required, ...).",
            nullable=False,
        ),
        Column("reason", "VARCHAR", "Human-readable reason and what to do."),
        Column("raw", "JSON", "The whole raw row as JSON.", personal=True),
    ),
)

RUNS = Table(
    "runs",
    "Every engine run (forecast, selection, full pipeline) with parameters and the fingerprint of its inputs.",
    owner="warehouse",
    role="system",
    primary_key=("run_id",),
    dated_by="started_at",
    columns=(
        Column("run_id", "VARCHAR", "Run id."),
        Column(
            "kind",
            "VARCHAR",
            "pipeline (the whole job) | the stage name of a one-stage run (demand, reviews, landed_cost, compliance, selection, backtest, ...).",
            nullable=False,
        ),
        Column("started_at", "TIMESTAMP", "Start time (UTC).", nullable=False),
        Column("finished_at", "TIMESTAMP", "End time (UTC)."),
        Column("status", "VARCHAR", "running | ok | failed.", nullable=False),
        Column("params", "JSON", "Parameters as JSON."),
        Column("fingerprint", "VARCHAR", "SHA-256 over the input data the run read."),
        Column("stages", "JSON", "Per-stage status and timings as JSON (pipeline runs)."),
        Column("message", "VARCHAR", "Summary or error."),
    ),
)

REPORT_FILES = Table(
    "report_files",
    "Report files (HTML, PDF, XLSX per language) rendered for a run; the latest row per run, lang and format is current.",
    owner="report",
    role="system",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the pipeline run the report describes.", nullable=False),
        Column("lang", "VARCHAR", "Report language: en | zh (Simplified Chinese).", nullable=False),
        Column("format", "VARCHAR", "html | pdf | xlsx.", nullable=False),
        Column("path", "VARCHAR", "Absolute path of the file; NULL when it could not be produced."),
        Column("bytes", "BIGINT", "File size in bytes."),
        Column("created_at", "TIMESTAMP", "When the file was written (UTC).", nullable=False),
        Column("status", "VARCHAR", "ok | missing (not produced; see message).", nullable=False),
        Column("message", "VARCHAR", "Why the file is missing (e.g. no Chromium for the PDF), or NULL."),
    ),
)

USERS = Table(
    "users",
    "Accounts of the web dashboard and REST API (xborder serve, xborder users).",
    owner="api",
    role="system",
    primary_key=("user_id",),
    unique=(("username",),),
    columns=(
        Column("user_id", "VARCHAR", "Random id of the account (hex)."),
        Column(
            "username",
            "VARCHAR",
            "Login name (lower-case letters, digits, . _ -; 2-64 characters).",
            personal=True,
            nullable=False,
        ),
        Column(
            "password_hash",
            "VARCHAR",
            "Argon2id hash of the password (PHC string); the password itself is never stored.",
            nullable=False,
        ),
        Column(
            "role",
            "VARCHAR",
            "admin (everything, manages users) | analyst (upload data, start runs) | viewer (read only).",
            nullable=False,
        ),
        Column(
            "must_change_password",
            "BOOLEAN",
            "TRUE after a one-time or admin-set password: the user must choose a new one at next login.",
            nullable=False,
            default="FALSE",
        ),
        Column(
            "disabled",
            "BOOLEAN",
            "TRUE when the account may no longer log in; its sessions and tokens stop working.",
            nullable=False,
            default="FALSE",
        ),
        Column("created_at", "TIMESTAMP", "When the account was created (UTC).", nullable=False),
        Column("updated_at", "TIMESTAMP", "Last change of password, role or state (UTC)."),
        Column("last_login_at", "TIMESTAMP", "Last successful login (UTC)."),
        Column(
            "totp_secret",
            "VARCHAR",
            "Base32 secret of the account's TOTP authenticator (RFC 6238), pending until confirmed; NULL without.",
        ),
        Column("totp_enabled_at", "TIMESTAMP", "When two-factor login was switched on (UTC); NULL when off."),
        Column(
            "totp_last_step",
            "BIGINT",
            "Time step (Unix time / 30 s) of the last accepted code: a code is never accepted twice.",
        ),
        Column(
            "totp_recovery",
            "JSON",
            "SHA-256 (hex) of the unused one-time recovery codes, as a JSON list; the codes are shown once.",
        ),
    ),
)

SESSIONS = Table(
    "sessions",
    "Login sessions (browser cookie) and API bearer tokens; both expire and can be revoked.",
    owner="api",
    role="system",
    primary_key=("token_hash",),
    columns=(
        Column(
            "token_hash",
            "VARCHAR",
            "SHA-256 (hex) of the session cookie or bearer token; the secret itself is only ever given to the user.",
        ),
        Column("user_id", "VARCHAR", "users.user_id of the owner.", nullable=False),
        Column(
            "kind",
            "VARCHAR",
            "session (browser cookie, CSRF-protected) | token (Authorization: Bearer, for scripts).",
            nullable=False,
        ),
        Column("name", "VARCHAR", "Label the user gave a bearer token (what it is for)."),
        Column(
            "csrf_token",
            "VARCHAR",
            "Per-session CSRF token that every state-changing form or cookie-authenticated API call must echo.",
        ),
        Column("created_at", "TIMESTAMP", "When the session or token was issued (UTC).", nullable=False),
        Column("expires_at", "TIMESTAMP", "When it stops working (UTC).", nullable=False),
        Column(
            "revoked_at",
            "TIMESTAMP",
            "When it was ended early (logout, password change, account disabled), UTC.",
        ),
        Column("ip", "VARCHAR", "Client address that created it."),
    ),
)

AUDIT_LOG = Table(
    "audit_log",
    "Append-only record of who did what, when, to what, and with what outcome (web app and xborder users).",
    owner="api",
    role="system",
    primary_key=("audit_id",),
    columns=(
        Column("audit_id", "VARCHAR", "Random id of the entry (hex)."),
        Column("occurred_at", "TIMESTAMP", "When it happened (UTC).", nullable=False),
        Column("user_id", "VARCHAR", "users.user_id of the actor; NULL for anonymous attempts."),
        Column(
            "username",
            "VARCHAR",
            "Login name of the actor as given (also for failed logins); cli:<os user> for the command line.",
            personal=True,
        ),
        Column("ip", "VARCHAR", "Client address (web) or NULL (command line).", personal=True),
        Column(
            "action",
            "VARCHAR",
            "What was done: login, logout, password.change, token.create, user.add, user.set_role, user.disable, data.upload, run.start, ...",
            nullable=False,
        ),
        Column("target", "VARCHAR", "What it was done to: user name, file name, run or job id."),
        Column(
            "outcome",
            "VARCHAR",
            "ok | denied (not allowed) | failed (error or bad input) | locked (rate limit).",
            nullable=False,
        ),
        Column("detail", "JSON", "Further facts as JSON (ingest summary, error message, new role)."),
    ),
)

JOBS = Table(
    "jobs",
    "Long work started through the web app, run in the background; poll GET /api/jobs/{job_id} for progress.",
    owner="api",
    role="system",
    primary_key=("job_id",),
    columns=(
        Column("job_id", "VARCHAR", "Random id of the job (hex)."),
        Column("kind", "VARCHAR", "run (end-to-end pipeline) | report (render a report).", nullable=False),
        Column(
            "status",
            "VARCHAR",
            "queued | running | ok | failed | interrupted (server stopped while it ran).",
            nullable=False,
        ),
        Column(
            "progress",
            "DOUBLE",
            "Fraction done, 0 to 1, as last reported by the work.",
            nullable=False,
            default="0",
        ),
        Column("message", "VARCHAR", "Last progress message, the summary, or the error for the user."),
        Column("params", "JSON", "Parameters of the job as JSON (markets, language, ...)."),
        Column("result", "JSON", "JSON summary returned by the work when it finished."),
        Column("run_id", "VARCHAR", "runs.run_id of the pipeline run the job produced, once known."),
        Column("created_by", "VARCHAR", "users.username of who started it.", personal=True),
        Column("created_at", "TIMESTAMP", "When it was queued (UTC).", nullable=False),
        Column("started_at", "TIMESTAMP", "When it began running (UTC)."),
        Column("finished_at", "TIMESTAMP", "When it ended (UTC)."),
    ),
)

LOGIN_ATTEMPTS = Table(
    "login_attempts",
    "Every login attempt by user name and client address; recent failures lock the pair (rate limiting survives restarts).",
    owner="api",
    role="system",
    columns=(
        Column(
            "username",
            "VARCHAR",
            "User name as typed (lower-cased), whether or not the account exists.",
            personal=True,
            nullable=False,
        ),
        Column("ip", "VARCHAR", "Client address of the attempt.", personal=True, nullable=False),
        Column("attempted_at", "TIMESTAMP", "When it happened (UTC).", nullable=False),
        Column(
            "success",
            "BOOLEAN",
            "TRUE when the password was right (resets the failure count).",
            nullable=False,
        ),
    ),
)


TABLES: tuple[Table, ...] = (
    SCHEMA_MIGRATIONS,
    SCHEMA_SYNC,
    INGEST_LOG,
    QUARANTINE,
    RUNS,
    REPORT_FILES,
    USERS,
    SESSIONS,
    AUDIT_LOG,
    JOBS,
    LOGIN_ATTEMPTS,
    PSEUDONYM_KEY,
    PSEUDONYM_KEYS,
    PSEUDONYM_KEY_LAYERS,
    PRIVACY_REQUESTS,
    PRIVACY_BREACHES,
    PRIVACY_SUPPRESSIONS,
    PERSONAL_READS,
    *LEDGER_TABLES,
)
