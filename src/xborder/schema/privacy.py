"""Privacy system tables: the warehouse's pseudonym key, the erasure-request and breach registers."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = [
    "PSEUDONYM_KEY",
    "PSEUDONYM_KEYS",
    "PSEUDONYM_KEY_LAYERS",
    "PRIVACY_REQUESTS",
    "PRIVACY_BREACHES",
    "PRIVACY_SUPPRESSIONS",
    "PERSONAL_READS",
]


def _privacy_table(name: str, doc: str, *columns: Column, key: str | None = None, dated_by: str) -> Table:
    """A table the privacy package writes: a system table, keyed by ``key`` when given, dated by ``dated_by``."""
    return Table(name, doc, owner="privacy", role="system", primary_key=(key,) if key else (), dated_by=dated_by,
                 columns=columns)  # fmt: skip


def _register(name: str, doc: str, key: tuple[str, str], opened: tuple[str, str], *columns: Column) -> Table:
    """A register (requests, breaches): its random hex id and when the case was opened (UTC), each given as
    (column, doc), then its own columns."""
    return _privacy_table(
        name,
        doc,
        Column(key[0], "VARCHAR", key[1]),
        Column(opened[0], "TIMESTAMP", opened[1], nullable=False),
        *columns,
        key=key[0],
        dated_by=opened[0],
    )


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

PSEUDONYM_KEYS = _privacy_table(
    "pseudonym_keys",
    "Registry of the pseudonym keys this warehouse has used (never a key itself): key 1 is the base key of "
    "`pseudonym_key`, each rotation (`xborder privacy rotate-key`) adds a layer; the pseudonym stored is "
    "HMAC(Kn, ... HMAC(K2, HMAC(K1, namespace:id))) (docs/security.md). Written from the first rotation on.",
    Column("key_id", "INTEGER", "1 for the base key, then 2, 3 ... in the order of the rotations."),
    Column("fingerprint", "VARCHAR", "First 16 hex digits of SHA-256 of the key.", nullable=False),
    Column("created_at", "TIMESTAMP", "When the key was made (UTC).", nullable=False),
    Column(
        "retired_at",
        "TIMESTAMP",
        "When a later rotation retired it (UTC): pseudonyms shown no longer use it as their outer layer; "
        "NULL for the current key.",
    ),
    Column(
        "created_by",
        "VARCHAR",
        "Who rotated (cli:<os user>); the base key's origin for key 1.",
        personal=True,
    ),
    Column("reason", "VARCHAR", "Why the key was rotated (e.g. the old key was seen outside the warehouse)."),
    Column("rows_rekeyed", "BIGINT", "Stored pseudonyms re-keyed by the rotation that made this key."),
    Column("seconds", "DOUBLE", "Wall time of that rotation.", unit="s"),
    key="key_id",
    dated_by="created_at",
)

PSEUDONYM_KEY_LAYERS = Table(
    "pseudonym_key_layers",
    "The secret keys of the layers a rotation adds over the base key (`pseudonym_keys` key_id 2, 3 ...): kept "
    "beside `pseudonym_key`, as secret as it; never shown, only their fingerprints (`xborder privacy key`).",
    owner="warehouse",
    role="system",
    primary_key=("key_id",),
    columns=(
        Column("key_id", "INTEGER", "pseudonym_keys.key_id of this layer (2, 3 ...)."),
        Column("key", "VARCHAR", "The secret (64 hex digits); never shown.", nullable=False),
    ),
)

PRIVACY_REQUESTS = _register(
    "privacy_requests",
    "Register of data-subject requests (erasure): when each was received, its deadline and what was done.",
    ("request_id", "Random id of the request (hex)."),
    ("received_at", "When the request was received (UTC)."),
    Column("regime", "VARCHAR", "Rule that sets the deadline (ccpa, gdpr, amazon_dpp, ...).", nullable=False),
    Column("due_at", "TIMESTAMP", "Deadline: received_at + the regime's period (settings).", nullable=False),
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
)

PRIVACY_BREACHES = _register(
    "privacy_breaches",
    "Register of personal-data breaches with the 72-hour notification clock (GDPR Art. 33).",
    ("breach_id", "Random id (hex)."),
    ("detected_at", "When the breach became known (UTC)."),
    Column("notify_by", "TIMESTAMP", "detected_at + 72 hours (setting breach_notify_hours).", nullable=False),
    Column("what", "VARCHAR", "What happened and which data (tables, rows) it touched.", nullable=False),
    Column("notified_at", "TIMESTAMP", "When the authority was notified; NULL while open."),
    Column("recorded_by", "VARCHAR", "Who recorded it.", personal=True),
)

PRIVACY_SUPPRESSIONS = _privacy_table(
    "privacy_suppressions",
    "Pseudonyms of erased persons: a later ingest stores their sales unlinked and quarantines their own rows "
    "(reviews, customer links), so an erased person does not come back with a re-ingested export.",
    Column(
        "subject_key",
        "VARCHAR",
        "A pseudonym of the erased person (HMAC-SHA256 under the warehouse key; never the raw id).",
        personal=True,
    ),
    Column("request_id", "VARCHAR", "privacy_requests.request_id that added it.", nullable=False),
    Column("added_at", "TIMESTAMP", "When it was added (UTC).", nullable=False),
    Column("lifted_at", "TIMESTAMP", "When the suppression was lifted (UTC); NULL while it holds."),
    Column(
        "lifted_by", "VARCHAR", "Who lifted it (cli:<os user> or an admin's web user name).", personal=True
    ),
    Column("lift_reason", "VARCHAR", "Why it was lifted (the person's consent, a ticket number ...)."),
    key="subject_key",
    dated_by="added_at",
)

PERSONAL_READS = _privacy_table(
    "personal_reads",
    "Access log of reads of personal data: who read which personal columns of which table, through which "
    "command or endpoint, and when.",
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
    dated_by="read_at",
)
