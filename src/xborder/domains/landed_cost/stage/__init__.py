"""Warehouse glue for landed cost: candidate products x target markets x modes -> ``landed_costs``.

Candidates are the products with sold lines in ``order_lines`` (top ``max_products`` by units). For each:

* unit cost = the latest ``supplier_offers`` quote; without one, ``settings.estimated_cost_share`` x the median
  observed home-market price (home = the buyer country with most units), flagged ``unit_cost_estimated``;
* selling price in a market = the median price observed there, else the home median converted with the dated
  FX table (``price_source`` says which);
* category, HS code, weight and dimensions from ``products``; gaps filled from ``category_defaults.csv`` and
  flagged ``dims_estimated``; origin = ``products.origin_country`` or ``settings.default_origin``;
* consignment (``units``) per product x market for sea LCL, air and rail: the expected demand of one replenishment
  cycle (``settings.replenishment_months`` x expected monthly units, rounded up), at least the quote's MOQ and 1.
  Expected monthly units = the latest demand run's forecast for the product x market (first 6 months / 6), else
  the pair's own sales of the last 6 months / 6, else the product's sales in all markets x the market's share of
  all units (same 6 months) / 6; see :func:`expected_monthly_units`. With no demand at all and no MOQ the freight
  card's default consignment stays (500 units by sea LCL). Express ships parcels (the card's 1 unit per
  consignment) and FCL fills a container, as before.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from xborder.core import i18n
from xborder.core.clock import today
from xborder.core.settings import Settings
from xborder.domains.landed_cost.channels import resolve_channels
from xborder.domains.landed_cost.dossier import SECTION
from xborder.domains.landed_cost.engine import DETAIL_COLUMNS, landed_cost_frame
from xborder.domains.landed_cost.result import fx_and_margin_notes
from xborder.domains.landed_cost.rules import rule_book
from xborder.domains.landed_cost.sourcing import row_note_codes
from xborder.domains.landed_cost.stage.demand import (
    consignment_units,
    consignments,
    expected_monthly_units,
    home_market,
    order_size,
)
from xborder.domains.landed_cost.tables import LANDED_COSTS, TABLES
from xborder.reference.coverage import research_notes
from xborder.reference.fx import FxTable, load_fx
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, read_rows, write_frame

__all__ = [
    "run_landed_cost",
    "candidate_inputs",
    "warehouse_product",
    "expected_monthly_units",
    "consignment_units",
    "DEFAULT_MODES",
    "STAGE",
]

DEFAULT_MODES: tuple[Literal["sea_fcl", "sea_lcl", "air", "express", "rail"], ...] = (
    "sea_lcl",
    "air",
    "express",
)


def candidate_inputs(con: Any, settings: Settings, *, max_products: int | None = 1000) -> pd.DataFrame:
    """One row per candidate product with cost (in its currency), home price stats and physical attributes."""
    limit = f"LIMIT {int(max_products)}" if max_products else ""
    sold = con.execute(f"""
        SELECT product_id, sum(quantity) AS units_sold
        FROM order_lines
        WHERE status = 'sold' AND coalesce(is_product, TRUE) AND product_id IS NOT NULL AND unit_price > 0
        GROUP BY product_id ORDER BY units_sold DESC, product_id {limit}
    """).df()
    if sold.empty:
        return sold
    con.register("lc_cand", sold)
    try:
        prices = con.execute("""
            SELECT o.product_id, upper(o.country) AS country, o.currency, sum(o.quantity) AS units,
                   median(o.unit_price) AS median_price
            FROM order_lines o JOIN lc_cand c USING (product_id)
            WHERE o.status = 'sold' AND o.unit_price > 0 AND o.country IS NOT NULL
            GROUP BY ALL
        """).df()
        prods = con.execute("""
            SELECT c.product_id, p.category, p.hs_code, p.weight_kg, p.length_cm, p.width_cm, p.height_cm,
                   p.origin_country, p.title
            FROM lc_cand c LEFT JOIN products p USING (product_id)
        """).df()
        offers = con.execute("""
            SELECT product_id, unit_cost, currency, moq FROM (
                SELECT s.*, row_number() OVER (PARTITION BY s.product_id ORDER BY s.valid_from DESC NULLS LAST) AS rn
                FROM supplier_offers s JOIN lc_cand c USING (product_id) WHERE s.unit_cost >= 0
            ) WHERE rn = 1
        """).df()
    finally:
        con.unregister("lc_cand")
    home = prices.sort_values(["product_id", "units"], ascending=[True, False]).drop_duplicates("product_id")
    home = home.rename(
        columns={"country": "home_market", "currency": "home_currency", "median_price": "home_price"}
    )
    out = prods.merge(
        home[["product_id", "home_market", "home_currency", "home_price"]], on="product_id", how="left"
    )
    out = out.merge(offers.rename(columns={"currency": "offer_currency"}), on="product_id", how="left")
    est = out["unit_cost"].isna()
    out["unit_cost_estimated"] = est.to_numpy()
    out["unit_cost"] = np.where(est, settings.estimated_cost_share * out["home_price"], out["unit_cost"])
    out["cost_currency"] = np.where(est, out["home_currency"], out["offer_currency"])
    out["origin"] = out["origin_country"].fillna(settings.default_origin)
    out["category"] = out["category"].fillna("other")
    out.attrs["observed_prices"] = prices
    return out


def _target_markets(markets: list[str] | None) -> list[str]:
    known = list(rule_book().markets.index)
    if not markets:
        return known
    return [m.upper() for m in markets if m.upper() in known]


def warehouse_product(
    con: Any, settings: Settings, product_id: str
) -> tuple[dict[str, Any], pd.DataFrame | None, FxTable] | None:
    """A warehouse product for a one-off answer: its ``products`` row with its candidate row (cost, home
    price), its observed prices per buyer country (None without sales) and the warehouse's FX table;
    None when ``product_id`` is not in ``products``."""
    row = read_rows(con, "products", where="product_id = ?", params=[product_id])
    if row.empty:
        return None
    cand = candidate_inputs(con, settings, max_products=None)
    fx = load_fx(con)
    hit = cand[cand["product_id"] == product_id] if len(cand) else cand
    info = {str(k): v for k, v in row.iloc[0].to_dict().items()}
    observed = None
    if len(hit):
        info.update({str(k): v for k, v in hit.iloc[0].to_dict().items()})
        observed = cand.attrs["observed_prices"].query("product_id == @product_id")
    return info, observed, fx


def _notes(
    unit_cost_estimated: np.ndarray, dims_estimated: np.ndarray, cost_share: float
) -> tuple[list, list]:
    """(note_codes as JSON, notes in English) per row: each of the four flag combinations rendered once."""
    rendered = {}
    for est in (False, True):
        for dims in (False, True):
            codes = row_note_codes(unit_cost_estimated=est, dims_estimated=dims, cost_share=cost_share)
            text = "".join(i18n.message(c, "en") + "; " for c in codes)
            rendered[(est, dims)] = (json.dumps(codes), text)
    pairs = [rendered[(bool(e), bool(d))] for e, d in zip(unit_cost_estimated, dims_estimated, strict=True)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def run_landed_cost(
    con: Any,
    settings: Settings,
    *,
    run_id: str,
    markets: list[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
    modes: tuple[str, ...] | list[str] = DEFAULT_MODES,
    max_products: int | None = 1000,
    date: str | None = None,
    target_margin: float | None = None,
    channels: str | None = None,
) -> dict[str, Any]:
    """Compute landed cost for candidate products x markets x modes and store them in ``landed_costs``.

    ``channels`` (``"DE=marketplace,*=own_shop"``) says how the seller sells per market; else the settings'
    ``sales_channels``; else the channel the order sizes show (see :func:`xborder.domains.landed_cost.stage.demand.order_size`)."""
    say = progress or (lambda f, m: None)
    as_of = dt.date.fromisoformat(date) if date else today()
    rules = rule_book(as_of)
    fx = load_fx(con)
    target = settings.target_margin if target_margin is None else target_margin
    say(0.05, "Reading candidate products")
    cand = candidate_inputs(con, settings, max_products=max_products)
    targets = _target_markets(markets)
    skipped = sorted({m.upper() for m in markets or []} - set(targets))
    delete_run_rows(con, TABLES, run_id)
    if cand.empty or not targets:
        code = "landed_cost.no_candidates" if cand.empty else "landed_cost.no_known_market"
        return {
            "rows": 0,
            "products": 0,
            "markets": targets,
            "modes": list(modes),
            "as_of": as_of.isoformat(),
            "note": i18n.render(code, "en"),
            "note_code": code,
        }
    cand = cand.dropna(subset=["unit_cost"])
    observed = cand.attrs.get("observed_prices", pd.DataFrame())
    say(0.2, f"Building {len(cand) * len(targets) * len(modes):,} product x market x mode combinations")
    grid = cand.merge(pd.DataFrame({"market": targets}), how="cross").merge(
        pd.DataFrame({"mode": list(modes)}), how="cross"
    )
    mk_ccy = rules.markets["currency"]
    grid["market_currency"] = grid["market"].map(mk_ccy)
    obs = observed.rename(
        columns={"country": "market", "median_price": "obs_price", "currency": "obs_currency"}
    )
    grid = grid.merge(
        obs[["product_id", "market", "obs_price", "obs_currency"]], on=["product_id", "market"], how="left"
    )
    has_obs = grid["obs_price"].notna()
    pcur = grid["obs_currency"].where(has_obs, grid["home_currency"]).fillna("USD")
    pval = grid["obs_price"].where(has_obs, grid["home_price"])
    factors = {
        (a, b): fx.factor(a, b, as_of).rate for a, b in set(zip(pcur, grid["market_currency"], strict=True))
    }
    grid["price"] = pval.to_numpy() * np.array(
        [factors[(a, b)] for a, b in zip(pcur, grid["market_currency"], strict=True)]
    )
    grid["price_source"] = np.where(
        has_obs, "observed median price in the market", "home-market median price converted"
    )
    months = float(getattr(settings, "replenishment_months", 3.0))
    grid["units"], consignment_basis = consignments(grid, expected_monthly_units(con), months)
    median_order, orders = order_size(con)
    chosen, why = resolve_channels(
        targets,
        option=channels,
        setting=settings.sales_channels,
        median_order_units=median_order,
        orders=orders,
        wholesale_order_units=settings.wholesale_order_units,
    )
    grid["channel"] = grid["market"].map(chosen)
    home = home_market(settings, cand)
    say(0.4, "Computing landed cost")
    res = landed_cost_frame(grid, date=as_of, target_margin=target, fx=fx, rules=rules, home_market=home)
    basis_text = {m: i18n.message(w, "en") for m, w in why.items()}
    res["channel_basis"] = res["market"].map(basis_text)
    res["run_id"] = run_id
    res["price_source"] = grid["price_source"].to_numpy()
    ucost_f = np.array(
        [
            fx.factor(a, b, as_of).rate if isinstance(a, str) else np.nan
            for a, b in zip(grid["cost_currency"], grid["market_currency"], strict=True)
        ]
    )
    res["unit_cost"] = grid["unit_cost"].to_numpy(float) * ucost_f
    res["unit_cost_estimated"] = grid["unit_cost_estimated"].to_numpy(bool)
    res["note_codes"], res["notes"] = _notes(
        res["unit_cost_estimated"].to_numpy(bool),
        res["dims_estimated"].to_numpy(bool),
        settings.estimated_cost_share,
    )
    res["low_confidence"] = res["low_confidence"] | res["unit_cost_estimated"]
    say(0.8, f"Writing {len(res):,} rows to landed_costs")
    write_frame(con, LANDED_COSTS, res, ignore=DETAIL_COLUMNS)
    say(1.0, "Landed cost done")
    best = (
        res.dropna(subset=["margin_pct"])
        .sort_values("margin_pct", ascending=False)
        .drop_duplicates(["product_id", "market"])
    )
    stale = fx_and_margin_notes(fx, as_of, [], settings.fx_max_age_days)

    def fx_msg(lang: str) -> list[str]:
        return [i18n.message(n, lang) for n in stale]

    return json.loads(
        json.dumps(
            {
                "rows": int(len(res)),
                "products": int(res["product_id"].nunique()),
                "markets": targets,
                "modes": list(modes),
                "as_of": as_of.isoformat(),
                "target_margin": target,
                "unit_cost_estimated_share": float(res["unit_cost_estimated"].mean()),
                "dims_estimated_share": float(res["dims_estimated"].mean()),
                "median_best_margin_pct": float(best["margin_pct"].median()) if len(best) else None,
                "fx_last_date": fx.last_date,
                "consignment": {
                    "replenishment_months": months,
                    "rows_by_demand_basis": {
                        str(k): int(v) for k, v in consignment_basis.value_counts().sort_index().items()
                    },
                    "median_units_sea_lcl": _median_units(res, "sea_lcl"),
                },
                "channels": {m: chosen[m] for m in targets},
                "channel_basis": _channel_summary(why),
                "processor_account": home,
                "fx_age_days": fx.age_days(as_of),
                "skipped_markets": skipped,
                "research_notes": [*fx_msg("en"), *research_notes(targets, as_of)],
                "research_notes_zh": [*fx_msg("zh"), *research_notes(targets, as_of, lang="zh")],
            }
        )
    )


def _channel_summary(why: dict[str, dict]) -> dict[str, Any]:
    """The distinct reasons for the channels chosen, in en and zh, with the markets each covers."""
    out: dict[str, Any] = {}
    for m, w in why.items():
        key = i18n.message(w, "en")
        item = out.setdefault(key, {"zh": i18n.message(w, "zh"), "markets": []})
        item["markets"].append(m)
    return out


def _median_units(res: pd.DataFrame, mode: str) -> float | None:
    u = res.loc[res["mode"] == mode, "units"]
    return float(u.median()) if len(u) else None


class LandedCostParams(Params):
    """Parameters of the landed-cost stage (see :func:`run_landed_cost`)."""

    modes: tuple[Literal["sea_fcl", "sea_lcl", "air", "express", "rail"], ...] = DEFAULT_MODES
    max_products: int | None = Field(1000, ge=1, le=1_000_000)
    date: dt.date | None = None
    target_margin: float | None = Field(None, gt=-1, lt=1)
    channels: str | None = None


def _run(ctx: StageContext, p: LandedCostParams) -> dict[str, Any]:
    values = p.model_dump()
    values["date"] = None if p.date is None else p.date.isoformat()
    return run_landed_cost(ctx.con, ctx.settings, run_id=ctx.run_id, markets=ctx.markets, progress=ctx.progress,
                           **values)  # fmt: skip


STAGE = Stage(
    "landed_cost", _run, LandedCostParams, writes=TABLES, weight=0.05, quick={"max_products": 300},
    web=("max_products",), title="Landed cost", dossier=SECTION,
)  # fmt: skip
