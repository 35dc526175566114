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
        codes, uniq = _groups(pd.DataFrame({"a": np.asarray(a), "b": np.asarray(b)}), ["a", "b"])
        return np.array([self(x, y) for x, y in uniq], float)[codes]


def _groups(d: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, list[tuple]]:
    """(code per row, distinct keys): rules are resolved once per distinct key and broadcast by code."""
    combo = np.zeros(len(d), np.int64)
    for c in cols:
        codes, uniq = pd.factorize(d[c], use_na_sentinel=False)
        combo = combo * (len(uniq) + 1) + codes
    _, first, inverse = np.unique(combo, return_index=True, return_inverse=True)
    values = [d[c].to_numpy() for c in cols]
    return inverse.reshape(-1), [tuple(str(v[i]) for v in values) for i in first]


def _col(rows: list, col: str, default: float = np.nan) -> np.ndarray:
    return np.array([_f(r[col], default) for r in rows], float)


def _lane_arrays(d: pd.DataFrame, rules: RuleBook, fxc: _Fx) -> dict:
    codes, uniq = _groups(d, ["origin", "freight_region", "mode"])
    cards = [rules.freight_card(*k) for k in uniq]
    get = lambda col, default=0.0: _col(cards, col, default)[codes]  # noqa: E731
    units = d["units"].to_numpy(float)
    units = np.where(np.isfinite(units), units, get("default_units", 1.0))
    basis = np.array([BASIS_CODES[c["basis"]] for c in cards])[codes]
    vol = (d["length_cm"] * d["width_cm"] * d["height_cm"]).to_numpy(float)
    per_unit, qty = freight_per_unit(
        basis=basis, rate=get("rate"), min_charge=get("min_charge"), divisor=get("divisor", 6000.0),
        container_cbm=get("container_cbm", 58.0), container_max_kg=get("container_max_kg", 26000.0),
        shipment_charges=get("origin_charges") + get("dest_charges"), units=units,
        weight_kg=d["weight_kg"].to_numpy(float), volume_cm3=vol, round_half_kg=(d["mode"] == "express").to_numpy(),
    )
    cur = np.array([c["currency"] for c in cards], dtype=object)[codes]
    return {
        "units": units, "freight": per_unit * fxc.vec(cur, d["currency"]), "chargeable_qty": qty,
        "chargeable_unit": np.array(["kg", "cbm", "containers"])[basis],
        "freight_rule": np.array([c["rule_id"] for c in cards], dtype=object)[codes],
    }


