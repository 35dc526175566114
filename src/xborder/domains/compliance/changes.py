"""The change report: which rules came into force, ended, are coming or were re-checked since a date, and whom they hit.

A rule "came into force" when its ``valid_from`` lies in (since, until], "ended" when its
``valid_to`` lies in [since, until), is "upcoming" when ``valid_from`` lies in (until, until + horizon],
and was "re-checked" when only its ``last_checked`` is after ``since`` (listed on request, since a
re-check says the row was reviewed, not that the law changed). Each changed rule is matched against
the products' attributes to list the product x market pairs it affects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from xborder.domains.compliance.attributes import ProductAttributes
from xborder.domains.compliance.rules import load_requirements, normalise_markets, rule_markets

__all__ = ["CHANGE_COLUMNS", "AFFECTED_COLUMNS", "changed_rules", "affected_products"]

CHANGE_COLUMNS = [
    "change",
    "date",
    "rule_id",
    "scope",
    "requirement",
    "applies_if",
    "mandatory",
    "source",
    "valid_from",
    "valid_to",
    "last_checked",
    "confidence",
]
AFFECTED_COLUMNS = ["rule_id", "change", "date", "product_id", "title", "market", "basis"]


def changed_rules(
    since: dt.date,
    until: dt.date | None = None,
    *,
    horizon_days: int = 365,
    include_rechecked: bool = False,
    rules: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rules whose status changed between ``since`` and ``until`` (default today), one row per change.

    Args:
        since: Start of the window (exclusive for starts, inclusive for ends).
        until: End of the window; today when None.
        horizon_days: How far after ``until`` announced rules are listed as "upcoming" (0 = none).
        include_rechecked: Also list rules only re-checked (``last_checked``) in the window.
        rules: A rule table from ``load_requirements`` (loaded when None).
    """
    until = until or dt.date.today()
    table = load_requirements() if rules is None else rules
    horizon = until + dt.timedelta(days=horizon_days)
    out = []
    for r in table.itertuples(index=False):
        vf, vt = _d(r.valid_from), _d(r.valid_to)
        events = []
        if vf is not None and since < vf <= until:
            events.append(("came into force", vf))
        if vt is not None and since <= vt < until:
            events.append(("ended", vt + dt.timedelta(days=1)))
        if vf is not None and until < vf <= horizon:
            events.append(("upcoming", vf))
        lc = _d(r.last_checked)
        if not events and include_rechecked and lc is not None and since < lc <= until:
            events.append(("re-checked", lc))
        for change, day in events:
            out.append(
                {
                    "change": change,
                    "date": day,
                    "rule_id": r.rule_id,
                    "scope": r.market,
                    "requirement": r.requirement,
                    "applies_if": r.applies_if,
                    "mandatory": bool(r.mandatory),
                    "source": r.source,
                    "valid_from": vf,
                    "valid_to": vt,
                    "last_checked": lc,
                    "confidence": r.confidence,
                }
            )
    df = pd.DataFrame(out, columns=CHANGE_COLUMNS)
    return df.sort_values(["date", "rule_id"], kind="stable").reset_index(drop=True)


def affected_products(
    changes: pd.DataFrame,
    products: Iterable[tuple[str, ProductAttributes]],
    markets: Iterable[str] | str | None = None,
    *,
    rules: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Product x market pairs each changed rule applies to (attributes inferred where unknown).

    Products with the same attributes are evaluated once, so a warehouse of thousands of
    products costs one condition check per distinct attribute set and rule.
    """
    wanted = set(normalise_markets(markets))
    table = load_requirements() if rules is None else rules
    cond = dict(zip(table["rule_id"], table["condition"], strict=True))
    scope = dict(zip(table["rule_id"], table["market"], strict=True))
    groups: dict[tuple, list[tuple[str, str | None]]] = {}
    full_of: dict[tuple, tuple[dict, dict]] = {}
    for product_id, attrs in products:
        full = attrs.infer()
        key = tuple(sorted(full.flags().items())) + (("_inferred", tuple(sorted(full.inferred))),)
        groups.setdefault(key, []).append((product_id, attrs.title))
        if key not in full_of:
            full_of[key] = (full.flags(), full.stated_only().flags())
    rows = []
    for ch in changes.itertuples(index=False):
        check = cond[ch.rule_id]
        mkts = [m for m in rule_markets(scope[ch.rule_id]) if m in wanted]
        if not mkts:
            continue
        for key, members in groups.items():
            flags_full, flags_stated = full_of[key]
            if not check(flags_full):
                continue
            basis = "stated" if check(flags_stated) else "inferred"
            for product_id, title in members:
                for m in mkts:
                    rows.append((ch.rule_id, ch.change, ch.date, product_id, title, m, basis))
    return pd.DataFrame(rows, columns=AFFECTED_COLUMNS)


def _d(value: object) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
