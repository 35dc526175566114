"""The evidence behind candidates, and its assembly into one frame: the same code for the live list and the backtest.

:class:`Evidence` holds what the other engines said (landed cost and compliance per product × market, forecasts,
trends, reviews, listings) already converted to the seller's profit currency; :func:`assemble` joins it to the
candidates of one cutoff, adds niches, the expected gross profit and the comparison with the home market. The
selection stage fills every field; the backtest only what was known at a past cutoff (sales history) and what
does not depend on time (the rule base's landed cost and compliance, product attributes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from xborder.domains.selection.brands import title_marks
from xborder.domains.selection.niches import niche_candidates

__all__ = ["Evidence", "assemble", "gross_profit", "home_markets", "home_comparison"]

_EMPTY = pd.DataFrame()


@dataclass
class Evidence:
    """What is known besides the sales history. Frames may be empty; money is in ``profit_currency``.

    Attributes:
        products: ``product_id, title, category, chargeable_weight_kg, value_density`` (one row per product).
        pairs: per ``product_id, market``: ``margin_pct`` (%), ``unit_margin_profit``, ``market_price_profit``,
            ``unit_cost_estimated``, ``landed_cost``, ``currency``, ``ship_mode``, ``market_price`` (landed cost, best
            mode) and ``compliance_items``, ``compliance_names``, ``compliance_cost``, ``compliance_currency``,
            ``compliance_cost_profit``, ``compliance_lead_days``, ``compliance_known``.
        forecasts: ``product_id, market, forecast_6m, forecast_kind`` (forecast | analogue).
        category_forecasts: ``category, market, forecast_6m``.
        trends: ``product_id, market, trend_pct``.
        improvements: (per product × market, per category × market) ``improvement_score`` (market ``*``: any).
        listings: the listings frame (with ``est_units``), for listing candidates, competition and niches.
        competition: per ``market, category``: the competition factors.
        brand_share: per ``market, category``: ``brand_share``, ``top_mark``.
        review_ratings: per ``market, category``: ``mean_rating``.
        search: per ``category, market``: ``search_momentum_pct``.
        covered_markets: markets the landed-cost rule base covers.
        has_price: products with an observed selling price or a supplier quote.
        launch_cost_profit: the one-off launch cost of a new market, in the profit currency.
        profit_currency: ISO 4217 currency of every ``*_profit`` amount and of ``gross_profit_6m``.
    """

    products: pd.DataFrame = field(default_factory=pd.DataFrame)
    pairs: pd.DataFrame = field(default_factory=pd.DataFrame)
    forecasts: pd.DataFrame = field(default_factory=pd.DataFrame)
    category_forecasts: pd.DataFrame = field(default_factory=pd.DataFrame)
    trends: pd.DataFrame = field(default_factory=pd.DataFrame)
    improvements: tuple[pd.DataFrame, pd.DataFrame] = (_EMPTY, _EMPTY)
    listings: pd.DataFrame = field(default_factory=pd.DataFrame)
    competition: pd.DataFrame = field(default_factory=pd.DataFrame)
    brand_share: pd.DataFrame = field(default_factory=pd.DataFrame)
    review_ratings: pd.DataFrame = field(default_factory=pd.DataFrame)
    search: pd.DataFrame = field(default_factory=pd.DataFrame)
    covered_markets: frozenset[str] = frozenset()
    has_price: frozenset[str] = frozenset()
    launch_cost_profit: float = 0.0
    profit_currency: str = ""


def _column(frame: pd.DataFrame, name: str, default: object = np.nan) -> pd.Series:
    return frame[name] if name in frame else pd.Series(default, index=frame.index)


def _numbers(frame: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` as floats (all NaN when absent)."""
    return pd.to_numeric(_column(frame, name), errors="coerce").astype(float)


def home_markets(monthly: pd.DataFrame, configured: str = "") -> frozenset[str]:
    """The seller's home market(s): the setting (ISO2 separated by commas) or, when empty, the market with the
    most sales revenue in ``monthly`` (most units when no revenue is known)."""
    given = frozenset(m.strip().upper() for m in configured.split(",") if m.strip())
    if given or monthly.empty:
        return given
    by = monthly.groupby("market")[["revenue", "units"]].sum()
    col = "revenue" if by["revenue"].sum() > 0 else "units"
    return frozenset([str(by[col].idxmax())])


