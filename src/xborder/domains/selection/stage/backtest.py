"""Pipeline stage after selection: the walk-forward backtest of the list that is shown, stored per run.

At each of the last ``cutoffs`` months that still have 6 months of outcome, the selection's own list is
rebuilt from what was known then (xborder.domains.selection.backtest) with the run's profile — same weights,
gates, required items and diversification as the live list — and its top ``k`` compared with last period's
best sellers, momentum and random picks from the same pool by realised units, revenue and gross profit and by
the share that made a profit or grew. ``xborder select --backtest`` runs the same stage on its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import Field, StringConstraints, model_validator

from xborder.core import i18n
from xborder.core.errors import BadInputError
from xborder.domains.selection.backtest import CutoffResult, run_backtest
from xborder.domains.selection.profiles import PRESETS, load_profile, resolve
from xborder.domains.selection.stage.gather import gather
from xborder.domains.selection.stage.inputs import InputRuns, read_order_lines
from xborder.domains.selection.tables import SELECTION_BACKTEST
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, write_frame

__all__ = ["run_selection_backtest", "BacktestParams", "STAGE", "DEFINITION"]

DEFINITION = (
    "picks = the first k of the list the selection shows (same profile, gates, required items, weights and "
    "diversification), rebuilt at each cutoff from the sales before it; baselines pick k from the same pool "
    "(assessed foreign candidates). profitable = share of picks whose realised 6-month gross profit "
    "(units x unit margin - compliance - launch) was > 0; grew = share selling more in the 6 months after "
    "than in the 6 before; success = share whose growth beat the pool's median"
)
"""What the backtest measures, for the summary and the command line."""

Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]


def _cutoffs(
    lines: pd.DataFrame, count: int, months: tuple[str, ...], end: str
) -> tuple[list[pd.Period], str | None]:
    """The cutoff months to backtest, or (``[]``, why none) when the history is too short.

    Given ``months`` must each leave 6 complete months after them. Otherwise ``count`` monthly cutoffs end
    either 7 months before the data's last month with 6 months of history before each (``conservative``,
    the run's choice) or at the latest cutoff whose 6-month outcome ends with the last complete month
    (``last_complete``, ``xborder select --backtest``).
    """
    last_at = pd.Timestamp(lines["ordered_at"].max())
    complete = last_at.to_period("M") - (1 if last_at.day < 28 else 0)  # last complete month
    if months:
        for c in months:
            if pd.Period(c, "M") + 5 > complete:
                raise BadInputError(
                    f"Cutoff {c} leaves less than 6 complete months of data after it (last complete month {complete}).",
                    hint=f"Use a cutoff no later than {complete - 5}.",
                )
        return [pd.Period(c, "M") for c in months], None
    if end == "last_complete":
        return [complete - 5 - i for i in range(count - 1, -1, -1)], None
    last = last_at.to_period("M")
    first = pd.Timestamp(lines["ordered_at"].min()).to_period("M")
    # The last complete outcome window ends the month before the data's (possibly partial) last month.
    latest = last - 7
    cuts = [latest - i for i in range(max(1, count) - 1, -1, -1)]
    cuts = [c for c in cuts if (c - first).n >= 6]
    return cuts, None if cuts else f"too little history ({first}–{last}) for a 6+6-month backtest"


def _no_candidates(results: list[CutoffResult]) -> dict[str, Any]:
    """The skip of a backtest whose cutoffs have no assessed foreign candidate: why, and what would fill it."""
    counts: dict[str, int] = {}
    for r in results:
        for k, v in r.status_counts.items():
            counts[k] = counts.get(k, 0) + v
    args = {
        "cutoffs": ", ".join(r.cutoff for r in results),
        "not_assessed": counts.get("not_assessed", 0),
        "home": counts.get("home_baseline", 0),
    }
    return {
        "status": "skipped",
        "reason": i18n.render("selection.backtest_no_candidates_detail", "en", **args),
        "reason_code": "selection.backtest_no_candidates",
        "hint": i18n.render("selection.backtest_no_candidates_hint", "en"),
        "cutoff_results": [_cutoff_result(r) for r in results],
    }


def _cutoff_result(r: CutoffResult) -> dict[str, Any]:
    return {"cutoff": r.cutoff, "candidates": r.candidates, "status_counts": r.status_counts}


def run_selection_backtest(
    con: Any,
    settings: Any,
    *,
    run_id: str,
    markets: list[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
    cutoffs: int = 3,
    k: int = 20,
    cutoff_months: tuple[str, ...] = (),
    end: str = "conservative",
    profile: str | None = None,
    profile_file: str | None = None,
) -> dict[str, Any]:
    """Backtest the shown list on the warehouse's order lines; rows go to ``selection_backtest``.

    Returns the summary: ``k``, the ``cutoffs``, the mean per method of every metric, the profile
    (``scoring``), every cutoff's pool and statuses (``cutoff_results``) and every method's result per cutoff
    (``rows``); or ``status: skipped`` with the reason (and a ``hint``) when the history allows no backtest.
    """
    lines = read_order_lines(con)
    if markets:
        lines = lines[lines["country"].isin([m.upper() for m in markets])]
    if lines.empty:
        return {
            "status": "skipped",
            "reason": "no order lines to backtest on",
            "hint": "Load order exports with `xborder ingest`.",
        }
    cuts, why = _cutoffs(lines, cutoffs, cutoff_months, end)
    if not cuts:
        return {"status": "skipped", "reason": why}
    prof = resolve(load_profile(profile_file or profile or settings.selection_profile), settings)
    runs: InputRuns = {}
    ev, _, _ = gather(con, settings, runs, {}, for_backtest=True)
    results = run_backtest(
        lines,
        [str(c) for c in cuts],
        ev,
        prof,
        ks=(k,),
        home_setting=settings.home_markets,
        progress=progress,
    )
    if not any(r.rows for r in results):
        return _no_candidates(results)
    rows = [dict(cutoff=r.cutoff, candidates=r.candidates, **x) for r in results for x in r.rows]
    df = pd.DataFrame(rows)
    df["run_id"] = run_id
    df["profile"] = prof.name
    df["profit_currency"] = ev.profit_currency
    df["weights"] = json.dumps(prof.weights)
    delete_run_rows(con, [SELECTION_BACKTEST], run_id)
    write_frame(con, SELECTION_BACKTEST, df)
    metrics = [
        "success",
        "profitable",
        "grew",
        "revenue_next",
        "gross_profit_next",
        "units_next",
        "units_expected",
    ]
    mean = df.groupby("method")[metrics].mean()
    return {
        "k": k,
        "cutoffs": [str(c) for c in cuts],
        "definition": DEFINITION,
        "mean": {m: {c: round(float(v), 4) for c, v in r.items()} for m, r in mean.iterrows()},
        "backtest_success_xborder": round(float(mean["success"].get("xborder", float("nan"))), 4),
        "backtest_success_best_sellers": round(float(mean["success"].get("best_sellers", float("nan"))), 4),
        "backtest_success_random": round(float(mean["success"].get("random", float("nan"))), 4),
        "scoring": {"profile": prof.name, "weights": json.loads(json.dumps(prof.weights))},
        "profit_currency": ev.profit_currency,
        "input_runs": runs,
        "cutoff_results": [_cutoff_result(r) for r in results],
        "cutoffs_without_candidates": [r.cutoff for r in results if not r.rows],
        "rows": rows,
    }


class BacktestParams(Params):
    """Parameters of the selection backtest (see :func:`run_selection_backtest`)."""

    cutoffs: int = Field(3, ge=1, le=24)
    """How many monthly cutoffs (when ``cutoff_months`` is empty)."""
    k: int = Field(20, ge=1, le=1000)
    """How many top picks are evaluated per method."""
    cutoff_months: tuple[Month, ...] = ()
    """Explicit cutoff months (YYYY-MM), each with 6 complete months of data after it."""
    end: Literal["conservative", "last_complete"] = "conservative"
    """Where the default cutoffs end (see ``_cutoffs``)."""
    profile: Literal[tuple(PRESETS)] | None = None  # type: ignore[valid-type]
    """The profile of the list (default: the settings' ``selection_profile``, as the live list)."""
    profile_file: str | None = None
    """A profile from a TOML file (``path.toml[:name]``; the command line and the config only)."""

    @model_validator(mode="after")
    def _one_profile(self) -> BacktestParams:
        if self.profile and self.profile_file:
            raise ValueError("give profile or profile_file, not both")
        return self


def _selection_profile(record: dict[str, Any]) -> dict[str, str]:
    """The profile the run's selection stage used (so the backtest tests the list the run shows)."""
    summary = (record.get("selection") or {}).get("summary") or {}
    name, source = summary.get("profile"), (summary.get("profile_settings") or {}).get("source")
    if not name:
        return {}
    if source and source != "shipped presets":
        return {"profile_file": f"{source}:{name}"}
    return {"profile": str(name)}


def _run(ctx: StageContext, p: BacktestParams) -> dict[str, Any]:
    values = p.model_dump()
    if not values.get("profile") and not values.get("profile_file"):
        values.update(_selection_profile(ctx.record))
    return run_selection_backtest(ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets,
                                  progress=ctx.progress, **values)  # fmt: skip


STAGE = Stage(
    "backtest", _run, BacktestParams, writes=(SELECTION_BACKTEST,), weight=0.05, quick={"cutoffs": 3, "k": 20},
    web=("cutoffs", "k"), title="Selection backtest",
)  # fmt: skip
