"""The demo run on the bundled real data (data/demo): ingest it into a warehouse and show what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xborder.settings import Settings

__all__ = ["run_demo", "demo_data_dir"]


def demo_data_dir() -> Path:
    """The bundled demo data folder (repository checkout: ./data/demo)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "data" / "demo"
        if cand.is_dir():
            return cand
    raise FileNotFoundError("The bundled demo data folder data/demo was not found next to the package.")


def run_demo(settings: Settings, *, out: Path, json_mode: bool = False) -> dict[str, Any]:
    """Build the warehouse from the bundled data and return a summary (later stages extend this)."""
    from xborder.warehouse import connect, table_counts

    con = connect(settings.db_path)
    try:
        return {"db": settings.db_path, "tables": table_counts(con)}
    finally:
        con.close()
