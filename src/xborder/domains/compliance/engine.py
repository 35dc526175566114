"""The compliance engine: product attributes x markets x date -> requirements and a per-market summary.

Pure functions over the rule table (``compliance/requirements.csv``); no I/O besides reading that
packaged table. Time-to-market is the critical path through the mandatory requirements: each
requirement finishes ``lead_time`` days after the latest of the requirements it depends on (tests
before the declaration, the declaration before the mark), requirements without a dependency run in
parallel. Lead times or costs that no source gives count as 0 and are reported as unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from xborder.core.clock import today
from xborder.domains.compliance.attributes import ProductAttributes
from xborder.domains.compliance.rules import load_requirements, normalise_markets, rule_markets
from xborder.domains.compliance.tables import COMPLIANCE_CHECKS, COMPLIANCE_SUMMARY
from xborder.reference import as_of
from xborder.reference.base import weakest

__all__ = [
    "REQUIREMENT_COLUMNS",
    "RULE_ONLY_COLUMNS",
    "SUMMARY_COLUMNS",
    "ComplianceAnswer",
    "check_product",
    "critical_path",
    "requirements_for",
    "summarise",
]

_PER_RUN = ("run_id", "product_id", "as_of")
"""Columns the stage adds to the engine's rows: whose run, which product, which day."""
RULE_ONLY_COLUMNS = ("note", "lead_cost_source")
"""Columns of a requirement row that are shown with an answer but not stored in ``compliance_checks``."""


def _requirement_columns() -> list[str]:
    out = []
    for c in COMPLIANCE_CHECKS.column_names:
        if c not in _PER_RUN:
            out.append(c)
        if c == "scope":
            out.append("note")
        elif c == "source":
            out.append("lead_cost_source")
    return out


REQUIREMENT_COLUMNS = _requirement_columns()
"""The columns of :func:`requirements_for`: the declaration of ``compliance_checks`` less :data:`_PER_RUN`,
with the rule's ``note`` after ``scope`` and ``lead_cost_source`` after ``source``."""
SUMMARY_COLUMNS: list[str] = [
    c for c in COMPLIANCE_SUMMARY.column_names if c not in (*_PER_RUN, "inferred_attributes")
]
"""The columns of :func:`summarise`: the declaration of ``compliance_summary`` less the per-run columns and
``inferred_attributes`` (a property of the product, added by the stage)."""


@dataclass
class ComplianceAnswer:
    """What :func:`check_product` returns: the attributes used, the date, the requirements and the summary."""

    attributes: ProductAttributes
    as_of: dt.date
    requirements: pd.DataFrame
    summary: pd.DataFrame


def _as_date(date: dt.date | str | None) -> dt.date:
    if date is None:
        return today()
    if isinstance(date, str):
        from xborder.core.errors import BadInputError

        try:
            return dt.date.fromisoformat(date)
        except ValueError as exc:
            raise BadInputError(
                f"Date {date!r} is not an ISO date.", hint="Use YYYY-MM-DD, e.g. 2026-07-01."
            ) from exc
    return date


