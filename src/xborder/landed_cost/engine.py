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

from xborder.landed_cost.fees import fba_fees
from xborder.landed_cost.freight import BASIS_CODES, freight_per_unit
from xborder.landed_cost.inputs import prepare_frame
from xborder.landed_cost.kernel import DUTY_CODES, VAT_CODES, evaluate, solve_price
from xborder.landed_cost.rules import RuleBook, rule_book
from xborder.reference.fx import FxTable, load_fx

__all__ = ["landed_cost_frame", "OUTPUT_COLUMNS"]

OUTPUT_COLUMNS = (
    "product_id", "market", "mode", "platform", "currency", "units", "price", "goods_cost", "freight", "insurance",
    "customs_value", "duty", "additional_duty", "customs_fees", "low_value_charges", "import_tax_cost",
    "import_vat_recoverable", "landed_cost", "referral_fee", "fulfilment_fee", "other_fees", "output_vat",
    "net_revenue", "unit_margin", "margin_pct", "roi", "break_even_price", "target_price", "target_margin",
    "chargeable_qty", "chargeable_unit", "size_tier", "vat_rate", "duty_rate", "additional_rate", "low_value_rule",
    "duty_rule", "rules_used", "low_confidence", "dims_estimated", "hs_code", "as_of", "fx_date",
)


def _f(x: object, default: float = np.nan) -> float:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return v if np.isfinite(v) else default


class _Fx:
    """Cached conversion factors for one date."""

    def __init__(self, fx: FxTable, date: dt.date) -> None:
        self.fx, self.date, self.cache = fx, date, {}

    def __call__(self, a: str, b: str) -> float:
        key = (a, b)
        if key not in self.cache:
            self.cache[key] = self.fx.factor(a, b, self.date).rate
        return self.cache[key]

    def vec(self, a: pd.Series, b: pd.Series) -> np.ndarray:
        pairs = pd.Series(list(zip(a, b, strict=True)))
        return pairs.map({k: self(*k) for k in set(pairs)}).to_numpy(float)


def _by_key(keys: pd.Series, fn) -> pd.Series:  # noqa: ANN001
    """Apply ``fn`` once per distinct key and broadcast (keys are hashable tuples or strings)."""
    uniq = {k: fn(k) for k in pd.unique(keys)}
    return keys.map(uniq)


def _lane_arrays(d: pd.DataFrame, rules: RuleBook, fxc: _Fx) -> dict:
    keys = pd.Series(list(zip(d["origin"], d["freight_region"], d["mode"], strict=True)))
    cards = _by_key(keys, lambda k: rules.freight_card(*k))
    get = lambda col, default=0.0: np.array([_f(c[col], default) for c in cards])  # noqa: E731
    cur = pd.Series([c["currency"] for c in cards])
    units = d["units"].to_numpy(float)
    units = np.where(np.isfinite(units), units, get("default_units", 1.0))
    basis = np.array([BASIS_CODES[c["basis"]] for c in cards])
    vol = (d["length_cm"] * d["width_cm"] * d["height_cm"]).to_numpy(float)
    per_unit, qty = freight_per_unit(
        basis=basis, rate=get("rate"), min_charge=get("min_charge"), divisor=get("divisor", 6000.0),
        container_cbm=get("container_cbm", 58.0), container_max_kg=get("container_max_kg", 26000.0),
        shipment_charges=get("origin_charges") + get("dest_charges"), units=units,
        weight_kg=d["weight_kg"].to_numpy(float), volume_cm3=vol, round_half_kg=(d["mode"] == "express").to_numpy(),
    )
    return {
        "units": units, "freight": per_unit * fxc.vec(cur, d["currency"]), "chargeable_qty": qty,
        "chargeable_unit": np.array(["kg", "cbm", "containers"])[basis], "freight_rule": [c["rule_id"] for c in cards],
    }


