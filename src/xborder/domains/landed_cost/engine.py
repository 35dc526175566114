"""Landed cost for many product x market x mode combinations at once (vectorised), citing the rules used.

:func:`landed_cost_frame` takes one row per combination (columns :data:`INPUT_COLUMNS`), resolves each rule
once per distinct key (lane, tariff line, origin, fee table ...) from the :class:`RuleBook` of the date,
computes freight and insurance, then runs the numpy kernel for customs value, low-value rule, duty,
VAT/GST and marketplace fees, and solves the break-even and target-margin prices. Money in the output is
in the market's currency, per unit.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from xborder.core.errors import BadInputError
from xborder.domains.landed_cost.channels import CHANNELS, channel_fee_arrays
from xborder.domains.landed_cost.fee_arrays import fee_arrays
from xborder.domains.landed_cost.freight import BASIS_CODES, freight_per_unit
from xborder.domains.landed_cost.inputs import prepare_frame
from xborder.domains.landed_cost.kernel import DUTY_CODES, VAT_CODES, evaluate, solve_price
from xborder.domains.landed_cost.keys import Fx, col, groups, num
from xborder.domains.landed_cost.rules import RuleBook, rule_book
from xborder.domains.landed_cost.tables import LANDED_COSTS
from xborder.reference.fx import FxTable, load_fx

__all__ = ["landed_cost_frame", "OUTPUT_COLUMNS", "ROW_COLUMNS", "SOURCING_COLUMNS", "DETAIL_COLUMNS"]

ROW_COLUMNS: tuple[str, ...] = tuple(c for c in LANDED_COSTS.column_names if c != "run_id")
"""The columns of one ``landed_costs`` row: the declaration's (``tables.py``), less ``run_id``."""
SOURCING_COLUMNS = (
    "price_source",
    "unit_cost",
    "unit_cost_estimated",
    "notes",
    "note_codes",
    "channel_basis",
)
"""Row columns on where the inputs came from (quote or estimate, observed or converted price): the stage
fills them; the engine is given the cost and price, not their origin."""
DETAIL_COLUMNS = (
    "platform",
    "chargeable_qty",
    "chargeable_unit",
    "size_tier",
    "vat_rate",
    "duty_rate",
    "additional_rate",
    "hs_code",
    "fx_date",
)
"""What the engine also returns for an itemised answer, not stored in ``landed_costs``."""
OUTPUT_COLUMNS: tuple[str, ...] = tuple(c for c in ROW_COLUMNS if c not in SOURCING_COLUMNS) + DETAIL_COLUMNS
"""The columns :func:`landed_cost_frame` returns, in order."""


def _lane_arrays(d: pd.DataFrame, rules: RuleBook, fxc: Fx) -> dict:
    codes, uniq = groups(d, ["origin", "freight_region", "mode"])
    cards = [rules.freight_card(*k) for k in uniq]
    get = lambda name, default=0.0: col(cards, name, default)[codes]  # noqa: E731
    basis = np.array([BASIS_CODES[c["basis"]] for c in cards])[codes]
    vol = (d["length_cm"] * d["width_cm"] * d["height_cm"]).to_numpy(float)
    # default consignment: the card's typical units; for containers, as many units as fill one container
    fill = np.floor(
        np.minimum(
            get("container_cbm", 58.0) * 1e6 / vol,
            get("container_max_kg", 26000.0) / d["weight_kg"].to_numpy(float),
        )
    )
    default_units = np.where(basis == 2, np.maximum(fill, 1.0), get("default_units", 1.0))
    units = d["units"].to_numpy(float)
    units = np.where(np.isfinite(units), units, default_units)
    per_unit, qty = freight_per_unit(
        basis=basis,
        rate=get("rate"),
        min_charge=get("min_charge"),
        divisor=get("divisor", 6000.0),
        container_cbm=get("container_cbm", 58.0),
        container_max_kg=get("container_max_kg", 26000.0),
        shipment_charges=get("origin_charges") + get("dest_charges"),
        units=units,
        weight_kg=d["weight_kg"].to_numpy(float),
        volume_cm3=vol,
        round_half_kg=(d["mode"] == "express").to_numpy(),
    )
    cur = np.array([c["currency"] for c in cards], dtype=object)[codes]
    to_mkt = fxc.vec(cur, d["currency"])
    return {
        "units": units,
        "freight": per_unit * to_mkt,
        "freight_rate": get("rate") * to_mkt,
        "freight_min_charge": np.where(basis == 2, 0.0, get("min_charge")) * to_mkt,
        "freight_fixed": (get("origin_charges") + get("dest_charges")) * to_mkt,
        "chargeable_qty": qty,
        "chargeable_unit": np.array(["kg", "cbm", "containers"])[basis],
        "freight_rule": np.array([c["rule_id"] for c in cards], dtype=object)[codes],
    }


