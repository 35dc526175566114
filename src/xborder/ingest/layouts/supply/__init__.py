"""Supply layouts: supplier sheets and the USAID SCMS deliveries (kind ``suppliers``); freight rate sheets,
container bookings and freight indexes (kind ``freight``). Importing the package registers them."""

from xborder.ingest.layouts.supply import freight, scms, suppliers  # noqa: F401

__all__: list[str] = []