def _low_value_arrays(d: pd.DataFrame, rules: RuleBook, fxc: _Fx) -> dict:
    keys = pd.Series(list(zip(d["market"], d["duty_table"], d["origin"], d["currency"], strict=True)))
    per_key = {k: rules.low_value_rules(k[0], k[1], k[2]) for k in pd.unique(keys)}
    kmax = max([len(t) for t, _ in per_key.values()] + [1])
    cmax = max([len(c) for _, c in per_key.values()] + [1])
    n = len(d)
    out = {name: np.zeros((n, kmax)) for name in ("lv_lo", "lv_hi", "lv_amount", "lv_rate", "lv_deduction")}
    out.update({"lv_tax_rate": np.full((n, kmax), np.nan), "lv_valid": np.zeros((n, kmax), bool),
                "lv_basis_cv": np.zeros((n, kmax), bool), "lv_tax_incl": np.zeros((n, kmax), bool),
                "lv_duty": np.zeros((n, kmax), int), "lv_vat": np.zeros((n, kmax), int)})
    out.update({"ch_lo": np.zeros((n, cmax)), "ch_hi": np.zeros((n, cmax)), "ch_amount": np.zeros((n, cmax)),
                "ch_valid": np.zeros((n, cmax), bool), "ch_basis_cv": np.zeros((n, cmax), bool),
                "ch_per_item": np.zeros((n, cmax), bool)})
    ids = np.full((n, kmax), "", dtype=object)
    ch_ids = np.full((n, cmax), "", dtype=object)
    codes = keys.map({k: i for i, k in enumerate(per_key)}).to_numpy()
    for i, (key, (treat, charge)) in enumerate(per_key.items()):
        rows = codes == i
        for k, r in enumerate(treat):
            f = fxc(r["value_currency"], key[3])
            out["lv_lo"][rows, k] = _f(r["min_value"], 0.0) * f
            out["lv_hi"][rows, k] = _f(r["max_value"], np.inf) * f
            out["lv_valid"][rows, k] = True
            out["lv_basis_cv"][rows, k] = r["value_basis"] == "customs_value"
            out["lv_duty"][rows, k] = DUTY_CODES[r["duty_effect"]]
            out["lv_vat"][rows, k] = VAT_CODES[r["vat_effect"]]
            out["lv_amount"][rows, k] = _f(r["duty_amount"], 0.0) * f
            out["lv_rate"][rows, k] = _f(r["duty_rate"], 0.0)
            out["lv_deduction"][rows, k] = _f(r["duty_deduction"], 0.0) * f
            out["lv_tax_rate"][rows, k] = _f(r["tax_rate"])
            out["lv_tax_incl"][rows, k] = str(r["tax_inclusive"]).lower() == "true"
            ids[rows, k] = r["rule_id"]
        for c, r in enumerate(charge):
            f = fxc(r["value_currency"], key[3])
            out["ch_hi"][rows, c] = _f(r["max_value"], np.inf) * f
            out["ch_valid"][rows, c] = True
            out["ch_basis_cv"][rows, c] = r["value_basis"] == "customs_value"
            out["ch_amount"][rows, c] = _f(r["charge_amount"], 0.0) * f
            out["ch_per_item"][rows, c] = r["charge_per"] == "item"
            ch_ids[rows, c] = r["rule_id"]
    out["_lv_ids"], out["_ch_ids"] = ids, ch_ids
    return out


def _duty_arrays(d: pd.DataFrame, rules: RuleBook) -> dict:
    duty = _by_key(pd.Series(list(zip(d["duty_table"], d["hs_code"], strict=True))), lambda k: rules.duty_rule(*k))
    add = _by_key(pd.Series(list(zip(d["market"], d["origin"], d["hs_code"], strict=True))),
                  lambda k: rules.additional_rules(*k))
    return {
        "base_rate": np.array([x[0] for x in duty]), "duty_rule": [x[1] for x in duty],
        "add_rate": np.array([sum(_f(r["rate"], 0.0) for r in rs) for rs in add]),
        "add_rules": ["|".join(str(r["rule_id"]) for r in rs) for rs in add],
    }


def _customs_fee_arrays(d: pd.DataFrame, rules: RuleBook, fxc: _Fx) -> dict:
    fee_rules = {m: rules.customs_fee_rules(m) for m in d["market"].unique()}
    fmax = max([len(f) for f in fee_rules.values()] + [1])
    n = len(d)
    out = {k: np.zeros((n, fmax)) for k in ("cf_rate", "cf_min", "cf_max", "cf_vmin", "cf_vmax")}
    out["cf_valid"] = np.zeros((n, fmax), bool)
    ids = np.full((n, fmax), "", dtype=object)
    for m, frame in fee_rules.items():
        for j, (_, r) in enumerate(frame.iterrows()):
            rows = (d["market"] == m).to_numpy() & (
                (d["mode"].isin(str(r["modes"]).split("|"))).to_numpy() | (r["modes"] == "*"))
            f = fxc(r["currency"], rules.market(m)["currency"])
            out["cf_rate"][rows, j] = _f(r["rate"], 0.0)
            out["cf_min"][rows, j] = _f(r["min_amount"], 0.0) * f
            out["cf_max"][rows, j] = _f(r["max_amount"], np.inf) * f
            out["cf_vmin"][rows, j] = _f(r["value_min"], 0.0) * f
            out["cf_vmax"][rows, j] = _f(r["value_max"], np.inf) * f
            out["cf_valid"][rows, j] = True
            ids[rows, j] = r["rule_id"]
    out["_cf_ids"] = ids
    return out


