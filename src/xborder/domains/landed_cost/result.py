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

from xborder.core import i18n
from xborder.domains.landed_cost.engine import landed_cost_frame
from xborder.domains.landed_cost.inputs import ProductInput
from xborder.domains.landed_cost.rules import MODES, RuleBook, rule_book
from xborder.domains.landed_cost.sourcing import note
from xborder.reference.base import weakest
from xborder.reference.coverage import research_notes
from xborder.reference.fx import ECB_SOURCE, FxTable, load_fx

__all__ = ["LandedCostResult", "landed_cost", "compare", "COMPONENTS", "SUMMARY_KEYS", "line_label"]

# (output column, rule tables whose ids explain the line); the label is the message landed_cost.line.<column>
COMPONENTS = (
    ("goods_cost", ()),
    ("freight", ("freight/rates", "freight/derived_rates")),
    ("insurance", ("freight/insurance",)),
    ("duty", ("duties/rates", "duties/market_average", "low_value/rules")),
    ("additional_duty", ("duties/additional",)),
    ("customs_fees", ("duties/customs_fees",)),
    ("low_value_charges", ("low_value/rules",)),
    ("import_tax_cost", ("tax/vat_rates", "low_value/rules")),
    ("referral_fee", ("fees/amazon_referral", "fees/platforms")),
    ("fulfilment_fee", ("fees/amazon_fba", "fees/amazon_fba_adjustments")),
    ("other_fees", ("fees/platforms", "fees/payment_processing", "fees/wholesale_terms")),
    ("output_vat", ("tax/vat_rates", "low_value/rules")),
)
SUMMARY_KEYS = (
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
    "channel",
    "channel_rules",
)
"""The figures under ``summary`` in :meth:`LandedCostResult.to_dict` (the JSON answer of the CLI and API)."""


def line_label(component: str, lang: str = "en") -> str:
    """The name of a cost line (``freight`` -> "International freight") in ``lang``."""
    return i18n.render(f"landed_cost.line.{component}", lang)


