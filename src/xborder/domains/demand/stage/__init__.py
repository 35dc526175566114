"""The demand domain's warehouse side: read demand events, write forecasts, accuracy and trend signals (``STAGE``)."""

from xborder.domains.demand.stage.inputs import load_events
from xborder.domains.demand.stage.outputs import with_text
from xborder.domains.demand.stage.run import DEFAULT_LEVELS, STAGE, DemandParams, run_demand

__all__ = ["STAGE", "DemandParams", "run_demand", "load_events", "with_text", "DEFAULT_LEVELS"]
