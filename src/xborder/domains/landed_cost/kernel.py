"""The price-dependent part of landed cost, on plain numpy arrays: customs value, low-value rule, duty, VAT, fees.

:func:`evaluate` runs for a vector of selling prices (market currency) over arrays prepared by
:mod:`xborder.domains.landed_cost.engine`; :func:`solve_price` finds, by vectorised bisection, the price at which
``margin - target x net revenue`` crosses zero (target 0 gives the break-even price).

Codes: low-value duty effect 0 normal, 1 exempt, 2 flat amount per item category, 3 ad valorem override
(with a per-consignment deduction), 4 flat rate covering duty and tax; VAT effect 0 at the border, 1 exempt,
2 collected at sale, 3 included in the flat rate; VAT base 0 none, 1 CIF + duty, 2 customs value + duty.
"""

from __future__ import annotations

import numpy as np

from xborder.domains.landed_cost.fees import referral_fee

__all__ = ["evaluate", "solve_price", "DUTY_CODES", "VAT_CODES"]

DUTY_CODES = {"normal": 0, "exempt": 1, "per_item": 2, "rate": 3, "flat_all": 4}
VAT_CODES = {"border": 0, "normal": 0, "exempt": 1, "at_sale": 2, "included": 3}


def _pick(mat: np.ndarray, idx: np.ndarray, default: float) -> np.ndarray:
    out = np.take_along_axis(mat, np.clip(idx, 0, None)[:, None], axis=1)[:, 0]
    return np.where(idx >= 0, out, default)


def evaluate(a: dict, price: np.ndarray) -> dict:
    """All price-dependent components per unit (market currency) for selling prices ``price``."""
    p = np.asarray(price, float)
    units, express = a["units"], a["express"]
    r = a["vat_rate"]
    net_intrinsic = np.where(a["includes_vat"], p / (1.0 + r), p)
    goods_val = np.where(express & np.isfinite(p), net_intrinsic, a["goods"])
    cv = goods_val + np.where(a["cif"], a["freight"] + a["insurance"], 0.0)
    # low-value rule: first candidate (most specific first) whose value band holds the consignment
    chosen = np.full(len(p), -1)
    for k in range(a["lv_lo"].shape[1]):
        test = units * np.where(a["lv_basis_cv"][:, k], cv, goods_val)
        lo = a["lv_lo"][:, k]
        hit = (
            a["lv_valid"][:, k]
            & express
            & (chosen < 0)
            & ((test > lo) | (lo <= 0))
            & (test <= a["lv_hi"][:, k])
        )
        chosen = np.where(hit, k, chosen)
    dcode = _pick(a["lv_duty"], chosen, 0).astype(int)
    vcode = _pick(a["lv_vat"], chosen, 0).astype(int)
    duty = a["base_rate"] * cv
    add = a["add_rate"] * cv
    amount = _pick(a["lv_amount"], chosen, 0.0)
    lv_rate = _pick(a["lv_rate"], chosen, 0.0)
    deduction = _pick(a["lv_deduction"], chosen, 0.0)
    duty = np.select(
        [dcode == 1, dcode == 2, dcode == 3, dcode == 4],
        [0.0, amount / units, lv_rate * np.maximum(units * cv - deduction, 0.0) / units, lv_rate * cv],
        duty,
    )
    add = np.where(dcode == 0, add, 0.0)
    # per-entry customs fees (formal/informal MPF, HMF) when an entry is made (not exempt)
    cons = units * cv
    cfees = np.zeros(len(p))
    for f in range(a["cf_rate"].shape[1]):
        ok = a["cf_valid"][:, f] & (cons > a["cf_vmin"][:, f]) & (cons <= a["cf_vmax"][:, f])
        fee = np.clip(a["cf_rate"][:, f] * cons, a["cf_min"][:, f], a["cf_max"][:, f])
        cfees += np.where(ok, fee, 0.0)
    cfees = np.where(dcode == 1, 0.0, cfees) / units
    # national low-value charges (per parcel or per item)
    charges = np.zeros(len(p))
    for c in range(a["ch_lo"].shape[1]):
        test = units * np.where(a["ch_basis_cv"][:, c], cv, goods_val)
        ok = a["ch_valid"][:, c] & express & (test <= a["ch_hi"][:, c])
        per_cons = a["ch_amount"][:, c] * np.where(a["ch_per_item"][:, c], units, 1.0)
        charges += np.where(ok, per_cons / units, 0.0)
    # VAT / GST
    tax_rate = _pick(a["lv_tax_rate"], chosen, np.nan)
    rate_eff = np.where(np.isfinite(tax_rate), tax_rate, r)
    inclusive = _pick(a["lv_tax_incl"].astype(float), chosen, 0.0) > 0
    base = np.select(
        [a["vat_base"] == 0, a["vat_base"] == 2],
        [0.0, cv + duty + add],
        goods_val + a["freight"] + a["insurance"] + duty + add,
    )
    import_vat = np.where(inclusive, base * rate_eff / (1.0 - rate_eff), base * rate_eff)
    import_vat = np.where(vcode == 3, 0.0, import_vat)
    output_bulk = np.where(a["includes_vat"], p * r / (1.0 + r), 0.0)
    output_sale = np.where(a["includes_vat"], p * rate_eff / (1.0 + rate_eff), 0.0)
    tax_cost = np.where(express & (vcode == 0), import_vat, 0.0)
    recoverable = np.where(express, 0.0, import_vat)
    output = np.where(express, np.where(vcode == 2, output_sale, 0.0), output_bulk)
    landed = a["goods"] + a["freight"] + a["insurance"] + duty + add + cfees + charges + tax_cost
    # marketplace fees
    p_t = p * a["f_l2t"]
    ref = (
        referral_fee(p_t, a["ref_lo"], a["ref_hi"], a["ref_rate"], a["ref_portion"], a["ref_min"])
        * a["f_t2l"]
    )
    ref = np.where(a["is_amazon"], ref, 0.0)
    fba = a["fba_base"] + np.where(p_t < a["fba_low_thr"], a["fba_low_add"], 0.0)
    fba = fba + np.where(p_t > a["fba_high_thr"], a["fba_high_add"], 0.0)
    fba = np.where(np.isfinite(a["fba_base"]), fba * (1.0 + a["fba_pct"]) * a["f_t2l"], 0.0)
    comm = a["comm_rate"] * p + np.where(p < a["fixed_below"], a["fixed_fee"], 0.0)
    other = a["pay_rate"] * p + a["pay_fixed"]
    referral = ref + np.where(a["is_amazon"], 0.0, comm)
    fees = referral + fba + other
    net = p - output
    margin = net - landed - fees
    return {
        "goods_value": goods_val,
        "customs_value": cv,
        "lv_index": chosen,
        "duty_code": dcode,
        "vat_code": vcode,
        "duty": duty,
        "additional_duty": add,
        "customs_fees": cfees,
        "low_value_charges": charges,
        "import_tax_cost": tax_cost,
        "import_vat_recoverable": recoverable,
        "output_vat": output,
        "landed_cost": landed,
        "referral_fee": referral,
        "fulfilment_fee": fba,
        "other_fees": other,
        "net_revenue": net,
        "unit_margin": margin,
    }


