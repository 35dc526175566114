"""The data map: every personal column of every declared table, who writes it and why it is kept."""

from __future__ import annotations

from xborder.schema import all_tables
from xborder.schema.table import Column, Table

__all__ = ["KEY_COLUMNS", "DELETE_TABLES", "data_map", "data_map_markdown", "erasure_action"]

KEY_COLUMNS = frozenset({"customer_key", "source_customer_key", "reviewer_key", "subject_keys"})
"""Columns holding pseudonyms of a person (HMAC-SHA256 under the warehouse key)."""


def data_map() -> list[dict[str, str]]:
    """One row per personal column: table, column, type, what it holds, the owner that writes it, the table's
    role, and how erasure treats it."""
    rows = []
    for t in all_tables():
        for c in t.columns:
            if not c.personal:
                continue
            rows.append(
                {
                    "table": t.name,
                    "column": c.name,
                    "type": c.type,
                    "holds": c.doc,
                    "written_by": t.owner,
                    "role": t.role,
                    "erasure": _RULE_TEXT[erasure_action(t, c)],
                }
            )
    return rows


def erasure_action(table: Table, column: Column) -> str:
    """What erasing a customer does to ``column`` of ``table``: delete | unlink | mask | with_row | staff | keep |
    other (personal data that is not a customer's, e.g. a supplier's legal representative)."""
    if table.name in REGISTER_TABLES:
        return "keep"
    if table.name in STAFF_TABLES:
        return "staff"
    if table.name == "quarantine":
        return "mask"
    if column.name not in KEY_COLUMNS:
        keys = [c for c in table.columns if c.name in KEY_COLUMNS]
        return "with_row" if any(erasure_action(table, k) == "delete" for k in keys) else "other"
    if table.role == "output" or table.name in DELETE_TABLES or not column.nullable:
        return "delete"
    return "unlink"


_RULE_TEXT = {
    "delete": "row deleted",
    "with_row": "deleted with its row (the person's key is in it)",
    "unlink": "key set to NULL (the sale stays, anonymous)",
    "mask": "the raw id masked where it appears",
    "staff": "kept: the system's own users, not customers",
    "keep": "kept: the privacy register itself",
    "other": "kept: a business contact's data, not a customer's (remove it with the supplier record if asked)",
}

STAFF_TABLES = frozenset({"users", "audit_log", "sessions", "login_attempts", "jobs"})
"""Tables about the people who use xborder (accounts, audit): not a customer's data."""

REGISTER_TABLES = frozenset(
    {
        "privacy_requests",
        "privacy_breaches",
        "privacy_suppressions",
        "personal_reads",
        "pseudonym_key",
        "pseudonym_keys",
        "pseudonym_key_layers",
        "audit_log",
        "users",
        "sessions",
        "login_attempts",
        "jobs",
    }
)
"""Tables about the system's own users and the privacy registers: not touched by a customer's erasure."""

DELETE_TABLES = frozenset({"reviews", "customer_links"})
"""Input tables whose rows are the person's own (a review's text, a customer link): erased whole. Elsewhere an
input row is a sale, kept as an anonymous sale with its customer key set to NULL."""


def data_map_markdown() -> str:
    """The data map as a Markdown table (docs/privacy.md embeds it; a test keeps the two equal)."""
    lines = [
        "| table | column | type | holds | written by | on erasure |",
        "|---|---|---|---|---|---|",
    ]
    for r in data_map():
        holds = r["holds"].replace("|", "\\|")
        lines.append(
            f"| `{r['table']}` | `{r['column']}` | {r['type']} | {holds} | {r['written_by']} | {r['erasure']} |"
        )
    return "\n".join(lines) + "\n"