def _fee_arrays(d: pd.DataFrame, rules: RuleBook, fxc: _Fx) -> dict:
    n = len(d)
    is_amazon = (d["platform"] == "amazon").to_numpy() & (d["fee_table"] != "").to_numpy()
    table_ccy = d["fee_table"].map(lambda t: {"amazon.US": "USD", "amazon.DE": "EUR", "amazon.GB": "GBP",
                                              "amazon.JP": "JPY"}.get(t, "USD"))
    f_l2t = np.where(is_amazon, fxc.vec(d["currency"], table_ccy), 1.0)
    f_t2l = np.where(is_amazon, 1.0 / f_l2t, fxc.vec(pd.Series(["USD"] * n), d["currency"]))
    bands = _by_key(pd.Series(list(zip(d["fee_table"], d["category"], strict=True))),
                    lambda k: rules.referral_bands(*k))
    b = 3
    out = {k: np.zeros((n, b)) for k in ("ref_lo", "ref_hi", "ref_rate")}
    out["ref_portion"] = np.zeros((n, b), bool)
    out["ref_min"] = np.zeros(n)
    ref_ids = []
    for i, br in enumerate(bands):
        ids = []
        for j, (_, r) in enumerate(br.iterrows()):
            out["ref_lo"][i, j], out["ref_hi"][i, j] = _f(r["price_from"], 0.0), _f(r["price_to"], np.inf)
            out["ref_rate"][i, j], out["ref_portion"][i, j] = _f(r["rate"], 0.0), r["applies"] == "portion"
            out["ref_min"][i] = _f(r["min_fee"], 0.0)
            ids.append(r["rule_id"])
        ref_ids.append("|".join(ids) if is_amazon[i] else "")
    fba = np.full(n, np.nan)
    tier = np.full(n, "", dtype=object)
    fba_ids = np.full(n, "", dtype=object)
    adj = {k: np.zeros(n) for k in ("fba_low_add", "fba_high_add", "fba_pct")}
    adj["fba_low_thr"], adj["fba_high_thr"] = np.full(n, -np.inf), np.full(n, np.inf)
    adj_ids = np.full(n, "", dtype=object)
    bulk = is_amazon & (d["mode"] != "express").to_numpy()
    for table in d.loc[bulk, "fee_table"].unique():
        sel = bulk & (d["fee_table"] == table).to_numpy()
        tiers, card = rules.tiers[rules.tiers["fee_table"] == table], rules.fba[rules.fba["fee_table"] == table]
        if tiers.empty or card.empty:
            continue
        s = d[sel]
        fee, tr, rid = fba_fees(tiers, card, s["length_cm"], s["width_cm"], s["height_cm"], s["weight_kg"])
        fba[sel], tier[sel], fba_ids[sel] = fee, tr, rid
        for _, r in rules.fba_adj[rules.fba_adj["fee_table"] == table].iterrows():
            hit = sel & (np.isin(tier, str(r["size_tiers"]).split("|")) | (r["size_tiers"] == "*"))
            amt = _f(r["amount"], 0.0)
            if r["kind"] == "pct":
                adj["fba_pct"][hit] += amt
            elif _f(r["price_from"], 0.0) <= 0 and np.isfinite(_f(r["price_to"])):
                adj["fba_low_thr"][hit], adj["fba_low_add"][hit] = _f(r["price_to"]), amt
            elif _f(r["price_from"], 0.0) > 0:
                adj["fba_high_thr"][hit], adj["fba_high_add"][hit] = _f(r["price_from"]), amt
            else:
                adj["fba_low_thr"][hit], adj["fba_low_add"][hit] = np.inf, amt
            adj_ids[hit] = np.where(adj_ids[hit] == "", r["rule_id"], adj_ids[hit] + "|" + r["rule_id"])
    plat = _by_key(pd.Series(list(zip(d["platform"], d["market"], strict=True))), lambda k: rules.platform_rule(*k))
    pr = {k: np.zeros(n) for k in ("comm_rate", "fixed_fee", "pay_rate", "pay_fixed")}
    pr["fixed_below"] = np.full(n, np.inf)
    plat_ids = []
    for i, r in enumerate(plat):
        if r is None or is_amazon[i]:
            plat_ids.append("")
            continue
        f = fxc(r["currency"], d["currency"].iloc[i])
        pr["comm_rate"][i], pr["pay_rate"][i] = _f(r["commission_rate"], 0.0), _f(r["payment_fee_rate"], 0.0)
        pr["fixed_fee"][i], pr["pay_fixed"][i] = _f(r["fixed_fee"], 0.0) * f, _f(r["payment_fixed"], 0.0) * f
        pr["fixed_below"][i] = _f(r["fixed_fee_below"], np.inf) * f
        plat_ids.append(r["rule_id"])
    return {"is_amazon": is_amazon, "f_l2t": f_l2t, "f_t2l": f_t2l, "fba_base": fba, "size_tier": tier, **out,
            **adj, **pr, "_ref_ids": ref_ids, "_fba_ids": fba_ids, "_adj_ids": adj_ids, "_plat_ids": plat_ids}


