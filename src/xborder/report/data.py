"""Gather everything a report shows for one run from the warehouse (the tables behind every number)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from xborder.report.tables import filter_pair, normalise_forecast, pick, read_table, table_exists
from xborder.warehouse.runs import input_tables, load_run

__all__ = ["ReportData", "Opportunity", "gather"]

# Output tables and the stage that writes them (a missing table means the stage has not landed).
OUTPUT_TABLES = {
    "opportunities": "selection",
    "opportunity_factors": "selection",
    "forecasts": "demand",
    "forecast_accuracy": "demand",
    "trend_signals": "demand",
    "landed_costs": "landed_cost",
    "compliance_checks": "compliance",
    "improvement_opportunities": "reviews",
}


@dataclass
class Opportunity:
    """One product × market pair with every frame its page shows."""

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
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReportData:
    """The run record plus the frames of every section."""

    run: dict[str, Any]
    generated_at: dt.datetime
    opportunities: pd.DataFrame
    pages: list[Opportunity]
    tables: dict[str, pd.DataFrame]
    accuracy: pd.DataFrame
    backtest: dict[str, Any]
    ingests: pd.DataFrame
    coverage: pd.DataFrame
    rule_sources: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def stages(self) -> dict[str, Any]:
        return self.run.get("stages") or {}


def _products(con: Any, ids: list[str]) -> pd.DataFrame:
    if not ids:
        return pd.DataFrame(columns=["product_id", "title", "category"])
    return con.execute(
        "SELECT product_id, title, category FROM products WHERE product_id IN (SELECT unnest(?))", [ids]
    ).df()


def _history(con: Any, product_id: str, market: str, freq: str = "month") -> pd.DataFrame:
    """Units sold per week or month in the market, from order lines (else from the sales table)."""
    unit = "week" if freq.lower().startswith("w") else "month"
    df = con.execute(
        f"SELECT date_trunc('{unit}', ordered_at)::DATE AS ds, sum(quantity) AS y FROM order_lines "
        "WHERE product_id = ? AND upper(country) = ? AND status = 'sold' GROUP BY 1 ORDER BY 1",
        [product_id, market.upper()],
    ).df()
    if df.empty:
        df = con.execute(
            f"SELECT date_trunc('{unit}', period_start)::DATE AS ds, sum(units) AS y FROM sales "
            "WHERE product_id = ? AND upper(country) = ? GROUP BY 1 ORDER BY 1",
            [product_id, market.upper()],
        ).df()
    df["ds"] = pd.to_datetime(df["ds"])
    return df


def _one_freq(fc: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The forecast rows of one frequency (monthly preferred: that is what the report plots)."""
    if fc.empty or "freq" not in fc.columns:
        return fc, "month"
    freqs = [str(f) for f in fc["freq"].dropna().unique()]
    chosen = next((f for f in freqs if f.lower().startswith("m")), freqs[0] if freqs else "month")
    return fc[fc["freq"].astype(str) == chosen], chosen


def _trends(ts: pd.DataFrame, product_id: str, market: str, category: str) -> pd.DataFrame:
    """Trend signals of the pair's own series, then of its category in the market."""
    if ts.empty or "unique_id" not in ts.columns:
        return filter_pair(ts, product_id, market)
    ids = [f"{product_id}|{market}"] + ([f"cat:{category}|{market}"] if category else [])
    sub = ts[ts["unique_id"].astype(str).isin(ids)].copy()
    sub["_order"] = sub["unique_id"].astype(str).map({v: i for i, v in enumerate(ids)})
    return sub.sort_values(["_order"], kind="stable").drop(columns="_order")


def _pair_accuracy(acc: pd.DataFrame, product_id: str, market: str, freq: str) -> pd.DataFrame:
    """Backtest accuracy of the pair's own series (chosen model first)."""
    if acc.empty or "unique_id" not in acc.columns:
        return acc.iloc[0:0] if len(acc.columns) else acc
    sub = acc[acc["unique_id"].astype(str) == f"{product_id}|{market}"]
    if "freq" in sub.columns and (sub["freq"].astype(str) == freq).any():
        sub = sub[sub["freq"].astype(str) == freq]
    if "model" in sub.columns:
        sub = sub.assign(_c=(sub["model"].astype(str) != "Chosen")).sort_values("_c").drop(columns="_c")
    return sub


