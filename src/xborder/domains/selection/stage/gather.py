"""Gather the evidence of the other engines from the warehouse into one :class:`Evidence`, money converted.

Used by the selection stage (everything) and the backtest stage (only what does not depend on time: the rule
base's landed cost and compliance answers, product attributes).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from xborder.core.clock import today
from xborder.domains.selection.brands import listing_brand_share
from xborder.domains.selection.candidates import fill_default_dims, logistics_factors
from xborder.domains.selection.competition import competition_factors
from xborder.domains.selection.evidence import Evidence
from xborder.domains.selection.rank_sales import estimate_sales, fit_curves
from xborder.domains.selection.stage import inputs as si
from xborder.domains.selection.stage import inputs_money as sm
from xborder.domains.selection.stage.compliance import read_compliance
from xborder.domains.selection.stage.timing import pair_timing

__all__ = ["gather", "rule_markets", "Converter"]


class Converter:
    """Converts amounts to the profit currency with the dated ECB table (NaN where a rate is missing)."""

    def __init__(self, con: Any, target: str) -> None:
        self.target = target
        self._rates: dict[str, float] = {target: 1.0}
        try:
            from xborder.reference.fx import load_fx

            self._fx: Any = load_fx(con)
        except Exception:  # no FX table: only same-currency amounts convert
            self._fx = None

    def rate(self, currency: object) -> float:
        """Units of the profit currency per unit of ``currency``."""
        if not isinstance(currency, str) or not currency:
            return float("nan")
        c = currency.upper()
        if c not in self._rates:
            try:
                self._rates[c] = float(self._fx.factor(c, self.target, today()).rate) if self._fx else np.nan
            except Exception:
                self._rates[c] = float("nan")
        return self._rates[c]

    def series(self, amount: pd.Series, currency: pd.Series) -> pd.Series:
        """``amount`` (in ``currency`` per row) in the profit currency."""
        rates = currency.map(lambda c: self.rate(c))
        return pd.to_numeric(amount, errors="coerce") * rates.astype(float)


def rule_markets() -> frozenset[str]:
    """Markets the landed-cost rule base covers (reference table ``markets``)."""
    try:
        from xborder.reference import load_table

        return frozenset(load_table("markets")["market_code"].astype(str).str.upper())
    except Exception:
        return frozenset()


def _dim_defaults() -> pd.DataFrame | None:
    """The reference table ``category_defaults`` (median package per category), if shipped."""
    try:
        from xborder.reference import load_table

        return load_table("category_defaults")
    except Exception:
        return None


def _pairs(con: Any, runs: si.InputRuns, conv: Converter) -> pd.DataFrame:
    """Landed cost (best mode) and compliance per product × market, money in the profit currency."""
    lc = sm.read_landed_costs(con, runs)
    cc = read_compliance(con, runs)
    if lc.empty and cc.empty:
        return pd.DataFrame()
    pairs = (
        lc.merge(cc, on=["product_id", "market"], how="outer")
        if len(lc) and len(cc)
        else (lc if len(lc) else cc)
    )
    for c in (
        "unit_margin",
        "market_price",
        "currency",
        "compliance_cost",
        "compliance_cost_floor",
        "compliance_currency",
    ):
        if c not in pairs:
            pairs[c] = np.nan
    pairs["unit_margin_profit"] = conv.series(pairs["unit_margin"], pairs["currency"])
    pairs["market_price_profit"] = conv.series(pairs["market_price"], pairs["currency"])
    # the profit subtracts the known costs (a lower bound where some item's cost is unknown; the message says so)
    floor = pairs["compliance_cost_floor"].where(
        pairs["compliance_cost_floor"].notna(), pairs["compliance_cost"]
    )
    pairs["compliance_cost_profit"] = conv.series(floor, pairs["compliance_currency"])
    if "compliance_known" in pairs:
        pairs["compliance_known"] = pairs["compliance_known"].astype("boolean").fillna(False)
    return pairs


def gather(
    con: Any, settings: Any, runs: si.InputRuns, notes: dict[str, int], *, for_backtest: bool = False
) -> tuple[Evidence, pd.DataFrame, list]:
    """The evidence, the listings (with rank-estimated units) and the rank → sales curves.

    ``for_backtest`` leaves out what is dated "now" and was not known at a past cutoff: forecasts, trends,
    reviews, listings and competition.
    """
    currency = sm.read_profit_currency(con) or "USD"
    conv = Converter(con, currency)
    prods = si.read_products(con)
    listings = pd.DataFrame() if for_backtest else si.read_listings(con)
    curves = fit_curves(si.read_rank_observations(con)) if len(listings) else []
    if len(listings):
        ranked = listings[listings["rank"].notna()]
        if len(ranked):
            est = estimate_sales(ranked.assign(rank_category=ranked["rank_category"].fillna("*")), curves)
            for src, dst in (
                ("units", "est_units"),
                ("units_lo", "est_units_lo"),
                ("units_hi", "est_units_hi"),
            ):
                listings.loc[est.index, dst] = est[src]
            listings.loc[est.index, "est_curve"] = est["curve_source"]
            listings.loc[est.index, "est_mape"] = est["curve_mape"]
    notes["listings"] = int(len(listings))
    logi = logistics_factors(fill_default_dims(prods, _dim_defaults()))
    products = prods[["product_id", "title", "category"]].merge(
        logi[["product_id", "chargeable_weight_kg"]], on="product_id", how="left"
    )
    pairs = _pairs(con, runs, conv)
    if len(pairs):
        pairs = pair_timing(con, pairs, str(getattr(settings, "default_origin", "CN")))
    notes["landed_costs"] = int(pairs["margin_pct"].notna().sum()) if "margin_pct" in pairs else 0
    notes["compliance_pairs"] = int(pairs["compliance_known"].sum()) if "compliance_known" in pairs else 0
    launch = float(settings.launch_cost) * conv.rate(settings.launch_cost_currency)
    ev = Evidence(
        products=products,
        pairs=pairs,
        listings=listings,
        covered_markets=rule_markets(),
        has_price=frozenset(sm.read_priced_products(con)),
        launch_cost_profit=0.0 if np.isnan(launch) else launch,
        profit_currency=currency,
    )
    if for_backtest:
        return ev, listings, curves
    ev.forecasts = si.expected_units_6m(con, runs)
    ev.category_forecasts = si.expected_units_6m(con, runs, level="category_market")
    ev.trends = si.read_trends(con, runs)
    ev.improvements = sm.read_improvements(con, runs)
    ev.review_ratings = si.read_review_ratings(con)
    if len(listings):
        ev.competition = competition_factors(listings)
        ev.brand_share = listing_brand_share(listings)
    search = si.read_search_trends(con, runs)
    if len(search):
        from xborder.catalog.classify import classify

        search["category"] = [classify(k)[0] for k in search["keyword"]]
        ev.search = search.groupby(["category", "market"], as_index=False).agg(
            search_momentum_pct=("search_momentum_pct", "mean")
        )
    notes.update(
        forecasts=int(len(ev.forecasts)),
        category_forecasts=int(len(ev.category_forecasts)),
        trend_signals=int(len(ev.trends)),
        improvement_opportunities=int(sum(len(f) for f in ev.improvements)),
        review_rating_groups=int(len(ev.review_ratings)),
        search_series=int(len(search)),
    )
    return ev, listings, curves
