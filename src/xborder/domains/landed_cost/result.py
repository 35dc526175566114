"""One product in one market by one mode, itemised: every cost line with the rule (id, source, valid_from) it used.

:func:`landed_cost` is the scalar entry point (CLI, API, reports); :func:`compare` puts markets and modes side
by side for one product. Both run the vectorised engine, so the numbers are the ones the pipeline stores.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xborder.domains.landed_cost.engine import landed_cost_frame
from xborder.domains.landed_cost.inputs import ProductInput
from xborder.domains.landed_cost.rules import MODES, RuleBook, rule_book
from xborder.reference.coverage import research_notes
from xborder.reference.fx import ECB_SOURCE, FxTable, load_fx

__all__ = ["LandedCostResult", "landed_cost", "compare", "COMPONENTS"]

# (output column, label, rule tables whose ids explain the line)
COMPONENTS = (
    ("goods_cost", "Unit cost + packaging", ()),
    ("freight", "International freight", ("freight/rates", "freight/derived_rates")),
    ("insurance", "Cargo insurance", ("freight/insurance",)),
    ("duty", "Customs duty", ("duties/rates", "duties/market_average", "low_value/rules")),
    ("additional_duty", "Additional duties", ("duties/additional",)),
    ("customs_fees", "Customs entry fees", ("duties/customs_fees",)),
    ("low_value_charges", "Low-value parcel charges", ("low_value/rules",)),
    ("import_tax_cost", "Import VAT/GST (not recoverable)", ("tax/vat_rates", "low_value/rules")),
    ("referral_fee", "Marketplace referral/commission", ("fees/amazon_referral", "fees/platforms")),
    ("fulfilment_fee", "Fulfilment fee", ("fees/amazon_fba", "fees/amazon_fba_adjustments")),
    ("other_fees", "Payment/fixed platform fees", ("fees/platforms",)),
    ("output_vat", "VAT/GST in the price", ("tax/vat_rates", "low_value/rules")),
)


@dataclass
class LandedCostResult:
    """The computed row, the itemised lines and the inputs (``to_dict`` gives the JSON form)."""

    product: ProductInput
    market: str
    mode: str
    row: dict[str, Any]
    lines: list[dict[str, Any]]
    date: dt.date
    notes: list[str] = field(default_factory=list)

    @property
    def currency(self) -> str:
        """Currency of every amount (the market's)."""
        return str(self.row["currency"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: inputs, summary figures, itemised lines with their rules, notes."""
        summary = {
            k: self.row[k]
            for k in (
                "price",
                "landed_cost",
                "referral_fee",
                "fulfilment_fee",
                "other_fees",
                "output_vat",
                "net_revenue",
                "unit_margin",
                "margin_pct",
                "roi",
                "break_even_price",
                "target_price",
                "target_margin",
                "customs_value",
                "import_vat_recoverable",
                "units",
                "chargeable_qty",
                "chargeable_unit",
                "size_tier",
                "low_value_rule",
                "low_confidence",
                "platform",
            )
        }
        return {
            "market": self.market,
            "mode": self.mode,
            "as_of": self.date.isoformat(),
            "currency": self.currency,
            "fx_date": self.row["fx_date"],
            "product": {k: v for k, v in vars(self.product).items() if k != "estimates"},
            "summary": summary,
            "lines": self.lines,
            "notes": self.notes,
        }


def _lines(row: pd.Series, rules: RuleBook, fx_note: str) -> list[dict[str, Any]]:
    ids = [x for x in str(row["rules_used"]).split("|") if x]
    out = []
    for col, label, tables in COMPONENTS:
        used = [i for i in ids if rules.meta.get(i, {}).get("table") in tables]
        if col == "duty" and row["low_value_rule"]:
            used = [row["low_value_rule"]] + [i for i in used if i != row["low_value_rule"]]
        if col in ("import_tax_cost", "output_vat") and row[col] == 0:
            used = []
        if col == "low_value_charges":
            used = [i for i in used if i != row["low_value_rule"]]
        amount = float(row[col])
        if amount == 0 and col not in ("duty", "freight"):
            continue
        meta = [rules.meta[i] for i in used]
        out.append(
            {
                "component": col,
                "label": label,
                "amount": round(amount, 4),
                "currency": row["currency"],
                "rule_id": "|".join(used) or ("input" if col == "goods_cost" else ""),
                "source": " ; ".join(sorted({m["source"] for m in meta}))
                or (fx_note if col == "goods_cost" else ""),
                "valid_from": min((m["valid_from"] for m in meta if m["valid_from"]), default=None),
                "confidence": "low"
                if any(m["confidence"] == "low" for m in meta)
                else ("high" if meta else ""),
            }
        )
    return out


def landed_cost(
    product: ProductInput,
    market: str,
    mode: str = "sea_lcl",
    *,
    date: dt.date | str | None = None,
    price: float | None = None,
    units: float | None = None,
    platform: str | None = None,
    target_margin: float = 0.30,
    fx: FxTable | None = None,
    rules: RuleBook | None = None,
) -> LandedCostResult:
    """Landed cost of one unit of ``product`` sold in ``market`` shipped by ``mode`` as of ``date``, itemised."""
    rules = rules or rule_book(date)
    fx = fx or load_fx()
    frame = landed_cost_frame(
        pd.DataFrame([product.row(market.upper(), mode, price=price, units=units, platform=platform)]),
        date=rules.date,
        target_margin=target_margin,
        fx=fx,
        rules=rules,
    )
    row = frame.iloc[0]
    fx_note = f"{ECB_SOURCE} (Source: ECB), rate of {row['fx_date']}"
    notes = list(product.estimates)
    if row["dims_estimated"]:
        notes.append(f"weight/dimensions estimated from category_defaults.csv ({product.category})")
    if not np.isfinite(row["price"]):
        notes.append(
            "no selling price given: margin and ROI are empty; break-even and target prices are shown"
        )
    if mode == "express":
        notes.append(
            "express = direct-to-consumer parcel: low-value import rules are tested on the consignment; "
            "no FBA fee"
        )
    else:
        notes.append(
            "bulk import by the seller: import VAT is recoverable input tax (shown, not counted as cost)"
        )
    notes.extend(research_notes([market], rules.date))
    return LandedCostResult(
        product,
        market.upper(),
        mode,
        {str(k): v for k, v in row.items()},
        _lines(row, rules, fx_note),
        rules.date,
        notes,
    )


def compare(
    product: ProductInput,
    markets: list[str],
    modes: list[str] | None = None,
    *,
    date: dt.date | str | None = None,
    prices: dict[str, float] | None = None,
    units: float | None = None,
    platform: str | None = None,
    target_margin: float = 0.30,
    fx: FxTable | None = None,
) -> pd.DataFrame:
    """Markets x modes side by side for one product (one row per combination, engine output columns)."""
    rules = rule_book(date)
    modes = list(modes or MODES)
    prices = prices or {}
    rows = [
        product.row(m.upper(), mo, price=prices.get(m.upper()), units=units, platform=platform)
        for m in markets
        for mo in modes
    ]
    frame = pd.DataFrame(rows)
    # rail only runs to Europe: drop lanes without a card instead of failing the whole comparison
    ok = [not (r["mode"] == "rail" and rules.market(r["market"])["freight_region"] != "EU") for r in rows]
    return landed_cost_frame(
        frame[ok], date=rules.date, target_margin=target_margin, fx=fx or load_fx(), rules=rules
    )
