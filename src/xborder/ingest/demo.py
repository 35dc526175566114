"""Where the bundled demo data lives (data/demo in a checkout of the repository)."""

from __future__ import annotations

from pathlib import Path

from xborder.core.errors import BadInputError

__all__ = ["demo_data_dir"]


def demo_data_dir() -> Path:
    """The bundled demo data folder (repository checkout: ./data/demo)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "data" / "demo"
        if cand.is_dir():
            return cand
    raise BadInputError(
        "The bundled demo data folder data/demo was not found next to the package.",
        hint="Run the demo from a checkout of the repository (make demo), or use `xborder run --data DIR`.",
    )