def landed_cost_frame(
    df: pd.DataFrame,
    *,
    date: dt.date | str | None = None,
    target_margin: float = 0.30,
    fx: FxTable | None = None,
    rules: RuleBook | None = None,
) -> pd.DataFrame:
    """Landed cost, margin, ROI, break-even and target price per row of ``df`` (see module docstring)."""
    rules = rules or rule_book(date)
    fx = fx or load_fx()
    d = prepare_frame(df, rules)
    mk = rules.markets.reindex(d["market"])
    for col in ("currency", "customs_value_basis", "vat_base", "price_includes_vat", "default_platform",
                "fee_table", "duty_table", "freight_region"):
        d[col] = mk[col].to_numpy()
    d["platform"] = d["platform"].where(d["platform"].notna() & (d["platform"].astype(str) != ""), d["default_platform"])
    d.loc[d["platform"] != "amazon", "fee_table"] = ""
    fxc = _Fx(fx, rules.date)
    vat = rules.vat.reindex(d["market"])
    goods = (d["unit_cost"] + d["packaging_cost"]).to_numpy(float) * fxc.vec(d["cost_currency"], d["currency"])
    lane = _lane_arrays(d, rules, fxc)
    ins = rules.insurance_rule()
    insurance = _f(ins["rate"], 0.0) * _f(ins["cover_factor"], 1.0) * (goods + lane["freight"])
    a = {
        "units": lane["units"], "express": (d["mode"] == "express").to_numpy(), "goods": goods,
        "freight": lane["freight"], "insurance": insurance, "cif": (d["customs_value_basis"] == "CIF").to_numpy(),
        "vat_rate": pd.to_numeric(vat["rate"]).to_numpy(float),
        "includes_vat": (d["price_includes_vat"] == "true").to_numpy(),
        "vat_base": d["vat_base"].map({"none": 0, "cif_plus_duty": 1, "customs_value_plus_duty": 2}).to_numpy(int),
        **_duty_arrays(d, rules), **_low_value_arrays(d, rules, fxc), **_customs_fee_arrays(d, rules, fxc),
        **_fee_arrays(d, rules, fxc),
    }
    price = d["price"].to_numpy(float)
    res = evaluate(a, price)
    be = solve_price(a, 0.0)
    tp = solve_price(a, target_margin)
    out = pd.DataFrame({k: res[k] for k in res if k not in ("goods_value", "lv_index", "duty_code", "vat_code")})
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
    out["duty_rule"] = np.where(res["duty_code"] == 0, a["duty_rule"], "")
    vat_ids = vat["rule_id"].to_numpy()
    charges = ["|".join(x for x in row if x) for row in a["_ch_ids"]]
    cfees = ["|".join(x for x in row if x) for row in a["_cf_ids"]]
    parts = zip(lane["freight_rule"], [ins["rule_id"]] * len(d), out["duty_rule"],
                np.where(res["duty_code"] == 0, a["add_rules"], ""), vat_ids, lv_ids,
                np.where(res["low_value_charges"] > 0, charges, ""), np.where(res["customs_fees"] > 0, cfees, ""),
                a["_ref_ids"], a["_fba_ids"], a["_adj_ids"], a["_plat_ids"], strict=True)
    out["rules_used"] = ["|".join(x for x in p if x) for p in parts]
    low = {k for k, v in rules.meta.items() if v["confidence"] == "low"}
    out["low_confidence"] = [bool(d_est) or any(x in low for x in s.split("|"))
                             for s, d_est in zip(out["rules_used"], d["dims_estimated"], strict=True)]
    out["dims_estimated"] = d["dims_estimated"].to_numpy()
    out["hs_code"] = d["hs_code"].to_numpy()
    out["as_of"] = rules.date.isoformat()
    out["fx_date"] = min(fx.last_date, rules.date.isoformat())
    return out[list(OUTPUT_COLUMNS)]