@dataclass
class LandedCostResult:
    """The computed row, the itemised lines and the inputs (``to_dict`` gives the JSON form).

    ``lines`` carry the component, amount and the rules used; their label and the FX source of the goods
    line are messages rendered by :meth:`to_dict`. ``note_codes`` are the answer's notes as messages; the
    research-horizon notes of :mod:`xborder.reference.coverage` follow them in :meth:`notes_in`.
    """

    product: ProductInput
    market: str
    mode: str
    row: dict[str, Any]
    lines: list[dict[str, Any]]
    date: dt.date
    note_codes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def currency(self) -> str:
        """Currency of every amount (the market's)."""
        return str(self.row["currency"])

    def notes_in(self, lang: str = "en") -> list[str]:
        """The notes in ``lang``: estimates and modelling choices, then research-horizon warnings."""
        return [i18n.message(n, lang) for n in self.note_codes] + research_notes(
            [self.market], self.date, lang=lang
        )

    @property
    def notes(self) -> list[str]:
        """The notes in English (:meth:`notes_in`)."""
        return self.notes_in("en")

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-able form: inputs, summary figures, itemised lines with their rules, notes (text in ``lang``)."""
        fx_note = i18n.render("landed_cost.fx_source", lang, source=ECB_SOURCE, date=self.row["fx_date"])
        lines = [
            {
                "component": ln["component"],
                "label": line_label(ln["component"], lang),
                **{k: v for k, v in ln.items() if k != "component"},
            }
            for ln in self.lines
        ]
        for ln in lines:
            if ln["component"] == "goods_cost" and not ln["source"]:
                ln["source"] = fx_note
        return {
            "market": self.market,
            "mode": self.mode,
            "as_of": self.date.isoformat(),
            "currency": self.currency,
            "fx_date": self.row["fx_date"],
            "product": {k: v for k, v in vars(self.product).items() if k != "estimates"},
            "summary": {k: self.row[k] for k in SUMMARY_KEYS},
            "lines": lines,
            "notes": self.notes_in(lang),
        }


def _lines(row: pd.Series, rules: RuleBook) -> list[dict[str, Any]]:
    ids = [x for x in str(row["rules_used"]).split("|") if x]
    out = []
    for col, tables in COMPONENTS:
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
                "amount": round(amount, 4),
                "currency": row["currency"],
                "rule_id": "|".join(used) or ("input" if col == "goods_cost" else ""),
                # the goods line's source is the FX table: filled in by to_dict
                "source": " ; ".join(sorted({m["source"] for m in meta})),
                "valid_from": min((m["valid_from"] for m in meta if m["valid_from"]), default=None),
                "confidence": weakest(m["confidence"] for m in meta),
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
    fx_max_age_days: int | None = 7,
    channel: str | None = None,
    home_market: str | None = None,
) -> LandedCostResult:
    """Landed cost of one unit of ``product`` sold in ``market`` shipped by ``mode`` as of ``date``, itemised.

    The notes say when the FX rates are older than ``fx_max_age_days`` before the answer's date, and when the
    margin is implausible (below -100%: the price is less than half the landed cost), with its likely cause.
    """
    rules = rules or rule_book(date)
    fx = fx or load_fx()
    frame = landed_cost_frame(
        pd.DataFrame(
            [product.row(market.upper(), mode, price=price, units=units, platform=platform, channel=channel)]
        ),
        date=rules.date,
        target_margin=target_margin,
        fx=fx,
        rules=rules,
        home_market=home_market,
    )
    row = frame.iloc[0]
    notes = list(product.estimates)
    if row["dims_estimated"]:
        notes.append(note("dims_estimated", category=product.category))
    if not np.isfinite(row["price"]):
        notes.append(note("no_price"))
    notes.append(note("express_parcel" if mode == "express" else "bulk_import"))
    notes += fx_and_margin_notes(fx, rules.date, [row], fx_max_age_days)
    return LandedCostResult(
        product,
        market.upper(),
        mode,
        {str(k): v for k, v in row.items()},
        _lines(row, rules),
        rules.date,
        notes,
    )


def fx_and_margin_notes(
    fx: FxTable, as_of: dt.date, rows: list[Any], fx_max_age_days: int | None = 7
) -> list[dict[str, Any]]:
    """Warnings on the answers: FX rates older than ``fx_max_age_days`` before ``as_of``, and margins below
    -100% (the price less than half the landed cost: usually a price given in the wrong currency)."""
    out: list[dict[str, Any]] = []
    days = fx.age_days(as_of)
    if fx_max_age_days is not None and days > fx_max_age_days:
        out.append(note("fx_stale", fx_date=fx.last_date, as_of=str(as_of), days=days))
    for r in rows:
        m = r["margin_pct"]
        if m is not None and np.isfinite(m) and m < -1.0:
            out.append(
                note(
                    "implausible_margin",
                    market=r["market"],
                    margin=f"{m:.0%}",
                    price=f"{r['price']:,.2f}",
                    landed=f"{r['landed_cost']:,.2f}",
                    currency=r["currency"],
                )
            )
    return out


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
    channels: dict[str, str] | None = None,
    home_market: str | None = None,
) -> pd.DataFrame:
    """Markets x modes side by side for one product (one row per combination, engine output columns)."""
    rules = rule_book(date)
    modes = list(modes or MODES)
    prices = prices or {}
    rows = [
        product.row(
            m.upper(),
            mo,
            price=prices.get(m.upper()),
            units=units,
            platform=platform,
            channel=(channels or {}).get(m.upper(), (channels or {}).get("*")),
        )
        for m in markets
        for mo in modes
    ]
    frame = pd.DataFrame(rows)
    # rail only runs to Europe: drop lanes without a card instead of failing the whole comparison
    ok = [not (r["mode"] == "rail" and rules.market(r["market"])["freight_region"] != "EU") for r in rows]
    return landed_cost_frame(
        frame[ok],
        date=rules.date,
        target_margin=target_margin,
        fx=fx or load_fx(),
        rules=rules,
        home_market=home_market,
    )
