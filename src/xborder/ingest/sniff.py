"""Guess a delimited text file's delimiter, quoting and header row from its first bytes."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

__all__ = ["Dialect", "sniff_text", "find_header", "looks_like_header"]

_DELIMS = (",", "\t", ";", "|")
_NUMBER = re.compile(r"^\s*-?\d+([.,]\d+)?\s*$")


@dataclass(frozen=True)
class Dialect:
    """How to read a delimited file: delimiter, quote char ('' = none), lines before the header, header present."""

    delimiter: str
    quote: str
    skip: int
    header: bool


def looks_like_header(fields: list[str]) -> bool:
    """A header row has no purely numeric field and at least one non-empty field."""
    return any(f.strip() for f in fields) and not any(_NUMBER.match(f) for f in fields if f.strip())


def find_header(rows: list[list[str]]) -> tuple[int, int]:
    """(index of the header row, its field count): the first row with the most common non-trivial width."""
    widths = [sum(1 for v in r if str(v).strip()) for r in rows]
    counts = Counter(w for w in widths if w > 1)
    if not counts:
        return 0, max(widths or [1])
    mode = max(counts, key=lambda w: (counts[w], w))
    for i, w in enumerate(widths):
        if w >= mode:
            return i, w
    return 0, mode


def _records(text: str, delim: str, quote: str) -> list[tuple[int, list[str]]]:
    """(line number before the record, fields) for the first complete records of ``text``."""
    if quote:
        reader = csv.reader(io.StringIO(text), delimiter=delim, quotechar=quote)
    else:
        reader = csv.reader(io.StringIO(text), delimiter=delim, quoting=csv.QUOTE_NONE)
    out = []
    try:
        prev = 0
        for rec in reader:
            out.append((prev, rec))
            prev = reader.line_num
            if len(out) >= 300:
                break
    except csv.Error:
        pass
    return out


def sniff_text(text: str, *, truncated: bool = False) -> Dialect:
    """Pick the delimiter/quote giving the most consistent field count, then the header row."""
    if truncated and "\n" in text:
        text = text[: text.rfind("\n") + 1]
    best: tuple[tuple[float, bool, int, int, int], str, str, list[tuple[int, list[str]]]] | None = None
    for delim in _DELIMS:
        for quote in ('"', ""):
            recs = _records(text, delim, quote)
            if len(recs) > 2 and truncated:
                recs = recs[:-1]  # the last record of a sample may be cut
            widths = [len(r) for _, r in recs if any(f.strip() for f in r)]
            if not widths:
                continue
            mode, n = Counter(widths).most_common(1)[0]
            consistency = round(n / len(widths), 2)
            # Same consistency: prefer the reading where records span fewer lines (a stray quote at the
            # start of an unquoted text field swallows lines), then quoting.
            # Within the same rounded consistency, a reading where EVERY record has the same width wins over
            # a wider one with an odd record out: unquoted, '"Nov 16, 2018"' adds a field to every data row
            # but not to the header (Amazon's Sponsored Products and transaction reports).
            exact = n == len(widths)
            score = (
                consistency if mode > 1 else 0.0,
                exact and mode > 1,
                mode,
                -recs[-1][0],
                1 if quote else 0,
            )
            if best is None or score > best[0]:
                best = (score, delim, quote, recs)
    if best is None or best[0][0] == 0.0:
        return Dialect(delimiter=",", quote='"', skip=0, header=True)
    (_, _, mode, _, _), delim, quote, recs = best
    idx = 0
    for i, (_, rec) in enumerate(recs):
        if len(rec) == mode:
            idx = i
            break
    skip = recs[idx][0] if recs else 0
    header = looks_like_header(recs[idx][1]) if recs else True
    return Dialect(delimiter=delim, quote=quote, skip=skip, header=header)
