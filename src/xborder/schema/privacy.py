"""Privacy system tables: the warehouse's pseudonym key, the erasure-request and breach registers."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = [
    "PSEUDONYM_KEY",
    "PRIVACY_REQUESTS",
    "PRIVACY_BREACHES",
    "PRIVACY_SUPPRESSIONS",
    "PERSONAL_READS",
]


PSEUDONYM_KEY = Table(
    "pseudonym_key",
    "The secret key of this warehouse's pseudonyms (HMAC-SHA256 of customer and reviewer ids): one row, stored "
    "with the data so the same export gets the same keys on every machine that opens it.",
    owner="warehouse",
    role="system",
    columns=(
        Column(
            "key",
            "VARCHAR",
            "The secret (hex or as given); never shown, only its fingerprint.",
            nullable=False,
        ),
        Column(
            "fingerprint",
            "VARCHAR",
            "First 16 hex digits of SHA-256 of the key, to compare keys.",
            nullable=False,
        ),
        Column("created_at", "TIMESTAMP", "When the warehouse was keyed (UTC).", nullable=False),
        Column(
            "origin",
            "VARCHAR",
            "generated | setting (XBORDER_PSEUDONYM_KEY) | key file (adopted from an older warehouse's config file).",
            nullable=False,
        ),
    ),
)

PRIVACY_REQUESTS = Table(
    "privacy_requests",
    "Register of data-subject requests (erasure): when each was received, its deadline and what was done.",
    owner="privacy",
    role="system",
    primary_key=("request_id",),
    dated_by="received_at",
    columns=(
        Column("request_id", "VARCHAR", "Random id of the request (hex)."),
        Column("received_at", "TIMESTAMP", "When the request was received (UTC).", nullable=False),
        Column(
            "regime", "VARCHAR", "Rule that sets the deadline (ccpa, gdpr, amazon_dpp, ...).", nullable=False
        ),
        Column(
            "due_at", "TIMESTAMP", "Deadline: received_at + the regime's period (settings).", nullable=False
        ),
        Column("source", "VARCHAR", "Source the person's id belongs to (uci, olist, shop, ...)."),
        Column(
            "subject_keys",
            "VARCHAR[]",
            "Pseudonyms searched for (never the raw id), so the erasure can be re-checked.",
            personal=True,
        ),
        Column("status", "VARCHAR", "open | done | not_found.", nullable=False),
        Column("done_at", "TIMESTAMP", "When the erasure ran."),
        Column("done_by", "VARCHAR", "Who ran it (cli:<os user> or a web user name).", personal=True),
        Column("rows_changed", "JSON", "Rows deleted or unlinked per table."),
        Column("note", "VARCHAR", "Free text (ticket number, channel)."),
    ),
)

PRIVACY_BREACHES = Table(
    "privacy_breaches",
    "Register of personal-data breaches with the 72-hour notification clock (GDPR Art. 33).",
    owner="privacy",
    role="system",
    primary_key=("breach_id",),
    dated_by="detected_at",
    columns=(
        Column("breach_id", "VARCHAR", "Random id (hex)."),
        Column("detected_at", "TIMESTAMP", "When the breach became known (UTC).", nullable=False),
        Column(
            "notify_by", "TIMESTAMP", "detected_at + 72 hours (setting breach_notify_hours).", nullable=False
        ),
        Column("what", "VARCHAR", "What happened and which data (tables, rows) it touched.", nullable=False),
        Column("notified_at", "TIMESTAMP", "When the authority was notified; NULL while open."),
        Column("recorded_by", "VARCHAR", "Who recorded it.", personal=True),
    ),
)

PRIVACY_SUPPRESSIONS = Table(
    "privacy_suppressions",
    "Pseudonyms of erased persons: a later ingest stores their sales unlinked and quarantines their own rows "
    "(reviews, customer links), so an erased person does not come back with a re-ingested export.",
    owner="privacy",
    role="system",
    primary_key=("subject_key",),
    dated_by="added_at",
    columns=(
        Column(
            "subject_key",
            "VARCHAR",
            "A pseudonym of the erased person (HMAC-SHA256 under the warehouse key; never the raw id).",
            personal=True,
        ),
        Column("request_id", "VARCHAR", "privacy_requests.request_id that added it.", nullable=False),
        Column("added_at", "TIMESTAMP", "When it was added (UTC).", nullable=False),
    ),
)

PERSONAL_READS = Table(
    "personal_reads",
    "Access log of reads of personal data: who read which personal columns of which table, through which "
    "command or endpoint, and when.",
    owner="privacy",
    role="system",
    dated_by="read_at",
    columns=(
        Column("read_at", "TIMESTAMP", "When it was read (UTC).", nullable=False),
        Column("actor", "VARCHAR", "cli:<os user> or the web user name.", nullable=False, personal=True),
        Column("channel", "VARCHAR", "cli | api.", nullable=False),
        Column(
            "command",
            "VARCHAR",
            "The command or endpoint (e.g. `customers`, GET /api/runs/{id}/customers).",
            nullable=False,
        ),
        Column("table_name", "VARCHAR", "Table read.", nullable=False),
        Column("columns", "VARCHAR[]", "Its personal columns that were read.", nullable=False),
        Column("rows_read", "BIGINT", "Rows returned (NULL when not counted)."),
        Column("run_id", "VARCHAR", "Run whose rows were read, when the read is of one run."),
    ),
)
