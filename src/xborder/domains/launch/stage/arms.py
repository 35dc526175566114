"""A variant experiment's arm counts read from the warehouse (ad reports or business reports), not typed in."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from xborder.core.errors import BadInputError
from xborder.warehouse.tables import read_rows

__all__ = ["ArmSpec", "ARM_SOURCES", "parse_arm", "arm_counts"]


@dataclass(frozen=True)
class _Source:
    table: str
    fields: tuple[str, ...]
    visitors: str
    conversions: str
    revenue: str
    fill: str


ARM_SOURCES = {
    "ads": _Source("ad_performance", ("campaign", "ad_group", "advertised_sku", "advertised_asin", "targeting",
                                      "search_term", "placement"), "clicks", "orders", "sales",
                   "Sponsored Products reports covering the arm (xborder ingest FILE: ad_performance)"),
    "traffic": _Source("listing_traffic", ("asin", "parent_asin", "sku", "product_id", "listing_id"), "sessions",
                       "order_items", "ordered_sales",
                       "Business Reports by child ASIN with a stated period (xborder ingest FILE: listing_traffic)"),
}  # fmt: skip
"""Arm sources: ``ads`` counts clicks, orders and sales of ad_performance rows; ``traffic`` counts sessions,
order items and ordered product sales of listing_traffic rows."""

_REPORTS = (
    "advertised_product",
    "campaign",
    "targeting",
    "search_term",
    "placement",
    "performance_over_time",
)
"""Ad report types in the order one is chosen: a report type's rows are never added to another's (the same spend
at different grains); purchased_product rows (other products bought) are never counted."""

_SPEC = re.compile(
    r"^(?P<src>[a-z]+):(?P<field>[a-z_]+)=(?P<value>[^@]+?)(?:@(?P<since>[\d-]*)\.\.(?P<until>[\d-]*))?$"
)


@dataclass(frozen=True)
class ArmSpec:
    """Where an arm's counts are read: ``SOURCE:FIELD=VALUE[@FROM..TO]`` (dates included, either may be empty)."""

    source: str
    field: str
    value: str
    since: dt.date | None = None
    until: dt.date | None = None

    def describe(self) -> str:
        """The spec as the user writes it."""
        days = "" if self.since is None and self.until is None else f"@{self.since or ''}..{self.until or ''}"
        return f"{self.source}:{self.field}={self.value}{days}"


def _date(text: str | None, spec: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInputError(f"Arm {spec!r}: {text!r} is not a date (YYYY-MM-DD).") from None


def parse_arm(text: str) -> ArmSpec:
    """Read an arm spec, e.g. ``ads:advertised_sku=MAT-24@2019-12-01..2019-12-11`` or ``traffic:asin=B07X``.

    Raises:
        BadInputError: A spec that is not ``SOURCE:FIELD=VALUE[@FROM..TO]``, or an unknown source or field.
    """
    m = _SPEC.match(text.strip())
    hint = ("E.g. --control-data 'ads:campaign=Mats auto@2019-12-01..2019-12-11' "
            "--variant-data 'ads:campaign=Mats manual@2019-12-01..2019-12-11'; sources: "
            + "; ".join(f"{k} ({', '.join(s.fields)})" for k, s in ARM_SOURCES.items()))  # fmt: skip
    if not m:
        raise BadInputError(f"Arm {text!r}: expected SOURCE:FIELD=VALUE[@FROM..TO].", hint=hint)
    src = ARM_SOURCES.get(m["src"])
    if src is None or m["field"] not in src.fields:
        raise BadInputError(f"Arm {text!r}: unknown source or field {m['src']}:{m['field']}.", hint=hint)
    return ArmSpec(m["src"], m["field"], m["value"].strip(), _date(m["since"], text), _date(m["until"], text))


def _rows(con: Any, arm: ArmSpec) -> tuple[pd.DataFrame, str]:
    src = ARM_SOURCES[arm.source]
    where: list[str] = [f'"{arm.field}" = ?']
    params: list[Any] = [arm.value]
    if arm.source == "ads" or arm.since is not None or arm.until is not None:
        where += ["period_start IS NOT NULL", "period_end IS NOT NULL"]
    if arm.since is not None:
        where.append("period_start >= ?")
        params.append(arm.since)
    if arm.until is not None:
        where.append("period_end <= ?")
        params.append(arm.until)
    cols = ["period_start", "period_end", src.visitors, src.conversions, src.revenue, "currency"]
    if arm.source == "ads":
        rows = read_rows(
            con, src.table, where=" AND ".join(where), params=params, columns=[*cols, "report_type"]
        )
        for report in _REPORTS:
            mine = rows[rows["report_type"] == report]
            if len(mine):
                return mine, f"{src.table} ({report} report)"
        return rows.iloc[0:0], src.table
    cols += ["asin", "report_date", "source"]
    rows = read_rows(con, src.table, where=" AND ".join(where), params=params, columns=cols)
    stated = rows["period_start"].notna() & rows["period_end"].notna()
    if stated.any() or rows["report_date"].nunique(dropna=False) > 1:
        # a report that states no period may overlap any other: only one such report, alone, is counted
        rows = rows[stated]
    # a by-ASIN report repeats the child ASIN's sessions on each of its SKUs' rows: counted once per report
    key = ["asin", "period_start", "period_end", "report_date", "source"]
    first = ~rows.duplicated(key)
    rows = rows.assign(**{src.visitors: rows[src.visitors].where(first)})
    return rows, f"{src.table} (sessions once per child ASIN and report)"


def arm_counts(con: Any, arm: ArmSpec) -> tuple[tuple[int, int, float], str]:
    """The arm's visitors, conversions and revenue summed over the matching rows, and where they came from.

    Rows must state their period and lie inside the arm's dates (a summary row spanning past them is left out);
    without dates, a business report that states no period counts only when it is the arm's only report. A
    child ASIN's sessions, repeated on each of its SKUs' rows, count once per report.

    Raises:
        BadInputError: No row matches, or the rows hold no visitors: the counts are unknown; the message
            says what would fill them.
    """
    src = ARM_SOURCES[arm.source]
    rows, table = _rows(con, arm)
    counts = rows[[src.visitors, src.conversions, src.revenue]].apply(pd.to_numeric, errors="coerce")
    visitors = counts[src.visitors].dropna()
    if visitors.sum() <= 0:
        what = "no row matches" if rows.empty else f"{len(rows)} rows, no {src.visitors}"
        raise BadInputError(
            f"Arm {arm.describe()}: counts unknown ({src.table}: {what} with {arm.field} = {arm.value!r}"
            f"{'' if arm.since is None and arm.until is None else ' within the dates'}).",
            hint=f"What would fill them: {src.fill}; or type them with --control/--variant.",
        )
    first, last = pd.to_datetime(rows["period_start"]).min(), pd.to_datetime(rows["period_end"]).max()
    days = "period not stated" if pd.isna(first) else f"{first.date()}..{last.date()}"
    currency = ", ".join(sorted({str(c) for c in rows["currency"].dropna()})) or "currency unknown"
    source = (
        f"{table}: {arm.field} = {arm.value!r}, {days}, {len(rows)} rows; "
        f"visitors = {src.visitors}, conversions = {src.conversions}, revenue = {src.revenue} ({currency})"
    )
    return (
        int(visitors.sum()),
        int(counts[src.conversions].fillna(0).sum()),
        float(counts[src.revenue].fillna(0).sum()),
    ), source
