"""Selection stage: build candidates and factors from the warehouse, score them, write ``opportunities``."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from xborder.core.clock import today, utcnow
from xborder.core.errors import BadInputError
from xborder.core.jsonable import dumps
from xborder.core.settings import Settings
from xborder.domains.selection.candidates import (
    build_candidates,
    catalogue_candidates,
    fill_default_dims,
    listing_candidates,
    logistics_factors,
)
from xborder.domains.selection.competition import competition_factors
from xborder.domains.selection.dossier import SECTION
from xborder.domains.selection.explain import explain_frame, render_explanation
from xborder.domains.selection.factors import factor_spec
from xborder.domains.selection.profiles import PRESETS, load_profile
from xborder.domains.selection.rank_sales import default_curve, estimate_sales, fit_curves
from xborder.domains.selection.score import score_candidates
from xborder.domains.selection.sensitivity import top_rank_stability
from xborder.domains.selection.stage import inputs as si
from xborder.domains.selection.tables import OPPORTUNITIES, OPPORTUNITY_FACTORS, RANK_SALES_CURVES
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, latest_run_id, read_rows, write_frame

__all__ = ["run_selection", "data_cutoff", "load_opportunities", "SelectionParams", "STAGE"]

WRITES = (OPPORTUNITIES, OPPORTUNITY_FACTORS, RANK_SALES_CURVES)


def data_cutoff(monthly: pd.DataFrame) -> pd.Period:
    """First month not used: the month after the last *complete* month of sales (a last month with data
    only before its 28th day counts as incomplete)."""
    last = pd.Timestamp(monthly["last_at"].max())
    m = last.to_period("M")
    return m if last.day < 28 else m + 1


def _progress(progress: Any, f: float, msg: str) -> None:
    if progress:
        progress(f, msg)


def _candidates(
    con: Any, markets: list[str] | None, include_new: bool
) -> tuple[pd.DataFrame, pd.Period, dict]:
    monthly = si.read_monthly_sales(con)
    if monthly.empty:
        raise BadInputError(
            "The warehouse holds no sold order lines or actual sales, so there is nothing to select from.",
            hint="Load order or sales exports first: `xborder ingest <file>`.",
        )
    cutoff = data_cutoff(monthly)
    orders6 = si.read_orders(con, (cutoff - 6).start_time, cutoff.start_time)
    extra = sorted({m.upper() for m in markets}) if markets else None
    cand = build_candidates(
        monthly, orders6, cutoff, markets=markets, extra_markets=extra, include_new_markets=include_new
    )
    unsold = si.read_unsold_catalogue(con)
    if unsold:
        mk = [m.upper() for m in markets] if markets else sorted(cand["market"].dropna().unique())
        cand = pd.concat([cand, catalogue_candidates(unsold, mk, cand)], ignore_index=True)
    info = {
        "cutoff": str(cutoff),
        "history_from": str(monthly["month"].min()),
        "sales_rows": int(len(monthly)),
        "unsold_catalogue_products": len(unsold),
    }
    return cand, cutoff, info


def _attach(cand: pd.DataFrame, con: Any, notes: dict, runs: si.InputRuns) -> tuple[pd.DataFrame, list[dict]]:
    """Add listing candidates; join products, forecasts, trends, landed cost, compliance, reviews, competition.

    ``notes`` gets the row count of every input, ``runs`` the run each other stage's table was read from.
    """
    listings = si.read_listings(con)
    curves = fit_curves(si.read_rank_observations(con)) if len(listings) else []
    if len(listings):
        ranked = listings[listings["rank"].notna()]
        if len(ranked):
            est = estimate_sales(ranked.assign(rank_category=ranked["rank_category"].fillna("*")), curves)
            listings.loc[est.index, "est_units"] = est["units"]
        cand = pd.concat([cand, listing_candidates(listings, cand)], ignore_index=True)
    notes["listings"] = int(len(listings))
    prods = si.read_products(con)
    cand = cand.rename(columns={"category": "_listing_category"}) if "category" in cand else cand
    cand = cand.merge(prods[["product_id", "title", "category"]], on="product_id", how="left")
    if "_listing_category" in cand:
        cand["category"] = cand["category"].combine_first(cand.pop("_listing_category"))
    cand["category"] = cand["category"].fillna("other")
    prices = cand.groupby("product_id")["unit_price"].median()
    cand = cand.merge(
        logistics_factors(fill_default_dims(prods, _dim_defaults()), prices), on="product_id", how="left"
    )
    fc = si.read_forecasts(con, runs)
    if len(fc):
        cand = cand.merge(fc, on=["product_id", "market"], how="left")
        has = cand["forecast_6m"].notna()
        cand.loc[has, "demand_6m"] = cand.loc[has, "forecast_6m"]
        cand.loc[has, "demand_basis"] = "forecast"
    notes["forecasts"] = int(len(fc))
    tr = si.read_trends(con, runs)
    if len(tr):
        cand = cand.merge(tr, on=["product_id", "market"], how="left")
        cand["momentum_pct"] = cand["trend_pct"].combine_first(cand["momentum_pct"])
    notes["trend_signals"] = int(len(tr))
    lc = si.read_landed_costs(con, runs)
    if len(lc):
        cand = cand.merge(lc, on=["product_id", "market"], how="left")
    elif "margin_pct" not in cand:
        cand["margin_pct"] = np.nan
    notes["landed_costs"] = int(len(lc))
    cc = si.read_compliance(con, runs)
    if len(cc):
        cand = cand.merge(cc, on=["product_id", "market"], how="left")
    notes["compliance_checks"] = int(len(cc))
    io_prod, io_cat = si.read_improvements(con, runs)
    cand["improvement_score"] = np.nan
    for frame, key in ((io_prod, "product_id"), (io_cat, "category")):
        if frame.empty:
            continue
        for exact in (True, False):  # the market's own score first, then the market-unknown (*) one
            part = (
                frame[frame["market"] != "*"]
                if exact
                else frame[frame["market"] == "*"].drop(columns="market")
            )
            on = [key, "market"] if exact else [key]
            if len(part):
                m = cand[on].merge(part, on=on, how="left")["improvement_score"].to_numpy()
                cand["improvement_score"] = cand["improvement_score"].combine_first(
                    pd.Series(m, index=cand.index)
                )
    notes["improvement_opportunities"] = int(len(io_prod) + len(io_cat))
    if len(listings):
        cand = cand.merge(competition_factors(listings), on=["market", "category"], how="left")
    rr = si.read_review_ratings(con)
    if len(rr):  # rating gap of the market × category from reviews where listings give none
        gap = cand[["market", "category"]].merge(rr, on=["market", "category"], how="left")["mean_rating"]
        from_reviews = pd.Series(5.0 - gap.to_numpy(), index=cand.index)
        cand["rating_gap"] = (
            cand["rating_gap"].combine_first(from_reviews) if "rating_gap" in cand else from_reviews
        )
    notes["review_rating_groups"] = int(len(rr))
    return cand, [c.__dict__ for c in curves] + ([] if curves else [default_curve().__dict__])


def _dim_defaults() -> pd.DataFrame | None:
    """The reference table ``category_defaults`` (median package per category), if shipped."""
    try:
        from xborder.reference import load_table

        return load_table("category_defaults")
    except Exception:
        return None


def _budget(ranked: pd.DataFrame, con: Any) -> pd.DataFrame:
    """Cash to start = landed cost of the first month's expected units + compliance cost (converted to the
    landed-cost currency with the ECB table when they differ); time to market = compliance lead time."""
    nan = pd.Series(np.nan, index=ranked.index)
    unit = ranked["landed_cost"] if "landed_cost" in ranked else nan
    stock = ranked["demand_6m"] / 6.0 * unit
    comp = (ranked["compliance_cost"] if "compliance_cost" in ranked else nan).astype(float)
    cur = ranked["currency"] if "currency" in ranked else pd.Series(None, index=ranked.index, dtype=object)
    ccur = ranked["compliance_currency"] if "compliance_currency" in ranked else cur
    need = comp.notna() & cur.notna() & ccur.notna() & (cur != ccur)
    if need.any():
        try:
            from xborder.reference.fx import load_fx

            fx = load_fx(con)
            day = today()
            pairs = {(a, b) for a, b in zip(ccur[need], cur[need], strict=True)}
            rate = {p: fx.factor(p[0], p[1], day).rate for p in pairs}
            comp = comp.copy()
            factors = np.array([rate[(a, b)] for a, b in zip(ccur[need], cur[need], strict=True)])
            comp[need] = comp[need].to_numpy() * factors
        except Exception:
            comp[need] = np.nan
    ranked["budget_needed"] = stock.add(comp, fill_value=0.0).where(stock.notna() | comp.notna())
    ranked["budget_currency"] = cur.where(cur.notna(), ccur)
    ranked["time_to_market_days"] = (
        ranked["compliance_lead_days"] if "compliance_lead_days" in ranked else nan
    )
    return ranked


def run_selection(
    con: Any,
    settings: Settings,
    *,
    run_id: str,
    markets: list[str] | None = None,
    progress: Any = None,
    profile: str | None = None,
    profile_file: str | None = None,
    top: int = 20,
    include_new_markets: bool = True,
    sensitivity_draws: int = 200,
) -> dict[str, Any]:
    """Score every product × market candidate and store ``opportunities`` + ``opportunity_factors``.

    Returns a JSON-able summary, which the runner keeps in the run's record: the profile (name, method,
    ``profile_settings``, the factor ``weights``), the data cutoff, the candidate count, the markets, the
    unavailable factors, what was read (``inputs``: history start, row counts) and from which run of each
    other stage's table (``input_runs``), the top candidates and the sensitivity of the top ranks to ±20%
    weight changes. Only the scalars (profile, method, cutoff, candidates) show in the report's stage list.
    """
    prof = load_profile(profile_file or profile or settings.selection_profile)
    _progress(progress, 0.05, "reading sales history")
    cand, cutoff, info = _candidates(con, markets, include_new_markets)
    if cand.empty:
        raise BadInputError(
            "No product × market candidates: no product sold in the months before the data cutoff."
        )
    _progress(progress, 0.35, f"{len(cand):,} candidates; joining factors")
    notes: dict[str, int] = {}
    runs: si.InputRuns = {}
    cand, curves = _attach(cand, con, notes, runs)
    _progress(progress, 0.55, "scoring")
    res = score_candidates(cand, prof)
    ranked = explain_frame(res.ranked, res.weights, res.unavailable)
    for lang in ("en", "zh"):
        ranked[f"explanation_{lang}"] = [render_explanation(m, lang) for m in ranked["explanation"]]
    ranked = _budget(ranked, con)
    _progress(progress, 0.7, "sensitivity of the top ranks")
    stability, sens = _sensitivity(res, prof, top, sensitivity_draws)
    ranked["top_rank_stability"] = ranked["_row"].map(stability)
    for c, v in {"run_id": run_id, "profile": prof.name, "method": prof.method}.items():
        ranked[c] = v
    _progress(progress, 0.8, "writing opportunities")
    _write(con, run_id, ranked, res, curves)
    _progress(progress, 1.0, "done")
    summary = _summary(run_id, prof, ranked, res, info, notes, sens, top)
    return {**summary, "markets": markets, "input_runs": runs}


def _sensitivity(res: Any, prof: Any, top: int, draws: int) -> tuple[dict[int, float], dict]:
    if res.normalised is None or not res.used:
        return {}, {}
    w = np.array([res.weights[f] for f in res.used])
    types = np.array([1 if factor_spec(f).benefit else -1 for f in res.used])
    raw = np.nan_to_num(res.raw, nan=0.0) if prof.method == "topsis" else None
    frame, summary = top_rank_stability(
        res.normalised,
        w,
        top=top,
        draws=draws,
        method=prof.method,
        raw=raw,
        types=types,
        normalisation=prof.normalisation,
    )
    return dict(zip(frame["row"].astype(int), frame["stay_share"], strict=True)), summary


def _write(con: Any, run_id: str, ranked: pd.DataFrame, res: Any, curves: list[dict]) -> None:
    """Replace the run's rows of the three tables the stage writes, in one transaction."""
    opp = ranked[[c for c in OPPORTUNITIES.column_names if c in ranked]].copy()
    opp["explanation"] = [dumps(m).decode() for m in opp["explanation"]]
    long = res.factors
    long.insert(0, "run_id", run_id)
    long.insert(4, "factor_group", long["factor"].map(lambda f: factor_spec(f).group))
    cv = pd.DataFrame(curves).assign(run_id=run_id, fitted_at=utcnow())
    con.execute("BEGIN TRANSACTION")
    try:
        delete_run_rows(con, WRITES, run_id)
        write_frame(con, OPPORTUNITIES, opp)
        write_frame(con, OPPORTUNITY_FACTORS, long)
        write_frame(con, RANK_SALES_CURVES, cv, ignore=("p_value",))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _summary(run_id, prof, ranked, res, info, notes, sens, top) -> dict[str, Any]:
    cols = [
        "rank",
        "product_id",
        "market",
        "title",
        "category",
        "score",
        "demand_6m",
        "margin_pct",
        "sold_before",
        "top_rank_stability",
        "explanation_en",
        "explanation_zh",
    ]
    return {
        "run_id": run_id,
        "profile": prof.name,
        "method": prof.method,
        "cutoff": info["cutoff"],
        "candidates": int(len(ranked)),
        "profile_settings": {
            "source": prof.source,
            "normalisation": prof.normalisation,
            "min_margin_pct": prof.min_margin_pct,
            "min_demand_6m": prof.min_demand_6m,
        },
        "weights": res.weights,
        "unavailable_factors": res.unavailable,
        "inputs": {**{k: v for k, v in info.items() if k != "cutoff"}, **notes},
        "sensitivity": sens,
        "top": ranked.reindex(columns=cols).head(top).to_dict(orient="records"),
    }


