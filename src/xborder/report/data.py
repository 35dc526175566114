"""Gather what a report shows for one run: run-level tables, and the top opportunities' dossiers as frames."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from xborder.pipeline.dossier import connection_query, dossiers
from xborder.report.panels import collect as collect_panels
from xborder.schema import table as declared
from xborder.warehouse import table_counts
from xborder.warehouse.runs import input_tables, load_run
from xborder.warehouse.tables import empty_frame, read_rows

__all__ = ["ReportData", "Opportunity", "gather", "frame"]


@dataclass
class Opportunity:
    """One product × market pair with every frame its page shows (from its dossier)."""

    rank: int
    product_id: str
    market: str
    score: float | None
    title: str
    category: str
    explanation: dict[str, str]
    factors: pd.DataFrame
    history: pd.DataFrame
    forecast: pd.DataFrame
    trends: pd.DataFrame
    landed: pd.DataFrame
    compliance: pd.DataFrame
    pains: pd.DataFrame
    pains_level: str = ""
    freq: str = "month"
    forecast_kind: str = ""
    forecast_basis: str = ""
    accuracy: pd.DataFrame = field(default_factory=pd.DataFrame)
    forecast_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    model_choice: dict[str, Any] = field(default_factory=dict)
    """Why the series' model was chosen: its ``forecast_series`` row plus the level's overall backtest rows."""
    research_notes: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    other_sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Dossier sections the report has no layout of its own for (a new domain's), shown generically."""
    selection_risks: list[dict[str, Any]] = field(default_factory=list)
    """The selection's risks of the pair (messages with their weight in the score)."""
    unknowns: list[dict[str, Any]] = field(default_factory=list)
    """What is not known about the pair, each with the command that fills it (selection messages)."""
    sources: dict[str, str] = field(default_factory=dict)
    """Where demand, margin, compliance, customer voice and competition come from (``none`` = not known)."""


@dataclass
class ReportData:
    """The run record plus the frames of every section."""

    run: dict[str, Any]
    generated_at: dt.datetime
    opportunities: pd.DataFrame
    pages: list[Opportunity]
    accuracy: pd.DataFrame
    backtest: dict[str, Any]
    ingests: pd.DataFrame
    coverage: pd.DataFrame
    rule_sources: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    panels: dict[str, list[Any]] = field(default_factory=dict)
    """The domains' run-level panels per language (``xborder.core.panels.Panel``)."""

    @property
    def stages(self) -> dict[str, Any]:
        return self.run.get("stages") or {}


def frame(rows: list[dict[str, Any]], table: str) -> pd.DataFrame:
    """Dossier rows of a declared table as a frame with its declared columns (dates as datetime64, like a
    DuckDB result), extra columns (e.g. ``example_texts``) kept at the end."""
    decl = declared(table)
    cols = list(decl.column_names)
    df = pd.DataFrame(rows) if rows else empty_frame(decl)
    df = df.reindex(columns=cols + [c for c in df.columns if c not in cols])
    for c in decl.columns:
        if c.name in df.columns and c.type in ("DATE", "TIMESTAMP") and len(df):
            df[c.name] = pd.to_datetime(df[c.name])
    return df


def forecast_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Forecast rows of one series in the shape the charts draw: ``ds, yhat, model, lo_80, hi_80, lo_95, hi_95``."""
    if rows.empty:
        return pd.DataFrame(columns=["ds", "yhat", "model"])
    out = pd.DataFrame(
        {"ds": pd.to_datetime(rows["ds"]), "yhat": pd.to_numeric(rows["point"], errors="coerce")}
    )
    out["model"] = rows["model"].astype(str).to_numpy()
    for col in ("lo_80", "hi_80", "lo_95", "hi_95"):
        out[col] = pd.to_numeric(rows[col], errors="coerce").to_numpy()
    return out.sort_values("ds").reset_index(drop=True)


def _history(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["ds", "y"]) if rows else pd.DataFrame(columns=["ds", "y"])
    df = df[["ds", "y"]]
    df["ds"] = pd.to_datetime(df["ds"])
    return df


def _coverage(con: Any) -> pd.DataFrame:
    rows = [r for r in table_counts(con) if r["table"] in input_tables() and r["rows"]]
    return pd.DataFrame(rows, columns=["table", "rows", "from", "to"])


def _rule_sources(compliance: pd.DataFrame) -> pd.DataFrame:
    """Distinct rule sources (with dates and confidence) cited by the compliance rows of the report's pages."""
    if compliance.empty:
        return pd.DataFrame()
    cols = ["rule_id", "source", "valid_from", "last_checked", "confidence"]
    part = compliance[cols].drop_duplicates().rename(columns={"rule_id": "rule"})
    part.insert(0, "table", "compliance_checks")
    return part.drop_duplicates()


