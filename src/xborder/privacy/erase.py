"""Erase one person: every pseudonym of their id found and removed from every table, derived table and export."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from xborder.ingest.masking import MASK
from xborder.ingest.pseudonym import pseudonymise
from xborder.privacy.datamap import KEY_COLUMNS, erasure_action
from xborder.schema import all_tables
from xborder.warehouse.keys import key_layers, layer_forms, layered
from xborder.warehouse.tables import table_exists

__all__ = ["EraseResult", "erase_subject", "subject_keys", "exports_holding"]


def subject_keys(key: bytes, sources: list[str], raw_id: str) -> list[str]:
    """Every pseudonym ingest can have made of ``raw_id`` from ``source``: the namespaces a source's layouts use
    (``<source>`` and, for per-order ids, ``<source>_order_customer``) × the id as given and as ingest
    normalises it (``17850.0`` is ``17850``)."""
    raw = raw_id.strip()
    values = dict.fromkeys([raw, re.sub(r"\.0+$", "", raw)])
    spaces = [ns for s in sources for ns in (s, f"{s}_order_customer")]
    return list(dict.fromkeys(pseudonymise(key, ns, v) for ns in spaces for v in values if v))


@dataclass
class EraseResult:
    """What an erasure did (or, dry run, would do)."""

    request_id: str
    status: str  # done | not_found | dry_run
    due_at: dt.datetime
    rows: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> {deleted, unlinked, masked}
    exports: list[str] = field(default_factory=list)  # files that held the person (deleted when asked)
    suppressed: int = 0  # pseudonyms on the suppression list (later ingests keep the person out)

    @property
    def total(self) -> int:
        return sum(n for d in self.rows.values() for n in d.values())


def _linked(con: duckdb.DuckDBPyConnection, keys: list[str]) -> list[str]:
    """Add the person-level and per-order keys linked to ``keys`` (Olist's two customer ids)."""
    if not table_exists(con, "customer_links"):
        return keys
    rows = con.execute(
        "SELECT customer_key, source_customer_key FROM customer_links "
        "WHERE customer_key IN (SELECT unnest(?)) OR source_customer_key IN (SELECT unnest(?))",
        [keys, keys],
    ).fetchall()
    return list(dict.fromkeys([*keys, *(k for r in rows for k in r if k)]))


def erase_subject(
    con: duckdb.DuckDBPyConnection,
    key: bytes,
    sources: list[str],
    raw_id: str,
    *,
    received_at: dt.datetime,
    deadline_hours: int,
    done_by: str,
    now: dt.datetime,
    note: str | None = None,
    regime: str = "internal",
    export_paths: list[Path] | None = None,
    delete_exports: bool = False,
    dry_run: bool = False,
) -> EraseResult:
    """Erase the person ``raw_id`` of each of ``sources`` from every declared table, in one transaction, and record the
    request in ``privacy_requests`` (not on a dry run).

    Tables are treated by :func:`xborder.privacy.datamap.erasure_action`: rows that are the person's own
    (customer-level outputs, reviews, customer links) are deleted; sales keep their figures with the customer
    key set to NULL; quarantined rows have the raw id masked. ``export_paths`` (reports, workbooks) are searched
    for the person's keys; they are listed, and deleted with ``delete_exports``.
    """
    layers = key_layers(con)  # after a key rotation the stored pseudonyms carry its layers (docs/security.md)
    base = subject_keys(key, sources, raw_id)
    keys = _linked(con, [layered(layers, k) for k in base])
    # report files made before a rotation hold the pseudonyms of the time: look for every form
    forms = list(dict.fromkeys([*keys, *(f for k in base for f in layer_forms(layers, k))]))
    res = EraseResult(
        secrets.token_hex(8),
        "dry_run" if dry_run else "done",
        received_at + dt.timedelta(hours=deadline_hours),
    )
    con.execute("BEGIN TRANSACTION")
    try:
        for t in all_tables():
            if not table_exists(con, t.name):
                continue
            for c in t.columns:
                if not c.personal:
                    continue
                action = erasure_action(t, c)
                if action in ("delete", "unlink") and c.name in KEY_COLUMNS:
                    where = f'"{c.name}" IN (SELECT unnest(?))'
                    n = con.execute(f'SELECT count(*) FROM "{t.name}" WHERE {where}', [keys]).fetchone()[0]  # type: ignore[index]
                    if n and not dry_run:
                        if action == "delete":
                            con.execute(f'DELETE FROM "{t.name}" WHERE {where}', [keys])
                        else:
                            con.execute(f'UPDATE "{t.name}" SET "{c.name}" = NULL WHERE {where}', [keys])
                    if n:
                        res.rows.setdefault(t.name, {})["deleted" if action == "delete" else "unlinked"] = (
                            int(n)
                        )
                elif action == "mask" and c.name == "raw":
                    res.rows.update(_mask_quarantine(con, raw_id.strip(), dry_run))
        found = res.total > 0
        res.exports = exports_holding(export_paths or [], forms)
        if res.exports and delete_exports and not dry_run:
            for p in res.exports:
                Path(p).unlink(missing_ok=True)
        if not dry_run:
            if not found and not res.exports:
                res.status = "not_found"
            con.execute(
                "INSERT INTO privacy_requests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [res.request_id, received_at, regime, res.due_at, ",".join(sources), keys, res.status, now, done_by,
                 json.dumps({"tables": res.rows, "exports": res.exports,
                             "exports_deleted": bool(res.exports and delete_exports)}), note],
            )  # fmt: skip
            _suppress(con, keys, res.request_id, now)
            res.suppressed = len(keys)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return res


