"""Run parameters a web user may set: a whitelist with types and bounds.

The CLI's ``--param stage.name=value`` reaches every engine keyword; a run started from the web
(``POST /api/runs``) may only set the limits and choices below, so an account cannot point a stage
at a server path or pass an engine an argument nobody checked. ``quick`` is the demo's limits.
"""

from __future__ import annotations

from typing import Any

from xborder.core.errors import BadInputError
from xborder.domains.selection.profiles import PRESETS
from xborder.pipeline.demo import DEMO_PARAMS

__all__ = ["WEB_PARAMS", "QUICK", "check_web_params"]

# stage -> name -> (kind, allowed): kind "int" with (min, max), or "choice" with the allowed values
WEB_PARAMS: dict[str, dict[str, tuple[str, tuple[Any, ...]]]] = {
    "demand": {"max_series": ("int", (0, 1_000_000)), "freq": ("choice", ("W", "M"))},
    "landed_cost": {"max_products": ("int", (1, 1_000_000))},
    "selection": {
        "profile": ("choice", tuple(PRESETS)),
        "top": ("int", (1, 1000)),
    },
    "backtest": {"cutoffs": ("int", (1, 24)), "k": ("int", (1, 1000))},
    "report": {"top_n": ("int", (1, 200))},
}


QUICK = {stage: dict(values) for stage, values in DEMO_PARAMS.items()}
"""The demo's limits (200 series per level, landed cost for 300 products, 3 backtest cutoffs, top 10)."""


def check_web_params(params: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Validate ``{stage: {name: value}}`` against :data:`WEB_PARAMS`; returns a clean copy.

    Raises:
        BadInputError: naming the stage/parameter and what is allowed.
    """
    out: dict[str, dict[str, Any]] = {}
    for stage, values in (params or {}).items():
        allowed = WEB_PARAMS.get(stage)
        if allowed is None:
            raise BadInputError(
                f"Parameters for stage '{stage}' cannot be set from the web.",
                hint=f"Settable: {_listing()}.",
            )
        if not isinstance(values, dict):
            raise BadInputError(
                f"params.{stage} must be an object of name: value.", hint=f"Settable: {_listing()}."
            )
        for name, value in values.items():
            spec = allowed.get(name)
            if spec is None:
                raise BadInputError(
                    f"Parameter '{stage}.{name}' cannot be set from the web.", hint=f"Settable: {_listing()}."
                )
            kind, rule = spec
            if kind == "int":
                lo, hi = rule
                if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                    raise BadInputError(
                        f"Parameter '{stage}.{name}' must be a whole number from {lo} to {hi}; got {value!r}."
                    )
            elif value not in rule:
                raise BadInputError(
                    f"Parameter '{stage}.{name}' must be one of {', '.join(map(str, rule))}; got {value!r}."
                )
            out.setdefault(stage, {})[name] = value
    return out


def _listing() -> str:
    return ", ".join(f"{s}.{n}" for s, names in WEB_PARAMS.items() for n in names)
