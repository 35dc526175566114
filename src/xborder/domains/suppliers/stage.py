"""The suppliers stage: suppliers, offers, dated events, certificates, verification evidence and the compliance
requirements of their products → scores, tiers, concentration and alternatives.

Reads ``suppliers``, ``supplier_offers``, ``supplier_events``, ``supplier_certificates``,
``supplier_verifications`` and the run's ``compliance_checks`` (else the latest compliance run's); writes
the four tables of :mod:`xborder.domains.suppliers.tables`. Money is compared in USD at the ECB rate of the
quote's or delivery's day.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from xborder.core import i18n
from xborder.core.clock import today
from xborder.core.errors import BadInputError
from xborder.domains.suppliers.ahp import indicator_weights
from xborder.domains.suppliers.dossier import SECTION
from xborder.domains.suppliers.evaluate import EvaluationSettings, SupplierInputs, evaluate, weights_frame
from xborder.domains.suppliers.tables import (
    SUPPLIER_ALTERNATIVES,
    SUPPLIER_CONCENTRATION,
    SUPPLIER_SCORES,
    SUPPLIER_WEIGHTS,
    TABLES,
)
from xborder.reference.fx import load_fx
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, latest_run_id, read_rows, table_exists, write_frame

__all__ = ["SuppliersParams", "run_suppliers", "read_inputs", "usd_converter", "report_panels", "STAGE"]


class SuppliersParams(Params):
    """Parameters of the suppliers stage."""

    as_of: dt.date | None = None
    """Day certificates and verification are judged on and the performance window ends (default today)."""
    window_days: int = Field(0, ge=0, le=36500)
    """Days of events before as_of that count (0: all history)."""
    grace_days: int = Field(0, ge=0, le=60)
    """Days late a delivery may be and still count as on time."""
    in_full_tolerance: float = Field(0.0, ge=0, le=1)
    """Share of the ordered quantity that may be missing and still count as in full."""
    gate_days: int = Field(730, ge=0, le=36500)
    """A major or critical ESG incident within this many days before as_of excludes the supplier."""
    expiring_days: int = Field(60, ge=0, le=3650)
    """Certificates expiring within this many days are flagged."""
    required_standards: list[str] = []
    """Standards every supplier must hold (ISO9001, BSCI, SA8000, FSC, ISO14001 ...)."""
    judgements: dict[str, float] | None = None
    """AHP judgements {"a/b": x} (a is x times as important as b) over the defaults (docs/suppliers.md)."""
    weights: dict[str, float] | None = None
    """Direct indicator weights instead of AHP."""
    max_cr: float = Field(0.10, gt=0, le=1)
    """Largest accepted consistency ratio of a judgement matrix."""
    strategic_share: float = Field(0.15, gt=0, lt=1)
    """Share of ranked suppliers in the strategic tier."""
    core_share: float = Field(0.35, ge=0, lt=1)
    """Share in the core tier (the rest are cooperative)."""
    alert_share: float = Field(0.30, gt=0, le=1)
    """A supplier or country above this share of spend or of critical products is an alert."""
    critical_share: float = Field(0.80, gt=0, le=1)
    """Critical products: those making up this first share of spend (all offered ones without spend)."""
    min_known: int = Field(6, ge=0, le=12)
    """Fewer known indicators than this flags a supplier's score as resting on thin data."""
    prior_deliveries: float = Field(10.0, ge=0, le=10000)
    """Weight of the population's on-time rate, defect rate, lead time and spread, in deliveries (inspections
    for quality): a supplier's indicators are pulled towards them by its own evidence (0: not at all)."""
    prior_offers: float = Field(3.0, ge=0, le=10000)
    """Weight of the product's median offer in compared offers: a supplier's price and MOQ ratios are pulled
    towards 1 by the number of its offers compared with another supplier's (0: not at all)."""

    @model_validator(mode="after")
    def _tiers_fit(self) -> SuppliersParams:
        if self.strategic_share + self.core_share > 1:
            raise ValueError("strategic_share + core_share must not exceed 1")
        return self


