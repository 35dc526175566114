"""``xborder projects experiment``: a variant A/B test of a project, its verdict and its power, recorded."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse
from xborder.core.errors import BadInputError

__all__ = ["register", "experiment", "experiment_row"]


def _arm(name: str, text: str) -> tuple[int, int, float]:
    parts = [p.strip() for p in text.split(",")]
    try:
        if len(parts) != 3:
            raise ValueError
        return int(parts[0]), int(parts[1]), float(parts[2])
    except ValueError:
        raise BadInputError(
            f"--{name} {text!r}: expected visitors,conversions,revenue.",
            hint="E.g. --control 1092,218,5400 --variant 1092,273,6100",
        ) from None


def _counts(con: Any, name: str, typed: str | None, data: str | None) -> tuple[tuple[int, int, float], str]:
    """An arm's counts and where they come from: typed in, or summed from the warehouse's rows."""
    if typed is not None:
        return _arm(name, typed), "typed"
    from xborder.domains.launch.stage.arms import arm_counts, parse_arm

    return arm_counts(con, parse_arm(str(data)))


def experiment_row(
    control: tuple[int, int, float],
    variant: tuple[int, int, float],
    *,
    mde: float,
    alpha: float,
    look: int,
    looks: int,
) -> dict[str, Any]:
    """The ``project_experiments`` values of one look: the marketing domain's two-proportion test, and power.

    Power: of the same test (two-sided, normal approximation, statsmodels) to detect a relative lift ``mde``
    over the control's observed conversion with these visitors; ``visitors_needed`` per arm for 80% power.
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    from xborder.domains.marketing.experiments import ArmResult, compare_arms, sample_size

    a, b = ArmResult("control", *control), ArmResult("variant", *variant)
    res: dict[str, Any] = compare_arms(a, b, alpha=alpha, looks_done=look, looks_planned=looks)
    base = a.conversions / a.visitors
    target = min(base * (1 + mde), 0.9999)
    power = needed = None
    if 0 < base < 1 and target > base:
        h = abs(float(proportion_effectsize(target, base)))
        power = float(NormalIndPower().power(h, nobs1=a.visitors, alpha=alpha, ratio=b.visitors / a.visitors))
        needed = sample_size(base, target, alpha=alpha, power=0.8)
    lo, hi = res["difference_interval"]
    return {
        "control_visitors": a.visitors, "control_conversions": a.conversions, "control_revenue": a.revenue,
        "variant_visitors": b.visitors, "variant_conversions": b.conversions, "variant_revenue": b.revenue,
        "difference": res["difference"], "difference_lo": lo, "difference_hi": hi,
        "relative_lift": res["relative_lift"], "z": res["z"], "p_value": res["p_value"], "bound": res["bound"],
        "alpha": alpha, "look": look, "looks": looks, "significant": res["significant"], "mde": mde,
        "power": power, "visitors_needed": needed,
    }  # fmt: skip


def experiment(
    ctx: typer.Context,
    project_id: Annotated[str, typer.Argument(help="projects.project_id.")],
    name: Annotated[str, typer.Argument(help="What is tested (main image, title, bundle ...).")],
    control: Annotated[
        str | None, typer.Option("--control", help="visitors,conversions,revenue of A, typed in.")
    ] = None,
    variant: Annotated[str | None, typer.Option("--variant", help="The same for B.")] = None,
    control_data: Annotated[
        str | None,
        typer.Option(
            "--control-data",
            help="Read A's counts from the warehouse: ads:FIELD=VALUE[@FROM..TO] (ad_performance clicks, orders, "
            "sales) or traffic:FIELD=VALUE[@FROM..TO] (listing_traffic sessions, order items, sales).",
        ),
    ] = None,
    variant_data: Annotated[
        str | None,
        typer.Option("--variant-data", help="The same for B (e.g. another campaign or later dates)."),
    ] = None,
    control_label: Annotated[str | None, typer.Option("--control-label", help="What A is.")] = None,
    variant_label: Annotated[str | None, typer.Option("--variant-label", help="What B is.")] = None,
    mde: Annotated[
        float, typer.Option("--mde", min=0.001, max=10.0, help="Relative lift to detect (0.10 = +10%).")
    ] = 0.10,
    alpha: Annotated[float, typer.Option("--alpha", min=0.0001, max=0.4999, help="Two-sided level.")] = 0.05,
    look: Annotated[int, typer.Option("--look", min=1, help="Which look this is.")] = 1,
    looks: Annotated[
        int, typer.Option("--looks", min=1, max=20, help="Looks planned (O'Brien-Fleming).")
    ] = 1,
    owner: Annotated[str | None, typer.Option("--owner", help="Team or role.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="When (default now).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Record a look at a variant experiment of a project: the two-proportion test, its verdict and power.

    Each arm's counts are typed (--control/--variant) or read from the warehouse (--control-data/--variant-data:
    ad report clicks/orders/sales, or business report sessions/order items/sales, over the arm's dates); the
    look records where they came from (counts_source).
    """
    from xborder.cli.launch import _json, _when
    from xborder.domains.launch.stage.io import record_experiment

    _json(ctx, json_out)
    for arm, typed, data in (("control", control, control_data), ("variant", variant, variant_data)):
        if (typed is None) == (data is None):
            raise BadInputError(
                f"The {arm} arm needs its counts either typed (--{arm}) or read from data (--{arm}-data), "
                "not both or neither.",
                hint="E.g. --control-data 'ads:campaign=A@2019-12-01..2019-12-11' or --control 1092,218,5400",
            )
    con = open_warehouse(ctx)
    try:
        (a, a_src), (b, b_src) = (
            _counts(con, "control", control, control_data),
            _counts(con, "variant", variant, variant_data),
        )
        values = experiment_row(a, b, mde=mde, alpha=alpha, look=look, looks=looks)
        row = {"experiment": name, "recorded_at": _when(at), "owner": owner,
               "control_label": control_label or control_data, "variant_label": variant_label or variant_data,
               "note": note, **values, "counts_source": f"control: {a_src} | variant: {b_src}"}  # fmt: skip
        out = record_experiment(con, project_id, row)
    finally:
        con.close()

    def render(r: dict[str, Any]) -> None:
        verdict = "significant" if r["significant"] else "not significant"
        power = "unknown" if r.get("power") is None else f"{r['power']:.0%}"
        console.print(
            f"{r['project_id']} {r['experiment']}: B - A = {r['difference']:+.2%} "
            f"[{r['difference_lo']:+.2%}, {r['difference_hi']:+.2%}], z = {r['z']:.2f} (bound {r['bound']:.2f}): "
            f"{verdict}; power to detect +{r['mde']:.0%}: {power}"
            + (f" ({r['visitors_needed']:,} visitors per arm give 80%)" if r.get("visitors_needed") else "")
            + f"\n  A = {r['control_visitors']:,} / {r['control_conversions']:,}, "
            f"B = {r['variant_visitors']:,} / {r['variant_conversions']:,}; counts: {r['counts_source']}",
            highlight=False,
        )

    emit(ctx, out, render)


def register(app: typer.Typer) -> None:
    """Add ``experiment`` to the ``projects`` group."""
    app.command("experiment")(experiment)
