"""``xborder suppliers score | weights | concentration | alternatives | verify``: supplier scores, tiers and flags."""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, progress, state
from xborder.core.errors import BadInputError

__all__ = ["register", "score", "weights", "concentration", "alternatives", "verify"]

suppliers_app = typer.Typer(
    help="Suppliers: twelve indicators, AHP weights, TOPSIS rank, tiers, concentration, verification.",
    no_args_is_help=True,
)

RunOpt = Annotated[
    str | None, typer.Option("--run", help="Show a stored suppliers run (id or 'latest') instead of running.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
JudgeOpt = Annotated[
    Path | None,
    typer.Option("--judgements", help='TOML file of AHP judgements ("a/b" = x) over the defaults.'),
]
WeightsOpt = Annotated[
    Path | None, typer.Option("--weights", help="TOML file of direct weights (indicator = w).")
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Judge certificates and verification on this day.")
]
WindowOpt = Annotated[int, typer.Option("--window-days", min=0, help="Days of events that count (0: all).")]
StandardOpt = Annotated[
    list[str] | None, typer.Option("--standard", help="A standard every supplier must hold (repeatable).")
]
MarketOpt = Annotated[
    list[str] | None, typer.Option("--market", help="Target market (repeatable; default all).")
]


def _toml(path: Path | None) -> dict[str, float] | None:
    if path is None:
        return None
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BadInputError(
            f"Cannot read {path}: {exc}", hint='Write one line per pair: "quality/price" = 3'
        ) from None
    doc = doc.get("judgements", doc.get("weights", doc))
    bad = [k for k, v in doc.items() if not isinstance(v, int | float)]
    if bad:
        raise BadInputError(f"{path}: values must be numbers; not {bad}.")
    return {str(k): float(v) for k, v in doc.items()}


def _load(
    ctx: typer.Context, run: str | None, params: dict[str, Any], markets: list[str] | None
) -> dict[str, Any]:
    from xborder.core import i18n
    from xborder.domains.suppliers.stage import STAGE
    from xborder.domains.suppliers.tables import TABLES
    from xborder.pipeline.runner import run_stage
    from xborder.warehouse.tables import latest_run_id, read_rows

    con = open_warehouse(ctx, read_only=run is not None)
    try:
        if run is None:
            with progress(ctx) as bar:
                task = bar.add_task("suppliers", total=100)
                run_id, summary = run_stage(
                    con, state(ctx).settings, STAGE, {k: v for k, v in params.items() if v is not None},
                    markets=[m.upper() for m in markets] if markets else None,
                    progress=lambda f, m: bar.update(task, completed=int(100 * f), description=m[:60]),
                )  # fmt: skip
        else:
            found = latest_run_id(con, "supplier_scores") if run == "latest" else run
            summary = {}
            if found is None:
                raise BadInputError(
                    "No suppliers run in this warehouse.", hint="Run: xborder suppliers score"
                )
            run_id = found
        frames = {t.name: read_rows(con, t, run_id) for t in TABLES}
    finally:
        con.close()
    if summary.get("reason_code") == "suppliers.no_suppliers":
        raise BadInputError(i18n.render("suppliers.no_suppliers", "en"))
    return {"run_id": run_id, "summary": summary, "frames": frames}


def _num(v: Any, digits: int = 2) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.{digits}f}"


def _params(as_of: str | None, window_days: int, standard: list[str] | None, judgements: Path | None,
            weights_file: Path | None) -> dict[str, Any]:  # fmt: skip
    return {
        "as_of": dt.date.fromisoformat(as_of) if as_of else None, "window_days": window_days,
        "required_standards": [s.upper() for s in standard or []], "judgements": _toml(judgements),
        "weights": _toml(weights_file),
    }  # fmt: skip


@suppliers_app.command("score")
def score(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    window_days: WindowOpt = 0,
    standard: StandardOpt = None,
    judgements: JudgeOpt = None,
    weights_file: WeightsOpt = None,
    market: MarketOpt = None,
    top: Annotated[int, typer.Option("--top", min=0, help="Suppliers to list (0: all).")] = 20,
    prior: Annotated[
        float,
        typer.Option(
            "--prior-deliveries", min=0, help="Population prior's weight in deliveries (0: raw rates)."
        ),
    ] = 10.0,
    prior_offers: Annotated[
        float,
        typer.Option(
            "--prior-offers", min=0, help="Median offer's weight in compared offers (0: raw ratios)."
        ),
    ] = 3.0,
    run: RunOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Score every supplier on the twelve indicators, rank by TOPSIS, tier and flag (runs the suppliers stage)."""
    if json_out:
        state(ctx).json = True
    params = _params(as_of, window_days, standard, judgements, weights_file) | {
        "prior_deliveries": prior,
        "prior_offers": prior_offers,
    }
    d = _load(ctx, run, params, market)
    s = d["frames"]["supplier_scores"].sort_values(["rank", "name"], na_position="last")
    cols = ["supplier_id", "name", "country", "tier", "rank", "score", "verified", "gated", "quality", "on_time",
            "lead_time", "lead_time_variability", "price", "moq", "capacity_headroom", "communication",
            "customisation", "certifications", "documents", "standing", "deliveries", "inspections", "on_time_observed",
            "quality_observed", "lead_time_observed", "lead_time_variability_observed", "price_observed", "moq_observed",
            "priced_offers", "spend_usd", "flags_en"]  # fmt: skip
    data = {
        "run_id": d["run_id"],
        "summary": d["summary"],
        "suppliers": s[cols].head(top or None).reset_index(drop=True),
    }

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title=f"Suppliers by TOPSIS score (run {x['run_id']})")
        for c in (
            "#",
            "supplier",
            "tier",
            "score",
            "on time (seen/n)",
            "defects",
            "lead days",
            "price ratio",
            "verified",
            "flags",
        ):
            t.add_column(
                c,
                justify="right"
                if c in ("#", "score", "on time (seen/n)", "defects", "lead days", "price ratio")
                else "left",
            )
        for r in x["suppliers"].itertuples():
            t.add_row("" if r.rank != r.rank else str(int(r.rank)), str(r.name)[:40], r.tier, _num(r.score, 3),
                      f"{_num(r.on_time)} ({_num(r.on_time_observed)}/{r.deliveries})", _num(r.quality, 3), _num(r.lead_time, 0), _num(r.price), "yes" if r.verified else "no",
                      (r.flags_en or "")[:90])  # fmt: skip
        console.print(t)

    emit(ctx, data, render)


@suppliers_app.command("weights")
def weights(
    ctx: typer.Context,
    judgements: JudgeOpt = None,
    weights_file: WeightsOpt = None,
    max_cr: Annotated[float, typer.Option("--max-cr", help="Largest accepted consistency ratio.")] = 0.10,
    json_out: JsonOpt = False,
) -> None:
    """The indicator weights from AHP judgements (defaults, or a TOML file) with each matrix's consistency ratio."""
    from xborder.domains.suppliers.ahp import indicator_weights
    from xborder.domains.suppliers.evaluate import weights_frame

    if json_out:
        state(ctx).json = True
    w = indicator_weights(_toml(judgements), _toml(weights_file), max_cr=max_cr)
    data = {"method": w.method, "weights": weights_frame(w),
            "consistency": {k: {"cr": r.cr, "lambda_max": r.lambda_max} for k, r in w.consistency.items()}}  # fmt: skip

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title=f"Indicator weights ({x['method']})")
        for c in ("group", "indicator", "better", "local", "group weight", "weight"):
            t.add_column(c)
        for r in x["weights"].itertuples():
            t.add_row(
                r.group_name,
                r.indicator,
                r.direction,
                _num(r.local_weight, 3),
                _num(r.group_weight, 3),
                _num(r.weight, 4),
            )
        console.print(t)
        for k, c in x["consistency"].items():
            console.print(f"{k}: CR {c['cr']:.3f}, λmax {c['lambda_max']:.4f}")

    emit(ctx, data, render)


@suppliers_app.command("concentration")
def concentration(ctx: typer.Context, run: RunOpt = "latest", json_out: JsonOpt = False) -> None:
    """Spend and critical products by supplier and by country, with the alerts (from the latest run by default)."""
    if json_out:
        state(ctx).json = True
    d = _load(ctx, run, {}, None)
    c = d["frames"]["supplier_concentration"].sort_values(
        ["dimension", "spend_share", "critical_share"], ascending=[False, False, False]
    )
    data = {"run_id": d["run_id"], "concentration": c.drop(columns="run_id").reset_index(drop=True)}

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title=f"Concentration (run {x['run_id']})")
        for col in ("by", "who", "spend USD", "spend share", "critical share", "sole source", "alert"):
            t.add_column(col)
        for r in x["concentration"].itertuples():
            t.add_row(r.dimension, str(r.name or r.key)[:40], _num(r.spend_usd, 0), _num(r.spend_share), _num(r.critical_share),
                      str(r.sole_source_products), "ALERT" if r.alert else "")  # fmt: skip
        console.print(t)

    emit(ctx, data, render)