def usd_converter(con: Any) -> Callable[[pd.Series, pd.Series, pd.Series, dt.date], np.ndarray]:
    """``to_usd(amounts, currencies, days, default_day)``: amounts in USD at the ECB rate of each day (NaN for a
    currency the FX table does not know)."""
    fx = load_fx(con)
    cache: dict[tuple[str, str], float] = {}

    def rate(cur: str, day: str) -> float:
        if (cur, day) not in cache:
            try:
                cache[(cur, day)] = fx.factor(cur, "USD", day).rate
            except BadInputError:
                cache[(cur, day)] = np.nan
        return cache[(cur, day)]

    def to_usd(amounts: pd.Series, currencies: pd.Series, days: pd.Series, default: dt.date) -> np.ndarray:
        d = pd.to_datetime(days).dt.date.astype(object).where(pd.notna(days), default)
        r = [
            rate(str(c).upper(), str(x)) if isinstance(c, str) else np.nan
            for c, x in zip(currencies, d, strict=True)
        ]
        return pd.to_numeric(amounts, errors="coerce").to_numpy(dtype=float) * np.asarray(r, dtype=float)

    return to_usd


def read_inputs(con: Any, run_id: str | None, as_of: dt.date, markets: list[str] | None) -> SupplierInputs:
    """The stage's inputs from the warehouse, money in USD, compliance requirements of the offered products."""
    to_usd = usd_converter(con)
    offers = read_rows(con, "supplier_offers")
    offers = offers.assign(
        unit_cost_usd=to_usd(offers["unit_cost"], offers["currency"], offers["valid_from"], as_of)
    )
    events = read_rows(con, "supplier_events")
    events = events.assign(value_usd=to_usd(events["value"], events["currency"], events["event_date"], as_of))
    req = pd.DataFrame(columns=["product_id", "market", "rule_id", "kind", "mandatory", "holder"])
    if table_exists(con, "compliance_checks"):
        run = run_id if run_id and len(read_rows(con, "compliance_checks", run_id, limit=1)) else None
        run = run or latest_run_id(con, "compliance_checks")
        if run is not None:
            req = read_rows(con, "compliance_checks", run, columns=list(req.columns),
                            where="product_id IN (SELECT product_id FROM supplier_offers)")  # fmt: skip
    if markets:
        req = req[req["market"].isin([m.upper() for m in markets])]
    return SupplierInputs(
        suppliers=read_rows(con, "suppliers", columns=["supplier_id", "name", "country"]),
        offers=offers, events=events, certificates=read_rows(con, "supplier_certificates"),
        verifications=read_rows(con, "supplier_verifications"), requirements=req,
    )  # fmt: skip


def _rounded(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else round(float(v), 4)


def _render(flags: list[dict[str, Any]], lang: str) -> str:
    return " ".join(i18n.message(f, lang) for f in flags)


def _with_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        flags_en=[_render(f, "en") for f in frame["flags"]],
        flags_zh=[_render(f, "zh") for f in frame["flags"]],
        flags=[json.dumps(f, default=str) for f in frame["flags"]],
    )


def _store(con: Any, table: Any, frame: pd.DataFrame, run_id: str) -> int:
    keep = [c for c in frame.columns if c in table.column_names]
    return write_frame(con, table, frame[keep].assign(run_id=run_id))