def _example_texts(con: Any, pains: pd.DataFrame, *, max_chars: int = 180) -> pd.DataFrame:
    """Add ``example_texts``: the verbatim reviews behind ``example_ids`` (shortened), from the reviews table."""
    import json

    if pains.empty or "example_ids" not in pains.columns:
        return pains
    ids_per_row = [json.loads(v) if isinstance(v, str) else list(v or []) for v in pains["example_ids"]]
    wanted = sorted({str(i) for ids in ids_per_row for i in ids})
    texts: dict[str, str] = {}
    if wanted:
        rows = con.execute(
            "SELECT review_id, trim(coalesce(title || '. ', '') || coalesce(text, '')) FROM reviews "
            "WHERE review_id IN (SELECT unnest(?))",
            [wanted],
        ).fetchall()
        texts = {rid: (t if len(t) <= max_chars else t[: max_chars - 1] + "…") for rid, t in rows if t}
    out = pains.copy()
    out["example_texts"] = [
        ["“" + texts[str(i)] + "”" for i in ids if str(i) in texts][:2] for ids in ids_per_row
    ]
    return out


def _pains(imp: pd.DataFrame, product_id: str, market: str, category: str) -> tuple[pd.DataFrame, str]:
    """Pain points for the pair: by product and market, else product, else category (and market)."""
    if imp.empty:
        return imp, ""
    if "scope" in imp.columns and category:
        cat_rows = imp["scope"].astype(str) == "category"
    else:
        cat_rows = pd.Series(True, index=imp.index)
    pcol, mcol, ccol = pick(imp, "product_id"), pick(imp, "market", "market_code"), pick(imp, "category")
    attempts: list[tuple[str, pd.Series]] = []
    if pcol:
        same_p = imp[pcol].astype(str) == product_id
        if mcol:
            attempts.append(("product_market", same_p & (imp[mcol].astype(str).str.upper() == market)))
        attempts.append(("product", same_p))
    if ccol and category:
        same_c = (imp[ccol].astype(str) == category) & cat_rows
        if mcol:
            attempts.append(("category_market", same_c & (imp[mcol].astype(str).str.upper() == market)))
        attempts.append(("category", same_c))
    for level, mask in attempts:
        if mask.any():
            sub = imp[mask]
            order = pick(sub, "rank", "priority", "score", "share", "n_reviews")
            if order:
                sub = sub.sort_values(order, ascending=order == "rank")
            return sub.head(8), level
    return imp.iloc[0:0], ""


def _coverage(con: Any) -> pd.DataFrame:
    from xborder.warehouse import table_counts

    rows = [r for r in table_counts(con) if r["table"] in input_tables() and r["rows"]]
    return pd.DataFrame(rows, columns=["table", "rows", "from", "to"])