def _low_value_arrays(d: pd.DataFrame, rules: RuleBook, fxc: Fx) -> dict:
    codes, uniq = groups(d, ["market", "duty_table", "origin", "currency"])
    per_key = [rules.low_value_rules(k[0], k[1], k[2]) for k in uniq]
    kmax = max([len(t) for t, _ in per_key] + [1])
    cmax = max([len(c) for _, c in per_key] + [1])
    u = len(uniq)
    out = {name: np.zeros((u, kmax)) for name in ("lv_lo", "lv_hi", "lv_amount", "lv_rate", "lv_deduction")}
    out.update(
        {
            "lv_tax_rate": np.full((u, kmax), np.nan),
            "lv_valid": np.zeros((u, kmax), bool),
            "lv_basis_cv": np.zeros((u, kmax), bool),
            "lv_tax_incl": np.zeros((u, kmax), bool),
            "lv_duty": np.zeros((u, kmax), int),
            "lv_vat": np.zeros((u, kmax), int),
        }
    )
    out.update(
        {
            "ch_lo": np.zeros((u, cmax)),
            "ch_hi": np.zeros((u, cmax)),
            "ch_amount": np.zeros((u, cmax)),
            "ch_valid": np.zeros((u, cmax), bool),
            "ch_basis_cv": np.zeros((u, cmax), bool),
            "ch_per_item": np.zeros((u, cmax), bool),
        }
    )
    ids = np.full((u, kmax), "", dtype=object)
    ch_ids = np.full((u, cmax), "", dtype=object)
    for i, (key, (treat, charge)) in enumerate(zip(uniq, per_key, strict=True)):
        for k, r in enumerate(treat):
            f = fxc(r["value_currency"], key[3])
            out["lv_lo"][i, k] = num(r["min_value"], 0.0) * f
            out["lv_hi"][i, k] = num(r["max_value"], np.inf) * f
            out["lv_valid"][i, k] = True
            out["lv_basis_cv"][i, k] = r["value_basis"] == "customs_value"
            out["lv_duty"][i, k] = DUTY_CODES[r["duty_effect"]]
            out["lv_vat"][i, k] = VAT_CODES[r["vat_effect"]]
            out["lv_amount"][i, k] = num(r["duty_amount"], 0.0) * f
            out["lv_rate"][i, k] = num(r["duty_rate"], 0.0)
            out["lv_deduction"][i, k] = num(r["duty_deduction"], 0.0) * f
            out["lv_tax_rate"][i, k] = num(r["tax_rate"])
            out["lv_tax_incl"][i, k] = str(r["tax_inclusive"]).lower() == "true"
            ids[i, k] = r["rule_id"]
        for c, r in enumerate(charge):
            f = fxc(r["value_currency"], key[3])
            out["ch_hi"][i, c] = num(r["max_value"], np.inf) * f
            out["ch_valid"][i, c] = True
            out["ch_basis_cv"][i, c] = r["value_basis"] == "customs_value"
            out["ch_amount"][i, c] = num(r["charge_amount"], 0.0) * f
            out["ch_per_item"][i, c] = r["charge_per"] == "item"
            ch_ids[i, c] = r["rule_id"]
    out = {k: v[codes] for k, v in out.items()}
    out["_lv_ids"], out["_ch_ids"] = (
        ids[codes],
        np.array(["|".join(x for x in row if x) for row in ch_ids], dtype=object)[codes],
    )
    return out


def _duty_arrays(d: pd.DataFrame, rules: RuleBook) -> dict:
    codes, uniq = groups(d, ["duty_table", "hs_code"])
    duty = [rules.duty_rule(*k) for k in uniq]
    acodes, auniq = groups(d, ["market", "origin", "hs_code"])
    add = [rules.additional_rules(*k) for k in auniq]
    return {
        "base_rate": np.array([x[0] for x in duty])[codes],
        "duty_rule": np.array([x[1] for x in duty], dtype=object)[codes],
        "add_rate": np.array([sum(num(r["rate"], 0.0) for r in rs) for rs in add])[acodes],
        "add_rules": np.array(["|".join(str(r["rule_id"]) for r in rs) for rs in add], dtype=object)[acodes],
    }


