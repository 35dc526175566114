"""Benchmark: the warehouse's own launches, replayed — selection picks become projects, are judged, refit the weights.

On UCI Online Retail + Online Retail II (the selection backtest's ``report`` warehouse: both files ingested, landed
cost and compliance run; benchmarks/selection_backtest.py builds it), at each monthly cutoff 2010-07 .. 2011-06:

1. the list is rebuilt as the live selection builds it at that cutoff (``selection.backtest.cutoff_candidates`` and
   ``consolidation.consolidate_picks``, ``balanced`` profile, sales before the cutoff only) and its first ``K``
   ranked product picks (no niches) are written as that cutoff's ``opportunities`` and ``opportunity_factors``
   (run ``replay-sel-<cutoff>``);
2. the demand forecast as of the cutoff (``demand.forecast``, monthly, 6 months, default models) of the first
   ``FORECAST_POOL`` ranked product pairs is written as ``forecast_totals`` (run ``replay-fc-<cutoff>``);
3. each pick becomes a project through ``xborder.domains.launch.stage.io.create_project`` (the live code path:
   it freezes the pick's factors and, as the selection gives sales-based picks no interval, the demand total's
   mean, 10% and 90% quantiles), and every gate up to launch is passed at the cutoff (the replay launches at the
   decision: it measures the pick, not the development time);
4. the launch stage judges every project (6-month window from the cutoff; success = units >= the frozen lower
   80% bound; UCI has no costs, so on sales alone) and the refit on projects
   (``xborder.domains.launch.refit_projects``) runs on the frozen factors and outcomes.

Rules stated before running; nothing was tuned. Writes benchmarks/results/launch_projects_replay.json.

Usage: .venv/bin/python benchmarks/launch_projects_replay.py [--workdir /tmp/xb-bt] [--picks 20]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import selection_backtest as sbt  # noqa: E402

from xborder.core.settings import Settings  # noqa: E402
from xborder.domains.demand.forecast import forecast  # noqa: E402
from xborder.domains.demand.series import build_series  # noqa: E402
from xborder.domains.launch.refit_projects import ProjectRefitRules, refit_on_projects  # noqa: E402
from xborder.domains.launch.stage import run_launch  # noqa: E402
from xborder.domains.launch.stage.io import create_project, read_frozen_factors, record_gate  # noqa: E402
from xborder.domains.selection import backtest as bt  # noqa: E402
from xborder.domains.selection.consolidation import consolidate_picks  # noqa: E402
from xborder.domains.selection.factors import factor_spec  # noqa: E402
from xborder.domains.selection.niches import NICHE_PREFIX  # noqa: E402
from xborder.domains.selection.profiles import load_profile, resolve  # noqa: E402
from xborder.warehouse import connect  # noqa: E402
from xborder.warehouse.tables import read_rows, write_frame  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "launch_projects_replay.json"
CUTOFFS = [str(p) for p in pd.period_range("2010-07", "2011-06", freq="M")]
FORECAST_POOL = 100
GATES = ("specification", "sourcing", "compliance", "pilot", "launch")


def _candidates(monthly: pd.DataFrame, lines: pd.DataFrame, cut: pd.Period, ev: object):
    """Every candidate at the cutoff, never-launched product x market pairs included (as the live selection
    lists them: ``run_selection`` builds candidates with ``include_new_markets=True``), with the outcome columns
    of the 6 months from the cutoff."""
    return bt.cutoff_candidates(monthly, lines, cut, ev, include_new_markets=True)  # type: ignore[arg-type]


def _picks(full: pd.DataFrame, home: frozenset, ev: object, prof: object, k: int):
    """The cutoff's list (every candidate with its status), its ranked products, their first k and the picks'
    long factor rows."""
    sl, _, _ = consolidate_picks(full, prof, home, launch_cost=float(getattr(ev, "launch_cost_profit", 0.0)),
                                 top=prof.diversify_top or 50, long_factors=True)  # type: ignore[attr-defined]  # fmt: skip
    frame = sl.frame
    ranked = frame[
        (frame["status"] == "ranked") & ~frame["product_id"].astype(str).str.startswith(NICHE_PREFIX)
    ]
    ranked = ranked.sort_values("rank", kind="stable")
    return frame, ranked, ranked.head(k), (sl.score.factors if sl.score is not None else pd.DataFrame())


_GATES = (
    ("margin_pct", "gate_min_margin_pct", False),
    ("demand_6m", "gate_min_demand_6m", False),
    ("gross_profit_6m", "gate_min_gross_profit_6m", True),
)
"""The viability gates as the selection's explanation reads them (selection.explain): value, threshold, strict."""


def _fails(rows: pd.DataFrame, col: str, gate: str, strict: bool) -> pd.Series:
    """Rows whose gate value is unknown or on the wrong side of its threshold (no threshold: none fail)."""
    if gate not in rows or col not in rows:
        return pd.Series(False, index=rows.index)
    v, t = pd.to_numeric(rows[col], errors="coerce"), pd.to_numeric(rows[gate], errors="coerce")
    wrong = (v <= t) if strict else (v < t)
    return t.notna() & (v.isna() | wrong)


