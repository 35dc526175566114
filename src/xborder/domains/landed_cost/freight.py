"""Freight per unit by mode: chargeable weight, W/M for LCL, container fill for FCL/rail, minimums allocated.

* Air and express (``basis=kg``): chargeable weight = max(actual weight, L x W x H / divisor), the IATA
  volumetric rule (divisor 6000 cm3/kg for air cargo, 5000 for express couriers). Express totals are rounded
  up to the next 0.5 kg, as couriers bill.
* Sea LCL (``basis=cbm``): "weight or measure" — chargeable cbm = max(volume m3, weight t); 1 t = 1 cbm.
* Sea FCL and rail (``basis=container``): containers = ceil(max(volume / usable cbm, weight / max payload)).

The consignment's cost = max(rate x chargeable, minimum charge) + per-shipment charges, divided by units,
so per-shipment minimums and charges are allocated per unit.
"""

from __future__ import annotations

import numpy as np

__all__ = ["chargeable_weight_kg", "volumetric_weight_kg", "freight_per_unit", "BASIS_CODES"]

BASIS_CODES = {"kg": 0, "cbm": 1, "container": 2}


def volumetric_weight_kg(length_cm, width_cm, height_cm, divisor):
    """L x W x H (cm) / divisor (cm3 per kg)."""
    return (
        np.asarray(length_cm, float)
        * np.asarray(width_cm, float)
        * np.asarray(height_cm, float)
        / np.asarray(divisor, float)
    )


def chargeable_weight_kg(weight_kg, length_cm, width_cm, height_cm, divisor):
    """max(actual weight, volumetric weight) per unit, kg (IATA chargeable weight)."""
    return np.maximum(
        np.asarray(weight_kg, float), volumetric_weight_kg(length_cm, width_cm, height_cm, divisor)
    )


def freight_per_unit(
    *,
    basis: np.ndarray,
    rate: np.ndarray,
    min_charge: np.ndarray,
    divisor: np.ndarray,
    container_cbm: np.ndarray,
    container_max_kg: np.ndarray,
    shipment_charges: np.ndarray,
    units: np.ndarray,
    weight_kg: np.ndarray,
    volume_cm3: np.ndarray,
    round_half_kg: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(freight cost per unit, chargeable quantity of the consignment) in the rate card's currency.

    The chargeable quantity is kg (basis kg), cbm (basis cbm) or containers (basis container).
    Per-shipment charges are added once per consignment (per container for container basis).
    """
    units = np.asarray(units, float)
    total_kg = units * weight_kg
    total_cbm = units * volume_cm3 / 1e6
    with np.errstate(divide="ignore", invalid="ignore"):
        kg_charge = np.maximum(total_kg, units * volume_cm3 / divisor)
        kg_charge = np.where(round_half_kg, np.ceil(kg_charge * 2.0 - 1e-9) / 2.0, kg_charge)
        cbm_charge = np.maximum(total_cbm, total_kg / 1000.0)
        boxes = np.ceil(np.maximum(total_cbm / container_cbm, total_kg / container_max_kg) - 1e-9)
    qty = np.select([basis == 0, basis == 1], [kg_charge, cbm_charge], boxes)
    variable = np.where(basis == 2, boxes * rate, np.maximum(rate * qty, min_charge))
    fixed = np.where(basis == 2, boxes * shipment_charges, shipment_charges)
    return (variable + fixed) / units, qty