def gross_profit(frame: pd.DataFrame, launch_cost: float) -> pd.Series:
    """Expected 6-month gross profit = expected units × unit margin (after landed cost and fees) − the one-off
    compliance cost (the known items' costs; where an item's cost is unknown, ``compliance_cost_unknown`` > 0,
    the profit is before it — an upper bound, and the explanation says so) − the launch cost when the product has
    not sold in the market yet (niches: always). NaN where units or unit margin are unknown."""
    units, unit = _numbers(frame, "demand_6m"), _numbers(frame, "unit_margin_profit")
    comp = _numbers(frame, "compliance_cost_profit").fillna(0.0)
    new = ~_column(frame, "sold_before", False).astype("boolean").fillna(False).to_numpy(dtype=bool)
    return units * unit - comp - np.where(new, launch_cost, 0.0)


def home_comparison(frame: pd.DataFrame, home: frozenset[str]) -> pd.DataFrame:
    """Per candidate: its home market (the home market where the product sells most), the product's expected
    units there (``home_demand_6m``), ``demand_transfer`` = demand_6m / home_demand_6m, and ``price_gap_pct`` =
    100 × (market price / home price − 1) on prices in the profit currency (NaN where either is unknown)."""
    out = pd.DataFrame(index=frame.index)
    if not home:
        for c in ("home_market", "home_demand_6m", "demand_transfer", "price_gap_pct"):
            out[c] = np.nan
        return out
    h = frame[frame["market"].isin(home)]
    price = "market_price_profit" if "market_price_profit" in frame else None
    cols = ["product_id", "market", "demand_6m"] + ([price] if price else [])
    h = h[cols].sort_values("demand_6m", ascending=False, na_position="last").drop_duplicates("product_id")
    h = h.set_index("product_id")
    pid = frame["product_id"]
    out["home_market"] = pid.map(h["market"]).fillna(sorted(home)[0])
    out["home_demand_6m"] = pid.map(h["demand_6m"])
    d = _numbers(frame, "demand_6m")
    out["demand_transfer"] = d / out["home_demand_6m"].where(out["home_demand_6m"] > 0)
    if price:
        hp = pid.map(h[price])
        out["price_gap_pct"] = 100.0 * (_numbers(frame, price) / hp.where(hp > 0) - 1.0)
    else:
        out["price_gap_pct"] = np.nan
    return out


def _improvements(cand: pd.DataFrame, ev: Evidence) -> pd.DataFrame:
    """``improvement_score`` and ``voice_level`` (product | category) from the reviews engine."""
    cand["improvement_score"] = np.nan
    cand["voice_level"] = None
    for frame, key, level in (
        (ev.improvements[0], "product_id", "product"),
        (ev.improvements[1], "category", "category"),
    ):
        if frame is None or frame.empty:
            continue
        for exact in (True, False):  # the market's own score first, then the market-unknown (*) one
            part = (
                frame[frame["market"] != "*"]
                if exact
                else frame[frame["market"] == "*"].drop(columns="market")
            )
            on = [key, "market"] if exact else [key]
            if len(part):
                m = cand[on].merge(part, on=on, how="left")["improvement_score"].to_numpy()
                hit = pd.Series(m, index=cand.index)
                cand["voice_level"] = cand["voice_level"].where(
                    cand["voice_level"].notna() | hit.isna(), level
                )
                cand["improvement_score"] = cand["improvement_score"].combine_first(hit)
    return cand


