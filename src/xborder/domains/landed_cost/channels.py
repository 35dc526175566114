"""Sales channels: how the seller sells in a market, and the fee rule each channel's margin uses.

* ``marketplace`` — the market's default platform (``markets.csv``) with its fees; on Amazon the referral fee and
  the FBA fulfilment fee (today's default).
* ``marketplace_mfn`` — merchant-fulfilled on the same marketplace: the referral/commission fee, no FBA fee; the
  seller ships each order and charges the buyer delivery (the delivery itself is not costed).
* ``own_shop`` — the seller's own web shop: card processing fees only, from ``fees/payment_processing.csv``
  (Stripe's published rates): the rate for the buyer's card region (GB, EEA, US, else international) as seen
  from the seller's processor account (its home market), plus the conversion fee when the buyer pays in
  another currency than the account's. Without a known home the account is taken to be local to the market.
* ``b2b_wholesale`` — selling to retailers on invoice: no marketplace or card fee; the retailer's credit
  (``payment_days`` of ``fees/wholesale_terms.csv``) costs ``financing_rate`` x days / 365 of the price, and the
  price is net of VAT (a business buyer deducts it), so no output VAT comes off the price.

A channel spec is ``"*=b2b_wholesale"`` or ``"DE=marketplace,FR=own_shop,*=marketplace"`` (see
:func:`parse_channels`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from xborder.core.errors import BadInputError
from xborder.domains.landed_cost.keys import Fx, num
from xborder.domains.landed_cost.rules import RuleBook

__all__ = [
    "CHANNELS",
    "Channel",
    "EEA",
    "parse_channels",
    "channel_for",
    "card_region",
    "channel_fee_arrays",
    "resolve_channels",
]

Channel = Literal["marketplace", "marketplace_mfn", "own_shop", "b2b_wholesale"]
CHANNELS: tuple[str, ...] = ("marketplace", "marketplace_mfn", "own_shop", "b2b_wholesale")

EEA = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK IS LI NO".split()
)
"""EU-27 and the EEA's EFTA members: Stripe's "EEA cards" region."""


def parse_channels(spec: str | None) -> dict[str, str]:
    """``"DE=marketplace,*=own_shop"`` → ``{"DE": "marketplace", "*": "own_shop"}``; a lone channel name means
    every market. Raises :class:`BadInputError` naming the bad part."""
    out: dict[str, str] = {}
    for part in (spec or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        market, _, ch = part.rpartition("=")
        market = market.strip().upper() or "*"
        ch = ch.strip().lower()
        if ch not in CHANNELS:
            raise BadInputError(
                f"Unknown sales channel '{ch}' in '{spec}'.",
                hint=f"Use MARKET=CHANNEL pairs (or * for every market) with a channel among {', '.join(CHANNELS)}.",
            )
        out[market] = ch
    return out


def channel_for(channels: dict[str, str], market: str, default: str = "marketplace") -> str:
    """The channel of ``market``: its own entry, else ``*``, else ``default``."""
    return channels.get(market.upper(), channels.get("*", default))


def card_region(market: str) -> str:
    """Stripe's card region of a buyer in ``market``: GB, EEA, US or INTL."""
    m = market.upper()
    if m in ("GB", "US"):
        return m
    return "EEA" if m in EEA else "INTL"


def _account_region(home: str | None) -> str | None:
    if not home:
        return None
    h = home.upper()
    return "EEA" if h in EEA else h


def _payment_rule(rules: RuleBook, account: str, card: str) -> pd.Series | None:
    p = rules.payments[(rules.payments["account_region"] == account)]
    for c in (card, "INTL"):
        m = p[p["card_region"] == c]
        if len(m):
            return m.iloc[-1]
    return None


def _wholesale(rules: RuleBook, term: str, market: str, currency: str) -> pd.Series:
    w = rules.wholesale[rules.wholesale["term"] == term]
    for mk, cur in ((market, currency), (market, "*"), (market, ""), ("*", currency), ("*", "*"), ("*", "")):
        m = w[(w["market"] == mk) & (w["currency"] == cur)]
        if len(m):
            return m.iloc[-1]
    raise BadInputError(f"No wholesale '{term}' rule in force for {market} on {rules.date}.")


