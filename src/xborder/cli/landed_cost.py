"""``xborder landed-cost`` (one product, one or many markets and modes, itemised with rules) and ``xborder fx``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import emit, open_warehouse, state
from xborder.cli.landed_cost_render import render_compare as _render_compare
from xborder.cli.landed_cost_render import render_one as _render_one
from xborder.cli.landed_cost_render import write_chart as _write_chart
from xborder.core.errors import BadInputError, NotFoundError
from xborder.core.i18n import message

__all__ = ["register"]


MODES_HELP = "sea_fcl, sea_lcl, air, express or rail"


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out += [x.strip().upper() for x in v.split(",") if x.strip()]
    return out


def _warehouse_product(ctx: typer.Context, product_id: str) -> tuple[dict[str, Any], Any, Any]:
    """(product info, observed prices, FX table) of a warehouse product; NotFoundError when it is unknown."""
    from xborder.domains.landed_cost.stage import warehouse_product

    con = open_warehouse(ctx, read_only=True)
    try:
        found = warehouse_product(con, state(ctx).settings, product_id)
    finally:
        con.close()
    if found is None:
        raise NotFoundError(
            f"Product {product_id!r} is not in the warehouse {state(ctx).settings.db_path}.",
            hint="Check the id (e.g. uci:85123A), or describe the product with --category, --unit-cost, "
            "--weight-kg and --dims.",
        )
    return found


def landed_cost_cmd(
    ctx: typer.Context,
    product: Annotated[
        str | None, typer.Argument(help="Warehouse product id (e.g. uci:85123A); or describe it with flags.")
    ] = None,
    market: Annotated[
        list[str] | None, typer.Option("--market", "-m", help="Target market ISO2; repeat or comma-separate.")
    ] = None,
    mode: Annotated[
        list[str] | None,
        typer.Option("--mode", help=f"Shipping mode: {MODES_HELP} (repeatable). Default sea_lcl."),
    ] = None,
    compare_modes: Annotated[
        bool, typer.Option("--compare-modes", help="Compare every shipping mode side by side.")
    ] = False,
    date: Annotated[
        str | None, typer.Option("--date", help="Answer as of this day (YYYY-MM-DD). Default today.")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", help="Category id (catalog/data/categories.csv).")
    ] = None,
    hs_code: Annotated[str | None, typer.Option("--hs-code", help="HS code (6+ digits).")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Product title (shown only).")] = None,
    origin: Annotated[
        str | None, typer.Option("--origin", help="Country of origin ISO2 (default CN).")
    ] = None,
    unit_cost: Annotated[
        float | None, typer.Option("--unit-cost", help="Purchase cost per unit (ex works/FOB).")
    ] = None,
    currency: Annotated[
        str, typer.Option("--currency", help="Currency of --unit-cost and --packaging.")
    ] = "USD",
    packaging: Annotated[float, typer.Option("--packaging", help="Packaging cost per unit.")] = 0.0,
    weight_kg: Annotated[
        float | None, typer.Option("--weight-kg", help="Shipping weight per unit, kg.")
    ] = None,
    dims: Annotated[str | None, typer.Option("--dims", help="Package LxWxH in cm, e.g. 30x20x10.")] = None,
    price: Annotated[
        str | None,
        typer.Option(
            "--price",
            help="Selling price per unit: in the market's currency, or with its currency (19.99USD, 19.99 USD).",
        ),
    ] = None,
    price_currency: Annotated[
        str | None, typer.Option("--price-currency", help="Currency of --price (converted to each market's).")
    ] = None,
    units: Annotated[
        float | None, typer.Option("--units", help="Units in the consignment (default per mode).")
    ] = None,
    platform: Annotated[
        str | None, typer.Option("--platform", help="amazon, shopee, tiktok, temu, mercadolibre or shop.")
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            "--channel",
            help="How you sell: marketplace, marketplace_mfn, own_shop or b2b_wholesale, or MARKET=CHANNEL pairs "
            "(DE=own_shop,*=marketplace). Default: the settings' sales_channels, else marketplace.",
        ),
    ] = None,
    target_margin: Annotated[
        float | None,
        typer.Option("--target-margin", help="Margin on net revenue for the target price (0.3 = 30%)."),
    ] = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write the waterfall chart (.html or .png).")
    ] = None,
) -> None:
    """Landed cost per unit, margin, ROI, break-even and target price — every line with the rule it used."""
    from xborder.domains.landed_cost import ProductInput, compare, landed_cost, parse_dims
    from xborder.domains.landed_cost.channels import channel_for, parse_channels
    from xborder.domains.landed_cost.rules import MODES

    st = state(ctx)
    chans = parse_channels(channel) or parse_channels(st.settings.sales_channels)
    home = next((m.strip().upper() for m in st.settings.home_markets.split(",") if m.strip()), None)
    tm = st.settings.target_margin if target_margin is None else target_margin
    if not 0 <= tm < 1:
        raise BadInputError(f"--target-margin must be in [0, 1); got {tm} — did you mean {tm / 100:g}?")
    markets = _split(market) or ["US"]
    modes = list(MODES) if compare_modes else [m.lower() for m in _split(mode)] or ["sea_lcl"]
    for m in modes:
        if m not in MODES:
            raise BadInputError(f"Unknown --mode '{m}'.", hint=f"Use one of: {MODES_HELP}.")
    d = parse_dims(dims)
    fx = None
    prices: dict[str, float] = {}
    estimates: list[dict[str, Any]] = []
    info: dict[str, Any] = {}
    price_value, price_ccy = _parse_price(price, price_currency)
    if product:
        from xborder.domains.landed_cost.sourcing import warehouse_input

        info, observed, fx = _warehouse_product(ctx, product)
        pin, prices, estimates = warehouse_input(
            info,
            observed,
            fx,
            product_id=product,
            markets=markets,
            cost_share=st.settings.estimated_cost_share,
            default_origin=st.settings.default_origin,
            date=date,
            price=price_value,
            unit_cost=unit_cost,
            currency=currency,
            category=category,
            hs_code=hs_code,
            origin=origin,
            packaging=packaging,
            weight_kg=weight_kg,
            dims=d,
        )
    else:
        if unit_cost is None:
            raise BadInputError(
                "No product given.",
                hint="Give a warehouse product id, or --unit-cost (with --currency) "
                "and --category, --weight-kg, --dims to describe one.",
            )
        if unit_cost < 0:
            raise BadInputError(
                f"--unit-cost must be >= 0; got {unit_cost}.", hint="Supply the purchase cost per unit."
            )
        if (weight_kg is None or d is None) and category is None:
            raise BadInputError(
                "Missing weight or dimensions.",
                hint="Supply --weight-kg and --dims LxWxH (cm), or a --category to use its defaults.",
            )
        pin = ProductInput(
            unit_cost=unit_cost,
            cost_currency=currency.upper(),
            category=category or "other",
            hs_code=hs_code,
            title=title,
            origin=(origin or st.settings.default_origin).upper(),
            packaging_cost=packaging,
            weight_kg=weight_kg,
            length_cm=d[0] if d else None,
            width_cm=d[1] if d else None,
            height_cm=d[2] if d else None,
        )
        if price_value is not None:
            prices = dict.fromkeys(markets, price_value)
    price_notes: list[dict[str, Any]] = []
    if price_value is not None:
        prices, price_notes = _prices_in_market_currency(
            {m: prices.get(m, price_value) for m in markets}, price_value, price_ccy, date, fx
        )
    if len(markets) == 1 and len(modes) == 1:
        res = landed_cost(
            pin,
            markets[0],
            modes[0],
            date=date,
            price=prices.get(markets[0]),
            units=units,
            platform=platform,
            target_margin=tm,
            fx=fx,
            fx_max_age_days=st.settings.fx_max_age_days,
            channel=channel_for(chans, markets[0]),
            home_market=home or info.get("home_market"),
        )
        res.note_codes[:0] = price_notes
        data = res.to_dict()
        if chart:
            _write_chart(res, chart)
            data["chart"] = str(chart)
        emit(ctx, data, _render_one)
        return
    table = compare(
        pin,
        markets,
        modes,
        date=date,
        prices=prices,
        units=units,
        platform=platform,
        target_margin=tm,
        fx=fx,
        channels={m.upper(): channel_for(chans, m) for m in markets},
        home_market=home or info.get("home_market"),
    )

    from xborder.domains.landed_cost.result import fx_and_margin_notes
    from xborder.reference.coverage import research_notes
    from xborder.reference.fx import load_fx

    as_of = str(table["as_of"].iloc[0])
    day = dt.date.fromisoformat(as_of[:10])
    warnings = fx_and_margin_notes(
        fx or load_fx(), day, table.to_dict(orient="records"), st.settings.fx_max_age_days
    )
    data = {
        "product": {k: v for k, v in vars(pin).items() if k != "estimates"},
        "notes": [
            *(message(n) for n in [*price_notes, *estimates, *warnings]),
            *research_notes(markets, day),
        ],
        "as_of": as_of,
        "rows": table,
    }
    emit(ctx, data, _render_compare)


_PRICE = re.compile(r"^\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*([A-Za-z]{3})?\s*$")


def _parse_price(price: str | None, currency: str | None) -> tuple[float | None, str | None]:
    """``19.99``, ``19.99USD`` or ``19.99 USD`` (and ``--price-currency``) → (amount, currency or None)."""
    if price is None:
        return None, currency.upper() if currency else None
    m = _PRICE.match(price)
    if m is None:
        raise BadInputError(
            f"--price {price!r} is not a price.",
            hint="Give a number, optionally with its currency: 19.99 or 19.99USD.",
        )
    value = float(m.group(1).replace(",", "").replace("_", ""))
    given = m.group(2).upper() if m.group(2) else None
    if given and currency and given != currency.upper():
        raise BadInputError(f"--price says {given} but --price-currency says {currency.upper()}.")
    return value, given or (currency.upper() if currency else None)


def _prices_in_market_currency(
    prices: dict[str, float], amount: float, currency: str | None, date: str | None, fx: Any
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Each market's price in its own currency, and a note saying how the given price was read."""

    from xborder.domains.landed_cost.rules import rule_book
    from xborder.domains.landed_cost.sourcing import note
    from xborder.reference.fx import load_fx

    rules = rule_book(date)
    fx = fx or load_fx()
    out, notes = {}, []
    for m, value in prices.items():
        ccy = str(rules.market(m)["currency"])
        if currency is None or currency == ccy:
            out[m] = value
            if currency is None:
                notes.append(note("price_read_in", amount=f"{amount:,.2f}", currency=ccy, market=m))
            continue
        q = fx.factor(currency, ccy, rules.date if isinstance(rules.date, dt.date) else date)
        out[m] = value * q.rate
        notes.append(
            note(
                "price_given_converted",
                amount=f"{amount:,.2f}",
                from_currency=currency,
                converted=f"{out[m]:,.2f}",
                currency=ccy,
                market=m,
                fx_date=q.date,
            )  # fmt: skip
        )
    return out, notes


def register(app: typer.Typer) -> None:
    """Add ``landed-cost`` to the main app."""
    app.command("landed-cost")(landed_cost_cmd)
