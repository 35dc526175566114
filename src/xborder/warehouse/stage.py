"""What a stage is: a domain's one step over the warehouse, with typed parameters and declared outputs.

Each domain's ``stage.py`` declares ``STAGE = Stage(name, run, Params, writes, ...)``; the pipeline's
registry lists them, and everything that needs to know the stages — the run order, CLI ``--param``,
the parameters a web user may set, the demo's limits, progress weights, the report's stage order and the
output-table lists — derives from that list. ``run(ctx, params)`` reads its inputs through ``ctx.con``,
calls the domain's pure code and writes the declared tables; it returns a JSON-able summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import UnionType
from typing import Any, Generic, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError

from xborder.core.errors import BadInputError
from xborder.core.settings import Settings
from xborder.schema import Table
from xborder.warehouse.dossier import Section

__all__ = ["Params", "NoParams", "Stage", "StageContext", "ProgressFn"]

ProgressFn = Callable[[float, str], None]
"""progress(fraction 0..1, message)."""


class Params(BaseModel):
    """Base of a stage's parameters: unknown names are rejected, values are validated by type and bounds."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    """A stage without parameters."""


P = TypeVar("P", bound=Params)


@dataclass
class StageContext:
    """What a stage gets besides its parameters: the warehouse, settings, its run and a progress callback."""

    con: Any
    settings: Settings
    run_id: str
    markets: list[str] | None = None
    progress: ProgressFn = field(default=lambda fraction, message="": None)
    run_params: dict[str, Any] = field(default_factory=dict)
    """The run's own parameters (data folder, languages, report folder, notes) as recorded."""
    record: dict[str, Any] = field(default_factory=dict)
    """The run's per-stage record so far (status, timings, summaries)."""

    def say(self, fraction: float, message: str = "") -> None:
        """Report progress (clamped to 0..1)."""
        self.progress(max(0.0, min(1.0, float(fraction))), message)


@dataclass(frozen=True)
class Stage(Generic[P]):
    """One step of the main run.

    Args:
        name: Stage name (``demand``); also its section in the report and its key in ``--param``.
        run: ``run(ctx, params) -> summary``.
        params: The stage's :class:`Params` model.
        writes: Tables the stage writes (for clean re-runs, output-table lists and the report).
        weight: Rough share of a full run's time, to turn stage progress into one fraction.
        quick: Parameter values of the demo and the web's "Quick" scope (limits that keep a run short).
        web: Parameter names a web user may set (the rest are the CLI's and the config's only).
        title: A short label for people ("Landed cost").
        rerun_on_resume: Run again when a run is resumed even if it finished (the report: it must show
            every stage).
        dossier: The domain's part of an opportunity dossier (:class:`xborder.warehouse.dossier.Section`).
    """

    name: str
    run: Callable[[StageContext, P], dict[str, Any]]
    params: type[P] = NoParams  # type: ignore[assignment]
    writes: tuple[Table, ...] = ()
    weight: float = 0.05
    quick: Mapping[str, Any] = field(default_factory=dict)
    web: tuple[str, ...] = ()
    title: str = ""
    rerun_on_resume: bool = False
    dossier: Section | None = None

    def __post_init__(self) -> None:
        unknown = sorted((set(self.quick) | set(self.web)) - set(self.params.model_fields))
        if unknown:
            raise ValueError(f"Stage {self.name}: quick/web name unknown parameter(s) {unknown}")

    def parse(self, values: Mapping[str, Any] | None, *, strict: bool = False, origin: str = "--param") -> P:
        """Validate ``values`` into the stage's parameters.

        Args:
            values: name → value (strings from the command line are converted: ``"200"`` → 200).
            strict: No conversions (values from JSON, e.g. the web): ``"200"`` is not a number there.
            origin: How the user gave them, for the message (``--param``, ``params``).

        Raises:
            BadInputError: naming the parameter, what was given and what is allowed.
        """
        try:
            return self.params.model_validate(dict(values or {}), strict=strict)
        except ValidationError as exc:
            shown = self.web if strict and origin == "params" else None  # the web sees only what it may set
            raise BadInputError(
                _message(self, exc, origin), hint=f"Parameters of {self.name}: {self.describe(shown)}."
            ) from None

    def describe(self, names: Sequence[str] | None = None) -> str:
        """``name (allowed values, default)`` of every parameter (or of ``names``), for messages and help."""
        parts = []
        for name, f in self.params.model_fields.items():
            if names is not None and name not in names:
                continue
            parts.append(f"{name} ({_allowed(f)}, default {f.default!r})")
        return ", ".join(parts) or "none"


def _allowed(f: Any) -> str:
    """What a field accepts, in words: ``W | M``, ``whole number 1..24``, ``true/false``, ``date``."""
    ann = f.annotation
    base = ann
    if get_origin(ann) in (Union, UnionType):
        base = next(a for a in get_args(ann) if a is not type(None))
    if get_origin(base) is Literal:
        return " | ".join(str(v) for v in get_args(base))
    if get_origin(base) in (tuple, list):
        inner = get_args(base)[0] if get_args(base) else str
        if get_origin(inner) is Literal:
            return "list of " + " | ".join(str(v) for v in get_args(inner))
        return "list"
    lo = next((m.ge for m in f.metadata if getattr(m, "ge", None) is not None), None)
    lo = (
        lo if lo is not None else next((m.gt for m in f.metadata if getattr(m, "gt", None) is not None), None)
    )
    hi = next((m.le for m in f.metadata if getattr(m, "le", None) is not None), None)
    hi = (
        hi if hi is not None else next((m.lt for m in f.metadata if getattr(m, "lt", None) is not None), None)
    )
    word = {int: "whole number", float: "number", bool: "true/false", str: "text"}.get(
        base, getattr(base, "__name__", str(base))
    )
    if lo is not None or hi is not None:
        word += f" {'' if lo is None else lo}..{'' if hi is None else hi}"
    return word


def _message(stage: Stage, exc: ValidationError, origin: str) -> str:
    msgs = []
    for err in exc.errors():
        name = ".".join(str(x) for x in err["loc"])
        given = err.get("input")
        if err["type"] == "extra_forbidden":
            known = ", ".join(stage.params.model_fields) or "none"
            msgs.append(
                f"{origin} {stage.name}.{name}: the {stage.name} stage has no parameter '{name}' (it has: {known})"
            )
            continue
        field = stage.params.model_fields.get(str(err["loc"][0])) if err["loc"] else None
        allowed = _allowed(field) if field is not None else err["msg"]
        msgs.append(f"{origin} {stage.name}.{name} must be {allowed}; got {given!r}")
    return "; ".join(msgs) + "."
