"""A/B tests: sample size (Cohen's h), O'Brien–Fleming bounds, the cost of naive peeking, results with intervals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil, sqrt

import numpy as np
from scipy import optimize, stats

from xborder.core.errors import BadInputError

__all__ = [
    "sample_size",
    "obrien_fleming_bounds",
    "crossing_probability",
    "peeking_false_positive_rate",
    "simulate_peeking",
    "ArmResult",
    "compare_arms",
]


def sample_size(baseline: float, target: float, *, alpha: float = 0.05, power: float = 0.8) -> int:
    """Visitors per arm to tell conversion ``baseline`` from ``target`` (two-sided z test on Cohen's h).

    Uses statsmodels' ``proportion_effectsize`` (h = 2·asin√p₁ − 2·asin√p₂) and ``NormalIndPower``.

    Raises:
        BadInputError: rates outside (0, 1) or equal.
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    for name, v in (("baseline", baseline), ("target", target)):
        if not 0 < v < 1:
            raise BadInputError(f"Sample size: {name} conversion {v} must lie strictly between 0 and 1.")
    if baseline == target:
        raise BadInputError(
            "Sample size: baseline and target conversion are equal; no test can tell them apart."
        )
    h = abs(float(proportion_effectsize(target, baseline)))
    n = NormalIndPower().solve_power(
        effect_size=h, alpha=alpha, power=power, ratio=1.0, alternative="two-sided"
    )
    return ceil(float(n))


_GRID = 801  # points per look (odd: Simpson's rule)


def _simpson_weights(a: float, b: float, m: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(a, b, m)
    w = np.ones(m)
    w[1:-1:2], w[2:-1:2] = 4.0, 2.0
    return x, w * (x[1] - x[0]) / 3.0


def crossing_probability(bounds: Sequence[float]) -> float:
    """P(|Z_k| ≥ bounds[k] at some look k) under no effect, looks at equal information steps.

    Z_k = S_k/√k for a Gaussian random walk S (independent N(0,1) increments per look). The density of S
    among the paths still inside the bounds is carried from look to look on a grid spanning each look's
    continuation region and integrated against the normal increment by Simpson's rule
    (Armitage–McPherson–Rowe recursion).
    """
    x, w = _simpson_weights(-bounds[0], bounds[0], _GRID)
    density = np.exp(-0.5 * x**2) / sqrt(2 * np.pi)
    for k in range(1, len(bounds)):
        edge = bounds[k] * sqrt(k + 1)
        y, wy = _simpson_weights(-edge, edge, _GRID)
        kernel = np.exp(-0.5 * (y[:, None] - x[None, :]) ** 2) / sqrt(2 * np.pi)
        density, x, w = kernel @ (w * density), y, wy
    return 1.0 - float(w @ density)


def obrien_fleming_bounds(looks: int = 5, *, alpha: float = 0.05) -> list[float]:
    """Two-sided O'Brien–Fleming z bounds c·√(K/k) for K equally spaced looks; c solves P(cross) = α.

    Raises:
        BadInputError: fewer than 1 or more than 20 looks, α outside (0, 0.5).
    """
    if not 1 <= looks <= 20:
        raise BadInputError(f"O'Brien–Fleming bounds: {looks} looks; use 1 to 20.")
    if not 0 < alpha < 0.5:
        raise BadInputError(f"O'Brien–Fleming bounds: α = {alpha} must lie in (0, 0.5).")

    def excess(c: float) -> float:
        return crossing_probability([c * sqrt(looks / (k + 1)) for k in range(looks)]) - alpha

    c = optimize.brentq(excess, 1.0, 6.0, xtol=1e-7)
    return [c * sqrt(looks / (k + 1)) for k in range(looks)]


def peeking_false_positive_rate(looks: int = 5, *, alpha: float = 0.05) -> float:
    """False-positive rate of stopping at the first look with |z| ≥ the fixed-sample critical value."""
    z = float(stats.norm.ppf(1 - alpha / 2))
    return crossing_probability([z] * looks)


def simulate_peeking(looks: int = 5, *, alpha: float = 0.05, trials: int = 200_000, seed: int = 17) -> float:
    """The same rate by simulation of ``trials`` A/A tests (seeded)."""
    rng = np.random.default_rng(seed)
    walk = rng.standard_normal((trials, looks)).cumsum(axis=1)
    z = np.abs(walk) / np.sqrt(np.arange(1, looks + 1))
    return float((z >= stats.norm.ppf(1 - alpha / 2)).any(axis=1).mean())


@dataclass(frozen=True)
class ArmResult:
    """Observed results of one arm: visitors, conversions (orders) and revenue; optional revenue spread."""

    name: str
    visitors: int
    conversions: int
    revenue: float
    revenue_sd: float | None = None
    """Standard deviation of revenue per visitor (needed for its interval)."""


def _check(arm: ArmResult) -> None:
    if arm.visitors <= 0 or not 0 <= arm.conversions <= arm.visitors:
        raise BadInputError(
            f"Arm {arm.name}: {arm.conversions} conversions of {arm.visitors} visitors.",
            hint="Visitors must be positive and conversions between 0 and visitors.",
        )


def compare_arms(
    control: ArmResult,
    variant: ArmResult,
    *,
    alpha: float = 0.05,
    looks_done: int = 1,
    looks_planned: int = 1,
) -> dict[str, object]:
    """Conversion and revenue per visitor of two arms with intervals, and the verdict at this look.

    Conversion: Wilson interval per arm, Newcombe interval of the difference, two-proportion z test.
    Revenue per visitor: Welch interval of the difference when both arms give ``revenue_sd``.
    With ``looks_planned`` > 1 the z statistic is held against the O'Brien–Fleming bound of ``looks_done``;
    a test looked at before its planned end without such bounds gets a ``peeking`` warning.
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

    for arm in (control, variant):
        _check(arm)
    rates = [a.conversions / a.visitors for a in (control, variant)]
    cis = [
        proportion_confint(a.conversions, a.visitors, alpha=alpha, method="wilson")
        for a in (control, variant)
    ]
    diff_ci = confint_proportions_2indep(
        variant.conversions,
        variant.visitors,
        control.conversions,
        control.visitors,
        method="newcomb",
        alpha=alpha,
    )
    if control.conversions + variant.conversions in (0, control.visitors + variant.visitors):
        z, p = 0.0, 1.0
    else:
        z, p = proportions_ztest(
            [variant.conversions, control.conversions], [variant.visitors, control.visitors]
        )
    if looks_planned > 1:
        bound = obrien_fleming_bounds(looks_planned, alpha=alpha)[min(looks_done, looks_planned) - 1]
    else:
        bound = float(stats.norm.ppf(1 - alpha / 2))
    rpv = [a.revenue / a.visitors for a in (control, variant)]
    rpv_ci: tuple[float, float] | None = None
    if control.revenue_sd is not None and variant.revenue_sd is not None:
        v0 = control.revenue_sd**2 / control.visitors
        v1 = variant.revenue_sd**2 / variant.visitors
        se = sqrt(v0 + v1)
        dof = (
            (v0 + v1) ** 2 / (v0**2 / (control.visitors - 1) + v1**2 / (variant.visitors - 1)) if se else 1.0
        )
        t = float(stats.t.ppf(1 - alpha / 2, dof))
        rpv_ci = (rpv[1] - rpv[0] - t * se, rpv[1] - rpv[0] + t * se)
    warnings = []
    if looks_planned == 1 and looks_done > 1:
        warnings.append(
            {"code": "marketing.peeking", "args": {"looks": looks_done,
                                                  "rate": peeking_false_positive_rate(looks_done, alpha=alpha)}}
        )  # fmt: skip
    return {
        "control": {
            "name": control.name,
            "conversion": rates[0],
            "interval": list(cis[0]),
            "revenue_per_visitor": rpv[0],
        },
        "variant": {
            "name": variant.name,
            "conversion": rates[1],
            "interval": list(cis[1]),
            "revenue_per_visitor": rpv[1],
        },
        "difference": rates[1] - rates[0],
        "difference_interval": [float(diff_ci[0]), float(diff_ci[1])],
        "relative_lift": rates[1] / rates[0] - 1 if rates[0] else None,
        "z": float(z),
        "p_value": float(p),
        "bound": bound,
        "significant": bool(abs(float(z)) >= bound),
        "revenue_per_visitor_difference": rpv[1] - rpv[0],
        "revenue_per_visitor_interval": list(rpv_ci) if rpv_ci else None,
        "warnings": warnings,
    }