def _never_launched(listed: pd.DataFrame, ranked: pd.DataFrame, picks: pd.DataFrame) -> dict:
    """How the never-launched pairs (no sale of the product in that market before the cutoff) fared in a list.

    ``later_sold``: picks whose pair sold in the market in the 6 months from the cutoff (the data's own launch:
    only these can be judged on sales); ``units_next`` and the selection's transfer estimate ``demand_6m`` are
    summed over them.
    """
    product = ~listed["product_id"].astype(str).str.startswith(
        NICHE_PREFIX
    )  # niches are no product x market pair
    new = product & ~listed["sold_before"].astype("boolean").fillna(True).astype(bool)
    status = listed.loc[new, "status"].value_counts().to_dict()
    gated = listed[new & (listed["status"] == "gated")]
    failed = {col: int(_fails(gated, col, gate, strict).sum()) for col, gate, strict in _GATES}
    p = picks[~picks["sold_before"].astype("boolean").fillna(True).astype(bool)]
    sold = p[p["units_next"].astype(float) > 0]
    return {
        "candidates": int(new.sum()), "candidates_status": {str(k): int(v) for k, v in status.items()},
        "gated_failing": failed,
        "ranked": int((~ranked["sold_before"].astype("boolean").fillna(True).astype(bool)).sum()),
        "picks": int(len(p)), "later_sold": int(len(sold)),
        "later_sold_units": float(sold["units_next"].sum()), "later_sold_forecast": float(sold["demand_6m"].sum()),
        "picks_units_next_median": float(p["units_next"].median()) if len(p) else None,
        "old_pairs_units_next_median": float(picks.loc[~picks.index.isin(p.index), "units_next"].median())
        if len(picks) > len(p) else None,
    }  # fmt: skip


def _no_demand_requirement(prof: object) -> object:
    """The same profile without the demand requirement: a never-launched pair's demand is a transfer estimate,
    which the shipped profiles do not count as assessed demand, so only this variant can rank it."""
    return dataclasses.replace(prof, require=tuple(r for r in prof.require if r != "demand"))  # type: ignore[arg-type, attr-defined]


def _forecast_totals(lines: pd.DataFrame, cut: pd.Period, pairs: pd.DataFrame, run_id: str) -> pd.DataFrame:
    """forecast_totals rows as of the cutoff for the pairs (monthly, 6 months)."""
    series = build_series(
        lines, level="product_market", freq="M", end=cut.start_time - pd.Timedelta(seconds=1)
    )
    ids = set(pairs["product_id"].astype(str) + "|" + pairs["market"].astype(str))
    series = series[series["unique_id"].isin(ids)]
    res = forecast(series, horizon=6, freq="M", levels=(80, 95))
    t = res.totals.copy()
    parts = t["unique_id"].str.rsplit("|", n=1, expand=True)
    return t.assign(run_id=run_id, level="product_market", freq="M", product_id=parts[0], market=parts[1],
                    target="units")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", default="/tmp/xb-bt")
    ap.add_argument("--picks", type=int, default=20)
    ap.add_argument("--cutoffs", nargs="*", default=CUTOFFS)
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    lines, ev, info = sbt.build("report", [sbt.OR, sbt.II], work)
    db = work / "launch-projects.duckdb"
    shutil.copy(work / "report.duckdb", db)
    settings = Settings(pseudonym_key="benchmark-key", report_dir=str(work))
    prof = resolve(load_profile("balanced"), settings)
    open_prof = _no_demand_requirement(prof)
    lines = lines.assign(ordered_at=pd.to_datetime(lines["ordered_at"]))
    monthly = bt.monthly_units(lines)
    con = connect(db)
    per_cut = []
    try:
        for c in args.cutoffs:
            cut = pd.Period(c, "M")
            t = time.perf_counter()
            full, home = _candidates(monthly, lines, cut, ev)
            listed, ranked, picks, long = _picks(full, home, ev, prof, args.picks)
            open_listed, open_ranked, open_picks, _ = _picks(full, home, ev, open_prof, args.picks)
            sel, fc = f"replay-sel-{c}", f"replay-fc-{c}"
            opp = picks.assign(run_id=sel, profile="balanced")
            write_frame(con, "opportunities", opp[[x for x in _opp_cols(con) if x in opp]])
            keys = set(zip(picks["product_id"], picks["market"], strict=True))
            mine = long[[k in keys for k in zip(long["product_id"], long["market"], strict=True)]].copy()
            mine.insert(0, "run_id", sel)
            mine["factor_group"] = mine["factor"].map(lambda f: factor_spec(f).group)
            write_frame(con, "opportunity_factors", mine)
            totals = _forecast_totals(lines, cut, ranked.head(FORECAST_POOL), fc)
            write_frame(con, "forecast_totals", totals[[x for x in _tot_cols(con) if x in totals]])
            at = cut.start_time.to_pydatetime()
            for r in picks.itertuples():
                p = create_project(con, str(r.product_id), str(r.market), pick_run_id=sel, forecast_run_id=fc,
                                   start=at, settings=settings, owner="replay")  # fmt: skip
                for i, g in enumerate(GATES, start=1):
                    record_gate(
                        con, p["project_id"], g, "go", at=at + pd.Timedelta(minutes=i), owner="replay"
                    )
            per_cut.append({"cutoff": c, "ranked": int(len(ranked)), "picks": int(len(picks)),
                            "forecast_series": int(totals["unique_id"].nunique()),
                            "never_launched": _never_launched(listed, ranked, picks),
                            "never_launched_no_demand_requirement": _never_launched(open_listed, open_ranked,
                                                                                    open_picks),
                            "seconds": round(time.perf_counter() - t, 1)})  # fmt: skip
            print(per_cut[-1], flush=True)
        summary = run_launch(con, "replay-launch")
        projects = read_rows(con, "projects")
        outcomes = read_rows(con, "launch_outcomes", "replay-launch")
        factors = read_frozen_factors(con)
        before = _sold_before(con)
    finally:
        con.close()
    rules = ProjectRefitRules(min_projects=settings.launch_refit_min_projects)
    refit = refit_on_projects(factors, outcomes, rules)
    result = {
        "warehouse": info, "cutoffs": per_cut, "launch_run": summary,
        "projects": _project_figures(projects, outcomes, before),
        "refit": dataclasses.asdict(refit), "rules": dataclasses.asdict(rules),
        "never_launched": {k: _total(per_cut, k) for k in ("never_launched", "never_launched_no_demand_requirement")},
        "cpu_seconds": round(time.process_time(), 1),
        "seconds": round(time.perf_counter() - t0, 1),
    }  # fmt: skip
    OUT.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print(
        json.dumps(
            {k: result[k] for k in ("launch_run", "projects", "refit", "never_launched")},
            indent=2,
            default=str,
        )
    )