def load_opportunities(con: Any, run_id: str | None = None) -> tuple[str, pd.DataFrame]:
    """Opportunities of ``run_id`` (default: the latest run that has opportunities) as a frame."""
    if run_id is None:
        run_id = latest_run_id(con, OPPORTUNITIES)
        if run_id is None:
            raise BadInputError("No selection run in this warehouse yet.", hint="Run `xborder select` first.")
    return run_id, read_rows(con, OPPORTUNITIES, run_id, order="rank")


class SelectionParams(Params):
    """Parameters of the selection stage (see :func:`run_selection`)."""

    profile: Literal[tuple(PRESETS)] | None = None  # type: ignore[valid-type]
    """A preset weight profile (default: the settings' ``selection_profile``)."""
    profile_file: str | None = None
    """A profile from a TOML file, ``path.toml[:name]`` (the command line and the config only, never the web)."""
    top: int = Field(20, ge=1, le=1000)
    include_new_markets: bool = True
    sensitivity_draws: int = Field(200, ge=0, le=100_000)

    @model_validator(mode="after")
    def _one_profile(self) -> SelectionParams:
        if self.profile and self.profile_file:
            raise ValueError("give profile or profile_file, not both")
        return self


def _run(ctx: StageContext, p: SelectionParams) -> dict[str, Any]:
    return run_selection(ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets, progress=ctx.progress,
                         **p.model_dump())  # fmt: skip


STAGE = Stage(
    "selection", _run, SelectionParams, writes=WRITES, weight=0.10, web=("profile", "top"), title="Selection",
    dossier=SECTION,
)  # fmt: skip