def assemble(
    cand: pd.DataFrame,
    ev: Evidence,
    *,
    monthly: pd.DataFrame,
    cutoff: pd.Period,
    home: frozenset[str],
    with_niches: bool = True,
    orders: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Join the evidence to product candidates, add niches, gross profit and the home comparison.

    Args:
        cand: product × market candidates with their history factors (:func:`candidates.build_candidates`,
            listing and catalogue candidates), ``sold_before``, ``demand_basis``, ``unit_price``.
        ev: the evidence.
        monthly: own sales per product × market × month (for niches; only months before ``cutoff`` count).
        cutoff: first month not used.
        home: the home market(s).
        with_niches: add category × market niches.
        orders: order-level units of the 6 months before ``cutoff`` (the niches' order factors).
    """
    cand = cand.copy()
    cand["candidate_kind"] = "product"
    if len(ev.products):
        cand = cand.rename(columns={"category": "_c"}) if "category" in cand else cand
        cols = [c for c in ("product_id", "title", "category", "chargeable_weight_kg") if c in ev.products]
        cand = cand.merge(ev.products[cols], on="product_id", how="left")
        if "_c" in cand:
            cand["category"] = (
                cand["category"].combine_first(cand.pop("_c")) if "category" in cand else cand.pop("_c")
            )
    for c in ("category", "title", "chargeable_weight_kg"):
        if c not in cand:
            cand[c] = None if c != "chargeable_weight_kg" else np.nan
    cand["category"] = cand["category"].fillna("other")
    price = _numbers(cand, "unit_price").groupby(cand["product_id"]).transform("median")
    cand["value_density"] = price / _numbers(cand, "chargeable_weight_kg")
    if len(ev.forecasts):
        cand = cand.merge(ev.forecasts, on=["product_id", "market"], how="left")
        has = cand["forecast_6m"].notna()
        cand.loc[has, "demand_6m"] = cand.loc[has, "forecast_6m"]
        kind = cand["forecast_kind"].where(cand["forecast_kind"].isin(["forecast", "analogue"]), "forecast")
        cand.loc[has, "demand_basis"] = kind[has]
        cand = cand.drop(columns=["forecast_6m", "forecast_kind"])
    if len(ev.trends):
        cand = cand.merge(ev.trends, on=["product_id", "market"], how="left")
        cand["momentum_pct"] = cand["trend_pct"].combine_first(_numbers(cand, "momentum_pct"))
        cand = cand.drop(columns="trend_pct")
    if len(ev.pairs):
        cand = cand.merge(ev.pairs, on=["product_id", "market"], how="left")
    cand = _improvements(cand, ev)
    if len(ev.competition):
        cand = cand.merge(ev.competition, on=["market", "category"], how="left")
    if len(ev.review_ratings):
        gap = cand[["market", "category"]].merge(ev.review_ratings, on=["market", "category"], how="left")
        from_reviews = pd.Series(5.0 - gap["mean_rating"].to_numpy(), index=cand.index)
        cand["rating_gap"] = (
            cand["rating_gap"].combine_first(from_reviews) if "rating_gap" in cand else from_reviews
        )
    cand["has_price"] = cand["product_id"].isin(ev.has_price) | _numbers(cand, "unit_price").gt(0).to_numpy()
    if with_niches:
        niches = niche_candidates(
            monthly,
            cutoff,
            cand,
            category_forecast=ev.category_forecasts if len(ev.category_forecasts) else None,
            listings=ev.listings if len(ev.listings) else None,
            search=ev.search if len(ev.search) else None,
            orders=orders,
        )
        if len(niches):
            if len(ev.competition):
                niches = niches.merge(ev.competition, on=["market", "category"], how="left")
            niches = _improvements(niches, Evidence(improvements=(_EMPTY, ev.improvements[1])))
            niches["has_price"] = True
            cand = pd.concat([cand, niches], ignore_index=True)
    _brand(cand, ev)
    cand["gross_profit_6m"] = gross_profit(cand, ev.launch_cost_profit)
    cand["profit_currency"] = ev.profit_currency or None
    cand = pd.concat([cand, home_comparison(cand, home)], axis=1)
    return cand


def _brand(cand: pd.DataFrame, ev: Evidence) -> None:
    """``brand_risk`` (1 when the title names a famous mark, else the famous marks' share of the market ×
    category listings) and ``ip_flag`` (the mark named, or the dominant mark of the listings)."""
    own = title_marks(cand["title"].astype(object)) if "title" in cand else pd.Series(None, index=cand.index)
    own = own.where(cand["candidate_kind"].ne("niche"))
    risk = pd.Series(np.where(own.notna(), 1.0, 0.0), index=cand.index)
    flag = own.astype(object)
    if len(ev.brand_share):
        bs = cand[["market", "category"]].merge(ev.brand_share, on=["market", "category"], how="left")
        share = pd.Series(bs["brand_share"].to_numpy(dtype=float), index=cand.index)
        risk = pd.Series(np.fmax(risk.to_numpy(), share.fillna(0.0).to_numpy()), index=cand.index)
        dominant = share.ge(0.5) & flag.isna()
        flag = flag.where(~dominant, pd.Series(bs["top_mark"].to_numpy(dtype=object), index=cand.index))
    cand["brand_risk"] = risk.where(cand["title"].notna() | (risk > 0)) if "title" in cand else risk
    cand["ip_flag"] = flag.where(flag.notna(), None)
