"""Selection profiles: factor-group weights and the MCDA method, from the shipped presets or a user TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from xborder.core.errors import BadInputError
from xborder.domains.selection.assessment import DEFAULT_REQUIRE, ITEMS
from xborder.domains.selection.factors import FACTORS, GROUPS

__all__ = [
    "research_profile",
    "Profile",
    "PRESETS",
    "GATE_FACTORS",
    "load_profile",
    "preset_names",
    "factor_weights",
    "resolve",
]

GATE_FACTORS = ("margin_pct", "demand_6m", "gross_profit_6m")
"""The factors the viability gates test (a profile's ``pass_unknown`` may name them)."""

PRESETS = ("balanced", "low-risk", "high-growth", "low-capital")


@dataclass
class Profile:
    """How the opportunity score weighs factor groups (and optionally single factors)."""

    name: str
    weights: dict[str, float]
    method: str = "weighted_sum"
    normalisation: str = "rank"
    factor_weights: dict[str, float] = field(default_factory=dict)
    description: str = ""
    description_zh: str = ""
    source: str = "preset"
    min_margin_pct: float | None = None
    """Viability gate: candidates whose margin after duty and fees (%, best shipping mode) is below this
    rank after every candidate that passes, whatever their score. None = the seller's target margin
    (setting ``target_margin``, 25%): a product below the margin the seller plans with is not a pick."""
    min_demand_6m: float | None = 30.0
    """Second gate: expected units over the next 6 months (forecast, or analogue estimate for a market
    where the product has not sold) below this rank after the rest (None = no gate). 30 units (five a
    month) is a practice default, not a law: below it a listing rarely covers its fixed costs."""
    min_gross_profit_6m: float | None = 0.0
    """Third gate: expected 6-month gross profit (after landed cost, fees, compliance and launch; profit
    currency) must be above this (None = no gate)."""
    require: tuple[str, ...] = DEFAULT_REQUIRE
    """Items (demand, margin, compliance, voice, competition) a candidate must have assessed to be ranked."""
    pass_unknown: tuple[str, ...] = ()
    """Gate factors (margin_pct, demand_6m, gross_profit_6m) whose unknown value passes the gate; by default an
    unknown value fails it."""
    missing_quantile: float | None = None
    """A missing factor value is scored at this quantile of the known normalised values (None = the setting
    ``missing_factor_quantile``, 0.25)."""
    max_markets_per_product: int | None = None
    """Diversification caps in the first ``diversify_top`` ranks (None = the settings of the same names)."""
    max_per_category: int | None = None
    diversify_top: int | None = None


def _shipped() -> dict:
    text = (
        resources.files("xborder.domains.selection")
        .joinpath("data", "profiles.toml")
        .read_text(encoding="utf-8")
    )
    return tomllib.loads(text)


def preset_names() -> list[str]:
    """Names of the shipped presets."""
    return list(_shipped())


def _validate(name: str, raw: dict, where: str) -> Profile:
    weights = {str(k): raw.get("weights", {})[k] for k in raw.get("weights", {})}
    unknown = sorted(set(weights) - set(GROUPS))
    if unknown:
        raise BadInputError(
            f"Profile '{name}' in {where} has unknown factor group(s) {unknown}.",
            hint=f"Use only: {', '.join(GROUPS)}.",
        )
    for k, v in {**weights, **raw.get("factor_weights", {})}.items():
        if not isinstance(v, int | float) or v < 0:
            raise BadInputError(
                f"Profile '{name}' in {where}: weight of '{k}' must be a number >= 0; got {v!r}.",
                hint="Weights are relative; they are rescaled to sum to 1.",
            )
    known = {f.name for f in FACTORS}
    fw = {str(k): float(v) for k, v in raw.get("factor_weights", {}).items()}
    bad = sorted(set(fw) - known)
    if bad:
        raise BadInputError(
            f"Profile '{name}' in {where} has unknown factor(s) {bad}.",
            hint=f"Known: {', '.join(sorted(known))}.",
        )
    if sum(weights.values()) + sum(fw.values()) <= 0:
        raise BadInputError(f"Profile '{name}' in {where} has no positive weight.")
    method = raw.get("method", "weighted_sum")
    if method not in {"weighted_sum", "topsis"}:
        raise BadInputError(
            f"Profile '{name}' in {where}: method must be 'weighted_sum' or 'topsis'; got {method!r}."
        )
    norm = raw.get("normalisation", "rank" if method == "weighted_sum" else "vector")
    if norm not in {"rank", "minmax", "vector"}:
        raise BadInputError(
            f"Profile '{name}' in {where}: normalisation must be rank, minmax or vector; got {norm!r}."
        )
    gate = raw.get("min_margin_pct")
    if gate is not None and (isinstance(gate, bool) or not isinstance(gate, int | float)):
        raise BadInputError(
            f"Profile '{name}' in {where}: min_margin_pct must be a number (percent); got {gate!r}.",
            hint="E.g. min_margin_pct = 10 keeps candidates with at least 10% margin at the top.",
        )
    profit = raw.get("min_gross_profit_6m", 0.0)
    if profit is not None and (isinstance(profit, bool) or not isinstance(profit, int | float)):
        raise BadInputError(
            f"Profile '{name}' in {where}: min_gross_profit_6m must be a number; got {profit!r}.",
            hint="E.g. min_gross_profit_6m = 1000 keeps pairs expected to earn more than 1,000 in 6 months at the top.",
        )
    require = _names(raw.get("require", list(DEFAULT_REQUIRE)), ITEMS, "require", name, where)
    pass_unknown = _names(raw.get("pass_unknown", []), GATE_FACTORS, "pass_unknown", name, where)
    mq = raw.get("missing_quantile")
    if mq is not None and (isinstance(mq, bool) or not isinstance(mq, int | float) or not 0 <= mq <= 1):
        raise BadInputError(
            f"Profile '{name}' in {where}: missing_quantile must be a number in [0, 1]; got {mq!r}.",
            hint="0.25 scores a missing value like the lower quartile of the known ones.",
        )
    caps: dict[str, int | None] = {}
    for key in ("max_markets_per_product", "max_per_category", "diversify_top"):
        v = raw.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            raise BadInputError(
                f"Profile '{name}' in {where}: {key} must be a whole number >= 0; got {v!r}.",
                hint="0 turns that diversification cap off.",
            )
        caps[key] = v
    units = raw.get("min_demand_6m", 30.0)
    if isinstance(units, bool) or not isinstance(units, int | float) or units < 0:
        raise BadInputError(
            f"Profile '{name}' in {where}: min_demand_6m must be a number of units >= 0; got {units!r}.",
            hint="E.g. min_demand_6m = 60 keeps candidates expected to sell 60+ units in 6 months at the top.",
        )
    return Profile(
        min_margin_pct=None if gate is None else float(gate),
        min_gross_profit_6m=None if profit is None else float(profit),
        require=require,
        pass_unknown=pass_unknown,
        missing_quantile=None if mq is None else float(mq),
        **caps,
        min_demand_6m=float(units),
        name=name,
        weights={g: float(weights.get(g, 0.0)) for g in GROUPS},
        method=method,
        normalisation=norm,
        factor_weights=fw,
        description=str(raw.get("description", "")),
        description_zh=str(raw.get("description_zh", "")),
        source=where,
    )


def _names(value: object, allowed: tuple[str, ...], key: str, name: str, where: str) -> tuple[str, ...]:
    """A list of names from a profile, each one of ``allowed`` (a clear message otherwise)."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise BadInputError(
            f"Profile '{name}' in {where}: {key} must be a list of names; got {value!r}.",
            hint=f'E.g. {key} = ["{allowed[0]}"]; allowed: {", ".join(allowed)}.',
        )
    bad = sorted(set(value) - set(allowed))
    if bad:
        raise BadInputError(
            f"Profile '{name}' in {where}: {key} has unknown name(s) {bad}.",
            hint=f"Allowed: {', '.join(allowed)}.",
        )
    return tuple(dict.fromkeys(value))


def resolve(profile: Profile, settings: object) -> Profile:
    """The profile with every "from the settings" value filled in: the margin gate at the seller's
    ``target_margin`` (in %), the missing-value quantile and the diversification caps."""

    def get(key: str, default: float) -> float:
        return float(getattr(settings, key, default))

    return replace(
        profile,
        min_margin_pct=(
            100.0 * float(get("target_margin", 0.25))
            if profile.min_margin_pct is None
            else profile.min_margin_pct
        ),
        missing_quantile=(
            float(get("missing_factor_quantile", 0.25))
            if profile.missing_quantile is None
            else profile.missing_quantile
        ),
        max_markets_per_product=(
            int(get("max_markets_per_product", 3))
            if profile.max_markets_per_product is None
            else profile.max_markets_per_product
        ),
        max_per_category=(
            int(get("max_per_category", 10)) if profile.max_per_category is None else profile.max_per_category
        ),
        diversify_top=int(get("diversify_top", 50))
        if profile.diversify_top is None
        else profile.diversify_top,
    )


def load_profile(spec: str = "balanced", *, user_file: str | Path | None = None) -> Profile:
    """Load a profile by preset name, ``path.toml`` (its only/first table) or ``path.toml:name``.

    A user file (``user_file`` or the path in ``spec``) overrides shipped presets of the same name.
    """
    presets = _shipped()
    where = "shipped presets"
    name = spec
    path: Path | None = Path(user_file).expanduser() if user_file else None
    if ".toml" in spec:
        file_part, _, name = spec.partition(".toml")
        path = Path(file_part + ".toml").expanduser()
        name = name.lstrip(":")
    if path is not None:
        if not path.is_file():
            raise BadInputError(
                f"Profile file {path} does not exist.", hint="Give a TOML file like docs/selection.md shows."
            )
        try:
            user = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise BadInputError(f"Profile file {path} is not valid TOML: {exc}") from exc
        if "weights" in user:  # a file holding a single profile
            user = {path.stem: user}
        if not name:
            name = next(iter(user), "")
        presets = {**presets, **user}
        if name in user:
            where = str(path)
    if name not in presets:
        raise BadInputError(
            f"Unknown selection profile '{name}'.",
            hint=f"Presets: {', '.join(PRESETS)}; or give a TOML file: --profile my-weights.toml[:name].",
        )
    return _validate(name, presets[name], where)


def factor_weights(profile: Profile, available: list[str]) -> dict[str, float]:
    """Weight of each available factor: a group's weight shared equally by its available factors,
    unless the profile sets single factors; groups with no available factor give their weight to the
    others (by rescaling to sum 1)."""
    by_group: dict[str, list[str]] = {}
    for f in FACTORS:
        if f.name in available:
            by_group.setdefault(f.group, []).append(f.name)
    out: dict[str, float] = {}
    for g, names in by_group.items():
        gw = profile.weights.get(g, 0.0)
        explicit = {n: profile.factor_weights[n] for n in names if n in profile.factor_weights}
        rest = [n for n in names if n not in explicit]
        for n, v in explicit.items():
            out[n] = v
        left = max(gw - sum(explicit.values()), 0.0) if explicit else gw
        for n in rest:
            out[n] = left / len(rest)
    total = sum(out.values())
    if total <= 0:
        return {n: 1.0 / len(out) for n in out} if out else {}
    return {n: v / total for n, v in out.items()}


def research_profile(profile: Profile) -> Profile:
    """The profile relaxed for a research-only start (marketplace data, no own sales), visibly: only demand
    (the listings' observed or rank-estimated sales) is required, and an unknown margin or gross profit passes
    its gate (there is no unit cost to compute them from until a quote or a landed-cost answer exists). The
    summary records ``require`` and ``pass_unknown``; every candidate's explanation says it is an estimate."""
    return replace(
        profile,
        require=("demand",),
        pass_unknown=tuple(dict.fromkeys([*profile.pass_unknown, "margin_pct", "gross_profit_6m"])),
        source=f"{profile.source}; research-only start (no own sales): demand required, margin gates open",
    )
