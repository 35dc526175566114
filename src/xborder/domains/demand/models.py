"""The statsforecast model set: which models run, their names, and which carry native prediction intervals."""

from __future__ import annotations

from typing import Any

__all__ = [
    "BASELINES",
    "ENSEMBLE",
    "ENSEMBLE_MEMBERS",
    "INTERMITTENT",
    "NO_NATIVE_INTERVALS",
    "default_model_names",
    "make_models",
    "median_window",
]

BASELINES = ("Naive", "SeasonalNaive")
"""Benchmarks every chosen forecast is compared with (plus AutoETS alone)."""
INTERMITTENT = ("CrostonSBA", "ADIDA", "IMAPA", "TSB")
"""Intermittent-demand models; statsforecast gives them no native intervals (ours are conformal)."""
NO_NATIVE_INTERVALS = (*INTERMITTENT, "WindowMedian")
"""Models run without native intervals (their 80/95% intervals are conformal, from the backtest)."""
ENSEMBLE = "Ensemble"
"""Name of the equal-weight combination (mean of ENSEMBLE_MEMBERS), the default choice per series."""
ENSEMBLE_MEMBERS = ("Naive", "DynamicOptimizedTheta", "ADIDA")

_ETS_MAX_SEASON = 24  # statsforecast's ETS supports seasons up to 24 periods


def default_model_names(*, with_arima: bool = False) -> list[str]:
    """Model names in preference order (ties in the backtest go to the earlier one)."""
    names = ["AutoETS", "DynamicOptimizedTheta", *INTERMITTENT, "WindowMedian", "SeasonalNaive", "Naive"]
    if with_arima:
        names.insert(2, "AutoARIMA")
    return names


def make_models(names: list[str], season: int) -> tuple[list[Any], list[Any]]:
    """Instantiate ``names`` for one seasonal period.

    Returns:
        (models with native intervals, intermittent models without). They run in two
        statsforecast calls so a missing interval never triggers the fallback model.
    """
    from statsforecast.models import (
        ADIDA,
        IMAPA,
        TSB,
        AutoARIMA,
        AutoETS,
        CrostonSBA,
        DynamicOptimizedTheta,
        Naive,
        SeasonalNaive,
    )

    from xborder.domains.demand.median import WindowMedian

    ets_season = season if season <= _ETS_MAX_SEASON else 1
    factory = {
        "AutoETS": lambda: AutoETS(season_length=ets_season),
        "DynamicOptimizedTheta": lambda: DynamicOptimizedTheta(season_length=season),
        "AutoARIMA": lambda: AutoARIMA(season_length=min(season, _ETS_MAX_SEASON)),
        "CrostonSBA": CrostonSBA,
        "ADIDA": ADIDA,
        "IMAPA": IMAPA,
        "TSB": lambda: TSB(alpha_d=0.1, alpha_p=0.1),
        "WindowMedian": lambda: WindowMedian(window_size=median_window(season)),
        "SeasonalNaive": lambda: SeasonalNaive(season_length=season),
        "Naive": Naive,
    }
    unknown = [n for n in names if n not in factory]
    if unknown:
        from xborder.core.errors import BadInputError

        raise BadInputError(f"Unknown model(s) {unknown}.", hint=f"Choose from {', '.join(factory)}.")
    native = [factory[n]() for n in names if n not in NO_NATIVE_INTERVALS]
    intermittent = [factory[n]() for n in names if n in NO_NATIVE_INTERVALS]
    return native, intermittent


def median_window(season: int) -> int:
    """WindowMedian's window: about a quarter (13 weeks, 3 months) or 4 weeks of days."""
    return {52: 13, 12: 3, 7: 28}.get(season, max(3, season // 4))