def _rule_sources(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Distinct rule sources (with dates) cited by the landed-cost and compliance rows of the run."""
    frames = []
    for name in ("compliance_checks", "landed_costs"):
        df = tables.get(name, pd.DataFrame())
        src = pick(df, "source", "source_url", "rule_source")
        if df.empty or not src:
            continue
        cols = [
            c
            for c in (
                pick(df, "rule_id", "requirement_id", "requirement", "rule"),
                src,
                pick(df, "valid_from"),
                pick(df, "last_checked"),
                pick(df, "confidence"),
            )
            if c
        ]
        part = df[cols].drop_duplicates().copy()
        part.columns = [
            {"valid_from": "valid_from", "last_checked": "last_checked", "confidence": "confidence"}.get(
                c, "source" if c == src else "rule"
            )
            for c in cols
        ]
        part.insert(0, "table", name)
        frames.append(part)
    return pd.concat(frames, ignore_index=True).drop_duplicates() if frames else pd.DataFrame()


def _backtest(con: Any, run: dict[str, Any], run_id: str) -> dict[str, Any]:
    """The selection backtest of the run: raw rows, a method × cutoff success pivot and the mean per method."""
    df = (
        read_table(con, "selection_backtest", run_id)
        if table_exists(con, "selection_backtest")
        else pd.DataFrame()
    )
    if df.empty:
        return {}
    pivot = df.pivot_table(index="method", columns="cutoff", values="success", aggfunc="mean")
    pivot["mean"] = pivot.mean(axis=1)
    order = [m for m in ("xborder", "best_sellers", "momentum", "random") if m in pivot.index]
    pivot = pivot.reindex(order + [m for m in pivot.index if m not in order]).reset_index()
    rnd = df[df["method"] == "random"]
    return {
        "table": df,
        "pivot": pivot,
        "k": int(df["k"].iloc[0]),
        "mean": {m: float(v) for m, v in zip(pivot["method"], pivot["mean"], strict=True)},
        "random_lo": float(rnd["success_lo95"].mean()) if len(rnd) else None,
        "random_hi": float(rnd["success_hi95"].mean()) if len(rnd) else None,
        "candidates": int(df["candidates"].mean()),
    }


def gather(
    con: Any, run_id: str, *, top_n: int = 10, stages_override: dict[str, Any] | None = None
) -> ReportData:
    """Read the run and every table its report shows; pages for the ``top_n`` best opportunities."""
    run = load_run(con, run_id)
    if stages_override is not None:
        run["stages"] = stages_override
    tables = {name: read_table(con, name, run_id) for name in OUTPUT_TABLES}
    opps = tables["opportunities"]
    if not opps.empty:
        order = "rank" if "rank" in opps.columns else "score"
        opps = opps.sort_values(order, ascending=order == "rank").reset_index(drop=True)
        prods = _products(con, opps["product_id"].astype(str).unique().tolist())
        opps = opps.merge(prods, on="product_id", how="left", suffixes=("", "_product"))
    top = opps.head(top_n)
    fc_all = tables["forecasts"]
    acc_all = tables["forecast_accuracy"]
    pages = []
    for i, r in enumerate(top.to_dict(orient="records"), start=1):
        pid, mkt = str(r["product_id"]), str(r.get("market") or r.get("market_code") or "").upper()
        cat = str(r.get("category") or r.get("category_product") or "")
        pains, level = _pains(tables["improvement_opportunities"], pid, mkt, cat)
        pains = _example_texts(con, pains)
        fc_pair, freq = _one_freq(filter_pair(fc_all, pid, mkt))
        kinds = sorted(set(fc_pair["kind"].dropna().astype(str))) if "kind" in fc_pair else []
        bases = sorted(set(fc_pair["basis"].dropna().astype(str))) if "basis" in fc_pair else []
        extra = {
            key: (None if pd.isna(r.get(col)) else float(r[col]))
            for key, col in (
                ("demand_6m", "demand_6m"),
                ("margin", "margin_pct"),
                ("time_to_market", "time_to_market_days"),
            )
            if col in r
        }
        pages.append(
            Opportunity(
                rank=int(r.get("rank") or i),
                product_id=pid,
                market=mkt,
                score=None if pd.isna(r.get("score")) else float(r["score"]),
                title=str(r.get("title") or r.get("title_product") or pid),
                category=cat,
                explanation={
                    "en": str(r.get("explanation_en") or ""),
                    "zh": str(r.get("explanation_zh") or ""),
                },
                factors=filter_pair(tables["opportunity_factors"], pid, mkt),
                history=_history(con, pid, mkt, freq),
                forecast=normalise_forecast(fc_pair),
                trends=_trends(tables["trend_signals"], pid, mkt, cat),
                landed=filter_pair(tables["landed_costs"], pid, mkt),
                compliance=filter_pair(tables["compliance_checks"], pid, mkt),
                pains=pains,
                pains_level=level,
                freq=freq,
                forecast_kind=", ".join(kinds),
                forecast_basis=", ".join(bases),
                accuracy=_pair_accuracy(acc_all, pid, mkt, freq),
                extra=extra,
            )
        )
    if not acc_all.empty and "unique_id" in acc_all.columns:
        overall = acc_all[acc_all["unique_id"].astype(str) == "__overall__"]
        accuracy = overall if len(overall) else acc_all
    else:
        accuracy = acc_all
    ingests = read_table(con, "ingest_log", order="started_at")
    if not ingests.empty:
        ingests = ingests[ingests["status"] != "failed"]
    return ReportData(
        run=run,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        opportunities=opps,
        pages=pages,
        tables=tables,
        accuracy=accuracy,
        backtest=_backtest(con, run, run_id),
        ingests=ingests,
        coverage=_coverage(con),
        rule_sources=_rule_sources(
            {
                "compliance_checks": pd.concat(
                    [p.compliance for p in pages if len(p.compliance)] or [pd.DataFrame()]
                ),
                "landed_costs": pd.concat([p.landed for p in pages if len(p.landed)] or [pd.DataFrame()]),
            }
        ),
    )
