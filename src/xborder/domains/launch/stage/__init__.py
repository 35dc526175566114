"""The launch stage: judge launched projects against their frozen forecasts and compute the KPI scorecard."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.domains.launch.kpis import scorecard
from xborder.domains.launch.outcomes import cost_sales, judge_outcomes, success_rate, unit_costs
from xborder.domains.launch.projects import cycle_times, project_status
from xborder.domains.launch.stage.io import read_events, read_sold_lines, run_rows
from xborder.domains.launch.tables import (
    KPI_SCORECARD,
    LAUNCH_OUTCOMES,
    LAUNCH_REPLAY,
    PROJECT_FACTORS,
    PROJECTS,
    TABLES,
)
from xborder.warehouse.stage import NoParams, Stage, StageContext
from xborder.warehouse.tables import read_rows, table_exists, write_frame

__all__ = ["STAGE", "run_launch", "sales_after_launch", "replay_sales"]

_KPI_INPUTS = ("selection_backtest", "forecast_accuracy", "inventory_health", "opportunities", "landed_costs",
               "supplier_concentration", "ad_tacos")  # fmt: skip


def sales_after_launch(con: Any, products: list[str]) -> tuple[pd.DataFrame, Any]:
    """Sold order lines of ``products`` per day and country (cost filled later), and the last day they cover."""
    cols = ["product_id", "market", "day", "units", "revenue", "currency", "cost"]
    if not products or not table_exists(con, "order_lines"):
        return pd.DataFrame(columns=cols), None
    marks = ", ".join("?" for _ in products)
    df = con.execute(
        "SELECT product_id, country AS market, CAST(ordered_at AS DATE) AS day, sum(quantity) AS units, "
        "sum(quantity * unit_price) AS revenue, any_value(currency) AS currency, CAST(NULL AS DOUBLE) AS cost "
        f"FROM order_lines WHERE status = 'sold' AND product_id IN ({marks}) GROUP BY ALL",
        products,
    ).df()
    last = con.execute("SELECT CAST(max(ordered_at) AS DATE) FROM order_lines").fetchall()
    return df[cols], (last[0][0] if last else None)


def replay_sales(con: Any, run_id: str) -> pd.DataFrame:
    """Replay the launch history of the warehouse's sales (product x market pairs) and write its summary rows.

    Nothing is written when the sales cover fewer than the outcome window plus two months (burn-in and one
    judged month): there is no launch to judge.
    """
    from xborder.domains.launch.replay import ReplayRules
    from xborder.domains.launch.replay_markets import (
        home_market,
        market_replay_summary,
        refit_market_launches,
        replay_market_launches,
    )

    rules = ReplayRules()
    lines, categories = read_sold_lines(con)
    if lines.empty:
        return pd.DataFrame()
    months = pd.to_datetime(lines["ordered_at"]).dt.to_period("M")
    if (months.max() - months.min()).n + 1 < rules.horizon + 2:
        return pd.DataFrame()
    home = home_market(lines)
    judged = replay_market_launches(lines, categories, rules, home)
    if not judged["complete"].any():
        return pd.DataFrame()
    summary = pd.concat([market_replay_summary(judged), refit_market_launches(lines, judged, categories)],
                        ignore_index=True).rename(columns={"group": "launch_group"})  # fmt: skip
    summary = summary.assign(run_id=run_id, home_market=home)
    summary["test_months"] = summary.get("test_months", pd.Series(dtype=float)).astype("Int64")
    write_frame(con, LAUNCH_REPLAY, summary)
    return summary


def run_launch(con: Any, run_id: str, min_refit: int = 30) -> dict[str, Any]:
    """Judge every launched project and write the run's scorecard; returns the summary.

    The summary says how many judged projects have frozen factors (what ``xborder projects refit`` learns from)
    against ``min_refit`` (setting launch_refit_min_projects).
    """
    projects = read_rows(con, PROJECTS)
    status = project_status(read_events(con))
    launched = status.dropna(subset=["launched_at"])
    outcomes = pd.DataFrame()
    if len(launched):
        ids = projects[projects["project_id"].isin(launched["project_id"])]["product_id"].unique().tolist()
        sales, last = sales_after_launch(con, ids)
        if last is not None:
            marks = ", ".join("?" for _ in ids)
            landed = run_rows(con, "landed_costs", where=f"product_id IN ({marks})", params=ids)
            offers = read_rows(con, "supplier_offers", where=f"product_id IN ({marks})", params=ids)
            sales = cost_sales(sales, unit_costs(landed, offers))
            said = read_rows(con, "reviews", where=f"product_id IN ({marks})", params=ids,
                             columns=["product_id", "market_code", "reviewed_at", "rating"])  # fmt: skip
            said = pd.DataFrame({"product_id": said["product_id"], "market": said["market_code"],
                                 "day": said["reviewed_at"], "rating": said["rating"]})  # fmt: skip
            outcomes = judge_outcomes(projects, status, sales, last, said)
            write_frame(con, LAUNCH_OUTCOMES, outcomes.assign(run_id=run_id))
    frames: dict[str, pd.DataFrame | None] = {t: run_rows(con, t, run_id) for t in _KPI_INPUTS}
    frames["launch_outcomes"] = outcomes
    frames["cycle_times"] = cycle_times(status)
    replay = replay_sales(con, run_id)
    frames["launch_replay"] = replay
    frames["risk_events"] = read_rows(con, "risk_events")  # the risk domain's, written by its stage and CLI
    card = scorecard(frames)
    write_frame(con, KPI_SCORECARD, card.assign(run_id=run_id))
    rate, judged = success_rate(outcomes) if len(outcomes) else (None, 0)
    frozen = set(read_rows(con, PROJECT_FACTORS, columns=["project_id"])["project_id"])
    refit_judged = (
        int((outcomes["success"].notna() & outcomes["project_id"].isin(frozen)).sum()) if len(outcomes) else 0
    )
    return {
        "projects": int(len(projects)),
        "launched": int(len(launched)),
        "launch_outcomes": int(len(outcomes)),
        "judged": judged,
        "success_rate": rate,
        "kpi_scorecard": int(len(card)),
        "kpis_known": int(card["value"].notna().sum()),
        "projects_with_frozen_factors": len(frozen),
        "refit_judged_projects": refit_judged,
        "refit_min_projects": int(min_refit),
        "replayed_launches": int(replay["launches"].iloc[0]) if len(replay) else 0,
    }


def _run(ctx: StageContext, p: NoParams) -> dict[str, Any]:
    return run_launch(ctx.con, ctx.run_id, ctx.settings.launch_refit_min_projects)


STAGE = Stage(
    "launch", _run, NoParams, writes=TABLES, weight=0.01, title="Launch outcomes and KPI scorecard",
)  # fmt: skip
