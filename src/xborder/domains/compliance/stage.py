"""Warehouse glue for compliance: candidate products x target markets -> compliance_checks and compliance_summary.

Candidate products are the products with order lines (non-product lines excluded). Their attributes
come from the products table (flags, category, hs_code, attributes JSON), unknown ones inferred from
category and title. Products with the same attributes share one evaluation of the rule base, so a
warehouse of thousands of products costs a few hundred evaluations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import duckdb
import pandas as pd

from xborder.core.clock import today
from xborder.domains.compliance.attributes import ProductAttributes
from xborder.domains.compliance.dossier import SECTION
from xborder.domains.compliance.engine import RULE_ONLY_COLUMNS, requirements_for, summarise
from xborder.domains.compliance.rules import MARKETS, load_requirements, normalise_markets
from xborder.domains.compliance.tables import COMPLIANCE_CHECKS, COMPLIANCE_SUMMARY, TABLES
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, write_frame

__all__ = ["candidate_products", "run_compliance", "STAGE"]


def candidate_products(con: duckdb.DuckDBPyConnection, product_ids: list[str] | None = None) -> pd.DataFrame:
    """Products with sales in order_lines (or the given ids), with the columns compliance reads."""
    cols = (
        "SELECT p.product_id, p.title, p.category, p.hs_code, p.origin_country, p.battery, p.radio, p.electrical, "
        "p.for_children, p.food_contact, CAST(p.attributes AS VARCHAR) AS attributes FROM products p "
    )
    if product_ids is None:
        sql = cols + (
            "WHERE coalesce(p.is_product, TRUE) AND p.product_id IN (SELECT DISTINCT product_id FROM order_lines "
            "WHERE product_id IS NOT NULL AND coalesce(is_product, TRUE))"
        )
        params: list[Any] = []
    else:
        sql, params = cols + "WHERE p.product_id IN (SELECT unnest(?::VARCHAR[]))", [list(product_ids)]
    return con.execute(sql + " ORDER BY p.product_id", params).df()


def run_compliance(
    con: duckdb.DuckDBPyConnection,
    settings: Any,
    *,
    run_id: str,
    markets: list[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
    as_of: dt.date | str | None = None,
    product_ids: list[str] | None = None,
    **params: Any,
) -> dict:
    """Evaluate the rule base for every candidate product x market and store the answers under ``run_id``.

    Args:
        con: Open, migrated warehouse connection.
        settings: xborder settings (unused today; kept for the pipeline contract).
        run_id: Id the rows are stored under (earlier rows of the same run are replaced).
        markets: Target markets (ISO2, ``EU`` expands); all 25 covered markets when None. Markets the
            rule base does not cover are skipped and listed under ``markets_not_covered``.
        progress: ``callable(fraction, message)`` for progress reporting.
        as_of: Day to evaluate the rules for (default today).
        product_ids: Restrict to these products (default: all with order lines).

    Returns:
        JSON-able summary: counts of products, markets, distinct attribute sets and rows written.
    """
    del settings, params
    # A run may name markets the rule base does not cover (e.g. the buyer countries of the data): skip them.
    day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else (as_of or today())
    asked = None
    if markets is not None:
        items = [markets] if isinstance(markets, str) else markets
        asked = [c.strip().upper() for m in items for c in str(m).replace(";", ",").split(",") if c.strip()]
    not_covered = sorted({m for m in asked or [] if m not in MARKETS and m not in ("EU", "UK")})
    covered = [m for m in asked or [] if m not in not_covered]
    if asked is not None and not covered:
        return {"run_id": run_id, "as_of": day.isoformat(), "markets": [], "markets_not_covered": not_covered, "products": 0,
                "attribute_sets": 0, "compliance_checks": 0, "compliance_summary": 0,
                "message": "none of the run's markets is covered by the compliance rule base"}  # fmt: skip
    wanted = normalise_markets(covered if asked is not None else None)
    report = progress or (lambda _f, _m: None)
    report(0.0, "reading candidate products")
    products = candidate_products(con, product_ids)
    rules = load_requirements()
    groups: dict[tuple, list[tuple[str, str]]] = {}
    reps: dict[tuple, ProductAttributes] = {}
    for row in products.to_dict(orient="records"):
        attrs = ProductAttributes.from_product_row(row)
        full = attrs.infer()
        key = (tuple(sorted(full.flags().items())), tuple(sorted(full.stated_only().flags().items())))
        groups.setdefault(key, []).append((row["product_id"], ";".join(sorted(full.inferred))))
        reps.setdefault(key, attrs)
    checks, summaries = [], []
    for i, (key, members) in enumerate(groups.items()):
        reqs = requirements_for(reps[key], wanted, day, rules=rules)
        summ = _with_all_markets(summarise(reqs), wanted)
        ids = pd.DataFrame(members, columns=["product_id", "inferred_attributes"])
        if not reqs.empty:
            checks.append(ids[["product_id"]].merge(reqs, how="cross"))
        summaries.append(ids.merge(summ, how="cross"))
        if i % 20 == 0:
            report(0.1 + 0.7 * i / max(len(groups), 1), f"evaluated {i + 1} of {len(groups)} attribute sets")
    report(0.85, "writing compliance_checks")
    delete_run_rows(con, TABLES, run_id)
    n_checks = n_summary = 0
    if checks:
        chk = pd.concat(checks, ignore_index=True)
        chk["run_id"], chk["as_of"] = run_id, day
        n_checks = write_frame(con, COMPLIANCE_CHECKS, chk, ignore=RULE_ONLY_COLUMNS)
    if summaries:
        summ = pd.concat(summaries, ignore_index=True)
        summ["run_id"], summ["as_of"] = run_id, day
        n_summary = write_frame(con, COMPLIANCE_SUMMARY, summ)
    report(1.0, "compliance done")
    return {
        "run_id": run_id,
        "as_of": day.isoformat(),
        "markets": wanted,
        "products": len(products),
        "attribute_sets": len(groups),
        "compliance_checks": n_checks,
        "compliance_summary": n_summary,
        "rules_in_base": len(rules),
        "markets_not_covered": not_covered,
    }


def _with_all_markets(summary: pd.DataFrame, markets: list[str]) -> pd.DataFrame:
    """Add zero rows for markets where no rule applies, so every product x market has a summary."""
    missing = [m for m in markets if m not in set(summary["market"])]
    if not missing:
        return summary
    zero = pd.DataFrame(
        {
            "market": missing,
            "n_requirements": 0,
            "n_mandatory": 0,
            "time_to_market_days_min": 0.0,
            "time_to_market_days_max": 0.0,
            "critical_path": "",
            "cost_min": 0.0,
            "cost_max": 0.0,
            "currency": "USD",
            "n_lead_time_unknown": 0,
            "n_cost_unknown": 0,
            "n_inferred": 0,
            "confidence": "high",
        }
    )
    return pd.concat([summary, zero], ignore_index=True) if len(summary) else zero


class ComplianceParams(Params):
    """Parameters of the compliance stage (see :func:`run_compliance`)."""

    as_of: dt.date | None = None
    product_ids: list[str] | None = None


def _run(ctx: StageContext, p: ComplianceParams) -> dict[str, Any]:
    return run_compliance(ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets, progress=ctx.progress,
                          **p.model_dump())  # fmt: skip


STAGE = Stage(
    "compliance", _run, ComplianceParams, writes=TABLES, weight=0.05, title="Compliance", dossier=SECTION
)