def run_suppliers(ctx: StageContext, p: SuppliersParams) -> dict[str, Any]:
    """Score, rank and tier every supplier; write the suppliers tables under the run."""
    con = ctx.con
    as_of = p.as_of or today()
    weights = indicator_weights(p.judgements, p.weights, max_cr=p.max_cr)
    delete_run_rows(con, TABLES, ctx.run_id)
    ctx.say(0.05, "reading suppliers, offers and events")
    inputs = read_inputs(con, ctx.run_id, as_of, ctx.markets)
    if inputs.suppliers.empty and inputs.events.empty:
        return {"status": "skipped", "reason": i18n.render("suppliers.no_suppliers", "en"),
                "reason_code": "suppliers.no_suppliers", "suppliers": 0}  # fmt: skip
    ctx.say(0.3, "indicators, checks and ranking")
    settings = EvaluationSettings(
        as_of=as_of, window_days=p.window_days, grace_days=p.grace_days, in_full_tolerance=p.in_full_tolerance,
        gate_days=p.gate_days, expiring_days=p.expiring_days, required_standards=tuple(s.upper() for s in p.required_standards),
        strategic_share=p.strategic_share, core_share=p.core_share, alert_share=p.alert_share,
        critical_share=p.critical_share, min_known=p.min_known, prior_deliveries=p.prior_deliveries,
        prior_offers=p.prior_offers,
    )  # fmt: skip
    out = evaluate(inputs, weights, settings)
    ctx.say(0.8, "writing")
    scores = _with_text(out["scores"])
    alts = _with_text(out["alternatives"]) if len(out["alternatives"]) else out["alternatives"]
    rows = {
        "supplier_scores": _store(con, SUPPLIER_SCORES, scores, ctx.run_id),
        "supplier_weights": _store(con, SUPPLIER_WEIGHTS, weights_frame(weights), ctx.run_id),
        "supplier_concentration": _store(con, SUPPLIER_CONCENTRATION, out["concentration"], ctx.run_id),
        "supplier_alternatives": _store(con, SUPPLIER_ALTERNATIVES, alts, ctx.run_id) if len(alts) else 0,
    }
    conc = out["concentration"]
    alerts = conc[conc["alert"]] if len(conc) else conc
    s = out["scores"]
    ctx.say(1.0, "suppliers done")
    return {
        "as_of": as_of.isoformat(),
        "suppliers": int(len(s)),
        "scored": int(s["score"].notna().sum()),
        "tiers": {t: int((s["tier"] == t).sum()) for t in ("strategic", "core", "cooperative", "excluded")},
        "gated": int(s["gated"].sum()),
        "unverified": int((~s["verified"]).sum()),
        "missing_certificates": int(s["missing_certificates"].fillna(0).sum()),
        "weights": {"method": weights.method, **{k: round(v, 4) for k, v in weights.weights.items()}},
        "consistency": {k: round(r.cr, 4) for k, r in weights.consistency.items()},
        "alerts": [
            {
                "dimension": a["dimension"],
                "key": a["key"],
                "spend_share": _rounded(a["spend_share"]),
                "critical_share": _rounded(a["critical_share"]),
            }
            for a in alerts.to_dict("records")
        ],  # fmt: skip
        "critical_products": int(len(out["critical"])),
        "priors": {
            "deliveries": p.prior_deliveries,
            "offers": p.prior_offers,
            **{k: _rounded(v) for k, v in out["priors"].iloc[0].items()},
        },
        "rows": rows,
    }


def _run(ctx: StageContext, p: SuppliersParams) -> dict[str, Any]:
    return run_suppliers(ctx, p)


STAGE = Stage(
    "suppliers",
    _run,
    SuppliersParams,
    writes=TABLES,
    weight=0.03,
    web=("window_days", "grace_days", "strategic_share", "core_share", "alert_share"),
    title="Suppliers",
    dossier=SECTION,
)


def report_panels(con: Any, run_id: str, lang: str) -> list[Any]:
    """The suppliers panels of ``run_id`` in ``lang`` (the spend Pareto), drawn by :mod:`..panels`."""
    from xborder.domains.suppliers.panels import concentration_panel

    if not table_exists(con, "supplier_scores"):
        return [concentration_panel(pd.DataFrame(), pd.DataFrame(), lang)]
    scores = read_rows(con, "supplier_scores", run_id)
    return [concentration_panel(scores, read_rows(con, "supplier_concentration", run_id), lang)]
