"""The inventory domain's stages: ``stockouts`` (before demand) and ``inventory`` (after demand and landed cost)."""

from xborder.domains.inventory.stage.panels import report_panels
from xborder.domains.inventory.stage.run import STAGE, InventoryParams, run_inventory
from xborder.domains.inventory.stage.stockouts import STOCKOUTS_STAGE, run_stockouts

__all__ = ["STAGE", "STOCKOUTS_STAGE", "InventoryParams", "report_panels", "run_inventory", "run_stockouts"]
