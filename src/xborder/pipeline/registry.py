"""The stage registry: every stage of the main run, in order — one line per domain.

Everything that needs to know the stages derives from :data:`STAGES`: the run order, ``--param``
validation, the parameters a web user may set, the demo's limits, progress weights, the report's stage
order and the output-table lists. Adding a domain = its folder under ``xborder/domains/`` with a
``stage.py`` declaring ``STAGE``, and one line below.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xborder.core.errors import BadInputError
from xborder.domains.compliance.stage import STAGE as COMPLIANCE
from xborder.domains.customers.stage import STAGE as CUSTOMERS
from xborder.domains.demand.stage import STAGE as DEMAND
from xborder.domains.finance.stage import STAGE as FINANCE
from xborder.domains.inventory.stage import STAGE as INVENTORY
from xborder.domains.inventory.stage import STOCKOUTS_STAGE as STOCKOUTS
from xborder.domains.landed_cost.stage import STAGE as LANDED_COST
from xborder.domains.launch.stage import STAGE as LAUNCH
from xborder.domains.logistics.stage import STAGE as LOGISTICS
from xborder.domains.marketing.stage import STAGE as MARKETING
from xborder.domains.reviews.stage import STAGE as REVIEWS
from xborder.domains.risk.stage import STAGE as RISK
from xborder.domains.selection.stage.backtest import STAGE as BACKTEST
from xborder.domains.selection.stage.select import STAGE as SELECTION
from xborder.domains.suppliers.stage import STAGE as SUPPLIERS
from xborder.ingest.stage import STAGE as INGEST
from xborder.warehouse.stage import Params, Stage

__all__ = ["STAGES", "stage_named", "output_tables", "quick_params", "parse_params", "web_params"]

STAGES: tuple[Stage, ...] = (
    INGEST,
    STOCKOUTS,
    DEMAND,
    REVIEWS,
    CUSTOMERS,
    LANDED_COST,
    INVENTORY,
    MARKETING,
    COMPLIANCE,
    SUPPLIERS,
    LOGISTICS,
    SELECTION,
    BACKTEST,
    FINANCE,
    RISK,
    LAUNCH,
)


def stage_named(name: str, stages: Sequence[Stage] = STAGES) -> Stage:
    """The stage called ``name``; BadInputError listing the stages otherwise."""
    for s in stages:
        if s.name == name:
            return s
    raise BadInputError(f"Unknown stage '{name}'.", hint=f"Stages: {', '.join(s.name for s in stages)}.")


def output_tables(stages: Sequence[Stage] = STAGES) -> dict[str, str]:
    """Table name → the stage that writes it, in run order."""
    return {t.name: s.name for s in stages for t in s.writes}


def quick_params(stages: Sequence[Stage] = STAGES) -> dict[str, dict[str, Any]]:
    """The demo's and the web's "Quick" limits: ``{stage: {name: value}}`` of every stage that has some."""
    return {s.name: dict(s.quick) for s in stages if s.quick}


def parse_params(
    raw: Mapping[str, Mapping[str, Any]] | None,
    stages: Sequence[Stage] = STAGES,
    *,
    strict: bool = False,
    origin: str = "--param",
    web: bool = False,
) -> dict[str, Params]:
    """Validate ``{stage: {name: value}}`` into each stage's Params (every stage gets its defaults).

    Args:
        raw: Values per stage name.
        stages: The stages of the run.
        strict: No type conversions (JSON input).
        origin: How the user gave the values, for messages.
        web: Only the parameters each stage lets a web user set (``Stage.web``) are accepted.

    Raises:
        BadInputError: an unknown stage or parameter, or a value of the wrong type or out of bounds,
            named with what is allowed.
    """
    raw = dict(raw or {})
    names = [s.name for s in stages]
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise BadInputError(
            f"{origin}: unknown stage(s) {', '.join(unknown)}.", hint=f"Stages: {', '.join(names)}."
        )
    out: dict[str, Params] = {}
    for s in stages:
        values = raw.get(s.name) or {}
        if not isinstance(values, Mapping):
            raise BadInputError(f"{origin}: {s.name} must be an object of name: value; got {values!r}.")
        if web:
            blocked = sorted(set(values) - set(s.web))
            if blocked:
                raise BadInputError(
                    f"Parameter '{s.name}.{blocked[0]}' cannot be set from the web.",
                    hint=f"Settable: {', '.join(web_params(stages))}.",
                )
        out[s.name] = s.parse(values, strict=strict, origin=origin)
    return out


def web_params(stages: Sequence[Stage] = STAGES) -> list[str]:
    """``stage.name`` of every parameter a web user may set."""
    return [f"{s.name}.{n}" for s in stages for n in s.web]