def _customs_fee_arrays(d: pd.DataFrame, rules: RuleBook, fxc: Fx) -> dict:
    fee_rules = {m: rules.customs_fee_rules(m) for m in d["market"].unique()}
    fmax = max([len(f) for f in fee_rules.values()] + [1])
    n = len(d)
    out = {k: np.zeros((n, fmax)) for k in ("cf_rate", "cf_min", "cf_max", "cf_vmin", "cf_vmax")}
    out["cf_valid"] = np.zeros((n, fmax), bool)
    ids = np.full((n, fmax), "", dtype=object)
    for m, frame in fee_rules.items():
        for j, (_, r) in enumerate(frame.iterrows()):
            rows = (d["market"] == m).to_numpy() & (
                (d["mode"].isin(str(r["modes"]).split("|"))).to_numpy() | (r["modes"] == "*")
            )
            f = fxc(r["currency"], rules.market(m)["currency"])
            out["cf_rate"][rows, j] = num(r["rate"], 0.0)
            out["cf_min"][rows, j] = num(r["min_amount"], 0.0) * f
            out["cf_max"][rows, j] = num(r["max_amount"], np.inf) * f
            out["cf_vmin"][rows, j] = num(r["value_min"], 0.0) * f
            out["cf_vmax"][rows, j] = num(r["value_max"], np.inf) * f
            out["cf_valid"][rows, j] = True
            ids[rows, j] = r["rule_id"]
    out["_cf_ids"] = ids
    return out