def requirements_for(
    attributes: ProductAttributes,
    markets: Iterable[str] | str | None = None,
    date: dt.date | str | None = None,
    *,
    infer: bool = True,
    rules: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every rule in force on ``date`` whose condition the product meets, one row per market x rule.

    Args:
        attributes: The product's attributes; unknown ones are inferred from category/title when ``infer``.
        markets: ISO2 codes (``EU`` expands); all 25 covered markets when None.
        date: The day to answer for (default today); rules are filtered with ``reference.as_of``.
        infer: Fill unknown attributes from category and title keywords; rules that apply only
            because of an inferred attribute get ``basis = 'inferred'``.
        rules: A rule table from :func:`load_requirements` (loaded when None).

    Returns:
        A frame with :data:`REQUIREMENT_COLUMNS`, sorted by market, kind and rule id.
    """
    wanted = normalise_markets(markets)
    day = _as_date(date)
    table = as_of(load_requirements() if rules is None else rules, day)
    full = attributes.infer() if infer else attributes
    flags_full = full.flags()
    flags_stated = full.stated_only().flags()
    copied = ("rule_id", "requirement", "kind", "holder", "lead_time_days_min", "lead_time_days_max", "cost_min",
              "cost_max", "depends_on", "note", "source", "lead_cost_source", "valid_from", "valid_to",
              "last_checked", "confidence")  # fmt: skip
    rows: list[dict[str, Any]] = []
    for rule in cast(list[dict[str, Any]], table.to_dict(orient="records")):
        covered = [m for m in rule_markets(rule["market"]) if m in wanted]
        if not covered or not rule["condition"](flags_full):
            continue
        basis = "stated" if rule["condition"](flags_stated) else "inferred"
        for market in covered:
            row = {name: rule[name] for name in copied}
            row.update(market=market, mandatory=bool(rule["mandatory"]), currency=rule["currency"] or None,
                       on_critical_path=False, basis=basis, scope=rule["market"])  # fmt: skip
            rows.append(row)
    order = {m: i for i, m in enumerate(wanted)}
    rows.sort(key=lambda r: (order[r["market"]], not r["mandatory"], r["rule_id"]))
    by_market: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_market.setdefault(row["market"], []).append(row)
    for group in by_market.values():
        path = set(
            _chain(
                [
                    (r["rule_id"], r["lead_time_days_min"], r["lead_time_days_max"], r["depends_on"])
                    for r in group
                    if r["mandatory"]
                ]
            )[2]
        )
        for row in group:
            row["on_critical_path"] = row["rule_id"] in path
    return pd.DataFrame(rows, columns=REQUIREMENT_COLUMNS)


def critical_path(reqs: pd.DataFrame) -> tuple[float, float, list[str]]:
    """Longest chain of mandatory requirements of one market, by ``depends_on``.

    Returns (days using lead_time_days_min, days using lead_time_days_max, rule ids on the max path).
    Unknown lead times count as 0 days; dependencies that do not apply to the product are skipped.
    """
    mand = reqs[reqs["mandatory"].to_numpy(dtype=bool)]
    cols = zip(
        mand["rule_id"].tolist(),
        mand["lead_time_days_min"].tolist(),
        mand["lead_time_days_max"].tolist(),
        mand["depends_on"].tolist(),
        strict=True,
    )
    return _chain(list(cols))


def _chain(items: list[tuple[str, object, object, object]]) -> tuple[float, float, list[str]]:
    """Critical path over (rule_id, lead min, lead max, depends_on) of mandatory requirements."""
    lead: dict[str, tuple[float, float]] = {}
    raw_deps: dict[str, str] = {}
    for rule_id, lo, hi, dep in items:
        lead[rule_id] = (_num(lo), _num(hi, _num(lo)))
        raw_deps[rule_id] = str(dep or "")
    deps = {r: [d for d in raw_deps[r].split(";") if d in lead] for r in lead}
    memo: dict[str, tuple[float, float, list[str]]] = {}

    def finish(rule_id: str, seen: frozenset[str] = frozenset()) -> tuple[float, float, list[str]]:
        if rule_id in memo:
            return memo[rule_id]
        if rule_id in seen:  # a cycle in the data: stop rather than recurse forever
            return 0.0, 0.0, []
        best_min, best_max = 0.0, 0.0
        best_path: list[str] = []
        for dep in deps[rule_id]:
            dmin, dmax, dpath = finish(dep, seen | {rule_id})
            best_min = max(best_min, dmin)
            if dmax > best_max or not best_path:
                best_max, best_path = dmax, dpath
        lo, hi = lead[rule_id]
        memo[rule_id] = (best_min + lo, best_max + hi, best_path + [rule_id])
        return memo[rule_id]

    total_min, total_max = 0.0, 0.0
    path: list[str] = []
    for rule_id in lead:
        fmin, fmax, fpath = finish(rule_id)
        total_min = max(total_min, fmin)
        if fmax > total_max or (fmax == total_max and len(fpath) > len(path)):
            total_max, path = fmax, fpath
    return total_min, total_max, path if total_max > 0 else []


def _num(value: object, default: float = 0.0) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return default if out != out else out


def summarise(reqs: pd.DataFrame, *, by: list[str] | None = None) -> pd.DataFrame:
    """Per market (and ``by`` keys): counts, critical-path time-to-market and the total cost range (USD).

    Costs add up over mandatory requirements whose cost a source gives; ``n_cost_unknown`` counts
    the mandatory requirements without one, so the totals are lower bounds when it is above 0.
    """
    keys = (by or []) + ["market"]
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for rec in cast(list[dict[str, Any]], reqs.to_dict(orient="records")):
        groups.setdefault(tuple(rec[k] for k in keys), []).append(rec)
    rows = []
    for key, grp in groups.items():
        mand = [r for r in grp if r["mandatory"]]
        tmin, tmax, path = _chain(
            [(r["rule_id"], r["lead_time_days_min"], r["lead_time_days_max"], r["depends_on"]) for r in mand]
        )
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "n_requirements": len(grp),
                "n_mandatory": len(mand),
                "time_to_market_days_min": tmin,
                "time_to_market_days_max": tmax,
                "critical_path": " > ".join(path),
                "cost_min": float(sum(_num(r["cost_min"]) for r in mand)),
                "cost_max": float(sum(_num(r["cost_max"], _num(r["cost_min"])) for r in mand)),
                "currency": "USD",
                "n_lead_time_unknown": sum(_num(r["lead_time_days_max"], -1.0) < 0 for r in mand),
                "n_cost_unknown": sum(_num(r["cost_max"], -1.0) < 0 for r in mand),
                "n_inferred": sum(r["basis"] == "inferred" for r in grp),
                "confidence": weakest(r["confidence"] for r in mand) or "high",
            }
        )
    return pd.DataFrame(rows, columns=(by or []) + SUMMARY_COLUMNS)


def check_product(
    attributes: ProductAttributes,
    markets: Iterable[str] | str | None = None,
    date: dt.date | str | None = None,
    *,
    infer: bool = True,
) -> ComplianceAnswer:
    """Requirements and per-market summary for one product (see :func:`requirements_for`)."""
    day = _as_date(date)
    used = attributes.infer() if infer else attributes
    reqs = requirements_for(attributes, markets, day, infer=infer)
    summary = summarise(reqs)
    wanted = normalise_markets(markets)
    missing = [m for m in wanted if m not in set(summary["market"])]
    if missing:  # markets where no rule applies still get a (zero) summary row
        empty = pd.DataFrame(
            [
                dict.fromkeys(SUMMARY_COLUMNS, 0)
                | {"market": m, "critical_path": "", "currency": "USD", "confidence": "high"}
                for m in missing
            ]
        )
        summary = pd.concat([summary, empty], ignore_index=True)
        summary["_o"] = summary["market"].map({m: i for i, m in enumerate(wanted)})
        summary = summary.sort_values("_o").drop(columns="_o").reset_index(drop=True)
    return ComplianceAnswer(attributes=used, as_of=day, requirements=reqs, summary=summary)
