"""The customers stage: sold order lines with customer keys → RFM, cohorts, lifetime value, product repurchase.

Reads ``order_lines`` (sold product lines; only the pseudonymous ``customer_key``, never a raw id) and writes
the five tables of :mod:`xborder.domains.customers.tables`. Models are fitted per source; a source whose
lines carry no customer key (Amazon order reports hide the buyer) gets a ``customer_models`` row saying so,
and when no source has keys the stage is skipped with that reason.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from xborder.core import i18n
from xborder.domains.customers.aggregate import product_repurchase, segment_summary
from xborder.domains.customers.backtest import SHORT_CALIBRATION_RATIO, clv_backtest
from xborder.domains.customers.clv import SourceModels, customer_values, fit_source
from xborder.domains.customers.cohorts import cohort_retention
from xborder.domains.customers.dossier import SECTION
from xborder.domains.customers.rfm import SEGMENTS, rfm_scores, rfm_segment
from xborder.domains.customers.tables import (
    CUSTOMER_BACKTEST,
    CUSTOMER_CALIBRATION,
    CUSTOMER_COHORTS,
    CUSTOMER_MODELS,
    CUSTOMER_PRODUCTS,
    CUSTOMER_SCORES,
    CUSTOMER_SEGMENTS,
    TABLES,
)
from xborder.domains.customers.transactions import customer_summary, purchases
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, table_exists, write_frame

__all__ = ["CustomersParams", "run_customers", "STAGE", "panel_frames"]

_SOLD = "status = 'sold' AND coalesce(is_product, TRUE)"


class CustomersParams(Params):
    """Parameters of the customers stage."""

    horizon_days: int = Field(365, ge=1, le=3650)
    """Forecast period of expected purchases and value."""
    sources: list[str] | None = None
    """Only these order_lines sources (default: all)."""
    min_customers: int = Field(100, ge=2)
    """Fewest customers (per source) to fit the lifetime-value models."""
    min_repeat_customers: int = Field(20, ge=2)
    """Fewest customers with a repeat purchase to fit them."""
    min_repeat_share: float = Field(0.01, ge=0, le=1)
    """Smallest share of customers with a repeat purchase to fit them."""
    holdout_days: int = Field(90, ge=0, le=730)
    """Days held out at the end of each source's data to check the purchase and value forecast (0: no check)."""


def _where_sources(sources: list[str] | None) -> tuple[str, list[Any]]:
    return ("", []) if not sources else (" AND source IN (SELECT unnest(?::VARCHAR[]))", [list(sources)])


