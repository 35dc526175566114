"""The stages of the main run, in order, and how each one is found and called.

Each domain ships its warehouse glue as ``xborder.pipeline.<domain>`` with a function
``run_<domain>(con, settings, *, run_id, markets=None, progress=None, **params) -> dict``.
A stage whose module has not landed yet is reported as skipped ("not available yet")
instead of failing the run.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

__all__ = ["Stage", "STAGES", "STAGE_NAMES", "resolve", "call_stage", "NOT_AVAILABLE"]

NOT_AVAILABLE = "skipped: not available yet"


@dataclass(frozen=True)
class Stage:
    """One step of the run: the module/function it calls and the tables it writes (for clean re-runs)."""

    name: str
    module: str
    function: str
    writes: tuple[str, ...] = ()
    fn: Callable[..., dict[str, Any]] | None = field(default=None, compare=False)
    """A function to call instead of importing ``module`` (tests, plug-ins)."""


STAGES: tuple[Stage, ...] = (
    Stage("ingest", "xborder.ingest.stage", "run_ingest"),
    Stage(
        "demand",
        "xborder.domains.demand.stage",
        "run_demand",
        ("forecasts", "forecast_series", "forecast_accuracy", "trend_signals"),
    ),
    Stage(
        "reviews",
        "xborder.domains.reviews.stage",
        "run_reviews",
        (
            "review_analysis",
            "review_groups",
            "review_aspects",
            "review_phrases",
            "review_cues",
            "improvement_opportunities",
        ),
    ),
    Stage("landed_cost", "xborder.domains.landed_cost.stage", "run_landed_cost", ("landed_costs",)),
    Stage(
        "compliance",
        "xborder.domains.compliance.stage",
        "run_compliance",
        ("compliance_checks", "compliance_summary"),
    ),
    Stage(
        "selection",
        "xborder.domains.selection.stage.select",
        "run_selection",
        ("opportunities", "opportunity_factors"),
    ),
    Stage(
        "backtest",
        "xborder.domains.selection.stage.backtest",
        "run_selection_backtest",
        ("selection_backtest",),
    ),
)
STAGE_NAMES: tuple[str, ...] = tuple(s.name for s in STAGES) + ("report",)


def resolve(stage: Stage) -> Callable[..., dict[str, Any]] | None:
    """The stage's function, or None when its module (or function) does not exist yet."""
    if stage.fn is not None:
        return stage.fn
    try:
        mod = import_module(stage.module)
    except ModuleNotFoundError as exc:
        if exc.name == stage.module:
            return None
        raise
    fn = getattr(mod, stage.function, None)
    return fn if callable(fn) else None


def call_stage(
    fn: Callable[..., Any],
    con: Any,
    settings: Any,
    *,
    run_id: str,
    markets: list[str] | None,
    progress: Callable[[float, str], None] | None,
    params: dict[str, Any],
) -> dict[str, Any]:
    """Call a domain's ``run_<domain>`` with the contract's arguments plus the params it accepts.

    Parameters the function does not declare (and it has no ``**params``) are dropped, so a run
    can carry limits for engines that may not support them yet; the dropped names are returned
    in the summary under ``ignored_params`` so the report can say so.
    """
    sig = inspect.signature(fn)
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.parameters.values())
    accepted = {k: v for k, v in params.items() if takes_any or k in sig.parameters}
    ignored = sorted(set(params) - set(accepted))
    kwargs: dict[str, Any] = {"run_id": run_id, "progress": progress, **accepted}
    if takes_any or "markets" in sig.parameters:
        kwargs["markets"] = markets
    result = fn(con, settings, **kwargs)
    summary = dict(result) if isinstance(result, dict) else {"result": result}
    if ignored:
        summary["ignored_params"] = ignored
    return summary
