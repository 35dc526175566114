"""Launch: replayed launch history, the product-development tracker, launch outcomes and the KPI scorecard."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xborder.domains.launch.metrics import forecast_error, launch_summary
    from xborder.domains.launch.replay import ReplayRules, replay_launches

# Exported on first use: opening the warehouse reads every domain's tables.py and must not import engines.
_EXPORTS = {
    "forecast_error": "xborder.domains.launch.metrics",
    "launch_summary": "xborder.domains.launch.metrics",
    "ReplayRules": "xborder.domains.launch.replay",
    "replay_launches": "xborder.domains.launch.replay",
}

__all__ = ["ReplayRules", "forecast_error", "launch_summary", "replay_launches"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