def _low_value_arrays(d: pd.DataFrame, rules: RuleBook, fxc: _Fx) -> dict:
    codes, uniq = _groups(d, ["market", "duty_table", "origin", "currency"])
    per_key = [rules.low_value_rules(k[0], k[1], k[2]) for k in uniq]
    kmax = max([len(t) for t, _ in per_key] + [1])
    cmax = max([len(c) for _, c in per_key] + [1])
    u = len(uniq)
    out = {name: np.zeros((u, kmax)) for name in ("lv_lo", "lv_hi", "lv_amount", "lv_rate", "lv_deduction")}
    out.update({"lv_tax_rate": np.full((u, kmax), np.nan), "lv_valid": np.zeros((u, kmax), bool),
                "lv_basis_cv": np.zeros((u, kmax), bool), "lv_tax_incl": np.zeros((u, kmax), bool),
                "lv_duty": np.zeros((u, kmax), int), "lv_vat": np.zeros((u, kmax), int)})
    out.update({"ch_lo": np.zeros((u, cmax)), "ch_hi": np.zeros((u, cmax)), "ch_amount": np.zeros((u, cmax)),
                "ch_valid": np.zeros((u, cmax), bool), "ch_basis_cv": np.zeros((u, cmax), bool),
                "ch_per_item": np.zeros((u, cmax), bool)})
    ids = np.full((u, kmax), "", dtype=object)
    ch_ids = np.full((u, cmax), "", dtype=object)
    for i, (key, (treat, charge)) in enumerate(zip(uniq, per_key, strict=True)):
        for k, r in enumerate(treat):
            f = fxc(r["value_currency"], key[3])
            out["lv_lo"][i, k] = _f(r["min_value"], 0.0) * f
            out["lv_hi"][i, k] = _f(r["max_value"], np.inf) * f
            out["lv_valid"][i, k] = True
            out["lv_basis_cv"][i, k] = r["value_basis"] == "customs_value"
            out["lv_duty"][i, k] = DUTY_CODES[r["duty_effect"]]
            out["lv_vat"][i, k] = VAT_CODES[r["vat_effect"]]
            out["lv_amount"][i, k] = _f(r["duty_amount"], 0.0) * f
            out["lv_rate"][i, k] = _f(r["duty_rate"], 0.0)
            out["lv_deduction"][i, k] = _f(r["duty_deduction"], 0.0) * f
            out["lv_tax_rate"][i, k] = _f(r["tax_rate"])
            out["lv_tax_incl"][i, k] = str(r["tax_inclusive"]).lower() == "true"
            ids[i, k] = r["rule_id"]
        for c, r in enumerate(charge):
            f = fxc(r["value_currency"], key[3])
            out["ch_hi"][i, c] = _f(r["max_value"], np.inf) * f
            out["ch_valid"][i, c] = True
            out["ch_basis_cv"][i, c] = r["value_basis"] == "customs_value"
            out["ch_amount"][i, c] = _f(r["charge_amount"], 0.0) * f
            out["ch_per_item"][i, c] = r["charge_per"] == "item"
            ch_ids[i, c] = r["rule_id"]
    out = {k: v[codes] for k, v in out.items()}
    out["_lv_ids"], out["_ch_ids"] = ids[codes], np.array(["|".join(x for x in row if x) for row in ch_ids],
                                                          dtype=object)[codes]
    return out


