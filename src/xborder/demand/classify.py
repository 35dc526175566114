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
    g = series.groupby("unique_id", sort=True)["y"]
    n = g.size()
    nz = g.apply(lambda y: int((y > 0).sum()))
    total = g.sum()

    def _cv2(y: pd.Series) -> float:
        pos = y[y > 0].to_numpy()
        if len(pos) < 2:
            return 0.0
        return float((pos.std(ddof=1) / pos.mean()) ** 2)

    cv2 = g.apply(_cv2)
    adi = (n / nz.replace(0, np.nan)).astype(float).fillna(np.inf)
    out = pd.DataFrame({"n_obs": n, "n_nonzero": nz, "total": total, "adi": adi, "cv2": cv2})
    out["demand_class"] = [sb_class(a, c) for a, c in zip(out["adi"], out["cv2"], strict=True)]
    out["length_class"] = np.select(
        [out["n_obs"] < min_obs, out["n_obs"] < 2 * season], ["too_short", "short"], default="long"
    )
    return out.reset_index()
