"""What one leg costs one shipment, vectorised over shipments: chargeable quantity by the lane's basis, the
minimum charge, per-shipment (per-container) charges and the weight band.

* ``kg`` (air, express, truck, sea-air): chargeable kg = max(actual, volume / divisor) — the IATA volumetric
  rule; express is billed per started 0.5 kg.
* ``cbm`` (LCL): "weight or measure", max(m³, t).
* ``container`` (FCL, rail): containers = ⌈max(m³ / usable m³, kg / payload)⌉, each paying the rate and the
  surcharge (40 ft, 58 m³, 26 t when the lane does not say).
* ``shipment`` (bonded warehouse, clearance): a flat rate.

cost = max(rate × chargeable, minimum) + surcharge; a shipment outside the lane's weight band cannot use it
(NaN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["Shipments", "leg_costs", "DEFAULT_CONTAINER"]

DEFAULT_CONTAINER = (58.0, 26000.0)


class Shipments:
    """Shipments as arrays: units, total kg and total m³ (one entry per shipment)."""

    def __init__(self, units: np.ndarray, weight_kg: np.ndarray, volume_m3: np.ndarray) -> None:
        self.units = np.asarray(units, float)
        self.kg = np.asarray(weight_kg, float)
        self.m3 = np.asarray(volume_m3, float)

    @classmethod
    def of_products(cls, frame: pd.DataFrame, units: np.ndarray | float) -> Shipments:
        """Shipments of ``units`` units of each product (``weight_kg``, ``length_cm``, ``width_cm``,
        ``height_cm`` per unit)."""
        u = np.broadcast_to(np.asarray(units, float), (len(frame),)).astype(float)
        vol = (frame["length_cm"] * frame["width_cm"] * frame["height_cm"]).to_numpy(float) / 1e6
        return cls(u, u * frame["weight_kg"].to_numpy(float), u * np.nan_to_num(vol))

    def __len__(self) -> int:
        return len(self.units)


def leg_costs(lanes: pd.DataFrame, s: Shipments, usd: np.ndarray) -> np.ndarray:
    """shipments × lanes matrix of leg costs in USD (``usd``: per lane, USD per unit of its currency); NaN where
    a shipment is outside the lane's weight band."""

    def col(name: str, default: float = np.nan) -> np.ndarray:
        v = (
            pd.to_numeric(lanes[name], errors="coerce").to_numpy(float)
            if name in lanes
            else np.full(len(lanes), np.nan)
        )
        return np.where(np.isnan(v), default, v)[None, :]

    kg, m3 = s.kg[:, None], s.m3[:, None]
    basis = lanes["basis"].to_numpy(object)[None, :]
    divisor = col("divisor")
    with np.errstate(divide="ignore", invalid="ignore"):
        vol_kg = np.where(np.isnan(divisor), 0.0, m3 * 1e6 / divisor)
    charge_kg = np.maximum(kg, vol_kg)
    express = (lanes["mode"].to_numpy(object) == "express")[None, :]
    charge_kg = np.where(express, np.ceil(charge_kg * 2.0 - 1e-9) / 2.0, charge_kg)
    charge_cbm = np.maximum(m3, kg / 1000.0)
    cbm_box, kg_box = (
        col("container_cbm", DEFAULT_CONTAINER[0]),
        col("container_max_kg", DEFAULT_CONTAINER[1]),
    )
    boxes = np.maximum(np.ceil(np.maximum(m3 / cbm_box, kg / kg_box) - 1e-9), 1.0)
    rate, minimum, surcharge = col("rate"), col("min_charge", 0.0), col("surcharge", 0.0)
    per_qty = np.where(basis == "kg", charge_kg, np.where(basis == "cbm", charge_cbm, 1.0))
    variable = np.where(
        basis == "container", boxes * (rate + surcharge), np.maximum(rate * per_qty, minimum) + surcharge
    )
    variable = np.where(basis == "shipment", rate + surcharge, variable)
    lo, hi = col("min_kg", -np.inf), col("max_kg", np.inf)
    in_band = (charge_kg >= lo) & (charge_kg <= hi)
    return np.where(in_band, variable * usd[None, :], np.nan)