def landed_cost_frame(
    df: pd.DataFrame,
    *,
    date: dt.date | str | None = None,
    target_margin: float = 0.30,
    fx: FxTable | None = None,
    rules: RuleBook | None = None,
    home_market: str | None = None,
) -> pd.DataFrame:
    """Landed cost, margin, ROI, break-even and target price per row of ``df`` (see module docstring).

    Each row's ``channel`` (default ``marketplace``; see :mod:`xborder.domains.landed_cost.channels`) picks
    its fees; ``home_market`` is where the seller's card-processor account is (own-shop fees)."""
    rules = rules or rule_book(date)
    fx = fx or load_fx()
    d = prepare_frame(df, rules)
    mk = rules.markets.reindex(d["market"])
    for name in (
        "currency",
        "customs_value_basis",
        "vat_base",
        "price_includes_vat",
        "default_platform",
        "fee_table",
        "duty_table",
        "freight_region",
    ):
        d[name] = mk[name].to_numpy()
    d["platform"] = d["platform"].where(
        d["platform"].notna() & (d["platform"].astype(str) != ""), d["default_platform"]
    )
    d["channel"] = _channels(d["channel"])
    d.loc[d["channel"] == "own_shop", "platform"] = "shop"
    d.loc[d["channel"] == "b2b_wholesale", "platform"] = "b2b"
    d.loc[d["platform"] != "amazon", "fee_table"] = ""
    fxc = Fx(fx, rules.date)
    vat = rules.vat.reindex(d["market"])
    goods = (d["unit_cost"] + d["packaging_cost"]).to_numpy(float) * fxc.vec(
        d["cost_currency"], d["currency"]
    )
    lane = _lane_arrays(d, rules, fxc)
    ins = rules.insurance_rule()
    insurance = num(ins["rate"], 0.0) * num(ins["cover_factor"], 1.0) * (goods + lane["freight"])
    a = {
        "units": lane["units"],
        "express": (d["mode"] == "express").to_numpy(),
        "goods": goods,
        "freight": lane["freight"],
        "insurance": insurance,
        "cif": (d["customs_value_basis"] == "CIF").to_numpy(),
        "vat_rate": pd.to_numeric(vat["rate"]).to_numpy(float),
        "includes_vat": (d["price_includes_vat"] == "true").to_numpy(),
        "vat_base": d["vat_base"]
        .map({"none": 0, "cif_plus_duty": 1, "customs_value_plus_duty": 2})
        .to_numpy(int),
        **_duty_arrays(d, rules),
        **_low_value_arrays(d, rules, fxc),
        **_customs_fee_arrays(d, rules, fxc),
        **fee_arrays(d, rules, fxc),
    }
    chf = channel_fee_arrays(d, rules, fxc, home_market)
    own = np.isfinite(chf["ch_pay_rate"])
    for k in ("comm_rate", "fixed_fee"):
        a[k] = np.where(own, 0.0, a[k])
    a["pay_rate"] = np.where(own, chf["ch_pay_rate"], a["pay_rate"])
    a["pay_fixed"] = np.where(own, chf["ch_pay_fixed"], a["pay_fixed"])
    a["includes_vat"] = a["includes_vat"] & ~chf["ch_net_price"]
    a["_plat_ids"] = np.where(own, chf["_ch_fee_ids"], a["_plat_ids"])
    price = d["price"].to_numpy(float)
    res = evaluate(a, price)
    be = solve_price(a, 0.0)
    tp = solve_price(a, target_margin, start=be)
    out = pd.DataFrame(
        {k: res[k] for k in res if k not in ("goods_value", "lv_index", "duty_code", "vat_code")}
    )
    out.insert(0, "product_id", d["product_id"].to_numpy())
    out.insert(1, "market", d["market"].to_numpy())
    out.insert(2, "mode", d["mode"].to_numpy())
    out["platform"] = d["platform"].to_numpy()
    out["currency"] = d["currency"].to_numpy()
    out["units"], out["price"], out["goods_cost"] = lane["units"], price, goods
    out["freight"], out["insurance"] = lane["freight"], insurance
    with np.errstate(divide="ignore", invalid="ignore"):
        out["margin_pct"] = res["unit_margin"] / res["net_revenue"]
        out["roi"] = res["unit_margin"] / res["landed_cost"]
    out["break_even_price"], out["target_price"], out["target_margin"] = be, tp, target_margin
    out["chargeable_qty"], out["chargeable_unit"] = lane["chargeable_qty"], lane["chargeable_unit"]
    out["size_tier"] = a["size_tier"]
    out["vat_rate"], out["duty_rate"], out["additional_rate"] = a["vat_rate"], a["base_rate"], a["add_rate"]
    idx = res["lv_index"]
    lv_ids = np.where(idx >= 0, np.take_along_axis(a["_lv_ids"], np.clip(idx, 0, None)[:, None], 1)[:, 0], "")
    out["low_value_rule"] = lv_ids
    out["duty_rule"] = np.where(res["duty_code"] == 0, a["duty_rule"], "").astype(object)
    vat_ids = vat["rule_id"].to_numpy(dtype=object)
    cfees = np.array(["|".join(x for x in row if x) for row in a["_cf_ids"]], dtype=object)
    parts = [
        lane["freight_rule"],
        np.full(len(d), ins["rule_id"], dtype=object),
        out["duty_rule"].to_numpy(object),
        np.where(res["duty_code"] == 0, a["add_rules"], ""),
        vat_ids,
        lv_ids,
        np.where(res["low_value_charges"] > 0, a["_ch_ids"], ""),
        np.where(res["customs_fees"] > 0, cfees, ""),
        a["_ref_ids"],
        a["_fba_ids"],
        a["_adj_ids"],
        a["_plat_ids"],
    ]
    joined = parts[0].astype(object)
    for p in parts[1:]:
        joined = joined + "|" + p.astype(object)
    ucodes, uvals = pd.factorize(joined)  # few distinct combinations: clean each once
    uvals = ["|".join(x for x in str(v).split("|") if x) for v in uvals]
    out["rules_used"] = np.array(uvals, dtype=object)[ucodes]
    low = {k for k, v in rules.meta.items() if v["confidence"] == "low"}
    low_u = np.array([any(x in low for x in s.split("|")) for s in uvals], bool)
    out["low_confidence"] = low_u[ucodes] | d["dims_estimated"].to_numpy(bool)
    out["dims_estimated"] = d["dims_estimated"].to_numpy()
    out["hs_code"] = d["hs_code"].to_numpy()
    out["channel"] = d["channel"].to_numpy()
    fee_ids = a["_ref_ids"] + "|" + a["_fba_ids"] + "|" + a["_adj_ids"] + "|" + a["_plat_ids"]
    out["channel_rules"] = ["|".join(x for x in str(v).split("|") if x) for v in fee_ids]
    out["freight_basis"] = lane["chargeable_unit"]
    out["freight_qty"] = lane["chargeable_qty"]
    for k in ("freight_rate", "freight_min_charge", "freight_fixed"):
        out[k] = lane[k]
    out["as_of"] = rules.date.isoformat()
    out["fx_date"] = min(fx.last_date, rules.date.isoformat())
    return out[list(OUTPUT_COLUMNS)]


def _channels(col: pd.Series) -> pd.Series:
    """The rows' channels, lower case, ``marketplace`` where none is given; a clear error for an unknown one."""
    ch = col.where(col.notna() & (col.astype(str).str.strip() != ""), "marketplace").astype(str).str.strip()
    ch = ch.str.lower()
    bad = ~ch.isin(CHANNELS)
    if bad.any():
        i = int(np.argmax(bad.to_numpy()))
        raise BadInputError(
            f"Row {i + 1}, column 'channel': unknown sales channel {ch.iloc[i]!r}.",
            hint=f"Use one of: {', '.join(CHANNELS)}.",
        )
    return ch