def _suppress(con: duckdb.DuckDBPyConnection, keys: list[str], request_id: str, now: dt.datetime) -> None:
    """Add the person's pseudonyms to the suppression list: a later ingest of an export that holds them stores
    their sales unlinked and quarantines their own rows (``xborder.warehouse.suppress``)."""
    if table_exists(con, "privacy_suppressions"):
        # a person erased again after a lift is suppressed again, under the new request
        con.execute(
            """INSERT INTO privacy_suppressions (subject_key, request_id, added_at)
               SELECT unnest(CAST(? AS VARCHAR[])), ?, ?
               ON CONFLICT (subject_key) DO UPDATE SET request_id = excluded.request_id,
                   added_at = excluded.added_at, lifted_at = NULL, lifted_by = NULL, lift_reason = NULL
               WHERE privacy_suppressions.lifted_at IS NOT NULL""",
            [keys, request_id, now],
        )


def _mask_quarantine(con: duckdb.DuckDBPyConnection, raw_id: str, dry_run: bool) -> dict[str, dict[str, int]]:
    """Quarantined rows stored before masking existed may hold the raw id: mask it (as a whole JSON value)."""
    if not raw_id:
        return {}
    needle = json.dumps(raw_id)
    where = "(value = ? OR contains(CAST(raw AS VARCHAR), ?))"
    n = con.execute(f"SELECT count(*) FROM quarantine WHERE {where}", [raw_id, needle]).fetchone()[0]  # type: ignore[index]
    if n and not dry_run:
        con.execute(
            f"""UPDATE quarantine SET value = CASE WHEN value = ? THEN ? ELSE value END,
                    raw = CAST(replace(CAST(raw AS VARCHAR), ?, ?) AS JSON) WHERE {where}""",
            [raw_id, MASK, needle, json.dumps(MASK), raw_id, needle],
        )
    return {"quarantine": {"masked": int(n)}} if n else {}


_HEX_RUN = re.compile(rb"[0-9a-f]{12,64}")
# More keys than this (a key rotation's thousands): match hex runs against sets, not each key's bytes.
_MANY = 64


def _holds(data: bytes, keys: list[str]) -> bool:
    """Whether ``data`` contains one of ``keys`` (64-hex pseudonyms) or its 12-character prefix."""
    if len(keys) <= _MANY:
        return any(nd in data for k in keys for nd in (k.encode(), k[:12].encode()))
    full = {k.encode() for k in keys}
    prefixes = {k[:12].encode() for k in keys}
    return any(m.group(0) in full or m.group(0)[:12] in prefixes for m in _HEX_RUN.finditer(data))


def exports_holding(paths: list[Path], keys: list[str]) -> list[str]:
    """Files among ``paths`` (HTML, CSV, JSON, XLSX) that contain one of ``keys`` (or its 12-character prefix,
    as tables print it); and each PDF among them whose HTML of the same name does (a report's PDF is printed
    from the same data as its HTML; its compressed text is not searched)."""
    out = _searched(paths, keys)
    held = set(out)
    pdfs = [str(p) for p in map(Path, paths) if p.suffix.lower() == ".pdf" and p.is_file()]
    return out + [p for p in pdfs if str(Path(p).with_suffix(".html")) in held]


def _searched(paths: list[Path], keys: list[str]) -> list[str]:
    out = []
    for p in paths:
        p = Path(p)
        if not p.is_file():
            continue
        try:
            if p.suffix.lower() == ".xlsx":
                with zipfile.ZipFile(p) as z:
                    blobs = (z.read(n) for n in z.namelist() if n.endswith(".xml"))
                    hit = any(_holds(b, keys) for b in blobs)
            elif p.suffix.lower() in (".html", ".csv", ".json", ".txt", ".md"):
                hit = _holds(p.read_bytes(), keys)
            else:
                continue
        except (OSError, zipfile.BadZipFile):
            continue
        if hit:
            out.append(str(p))
    return out