@suppliers_app.command("alternatives")
def alternatives(
    ctx: typer.Context,
    product: Annotated[
        str, typer.Option("--product", help="products.product_id (custom:SKU, amazon:ASIN ...).")
    ],
    run: RunOpt = "latest",
    json_out: JsonOpt = False,
) -> None:
    """Every supplier offering a product, best source first, with score, tier, price and flags."""
    if json_out:
        state(ctx).json = True
    d = _load(ctx, run, {}, None)
    a = d["frames"]["supplier_alternatives"]
    a = a[a["product_id"] == product].sort_values("product_rank")
    if a.empty:
        raise BadInputError(
            f"No supplier offers {product} in run {d['run_id']}.", hint="Check the id with xborder status."
        )
    cols = ["product_rank", "supplier_id", "name", "tier", "score", "unit_cost", "currency", "unit_cost_usd", "price_ratio",
            "moq", "lead_time_days", "verified", "gated", "flags_en"]  # fmt: skip
    data = {"run_id": d["run_id"], "product_id": product, "alternatives": a[cols].reset_index(drop=True)}

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table
        from rich.text import Text

        t = Table(title=Text(f"Sources of {product}"))  # plain text: a product id is not markup
        for c in ("#", "supplier", "tier", "score", "price", "USD", "MOQ", "lead days", "verified", "flags"):
            t.add_column(c)
        for r in x["alternatives"].itertuples():
            t.add_row(str(r.product_rank), str(r.name)[:36], r.tier, _num(r.score, 3), f"{_num(r.unit_cost)} {r.currency}",
                      _num(r.unit_cost_usd), _num(r.moq, 0), _num(r.lead_time_days, 0), "yes" if r.verified else "NO",
                      (r.flags_en or "")[:80])  # fmt: skip
        console.print(t)

    emit(ctx, data, render)


@suppliers_app.command("verify")
def verify(ctx: typer.Context, run: RunOpt = "latest", json_out: JsonOpt = False) -> None:
    """The four-part verification of every supplier (business and tax registration, bank account, legal
    representative) on the run's day."""
    if json_out:
        state(ctx).json = True
    d = _load(ctx, run, {}, None)
    cols = ["supplier_id", "name", "verified", "business_registration", "tax_registration", "bank_account",
            "legal_representative"]  # fmt: skip
    s = d["frames"]["supplier_scores"][cols].sort_values(["verified", "name"]).reset_index(drop=True)
    data = {"run_id": d["run_id"], "verification": s}

    def render(x: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title="Supplier verification (business, tax, bank, legal representative)")
        for c in ("supplier", "verified", "business", "tax", "bank", "legal rep."):
            t.add_column(c)
        for r in x["verification"].itertuples():
            t.add_row(str(r.name)[:40], "yes" if r.verified else "NO", r.business_registration, r.tax_registration,
                      r.bank_account, r.legal_representative)  # fmt: skip
        console.print(t)

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    app.add_typer(suppliers_app, name="suppliers")