def _duty_arrays(d: pd.DataFrame, rules: RuleBook) -> dict:
    codes, uniq = _groups(d, ["duty_table", "hs_code"])
    duty = [rules.duty_rule(*k) for k in uniq]
    acodes, auniq = _groups(d, ["market", "origin", "hs_code"])
    add = [rules.additional_rules(*k) for k in auniq]
    return {
        "base_rate": np.array([x[0] for x in duty])[codes],
        "duty_rule": np.array([x[1] for x in duty], dtype=object)[codes],
        "add_rate": np.array([sum(_f(r["rate"], 0.0) for r in rs) for rs in add])[acodes],
        "add_rules": np.array(["|".join(str(r["rule_id"]) for r in rs) for rs in add], dtype=object)[acodes],
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


TABLE_CCY = {"amazon.US": "USD", "amazon.DE": "EUR", "amazon.GB": "GBP", "amazon.JP": "JPY"}


def _referral_arrays(d: pd.DataFrame, rules: RuleBook, is_amazon: np.ndarray) -> dict:
    codes, uniq = _groups(d, ["fee_table", "category"])
    b = 3
    u = len(uniq)
    out = {k: np.zeros((u, b)) for k in ("ref_lo", "ref_hi", "ref_rate")}
    out["ref_portion"] = np.zeros((u, b), bool)
    out["ref_min"] = np.zeros(u)
    ids = []
    for i, key in enumerate(uniq):
        br = rules.referral_records(*key)
        for j, r in enumerate(br[:b]):
            out["ref_lo"][i, j], out["ref_hi"][i, j] = _f(r["price_from"], 0.0), _f(r["price_to"], np.inf)
            out["ref_rate"][i, j], out["ref_portion"][i, j] = _f(r["rate"], 0.0), r["applies"] == "portion"
            out["ref_min"][i] = _f(r["min_fee"], 0.0)
        ids.append("|".join(r["rule_id"] for r in br))
    out = {k: v[codes] for k, v in out.items()}
    out["_ref_ids"] = np.where(is_amazon, np.array(ids, dtype=object)[codes], "")
    return out


def _fee_arrays(d: pd.DataFrame, rules: RuleBook, fxc: _Fx) -> dict:
    n = len(d)
    is_amazon = (d["platform"] == "amazon").to_numpy() & (d["fee_table"] != "").to_numpy()
    table_ccy = d["fee_table"].map(TABLE_CCY).fillna("USD")
    f_l2t = np.where(is_amazon, fxc.vec(d["currency"], table_ccy), 1.0)
    f_t2l = np.where(is_amazon, 1.0 / f_l2t, fxc.vec(pd.Series(["USD"] * n), d["currency"]))
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
    pcodes, puniq = _groups(d, ["platform", "market", "currency"])
    plat = [rules.platform_rule(k[0], k[1]) for k in puniq]
    cols = {k: np.zeros(len(puniq)) for k in ("comm_rate", "fixed_fee", "pay_rate", "pay_fixed")}
    cols["fixed_below"] = np.full(len(puniq), np.inf)
    pid = np.full(len(puniq), "", dtype=object)
    for i, (k, r) in enumerate(zip(puniq, plat, strict=True)):
        if r is None or k[0] == "amazon":
            continue
        f = fxc(r["currency"], k[2])
        cols["comm_rate"][i], cols["pay_rate"][i] = _f(r["commission_rate"], 0.0), _f(r["payment_fee_rate"], 0.0)
        cols["fixed_fee"][i], cols["pay_fixed"][i] = _f(r["fixed_fee"], 0.0) * f, _f(r["payment_fixed"], 0.0) * f
        cols["fixed_below"][i] = _f(r["fixed_fee_below"], np.inf) * f
        pid[i] = r["rule_id"]
    pr = {k: np.where(is_amazon, 0.0 if k != "fixed_below" else np.inf, v[pcodes]) for k, v in cols.items()}
    return {"is_amazon": is_amazon, "f_l2t": f_l2t, "f_t2l": f_t2l, "fba_base": fba, "size_tier": tier,
            **_referral_arrays(d, rules, is_amazon), **adj, **pr, "_fba_ids": fba_ids, "_adj_ids": adj_ids,
            "_plat_ids": np.where(is_amazon, "", pid[pcodes])}


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
    out["duty_rule"] = np.where(res["duty_code"] == 0, a["duty_rule"], "").astype(object)
    vat_ids = vat["rule_id"].to_numpy(dtype=object)
    cfees = np.array(["|".join(x for x in row if x) for row in a["_cf_ids"]], dtype=object)
    parts = [lane["freight_rule"], np.full(len(d), ins["rule_id"], dtype=object), out["duty_rule"].to_numpy(object),
             np.where(res["duty_code"] == 0, a["add_rules"], ""), vat_ids, lv_ids,
             np.where(res["low_value_charges"] > 0, a["_ch_ids"], ""), np.where(res["customs_fees"] > 0, cfees, ""),
             a["_ref_ids"], a["_fba_ids"], a["_adj_ids"], a["_plat_ids"]]
    joined = parts[0].astype(object)
    for p in parts[1:]:
        joined = joined + "|" + p.astype(object)
    used = pd.Series(joined).str.replace(r"\|{2,}", "|", regex=True).str.strip("|")
    out["rules_used"] = used.to_numpy()
    low = {k for k, v in rules.meta.items() if v["confidence"] == "low"}
    ucodes, uvals = pd.factorize(used)
    low_u = np.array([any(x in low for x in s.split("|")) for s in uvals], bool)
    out["low_confidence"] = low_u[ucodes] | d["dims_estimated"].to_numpy(bool)
    out["dims_estimated"] = d["dims_estimated"].to_numpy()
    out["hs_code"] = d["hs_code"].to_numpy()
    out["as_of"] = rules.date.isoformat()
    out["fx_date"] = min(fx.last_date, rules.date.isoformat())
    return out[list(OUTPUT_COLUMNS)]
