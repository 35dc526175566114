"""Pipeline stage after selection: the walk-forward backtest of the selection score, stored per run.

The report's "backtested selection success rate" comes from here: at each of the last ``cutoffs``
months that still have 6 months of outcome, the top-``k`` picks of the xborder score (weights
calibrated on earlier cutoffs only, or a given profile's), of best sellers, of momentum and of random
draws are compared by the share that grew faster than the median candidate
(xborder.domains.selection.backtest). ``xborder select --backtest`` runs the same stage on its own.
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
from xborder.domains.selection.profiles import PRESETS, load_profile
from xborder.domains.selection.stage.inputs import read_order_lines
from xborder.domains.selection.tables import SELECTION_BACKTEST
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, write_frame

__all__ = ["run_selection_backtest", "BacktestParams", "STAGE", "CALIBRATED"]

CALIBRATED = "backtest-calibrated (walk-forward)"
"""The profile name shown when the weights are learned on earlier cutoffs."""

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


def _no_candidates(results: list[CutoffResult], min_units: float) -> dict[str, Any]:
    """The skip of a backtest whose cutoffs have no candidate: why, and what data would make it work."""
    args = {
        "cutoffs": ", ".join(r.cutoff for r in results),
        "min_units": min_units,
        "best": max((r.best_units for r in results), default=0.0),
    }
    return {
        "status": "skipped",
        "reason": i18n.render("selection.backtest_no_candidates_detail", "en", **args),
        "reason_code": "selection.backtest_no_candidates",
        "hint": i18n.render("selection.backtest_no_candidates_hint", "en", min_units=min_units),
        "cutoff_results": [_cutoff_result(r) for r in results],
    }


def _cutoff_result(r: CutoffResult) -> dict[str, Any]:
    return {"cutoff": r.cutoff, "candidates": r.candidates, "weights": r.weights}


def run_selection_backtest(
    con: Any,
    settings: Any,
    *,
    run_id: str,
    markets: list[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
    cutoffs: int = 3,
    k: int = 20,
    min_units: float = 50,
    cutoff_months: tuple[str, ...] = (),
    end: str = "conservative",
    profile: str | None = None,
    profile_file: str | None = None,
) -> dict[str, Any]:
    """Backtest the selection score on the warehouse's order lines; rows go to ``selection_backtest``.

    Returns the summary: ``k``, the ``cutoffs``, the mean success per method, the profile and candidate
    threshold (``scoring``), every cutoff's candidates and weights (``cutoff_results``) and every method's
    result per cutoff (``rows``); or ``status: skipped`` with the reason (and a ``hint``) when the order
    history allows no backtest.
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
    spec = profile_file or profile
    prof = load_profile(spec) if spec else None
    results = run_backtest(
        lines, [str(c) for c in cuts], ks=(k,), min_units=min_units, profile=prof, progress=progress
    )
    if not any(r.rows for r in results):
        return _no_candidates(results, min_units)
    rows = [dict(cutoff=r.cutoff, candidates=r.candidates, **x) for r in results for x in r.rows]
    df = pd.DataFrame(rows)
    df["run_id"] = run_id
    df["weights"] = [json.dumps(r.weights) for r in results for _ in r.rows]
    delete_run_rows(con, [SELECTION_BACKTEST], run_id)
    write_frame(con, SELECTION_BACKTEST, df)
    mean = df.groupby("method")["success"].mean()
    return {
        "k": k,
        "cutoffs": [str(c) for c in cuts],
        "backtest_success_xborder": round(float(mean.get("xborder", float("nan"))), 4),
        "backtest_success_best_sellers": round(float(mean.get("best_sellers", float("nan"))), 4),
        "backtest_success_random": round(float(mean.get("random", float("nan"))), 4),
        "scoring": {"profile": prof.name if prof else CALIBRATED, "min_units": min_units},
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
    min_units: float = Field(50, ge=0)
    """Units a product × market must have sold in the 6 months before a cutoff to be a candidate."""
    cutoff_months: tuple[Month, ...] = ()
    """Explicit cutoff months (YYYY-MM), each with 6 complete months of data after it."""
    end: Literal["conservative", "last_complete"] = "conservative"
    """Where the default cutoffs end (see ``_cutoffs``)."""
    profile: Literal[tuple(PRESETS)] | None = None  # type: ignore[valid-type]
    """Score with this preset's weights instead of the walk-forward calibration."""
    profile_file: str | None = None
    """Score with a profile from a TOML file (``path.toml[:name]``; the command line and the config only)."""

    @model_validator(mode="after")
    def _one_profile(self) -> BacktestParams:
        if self.profile and self.profile_file:
            raise ValueError("give profile or profile_file, not both")
        return self


def _run(ctx: StageContext, p: BacktestParams) -> dict[str, Any]:
    return run_selection_backtest(ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets,
                                  progress=ctx.progress, **p.model_dump())  # fmt: skip


STAGE = Stage(
    "backtest", _run, BacktestParams, writes=(SELECTION_BACKTEST,), weight=0.05, quick={"cutoffs": 3, "k": 20},
    web=("cutoffs", "k"), title="Selection backtest",
)  # fmt: skip
