"""Where a product's inputs came from, and the notes that say so, as message codes (``landed_cost.*``).

A warehouse product's unit cost is a supplier quote or an estimate (a share of the observed home price), its
selling price in a market the median observed there or the home median converted; these functions turn
the stage's look-ups into a :class:`ProductInput`, prices per market, and notes as ``{"code", "args"}``
messages that the stage and the CLI render with :mod:`xborder.core.i18n`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from xborder.core.errors import BadInputError
from xborder.domains.landed_cost.inputs import ProductInput
from xborder.domains.landed_cost.rules import rule_book
from xborder.reference.fx import FxTable

__all__ = ["note", "row_note_codes", "warehouse_input"]


def note(key: str, **args: Any) -> dict[str, Any]:
    """The message ``landed_cost.<key>`` with its arguments."""
    return {"code": f"landed_cost.{key}", "args": args}


def row_note_codes(
    *, unit_cost_estimated: bool, dims_estimated: bool, cost_share: float
) -> list[dict[str, Any]]:
    """The notes of one ``landed_costs`` row: which of its inputs were estimated."""
    out = []
    if unit_cost_estimated:
        out.append(note("unit_cost_estimated", share=cost_share))
    if dims_estimated:
        out.append(note("dims_from_defaults"))
    return out


def _nan_none(v: Any) -> float | None:
    return None if v is None or v != v else float(v)


def warehouse_input(
    info: dict[str, Any],
    observed: pd.DataFrame | None,
    fx: FxTable,
    *,
    product_id: str,
    markets: list[str],
    cost_share: float,
    default_origin: str,
    date: dt.date | str | None = None,
    price: float | None = None,
    unit_cost: float | None = None,
    currency: str = "USD",
    category: str | None = None,
    hs_code: str | None = None,
    origin: str | None = None,
    packaging: float = 0.0,
    weight_kg: float | None = None,
    dims: tuple[float, float, float] | None = None,
) -> tuple[ProductInput, dict[str, float], list[dict[str, Any]]]:
    """A warehouse product as a :class:`ProductInput`, its selling price per market, and notes on estimates.

    Args:
        info: The product's ``products`` row updated with its candidate row (``unit_cost``,
            ``unit_cost_estimated``, ``cost_currency``, ``home_price``, ``home_currency``, ``home_market``).
        observed: Median sold price per product and buyer country (``country``, ``currency``,
            ``median_price``) of this product; None when it has no sales.
        fx: The FX table to convert observed prices with.
        product_id: The product's id.
        markets: Target markets (ISO2, upper case).
        cost_share: Share of the home price taken as the unit cost when there is no quote.
        default_origin: Origin when neither ``origin`` nor the product gives one.
        date: Day of the answer (the day's market currencies and FX rates).
        price: Selling price given by the user for every market (then nothing is observed).
        unit_cost: Cost given by the user (in ``currency``), overriding the quote or estimate.
        currency: Currency of ``unit_cost`` and ``packaging``.
        category: Category overriding the product's.
        hs_code: HS code overriding the product's.
        origin: Origin overriding the product's.
        packaging: Packaging cost per unit.
        weight_kg: Weight overriding the product's.
        dims: (length, width, height) in cm overriding the product's.

    Raises:
        BadInputError: No cost was given and the product has neither a quote nor sales to estimate one.
    """
    cost = unit_cost if unit_cost is not None else info.get("unit_cost")
    if cost is None or cost != cost:
        raise BadInputError(
            f"Product {product_id} has no supplier quote and no sales to estimate a cost from.",
            hint="Give --unit-cost and --currency.",
        )
    estimates: list[dict[str, Any]] = []
    if unit_cost is None and info.get("unit_cost_estimated"):
        estimates.append(
            note(
                "unit_cost_estimated_from",
                share=cost_share,
                price=float(info["home_price"]),
                currency=info["home_currency"],
                market=info["home_market"],
            )
        )
    prices: dict[str, float] = {}
    if price is None and observed is not None:
        book = rule_book(date)
        for mk in markets:
            o = observed[observed["country"] == mk]
            src = o.iloc[0] if len(o) else None
            val, cur = (
                (src["median_price"], src["currency"])
                if src is not None
                else (info["home_price"], info["home_currency"])
            )
            prices[mk] = fx.convert(float(val), cur, book.market(mk)["currency"], book.date)
            estimates.append(note("price_observed" if src is not None else "price_converted", market=mk))
    pin = ProductInput(
        unit_cost=float(cost),
        cost_currency=(currency if unit_cost is not None else info.get("cost_currency") or "USD"),
        category=category or info.get("category") or "other",
        hs_code=hs_code or info.get("hs_code"),
        title=info.get("title"),
        origin=(origin or info.get("origin_country") or default_origin).upper(),
        packaging_cost=packaging,
        weight_kg=weight_kg if weight_kg is not None else _nan_none(info.get("weight_kg")),
        length_cm=dims[0] if dims else _nan_none(info.get("length_cm")),
        width_cm=dims[1] if dims else _nan_none(info.get("width_cm")),
        height_cm=dims[2] if dims else _nan_none(info.get("height_cm")),
        product_id=product_id,
        estimates=estimates,
    )
    if price is not None:
        prices = dict.fromkeys(markets, price)
    return pin, prices, estimates