def _backtest(con: Any, run_id: str) -> dict[str, Any]:
    """The selection backtest of the run: raw rows, a method × cutoff success pivot and the mean per method."""
    df = read_rows(con, "selection_backtest", run_id)
    if df.empty:
        return {}
    pivot = df.pivot_table(index="method", columns="cutoff", values="success", aggfunc="mean")
    pivot["mean"] = pivot.mean(axis=1)
    order = [m for m in ("xborder", "best_sellers", "momentum", "random") if m in pivot.index]
    pivot = pivot.reindex(order + [m for m in pivot.index if m not in order]).reset_index()
    rnd = df[df["method"] == "random"]
    cols = [
        c
        for c in ("units_next", "units_expected", "revenue_next", "gross_profit_next", "profitable", "grew")
        if c in df
    ]
    money = (
        df.groupby("method")[cols].mean().reindex(pivot["method"]).reset_index() if cols else pd.DataFrame()
    )
    cur = df["profit_currency"].dropna() if "profit_currency" in df else pd.Series(dtype=object)
    return {
        "table": df,
        "money": money,
        "currency": str(cur.iloc[0]) if len(cur) else "",
        "pivot": pivot,
        "k": int(df["k"].iloc[0]),
        "mean": {m: float(v) for m, v in zip(pivot["method"], pivot["mean"], strict=True)},
        "random_lo": float(rnd["success_lo95"].mean()) if len(rnd) else None,
        "random_hi": float(rnd["success_hi95"].mean()) if len(rnd) else None,
        "candidates": int(df["candidates"].mean()),
    }


KNOWN_SECTIONS = ("selection", "demand", "landed_cost", "compliance", "reviews")


def _page(i: int, row: dict[str, Any], d: dict[str, Any]) -> Opportunity:
    s = d["sections"]
    sel, dem, lc, comp, rev = s["selection"], s["demand"], s["landed_cost"], s["compliance"], s["reviews"]
    forecast_all = frame(dem["forecast"], "forecasts")
    shown = frame(dem["forecast_shown"], "forecasts")
    extra = {
        key: (None if pd.isna(row.get(col)) else float(row[col]))
        for key, col in (
            ("demand_6m", "demand_6m"),
            ("margin", "margin_pct"),
            ("time_to_market", "time_to_market_days"),
        )
        if col in row
    }
    return Opportunity(
        rank=int(row.get("rank") or i),
        product_id=d["product_id"],
        market=d["market"],
        score=None if pd.isna(row.get("score")) else float(row["score"]),
        title=str(row.get("title") or row.get("title_product") or d["product_id"]),
        category=str(row.get("category") or row.get("category_product") or ""),
        explanation={"en": str(row.get("explanation_en") or ""), "zh": str(row.get("explanation_zh") or "")},
        factors=frame(sel["factors"], "opportunity_factors"),
        history=_history(dem["history"]),
        forecast=forecast_frame(shown),
        trends=frame(dem["trends"], "trend_signals"),
        landed=frame(lc["rows"], "landed_costs"),
        compliance=frame(comp["rows"], "compliance_checks"),
        pains=frame(rev["pains"], "improvement_opportunities"),
        pains_level=rev["level"],
        freq=dem["freq"],
        forecast_kind=", ".join(dem["kinds"]),
        forecast_basis=", ".join(dem["bases"]),
        accuracy=frame(dem["accuracy"], "forecast_accuracy"),
        forecast_rows=forecast_all,
        model_choice={**(dem.get("choice") or {}), "level_accuracy": dem.get("level_accuracy") or []},
        research_notes=lc["research_notes"],
        extra=extra,
        other_sections={k: v for k, v in s.items() if k not in KNOWN_SECTIONS},
        selection_risks=_messages(row.get("risks")),
        unknowns=_messages(row.get("missing")),
        sources={
            item: str(row.get(f"{item}_source") or "none")
            for item in ("demand", "margin", "compliance", "voice", "competition")
        },
    )


def _messages(raw: Any) -> list[dict[str, Any]]:
    """A stored list of messages (JSON text) as a list; [] when absent or unreadable."""
    if isinstance(raw, list):
        return raw
    if not isinstance(raw, str) or not raw:
        return []
    try:
        out = json.loads(raw)
    except ValueError:
        return []
    return out if isinstance(out, list) else []


def gather(
    con: Any, run_id: str, *, top_n: int = 10, stages_override: dict[str, Any] | None = None
) -> ReportData:
    """Read the run, its ranked opportunities and the dossiers of the ``top_n`` best."""
    run = load_run(con, run_id)
    if stages_override is not None:
        run["stages"] = stages_override
    opps = read_rows(con, "opportunities", run_id)
    if not opps.empty:
        opps = opps.sort_values("rank").reset_index(drop=True)
        ids = opps["product_id"].astype(str).unique().tolist()
        prods = con.execute(
            "SELECT product_id, title, category FROM products WHERE product_id IN (SELECT unnest(?))", [ids]
        ).df()
        opps = opps.merge(prods, on="product_id", how="left", suffixes=("", "_product"))
    top: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()} for r in opps.head(top_n).to_dict(orient="records")
    ]
    pairs = [(str(r["product_id"]), str(r["market"])) for r in top]
    pages = [
        _page(i, r, d)
        for i, (r, d) in enumerate(zip(top, dossiers(connection_query(con), run_id, pairs), strict=True), 1)
    ]
    acc = read_rows(con, "forecast_accuracy", run_id, where="unique_id = '__overall__'")
    ingests = read_rows(con, "ingest_log", order="started_at")
    ingests = ingests[ingests["status"] != "failed"] if not ingests.empty else ingests
    compliance = pd.concat([p.compliance for p in pages if len(p.compliance)] or [pd.DataFrame()])
    return ReportData(
        run=run,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        opportunities=opps,
        pages=pages,
        accuracy=acc,
        backtest=_backtest(con, run_id),
        ingests=ingests,
        coverage=_coverage(con),
        rule_sources=_rule_sources(compliance),
        panels={lang: collect_panels(con, run_id, lang) for lang in ("en", "zh")},
    )
