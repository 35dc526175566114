"""The stockouts stage: stock-out periods per SKU × location from inventory snapshots (runs before demand)."""

from __future__ import annotations

from typing import Any

from xborder.core import i18n
from xborder.domains.inventory.stage.inputs import read_snapshots
from xborder.domains.inventory.stockouts import ALL_LOCATIONS, stockout_periods
from xborder.domains.inventory.tables import INVENTORY_STOCKOUTS, STOCKOUT_TABLES
from xborder.warehouse.stage import NoParams, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, write_frame

__all__ = ["run_stockouts", "STOCKOUTS_STAGE"]


def run_stockouts(ctx: StageContext, p: NoParams) -> dict[str, Any]:
    """Write ``inventory_stockouts`` for the run (skipped, with the reason, without inventory snapshots)."""
    ctx.say(0.0, "reading inventory snapshots")
    snaps = read_snapshots(ctx.con, ctx.markets)
    delete_run_rows(ctx.con, STOCKOUT_TABLES, ctx.run_id)
    if snaps.empty:
        return {"status": "skipped", "reason": i18n.render("inventory.no_snapshots", "en"),
                "reason_code": "inventory.no_snapshots", "periods": 0}  # fmt: skip
    periods = stockout_periods(snaps)
    n = write_frame(ctx.con, INVENTORY_STOCKOUTS, periods.assign(run_id=ctx.run_id))
    wide = periods[periods["location"] == ALL_LOCATIONS]
    ctx.say(1.0, "stock-outs done")
    return {
        "periods": n,
        "market_wide_periods": int(len(wide)),
        "market_wide_days": int(wide["observed_days"].sum()) if len(wide) else 0,
        "skus": int(snaps["sku"].nunique()),
        "sources": sorted(str(s) for s in snaps["source"].unique()),
    }


STOCKOUTS_STAGE = Stage(
    "stockouts", run_stockouts, NoParams, writes=STOCKOUT_TABLES, weight=0.01, title="Stock-outs"
)