def _spread(values: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    out = np.ones(n)
    out[rows] = values
    return out


def solve_price(
    a: dict,
    target_margin: float | np.ndarray = 0.0,
    *,
    iterations: int = 60,
    tol: float = 1e-7,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Price at which unit margin = target x net revenue; NaN where none is found.

    Vectorised Illinois (modified regula falsi) on a bracket [~0, hi] where the gap changes sign: exact in a
    few steps on each linear piece of the (piecewise-linear) margin curve; rows stop once converged.
    """
    t = np.broadcast_to(np.asarray(target_margin, float), a["units"].shape)

    def gap(price: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        if rows is not None and rows.size > len(t) // 3:  # slicing every array costs more than it saves
            return gap(_spread(price, rows, len(t)))[rows]
        sub = (
            a
            if rows is None
            else {
                k: (v[rows] if isinstance(v, np.ndarray) and v.shape[:1] == t.shape else v)
                for k, v in a.items()
                if not k.startswith("_")
            }
        )
        out = evaluate(sub, price)
        return out["unit_margin"] - (t if rows is None else t[rows]) * out["net_revenue"]

    n = len(t)
    lo = np.full(n, 1e-6)
    hi = np.maximum(4.0 * (a["goods"] + a["freight"] + a["insurance"]) + 10.0 * a["f_t2l"], 1.0)
    if start is not None:  # e.g. the break-even price: the target price lies above it
        ok = np.isfinite(start)
        lo = np.where(ok, start, lo)
        hi = np.where(ok, np.maximum(hi, 2.0 * start / max(1e-9, 1.0 - float(np.max(t)))), hi)
    g_lo, g_hi = gap(lo), gap(hi)
    for _ in range(12):
        grow = g_hi <= 0
        if not grow.any():
            break
        hi = np.where(grow, hi * 3.0, hi)
        g_hi = np.where(grow, gap(hi), g_hi)
    found = (g_hi > 0) & (g_lo <= 0)
    x = hi.copy()
    active = np.flatnonzero(found)
    side = np.zeros(n, int)
    for it in range(iterations):
        if active.size == 0:
            break
        lw, h, gl, gh = lo[active], hi[active], g_lo[active], g_hi[active]
        cand = h - gh * (h - lw) / (gh - gl)
        # after 8 steps the rows left are at a jump (a threshold or fee tier): bisect them
        bad = ~np.isfinite(cand) | (cand <= lw) | (cand >= h) | (it >= 8)
        cand = np.where(bad, 0.5 * (lw + h), cand)
        gc = gap(cand, active)
        pos = gc > 0
        # Illinois: halve the stale end's gap when the same end is kept twice
        keep_lo = pos & (side[active] == 1)
        keep_hi = ~pos & (side[active] == -1)
        hi[active] = np.where(pos, cand, h)
        g_hi[active] = np.where(pos, gc, np.where(keep_hi, gh * 0.5, gh))
        lo[active] = np.where(pos, lw, cand)
        g_lo[active] = np.where(pos, np.where(keep_lo, gl * 0.5, gl), gc)
        side[active] = np.where(pos, 1, -1)
        x[active] = cand
        done = (np.abs(gc) <= tol * np.maximum(cand, 1.0)) | (
            hi[active] - lo[active] <= tol * np.maximum(cand, 1.0)
        )
        x[active] = np.where(done, cand, x[active])
        active = active[~done]
    return np.where(found, x, np.nan)
