"""Privacy controls beside the warehouse, driven by the personal-data flags of the table declarations.

``erase`` removes one person from every table (a deletion-request register keeps the deadline and what was
done), ``retain`` enforces the retention period, ``breaches`` keeps the 72-hour notification clock, and
``datamap`` lists every personal field, where it lives and why.
"""

from xborder.privacy.datamap import data_map
from xborder.privacy.erase import EraseResult, erase_subject, subject_keys
from xborder.privacy.registers import (
    REGIME_DEADLINE_HOURS,
    add_breach,
    deadline_hours,
    list_breaches,
    list_requests,
    mark_notified,
)
from xborder.privacy.retain import retain

__all__ = [
    "REGIME_DEADLINE_HOURS",
    "EraseResult",
    "add_breach",
    "data_map",
    "deadline_hours",
    "erase_subject",
    "list_breaches",
    "list_requests",
    "mark_notified",
    "retain",
    "subject_keys",
]
