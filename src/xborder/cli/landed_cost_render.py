"""How ``xborder landed-cost`` shows its answers: the cost table for one market, the comparison, the chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xborder.cli.common import console
from xborder.core.errors import BadInputError
from xborder.core.i18n import render

__all__ = ["render_compare", "render_one", "write_chart"]


def write_chart(res: Any, path: Path) -> None:
    from xborder.report.charts import Chart, plotly_html, waterfall
    from xborder.report.png import write_png

    fig = waterfall(res)
    if path.suffix.lower() == ".png":
        reason = write_png([(fig.to_dict(), path)], width=1000, height=480)
        if reason is not None:
            raise BadInputError(
                f"Could not write PNG {path}: {reason}.", hint="Use an .html file name instead."
            )
    else:
        plotly_html(Chart(fig.to_dict(), ""), path)


def _wide(width: int) -> Any:
    """A console at least ``width`` columns wide (tables of rules and sources do not fit in 80)."""
    from rich.console import Console

    return Console(width=max(console.width, width)) if not console.is_terminal else console


def render_one(d: dict) -> None:
    from rich.table import Table

    s, cur = d["summary"], d["currency"]
    t = Table(
        title=render(
            "landed_cost.cli_one_title",
            "en",
            market=d["market"],
            mode=d["mode"],
            as_of=d["as_of"],
            currency=cur,
            fx_date=d["fx_date"],
        )
    )
    for c in ("line", "amount", "rule", "valid from", "conf.", "source"):
        t.add_column(c, overflow="fold", justify="right" if c == "amount" else "left")
    for ln in d["lines"]:
        t.add_row(
            ln["label"],
            f"{ln['amount']:,.2f}",
            ln["rule_id"],
            str(ln["valid_from"] or ""),
            ln["confidence"],
            ln["source"],
        )
    _wide(170).print(t)

    def f(v: Any, pct: bool = False) -> str:
        if v is None or v != v:
            return "—"
        return f"{v:.1%}" if pct else f"{v:,.2f}"

    money = ("landed_cost", "price", "net_revenue", "unit_margin", "break_even_price", "target_price")
    console.print(
        render(
            "landed_cost.cli_one_summary",
            "en",
            **{k: f(s[k]) for k in (*money, "customs_value", "import_vat_recoverable")},
            margin_pct=f(s["margin_pct"], True),
            roi=f(s["roi"], True),
            target_margin=s["target_margin"],
            low_value_rule=s["low_value_rule"] or "—",
        )
    )
    for n in d["notes"]:
        console.print(f"[dim]• {n}[/dim]")
    if d.get("chart"):
        console.print(render("landed_cost.cli_chart_written", "en", path=d["chart"]))


def render_compare(d: dict) -> None:
    from rich.table import Table

    rows = d["rows"]
    t = Table(title=render("landed_cost.cli_compare_title", "en", as_of=d["as_of"]))
    cols = (
        "market",
        "mode",
        "channel",
        "currency",
        "landed_cost",
        "freight",
        "duty",
        "additional_duty",
        "import_tax_cost",
        "referral_fee",
        "fulfilment_fee",
        "other_fees",
        "output_vat",
        "price",
        "unit_margin",
        "margin_pct",
        "break_even_price",
        "target_price",
        "low_value_rule",
        "channel_rules",
    )
    for c in cols:
        t.add_column(
            c.replace("_", " "),
            justify="left"
            if c in ("market", "mode", "channel", "currency", "low_value_rule", "channel_rules")
            else "right",
        )
    for r in rows.itertuples():
        cells = []
        for c in cols:
            v = getattr(r, c)
            if isinstance(v, float):
                cells.append("—" if v != v else (f"{v:.1%}" if c == "margin_pct" else f"{v:,.2f}"))
            else:
                cells.append(str(v))
        t.add_row(*cells)
    _wide(200).print(t)
    for n in d["notes"]:
        console.print(f"[dim]• {n}[/dim]")