def _read(con: Any, sources: list[str] | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """(per source: sold lines, keyed lines, first and last day, platforms; customer lines at the stage grain,
    value net of cancellations and returns, customers numbered; customer number → customer_key). Numbers keep
    64-character keys out of pandas' grouping."""
    if not table_exists(con, "order_lines"):
        return pd.DataFrame(), pd.DataFrame(), pd.Series(dtype=object)
    extra, args = _where_sources(sources)
    coverage = con.execute(
        f"""SELECT source, count(*) AS sold_lines, count(customer_key) AS keyed_lines,
                   min(ordered_at)::DATE AS observed_from, max(ordered_at)::DATE AS observed_until,
                   list(DISTINCT split_part(marketplace_id, '.', 1)) FILTER (WHERE marketplace_id IS NOT NULL)
                     AS platforms
            FROM order_lines WHERE {_SOLD}{extra} GROUP BY source ORDER BY source""",
        args,
    ).df()
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_customers AS
            SELECT source, customer_key, row_number() OVER (ORDER BY source, customer_key) AS number
            FROM (SELECT DISTINCT source, customer_key FROM order_lines
                  WHERE {_SOLD} AND customer_key IS NOT NULL{extra})""",
        args,
    )
    try:
        lines = con.execute(
            """SELECT o.source, k.number AS customer_key, CAST(o.ordered_at AS DATE) AS day,
                      upper(o.country) AS market, o.currency, o.product_id,
                      sum(CASE WHEN o.status = 'sold' THEN 1 ELSE -1 END * o.quantity * o.unit_price) AS value,
                      sum(CASE WHEN o.status = 'sold' THEN o.quantity ELSE 0 END) AS sold_units
               FROM order_lines o JOIN _x_customers k USING (source, customer_key)
               WHERE coalesce(o.is_product, TRUE) AND o.status IN ('sold', 'cancelled', 'returned')
               GROUP BY ALL ORDER BY ALL""",  # a fixed order: the fits must not depend on the scan's order
        ).df()
        keys = con.execute("SELECT number, customer_key FROM _x_customers ORDER BY number").df()
    finally:
        con.execute("DROP TABLE IF EXISTS _x_customers")
    return coverage, lines, keys.set_index("number")["customer_key"]


def _render(notes: list[dict[str, Any]], lang: str) -> str:
    return " ".join(i18n.message(n, lang) for n in notes)


def _model_row(
    cov: dict[Any, Any], fit: SourceModels | None, check: dict[str, Any] | None, horizon_days: int
) -> dict[str, Any]:
    source = str(cov["source"])
    notes: list[dict[str, Any]] = []
    raw = cov.get("platforms")
    platforms = sorted(str(x) for x in (list(raw) if isinstance(raw, list | tuple | np.ndarray) else []) if x)
    if not cov["keyed_lines"]:
        notes.append({"code": "customers.no_customer_keys",
                      "args": {"source": source, "lines": int(cov["sold_lines"]), "platforms": ", ".join(platforms) or "-"}})  # fmt: skip
    elif cov["keyed_lines"] < cov["sold_lines"]:
        notes.append({"code": "customers.partly_keyed",
                      "args": {"source": source, "share": cov["keyed_lines"] / cov["sold_lines"]}})  # fmt: skip
    row: dict[str, Any] = {
        k: cov[k] for k in ("source", "sold_lines", "keyed_lines", "observed_from", "observed_until")
    }
    if fit is None:
        row["status"] = "no_customer_keys"
    else:
        notes += fit.notes
        history = (pd.Timestamp(cov["observed_until"]) - pd.Timestamp(cov["observed_from"])).days
        if fit.frequency is not None and history < SHORT_CALIBRATION_RATIO * horizon_days:
            notes.append({"code": "customers.short_history",
                          "args": {"source": source, "history_days": int(history), "days": horizon_days}})  # fmt: skip
        bg, gg = fit.frequency, fit.spend
        row.update(customers=fit.customers, repeat_customers=fit.repeat_customers,
                   frequency_spend_correlation=fit.frequency_spend_correlation)  # fmt: skip
        row["status"] = (
            "too_few_customers" if bg is None else ("fitted" if gg is not None else "spend_not_fitted")
        )
        if bg is not None:
            row.update(r=bg.r, alpha=bg.alpha, a=bg.a, b=bg.b, bgnbd_log_likelihood=bg.log_likelihood)
        if gg is not None:
            row.update(p=gg.p, q=gg.q, gamma=gg.gamma, spend_log_likelihood=gg.log_likelihood)
    if check is not None:
        notes += check["notes"]
        n, v = check["purchases"], check["value"]
        model = v["model"] or {}
        row.update(holdout_days=check["holdout_days"], holdout_actual=n["actual"],
                   holdout_predicted=n["model"]["total"], holdout_correlation=check["correlation"],
                   holdout_purchases_last_period=n["last_period"]["total"], holdout_currency=check["currency"] or None,
                   holdout_value_actual=v["actual"], holdout_value_predicted=model.get("total"),
                   holdout_value_last_period=v["last_period"]["total"], holdout_top_capture=model.get("top_capture"),
                   holdout_top_capture_last_period=v["last_period"]["top_capture"],
                   holdout_top_capture_best=v["best_top_capture"])  # fmt: skip
    row = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
    row.update(
        notes=json.dumps(notes, default=float), notes_en=_render(notes, "en"), notes_zh=_render(notes, "zh")
    )
    return row


def run_customers(ctx: StageContext, p: CustomersParams) -> dict[str, Any]:
    """Score, segment and value every keyed customer; write the customers tables under the run."""
    con, settings = ctx.con, ctx.settings
    ctx.say(0.0, "reading order lines")
    coverage, lines, keys = _read(con, p.sources)
    delete_run_rows(con, TABLES, ctx.run_id)
    if coverage.empty:
        return {"status": "skipped", "reason": i18n.render("customers.no_orders", "en"),
                "reason_code": "customers.no_orders", "customers": 0}  # fmt: skip
    records: list[dict[Any, Any]] = coverage.to_dict(orient="records")
    observed = {str(c["source"]): pd.Timestamp(c["observed_until"]) for c in records}
    ctx.say(0.15, "purchases per customer")
    days = purchases(lines)
    customers = rfm_scores(customer_summary(days, observed))
    customers["segment"] = rfm_segment(
        customers["r_score"], customers["f_score"], customers["m_score"],
        recent_min_score=settings.rfm_recent_min_score, valuable_min_score=settings.rfm_valuable_min_score,
    )  # fmt: skip
    scored, model_rows, checks, calibrations = [], [], [], []
    for i, cov in enumerate(records):
        source = str(cov["source"])
        ctx.say(0.25 + 0.45 * i / len(coverage), f"lifetime value models of {source}")
        mine = customers[customers["source"] == source]
        fit = check = None
        if cov["keyed_lines"]:
            fit = fit_source(source, mine, min_customers=p.min_customers, min_repeat_customers=p.min_repeat_customers,
                             min_repeat_share=p.min_repeat_share)  # fmt: skip
            scored.append(customer_values(mine, fit, p.horizon_days))
            check = clv_backtest(days, source, observed[source], p.holdout_days, min_customers=p.min_customers,
                                 min_repeat_customers=p.min_repeat_customers,
                                 recent_min_score=settings.rfm_recent_min_score,
                                 valuable_min_score=settings.rfm_valuable_min_score)  # fmt: skip
            if check is not None:
                checks.append(check["segments"].assign(source=source, holdout_days=check["holdout_days"],
                                                       calibration_until=check["calibration_until"]))  # fmt: skip
                calibrations.append(
                    check["calibration"].assign(source=source, holdout_days=check["holdout_days"])
                )
        model_rows.append(_model_row(cov, fit, check, p.horizon_days))
    models = pd.DataFrame(model_rows)
    write_frame(con, CUSTOMER_MODELS, models.assign(run_id=ctx.run_id))
    if checks:
        backtest = pd.concat(checks, ignore_index=True)
        backtest["currency"] = backtest["currency"].replace("", None)
        if ctx.markets:
            backtest = backtest[backtest["market"].isin({m.upper() for m in ctx.markets})]
        write_frame(con, CUSTOMER_BACKTEST, backtest.assign(run_id=ctx.run_id))
        calibration = pd.concat(calibrations, ignore_index=True)
        write_frame(con, CUSTOMER_CALIBRATION, calibration.assign(run_id=ctx.run_id))
    summary: dict[str, Any] = {
        "horizon_days": p.horizon_days,
        "sources": [
            {k: r.get(k) for k in ("source", "status", "customers", "repeat_customers")} for r in model_rows
        ],
        "notes": [n for r in model_rows for n in json.loads(r["notes"])],
    }
    if not scored:
        return {**summary, "status": "skipped", "reason": _render(summary["notes"], "en"),
                "reason_code": "customers.no_customer_keys", "customers": 0}  # fmt: skip
    ctx.say(0.75, "segments, cohorts and products")
    scores = pd.concat(scored, ignore_index=True).assign(horizon_days=p.horizon_days)
    stored = scores.assign(customer_key=scores["customer_key"].map(keys))
    segments = segment_summary(scores).assign(horizon_days=p.horizon_days)
    cohorts = cohort_retention(days, scores, observed)
    products = product_repurchase(lines, scores).assign(horizon_days=p.horizon_days)
    if ctx.markets:
        wanted = {m.upper() for m in ctx.markets}
        segments, cohorts, products = (f[f["market"].isin(wanted)] for f in (segments, cohorts, products))
    counts = {}
    for table, frame in ((CUSTOMER_SCORES, stored), (CUSTOMER_SEGMENTS, segments), (CUSTOMER_COHORTS, cohorts),
                         (CUSTOMER_PRODUCTS, products)):  # fmt: skip
        keep = [c for c in frame.columns if c in table.column_names]
        counts[table.name] = write_frame(con, table, frame[keep].assign(run_id=ctx.run_id))
    ctx.say(1.0, "customers done")
    return {
        **summary,
        "customers": int(len(scores)),
        "repeat_customers": int((scores["frequency"] > 0).sum()),
        "segments": {s: int((scores["segment"] == s).sum()) for s in SEGMENTS},
        "expected_value": {
            str(k): None if pd.isna(v) else round(float(v), 2)
            for k, v in scores.groupby("currency")["expected_value"].sum(min_count=1).items()
        },  # fmt: skip
        "rows": counts,
    }


def panel_frames(con: Any, run_id: str) -> dict[str, Any]:
    """What the report panel of ``run_id`` shows (read here: the stage is the domain's only warehouse reader):
    its ``customer_cohorts``, ``customer_segments``, ``customer_models``, ``customer_backtest`` and ``customer_calibration`` rows and the stage's
    ``reason_code`` when it was skipped."""
    from xborder.warehouse.runs import load_run
    from xborder.warehouse.tables import read_rows

    try:
        stage = (load_run(con, run_id).get("stages") or {}).get("customers") or {}
    except Exception:  # noqa: BLE001 - rows without a run record are still shown
        stage = {}
    return {
        "reason_code": stage.get("reason_code") if isinstance(stage, dict) else None,
        **{
            t.name: read_rows(con, t, run_id)
            for t in (
                CUSTOMER_COHORTS,
                CUSTOMER_SEGMENTS,
                CUSTOMER_MODELS,
                CUSTOMER_BACKTEST,
                CUSTOMER_CALIBRATION,
            )
        },
    }


def _run(ctx: StageContext, p: CustomersParams) -> dict[str, Any]:
    return run_customers(ctx, p)


STAGE = Stage(
    "customers",
    _run,
    CustomersParams,
    writes=TABLES,
    weight=0.05,
    web=("horizon_days",),
    title="Customers",
    dossier=SECTION,
)