def channel_fee_arrays(d: pd.DataFrame, rules: RuleBook, fxc: Fx, home_market: str | None) -> dict:
    """Per row: payment-fee rate and fixed fee (market currency), whether the price includes VAT for the
    channel (NaN: the market's rule), and the fee rule ids, for ``own_shop`` and ``b2b_wholesale`` rows.

    ``d`` holds ``market``, ``currency`` and ``channel``; other channels get NaN rate (keep the platform's).
    """
    n = len(d)
    rate, fixed = np.full(n, np.nan), np.full(n, np.nan)
    net_price = np.zeros(n, bool)
    ids = np.full(n, "", dtype=object)
    account = _account_region(home_market)
    keys = d[["channel", "market", "currency"]].astype(str).agg("\t".join, axis=1)
    codes, uniq = pd.factorize(keys)
    for i, key in enumerate(uniq):
        ch, market, currency = key.split("\t")
        rows = codes == i
        if ch == "own_shop":
            acct = account or _account_region(market)
            r = _payment_rule(rules, acct or "", card_region(market)) if acct else None
            if r is None:  # no processor row for this account region: a local account in the market
                acct = _account_region(market) or market
                r = _payment_rule(rules, acct, card_region(market))
            if r is None:
                continue  # the platform table's own-shop proxy (PF-SHOP-*) stays
            acct_ccy = str(r["fixed_currency"])
            conv = num(r["conversion_rate"], 0.0) if acct_ccy != currency else 0.0
            rate[rows] = num(r["rate"], 0.0) + conv
            fixed[rows] = num(r["fixed_fee"], 0.0) * fxc(acct_ccy, currency)
            ids[rows] = r["rule_id"]
        elif ch == "b2b_wholesale":
            days = _wholesale(rules, "payment_days", market, currency)
            fin = _wholesale(rules, "financing_rate", market, currency)
            vat = _wholesale(rules, "price_excludes_vat", market, currency)
            rate[rows] = num(fin["value"], 0.0) * num(days["value"], 0.0) / 365.0
            fixed[rows] = 0.0
            net_price[rows] = num(vat["value"], 0.0) > 0
            ids[rows] = "|".join(str(x["rule_id"]) for x in (days, fin, vat))
    return {"ch_pay_rate": rate, "ch_pay_fixed": fixed, "ch_net_price": net_price, "_ch_fee_ids": ids}


def resolve_channels(
    markets: list[str],
    *,
    option: str | None,
    setting: str | None,
    median_order_units: float | None,
    orders: int,
    wholesale_order_units: float,
) -> tuple[dict[str, str], dict[str, dict]]:
    """(channel per market, why per market as a ``{"code", "args"}`` message).

    The run option wins, then the settings' ``sales_channels``; a market neither names (nor its ``*``) takes the
    channel the sales history shows: ``b2b_wholesale`` when the median order holds at least
    ``wholesale_order_units`` units (a business buyer's order, not a consumer's), else ``marketplace``.
    """
    given = parse_channels(option)
    configured = parse_channels(setting)
    wholesale = median_order_units is not None and median_order_units >= wholesale_order_units
    inferred = "b2b_wholesale" if wholesale else "marketplace"
    args = {
        "units": float(median_order_units or 0.0),
        "orders": int(orders),
        "threshold": wholesale_order_units,
    }
    chosen: dict[str, str] = {}
    why: dict[str, dict] = {}
    for m in markets:
        mk = m.upper()
        for source, spec in (("run_option", given), ("settings", configured)):
            if mk in spec or "*" in spec:
                chosen[mk] = channel_for(spec, mk)
                why[mk] = {"code": f"landed_cost.channel_{source}", "args": {"channel": chosen[mk]}}
                break
        else:
            chosen[mk] = inferred
            code = "channel_wholesale" if wholesale else "channel_marketplace"
            why[mk] = {"code": f"landed_cost.{code}", "args": args}
    return chosen, why
