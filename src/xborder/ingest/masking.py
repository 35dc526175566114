"""Personal fields masked in quarantine: what a user needs to fix a row is kept, the person's identity is not."""

from __future__ import annotations

import re
from collections.abc import Iterable

import duckdb

__all__ = ["MASK", "PERSONAL_FIELDS", "personal_headers", "mask_quarantine"]

MASK = "<personal: masked>"

PERSONAL_FIELDS = frozenset({"customer", "customer_id", "customer_unique_id", "reviewer"})
"""Canonical input fields that identify a person (pseudonymised when stored, masked when quarantined)."""

# Header names of personal columns a layout does not read but the raw row still carries (Seller Central order
# reports have buyer-email, buyer-name, ship-address-1, ...; shop exports have Email, Phone, Billing Name).
_PERSONAL_HEADER = re.compile(
    r"e-?mail|buyer|customer|recipient|phone|address|reviewer|user.?name|ship.?to|bill.?to|"
    r"(first|last|full|billing|shipping).?name|^name$|^contact",
    re.IGNORECASE,
)


def personal_headers(headers: Iterable[str], mapped_personal: Iterable[str] = ()) -> list[str]:
    """Source columns to mask: those mapped to a personal field, and any whose name says it holds one."""
    out = dict.fromkeys(mapped_personal)
    out.update(dict.fromkeys(h for h in headers if _PERSONAL_HEADER.search(h)))
    return list(out)


def mask_quarantine(con: duckdb.DuckDBPyConnection, ingest_id: str, columns: list[str]) -> None:
    """Replace the values of ``columns`` in the quarantined rows of ``ingest_id`` (their ``raw`` JSON and the
    ``value`` shown when the failing column is one of them) by :data:`MASK`; empty values stay empty, so
    "customer id missing" is still seen."""
    if not columns:
        return

    def lit(s: str) -> str:
        return "'" + s.replace("'", "''") + "'"

    patch = ", ".join(
        f"{lit(c)}, CASE WHEN coalesce(raw->>{lit(c)}, '') = '' THEN raw->{lit(c)} ELSE to_json({lit(MASK)}) END"
        for c in columns
    )
    names = ", ".join(lit(c) for c in columns)
    con.execute(
        f"""UPDATE quarantine SET
                raw = CASE WHEN raw IS NULL THEN NULL ELSE json_merge_patch(raw, json_object({patch})) END,
                value = CASE WHEN column_name IN ({names}) AND coalesce(value, '') <> '' THEN {lit(MASK)} ELSE value END
            WHERE ingest_id = ?""",
        [ingest_id],
    )
