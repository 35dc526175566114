"""Demand classes by Syntetos-Boylan (ADI and CV²) and by history length."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ADI_CUTOFF", "CV2_CUTOFF", "classify_series", "sb_class"]

ADI_CUTOFF = 1.32
"""Average inter-demand interval cut-off (Syntetos, Boylan & Croston 2005, JORS 56(5):495-503)."""
CV2_CUTOFF = 0.49
"""Squared coefficient of variation of non-zero demand sizes cut-off (same source)."""


def sb_class(adi: float, cv2: float) -> str:
    """Syntetos-Boylan quadrant: smooth (ADI<1.32, CV²<0.49), erratic, intermittent, lumpy.

    ADI = periods / periods with demand; CV² = (sd/mean)² of the non-zero sizes (sample sd).
    """
    if not np.isfinite(adi):
        return "all_zero"
    if adi < ADI_CUTOFF:
        return "smooth" if cv2 < CV2_CUTOFF else "erratic"
    return "intermittent" if cv2 < CV2_CUTOFF else "lumpy"


def classify_series(series: pd.DataFrame, *, season: int = 12, min_obs: int = 4) -> pd.DataFrame:
    """One row per unique_id: n_obs, n_nonzero, total, adi, cv2, demand_class, length_class.

    length_class: ``too_short`` (< min_obs periods: no model is fitted, a flat forecast is
    used), ``short`` (< 2 seasons: no seasonal model), ``long`` otherwise. All-zero series are
    classed ``all_zero`` and forecast as zero.
    """
    y = series["y"].astype(float)
    pos = y.where(y > 0)  # non-zero demand sizes (NaN elsewhere: groupby skips them)
    g = y.groupby(series["unique_id"], sort=True)
    gp = pos.groupby(series["unique_id"], sort=True)
    n = g.size()
    nz = gp.count().astype(int)
    total = g.sum()
    # CV² of the non-zero sizes with the sample sd (0 with fewer than two), grouped, not per series in Python
    cv2 = ((gp.std(ddof=1) / gp.mean()) ** 2).where(nz >= 2, 0.0).astype(float)
    adi = (n.astype(float) / nz.astype(float).replace(0.0, np.nan)).fillna(np.inf)
    out = pd.DataFrame({"n_obs": n, "n_nonzero": nz, "total": total, "adi": adi, "cv2": cv2})
    out.index.name = "unique_id"
    out["demand_class"] = [sb_class(a, c) for a, c in zip(out["adi"], out["cv2"], strict=True)]
    out["length_class"] = np.select(
        [out["n_obs"] < min_obs, out["n_obs"] < 2 * season], ["too_short", "short"], default="long"
    )
    return out.reset_index()
