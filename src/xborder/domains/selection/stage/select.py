"""Selection stage: build candidates and gather the evidence, shortlist them, write ``opportunities``."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from xborder.core.clock import utcnow
from xborder.core.errors import BadInputError
from xborder.core.jsonable import dumps
from xborder.core.settings import Settings
from xborder.domains.selection.candidates import build_candidates, catalogue_candidates, listing_candidates
from xborder.domains.selection.consolidation import consolidate_picks
from xborder.domains.selection.dossier import SECTION
from xborder.domains.selection.evidence import assemble, home_markets
from xborder.domains.selection.factors import factor_spec
from xborder.domains.selection.profiles import PRESETS, load_profile, research_profile, resolve
from xborder.domains.selection.quote import margin_gate_outlook
from xborder.domains.selection.rank_sales import default_curve
from xborder.domains.selection.sensitivity import top_rank_stability
from xborder.domains.selection.shortlist import STATUSES
from xborder.domains.selection.stage import inputs as si
from xborder.domains.selection.stage.annotate import annotate, budget, top_records
from xborder.domains.selection.stage.gather import Converter, gather
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


def _empty_monthly() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "product_id": pd.Series(dtype=object),
            "market": pd.Series(dtype=object),
            "month": pd.Series(dtype="period[M]"),
            "units": pd.Series(dtype=float),
            "revenue": pd.Series(dtype=float),
            "last_at": pd.Series(dtype="datetime64[ns]"),
        }
    )


def _research_start(
    con: Any, home_setting: str
) -> tuple[pd.DataFrame, pd.Period, dict, pd.DataFrame, frozenset[str]]:
    """No own sales: a research-only start from marketplace data (Keepa and other listing exports), or a
    clear message saying what the warehouse holds and what would make ``select`` work."""
    held = si.read_holdings(con)
    if not held.get("listings"):
        have = ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in held.items() if n) or "nothing yet"
        raise BadInputError(
            "The warehouse holds no sold order lines, actual sales or marketplace listings, so there is nothing "
            f"to select from (it holds: {have}).",
            hint="Load order or sales exports (`xborder ingest <file>`), or marketplace research data such as a "
            "Keepa export (`xborder ingest keepa.xlsx`) to rank from market data.",
        )
    last = si.read_last_observation(con)
    cutoff = (pd.Timestamp(last) if last is not None else pd.Timestamp(utcnow())).to_period("M") + 1
    home = home_markets(_empty_monthly(), home_setting)
    info = {
        "cutoff": str(cutoff),
        "history_from": None,
        "sales_rows": 0,
        "unsold_catalogue_products": 0,
        "research_only": True,
        "listings": int(held["listings"]),
        "_orders6": None,
    }
    cand = pd.DataFrame({"product_id": pd.Series(dtype=object), "market": pd.Series(dtype=object)})
    return cand, cutoff, info, _empty_monthly(), home


def _candidates(
    con: Any, markets: list[str] | None, include_new: bool, home_setting: str
) -> tuple[pd.DataFrame, pd.Period, dict, pd.DataFrame, frozenset[str]]:
    monthly = si.read_monthly_sales(con)
    if monthly.empty:
        return _research_start(con, home_setting)
    cutoff = data_cutoff(monthly)
    home = home_markets(monthly[monthly["month"] < cutoff], home_setting)
    orders6 = si.read_orders(con, (cutoff - 6).start_time, cutoff.start_time)
    wanted = sorted({m.upper() for m in markets} | set(home)) if markets else None
    cand = build_candidates(
        monthly, orders6, cutoff, markets=wanted, extra_markets=wanted, include_new_markets=include_new
    )
    unsold = si.read_unsold_catalogue(con)
    if unsold:
        mk = wanted or sorted(cand["market"].dropna().unique())
        cand = pd.concat([cand, catalogue_candidates(unsold, mk, cand)], ignore_index=True)
    info = {
        "cutoff": str(cutoff),
        "history_from": str(monthly["month"].min()),
        "sales_rows": int(len(monthly)),
        "unsold_catalogue_products": len(unsold),
    }
    info["_orders6"] = orders6
    return cand, cutoff, info, monthly, home


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
    """Shortlist every product × market (and category × market niche) candidate and store ``opportunities``
    + ``opportunity_factors``.

    Returns a JSON-able summary, which the runner keeps in the run's record: the profile (name, method,
    ``profile_settings``: gates, required items, missing-value quantile, diversification caps; the factor
    ``weights``), the data cutoff, the home market(s) and profit currency, the candidate count and the count per
    status, the markets, the unavailable factors, what was read (``inputs``) and from which run of each other
    stage's table (``input_runs``), the top of the list and the sensitivity of the top ranks to ±20% weight
    changes. Only the scalars (profile, method, cutoff, candidates) show in the report's stage list.
    """
    prof = resolve(load_profile(profile_file or profile or settings.selection_profile), settings)
    _progress(progress, 0.05, "reading sales history")
    cand, cutoff, info, monthly, home = _candidates(con, markets, include_new_markets, settings.home_markets)
    research = bool(info.get("research_only"))
    if research:
        prof = research_profile(prof)
    if cand.empty and not research:
        raise BadInputError(
            "No product × market candidates: no product sold in the months before the data cutoff."
        )
    _progress(progress, 0.3, f"{len(cand):,} candidates; gathering the evidence")
    notes: dict[str, int] = {}
    runs: si.InputRuns = {}
    ev, listings, curves = gather(con, settings, runs, notes)
    if len(listings):
        cand = pd.concat([cand, listing_candidates(listings, cand)], ignore_index=True)
    if cand.empty:
        raise BadInputError(
            "No product × market candidates: the marketplace listings name no market or product.",
            hint="Check the listings export has its marketplace (Keepa's Locale column) and an ASIN per row.",
        )
    orders6 = info.pop("_orders6")
    full = assemble(cand, ev, monthly=monthly, cutoff=cutoff, home=home, orders=orders6)
    if markets:
        full = full[full["market"].isin({m.upper() for m in markets} | set(home))].reset_index(drop=True)
    full["research"] = research
    _progress(progress, 0.5, "scoring the assessed candidates")
    sl, full, combined = consolidate_picks(
        full, prof, home, launch_cost=ev.launch_cost_profit, top=prof.diversify_top or 50
    )
    res = sl.score
    weights = res.weights if res else {}
    unavailable = res.unavailable if res else []
    ranked = annotate(
        sl.frame, weights, unavailable, prof, ev, cost_share=getattr(settings, "estimated_cost_share", None)
    )
    ranked = budget(ranked, Converter(con, ev.profit_currency or "USD"))
    _progress(progress, 0.7, "sensitivity of the top ranks")
    stability, sens = _sensitivity(res, prof, top, sensitivity_draws)
    srow = ranked["_srow"] if "_srow" in ranked else pd.Series(np.nan, index=ranked.index)
    ranked["top_rank_stability"] = srow.map(stability)
    for c, v in {"run_id": run_id, "profile": prof.name, "method": prof.method}.items():
        ranked[c] = v
    _progress(progress, 0.8, "writing opportunities")
    _write(con, run_id, ranked, res, [c.__dict__ for c in curves] or [default_curve().__dict__])
    _progress(progress, 1.0, "done")
    summary = _summary(run_id, prof, ranked, res, info, notes, sens, top)
    summary["combined_freight"] = combined.__dict__
    summary["channels"] = _channels(ranked)
    summary.update(home_markets=sorted(home), profit_currency=ev.profit_currency)
    summary["mode"] = "research" if research else "sales"
    return {**summary, "markets": markets, "input_runs": runs}


def _sensitivity(res: Any, prof: Any, top: int, draws: int) -> tuple[dict[int, float], dict]:
    if res is None or res.normalised is None or not res.used:
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
    for c in ("explanation", "risks", "missing"):
        opp[c] = [dumps(m).decode() for m in opp[c]]
    if "compliance_items" in opp:
        opp["compliance_items"] = (
            pd.to_numeric(opp["compliance_items"], errors="coerce").round().astype("Int64")
        )
    long = res.factors if res is not None and res.factors is not None else pd.DataFrame()
    if len(long):
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


def _margin_gate(ranked: pd.DataFrame, gate: float | None) -> dict[str, dict[str, int]]:
    """Among the scored products (ranked + gated) and the first 50 of them: how many pass the margin gate,
    would pass with a supplier price up to their cost ceiling (``quote``), or pass at no unit cost."""
    if gate is None or "status" not in ranked:
        return {}
    scored = ranked[ranked["status"].isin(["ranked", "gated"]) & ranked["candidate_kind"].ne("niche")]
    out = {}
    for name, part in (("scored", scored), ("top_50", scored[scored["rank"] <= 50])):
        counts = margin_gate_outlook(part, gate).value_counts()
        out[name] = {k: int(counts.get(k, 0)) for k in ("passes", "quote", "no_cost")}
    return out


def _summary(run_id, prof, ranked, res, info, notes, sens, top) -> dict[str, Any]:
    status = ranked["status"].value_counts()
    return {
        "run_id": run_id,
        "profile": prof.name,
        "method": prof.method,
        "cutoff": info["cutoff"],
        "candidates": int(len(ranked)),
        "status_counts": {s: int(status.get(s, 0)) for s in STATUSES},
        "niches": int((ranked["candidate_kind"] == "niche").sum()),
        "margin_gate": _margin_gate(ranked, prof.min_margin_pct),
        "profile_settings": {
            "source": prof.source,
            "normalisation": prof.normalisation,
            "min_margin_pct": prof.min_margin_pct,
            "min_demand_6m": prof.min_demand_6m,
            "min_gross_profit_6m": prof.min_gross_profit_6m,
            "require": list(prof.require),
            "pass_unknown": list(prof.pass_unknown),
            "missing_quantile": prof.missing_quantile,
            "max_markets_per_product": prof.max_markets_per_product,
            "max_per_category": prof.max_per_category,
            "diversify_top": prof.diversify_top,
        },
        "weights": res.weights if res else {},
        "unavailable_factors": res.unavailable if res else [],
        "inputs": {**{k: v for k, v in info.items() if k != "cutoff"}, **notes},
        "sensitivity": sens,
        "top": top_records(ranked, top),
    }


def _channels(ranked: pd.DataFrame) -> dict[str, int]:
    """How many assessed pairs each sales channel costed (the landed-cost run's channel per market)."""
    if "channel" not in ranked:
        return {}
    return {str(k): int(v) for k, v in ranked["channel"].dropna().value_counts().sort_index().items()}


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