def _total(per_cut: list[dict], key: str) -> dict:
    """The per-cutoff never-launched counts summed over the cutoffs."""
    names = ("candidates", "ranked", "picks", "later_sold", "later_sold_units", "later_sold_forecast")
    return {n: sum(c[key][n] for c in per_cut) for n in names}


def _opp_cols(con: object) -> list[str]:
    from xborder.domains.selection.tables import OPPORTUNITIES

    return list(OPPORTUNITIES.column_names)


def _tot_cols(con: object) -> list[str]:
    from xborder.domains.demand.tables import FORECAST_TOTALS

    return list(FORECAST_TOTALS.column_names)


def _sold_before(con: object) -> pd.DataFrame:
    """Units of each project's pair in the 6 months before its creation (0: a new market for the product)."""
    return con.execute(  # type: ignore[attr-defined]
        "SELECT p.project_id, coalesce(sum(o.quantity), 0) AS units_before FROM projects p LEFT JOIN order_lines o "
        "ON o.product_id = p.product_id AND o.country = p.market AND o.status = 'sold' "
        "AND o.ordered_at >= p.created_at - INTERVAL 6 MONTH AND o.ordered_at < p.created_at GROUP BY ALL"
    ).df()


def _project_figures(projects: pd.DataFrame, outcomes: pd.DataFrame, before: pd.DataFrame) -> dict:
    o = outcomes.merge(projects[["project_id", "forecast_source", "forecast_units"]], on="project_id",
                       suffixes=("", "_p")).merge(before, on="project_id", how="left")  # fmt: skip
    judged = o.dropna(subset=["success"])
    a, f = judged["actual_units"].astype(float), judged["forecast_units"].astype(float)

    def rate(df: pd.DataFrame) -> float | None:
        return float(df["success"].astype(bool).mean()) if len(df) else None

    new = judged[judged["units_before"] == 0]
    return {
        "projects": int(len(projects)), "outcomes": int(len(o)), "judged": int(len(judged)),
        "success_rate": rate(judged), "forecast_sources": projects["forecast_source"].value_counts(dropna=False)
        .to_dict(), "new_market_pairs": int(len(new)), "success_rate_new_pairs": rate(new),
        "success_rate_existing_pairs": rate(judged[judged["units_before"] > 0]),
        "wape": float((f - a).abs().sum() / a.sum()) if a.sum() > 0 else None,
        "bias": float((f - a).sum() / a.sum()) if a.sum() > 0 else None,
        "coverage_80_lower": float((a >= judged["forecast_lo_80"].astype(float)).mean()) if len(judged) else None,
        "median_actual_units": float(np.median(a)) if len(a) else None,
    }  # fmt: skip


if __name__ == "__main__":
    main()
