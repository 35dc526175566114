"""How far the rule base was researched: warnings for answers dated beyond it.

``reference/data/coverage.csv`` has one row per (market, area) whose research stops at a known
date — e.g. US additional duties researched to the end of the Section 122 surcharge — plus a
``*`` row for the date the whole rule base was last checked. An answer for a date more than
``grace_days`` after ``researched_until`` gets the row's note, so "no surcharge" is never mistaken
for "checked, and none applies".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from xborder.reference.base import load_table

__all__ = ["research_notes"]


def research_notes(
    markets: Iterable[str], date: dt.date, *, areas: Iterable[str] | None = None, lang: str = "en"
) -> list[str]:
    """Notes for the rows of coverage.csv that ``date`` is past, for ``markets`` (and ``*``).

    Args:
        markets: ISO2 markets of the answer.
        date: the day answered for.
        areas: restrict to these areas (``all`` rows always count); None = every area.
        lang: en or zh (Simplified Chinese).
    """
    cov = load_table("coverage")
    wanted = {m.upper() for m in markets} | {"*"}
    keep_areas = None if areas is None else {*areas, "all"}
    out = []
    for r in cov.itertuples(index=False):
        if r.market not in wanted or (keep_areas is not None and r.area not in keep_areas):
            continue
        until = dt.date.fromisoformat(str(r.researched_until))
        if (date - until).days > int(str(r.grace_days or 0)):
            if lang == "zh":
                where = "所有市场" if r.market == "*" else str(r.market)
                out.append(
                    f"资料核查范围（{where}）：{r.note_zh}（核查至{until.isoformat()}；"
                    f"结果日期{date.isoformat()}；来源 {r.source}）。"
                )
            else:
                where = "all markets" if r.market == "*" else str(r.market)
                out.append(
                    f"Research horizon ({where}): {r.note} (researched until {until.isoformat()}; "
                    f"answer for {date.isoformat()}; source {r.source})."
                )
    return out
