"""``xborder experiment size | bounds | peeking | analyze``: A/B-test planning, monitoring and results."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit

__all__ = ["register", "size", "bounds", "peeking", "analyze"]

experiment_app = typer.Typer(
    help="A/B tests of listings, prices, images, variants: sample size, O'Brien–Fleming bounds, results.",
    no_args_is_help=True,
)

AlphaOpt = Annotated[
    float, typer.Option("--alpha", min=0.0001, max=0.4999, help="Two-sided significance level.")
]


@experiment_app.command("size")
def size(
    ctx: typer.Context,
    baseline: Annotated[float, typer.Option("--baseline", help="Current conversion rate (0.20 = 20%).")],
    target: Annotated[float, typer.Option("--target", help="Conversion rate to detect.")],
    alpha: AlphaOpt = 0.05,
    power: Annotated[float, typer.Option("--power", min=0.5, max=0.999, help="Power.")] = 0.8,
) -> None:
    """Visitors per arm to tell baseline from target conversion (Cohen's h, statsmodels)."""
    from statsmodels.stats.proportion import proportion_effectsize

    from xborder.domains.marketing.experiments import sample_size

    n = sample_size(baseline, target, alpha=alpha, power=power)
    data = {"baseline": baseline, "target": target, "alpha": alpha, "power": power,
            "cohens_h": abs(float(proportion_effectsize(target, baseline))), "per_arm": n, "total": 2 * n}  # fmt: skip
    emit(ctx, data, lambda x: console.print(
        f"{x['per_arm']:,} visitors per arm ({x['total']:,} in all) to detect {x['baseline']:.1%} → {x['target']:.1%} "
        f"(Cohen's h = {x['cohens_h']:.4f}, α = {x['alpha']}, power = {x['power']})", highlight=False))  # fmt: skip


@experiment_app.command("bounds")
def bounds(
    ctx: typer.Context,
    looks: Annotated[
        int, typer.Option("--looks", min=1, max=20, help="Planned looks at equal intervals.")
    ] = 5,
    alpha: AlphaOpt = 0.05,
) -> None:
    """O'Brien–Fleming z bounds for planned looks (stop for an effect only when |z| reaches the look's bound)."""
    from xborder.domains.marketing.experiments import obrien_fleming_bounds

    b = obrien_fleming_bounds(looks, alpha=alpha)
    data = {"looks": looks, "alpha": alpha, "bounds": b}
    emit(ctx, data, lambda x: console.print(
        "O'Brien–Fleming bounds: " + ", ".join(f"look {i + 1}: |z| ≥ {v:.3f}" for i, v in enumerate(x["bounds"])),
        highlight=False))  # fmt: skip


@experiment_app.command("peeking")
def peeking(
    ctx: typer.Context,
    looks: Annotated[int, typer.Option("--looks", min=1, max=20, help="Looks at equal intervals.")] = 5,
    alpha: AlphaOpt = 0.05,
    trials: Annotated[int, typer.Option("--trials", min=1000, help="Simulated A/A tests.")] = 200_000,
) -> None:
    """False-positive rate of stopping at the first look with p < α (no correction): exact and simulated."""
    from xborder.domains.marketing.experiments import peeking_false_positive_rate, simulate_peeking

    data = {"looks": looks, "alpha": alpha, "rate": peeking_false_positive_rate(looks, alpha=alpha),
            "simulated": simulate_peeking(looks, alpha=alpha, trials=trials), "trials": trials}  # fmt: skip
    emit(ctx, data, lambda x: console.print(
        f"Peeking {x['looks']} times at α = {x['alpha']}: false positives {x['rate']:.1%} "
        f"({x['simulated']:.1%} in {x['trials']:,} simulated A/A tests), not {x['alpha']:.0%}.", highlight=False))  # fmt: skip


@experiment_app.command("analyze")
def analyze(
    ctx: typer.Context,
    control: Annotated[
        str, typer.Option("--control", help="visitors,conversions,revenue[,revenue_sd] of A.")
    ],
    variant: Annotated[str, typer.Option("--variant", help="The same for B.")],
    alpha: AlphaOpt = 0.05,
    look: Annotated[int, typer.Option("--look", min=1, help="Which look this is.")] = 1,
    looks: Annotated[
        int, typer.Option("--looks", min=1, max=20, help="Planned looks (O'Brien–Fleming).")
    ] = 1,
) -> None:
    """Conversion and revenue per visitor of A and B with intervals; the verdict against the look's bound."""
    from xborder.core import i18n
    from xborder.core.errors import BadInputError
    from xborder.domains.marketing.experiments import ArmResult, compare_arms

    def arm(name: str, text: str) -> ArmResult:
        parts = [p.strip() for p in text.split(",")]
        try:
            if len(parts) not in (3, 4):
                raise ValueError
            sd = float(parts[3]) if len(parts) == 4 else None
            return ArmResult(name, int(parts[0]), int(parts[1]), float(parts[2]), sd)
        except ValueError as exc:
            raise BadInputError(
                f"--{name} {text!r}: expected visitors,conversions,revenue[,revenue_sd].",
                hint="E.g. --control 1092,218,5400 --variant 1092,273,6100",
            ) from exc

    res = compare_arms(arm("control", control), arm("variant", variant), alpha=alpha, looks_done=look,
                       looks_planned=looks)  # fmt: skip
    res["warnings_en"] = [i18n.message(w, "en") for w in res["warnings"]]  # type: ignore[attr-defined]

    def render(x: dict[str, Any]) -> None:
        for k in ("control", "variant"):
            a = x[k]
            console.print(f"{a['name']}: conversion {a['conversion']:.2%} [{a['interval'][0]:.2%}, {a['interval'][1]:.2%}], "
                          f"revenue per visitor {a['revenue_per_visitor']:.2f}", highlight=False)  # fmt: skip
        lo, hi = x["difference_interval"]
        console.print(f"difference {x['difference']:+.2%} [{lo:+.2%}, {hi:+.2%}], z = {x['z']:.3f} (bound {x['bound']:.3f}): "
                      f"{'significant' if x['significant'] else 'not significant'}", highlight=False)  # fmt: skip
        if x["revenue_per_visitor_interval"]:
            lo, hi = x["revenue_per_visitor_interval"]
            console.print(
                f"revenue per visitor {x['revenue_per_visitor_difference']:+.2f} [{lo:+.2f}, {hi:+.2f}]"
            )
        for w in x["warnings_en"]:
            console.print(f"[yellow]{w}[/]", highlight=False)

    emit(ctx, res, render)


def register(app: typer.Typer) -> None:
    """Add ``xborder experiment``."""
    app.add_typer(experiment_app, name="experiment")
