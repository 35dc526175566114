"""Why an opportunity's forecast uses its model: the choice rule, the level's backtest and this series' own."""

from __future__ import annotations

import math
import re
from typing import Any

from xborder.report.messages import Translator

__all__ = ["model_choice_note"]

_RULES = (
    (re.compile(r"^best over the level's series in the backtest"), "level"),
    (re.compile(r"^best over the (?P<cls>\w+) series in the backtest"), "class"),
    (re.compile(r"^own backtest MAE lower than the level winner's by more than (?P<margin>\d+%)"), "own"),
    (re.compile(r"^(?P<model>.+): it beat the level's choice for (?P<cls>\w+) series on the last"), "recent"),
    (re.compile(r"^too short to backtest"), "short"),
    (re.compile(r"^no demand in the history"), "zero"),
)
"""The demand domain's choice reasons (``forecast_series.reason``, written by ``demand.select`` and
``demand.forecast``) and the message each becomes."""

_BASELINE = "AutoETS"


def _num(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _rule(reason: str) -> tuple[str, dict[str, str]]:
    for pattern, code in _RULES:
        m = pattern.match(reason)
        if m:
            return code, {k: v for k, v in m.groupdict().items() if v}
    return "", {}


def _level_part(rows: list[dict[str, Any]], tr: Translator) -> str:
    """How the chosen forecasts did over the level's series against AutoETS on the last window."""
    by = {str(r.get("model")): r for r in rows}
    c, a = by.get("Chosen"), by.get(_BASELINE)
    if not c or not a:
        return ""
    vals = [_num(c.get("mase")), _num(c.get("wape")), _num(a.get("mase")), _num(a.get("wape"))]
    if any(v is None for v in vals):
        return ""
    cm, cw, am, aw = (f"{v:.3f}" for v in vals)  # type: ignore[str-format]
    return tr("model_choice_level_score", n=int(c.get("n") or 0), c_mase=cm, c_wape=cw, a_mase=am, a_wape=aw)


def _series_part(accuracy: list[dict[str, Any]], tr: Translator) -> str:
    """Said only where another model beat the chosen forecasts on this series' last window."""
    scored = [(str(r.get("model")), _num(r.get("mase")), r.get("n")) for r in accuracy]
    chosen = next((m for name, m, _ in scored if name == "Chosen"), None)
    others = [(name, m, n) for name, m, n in scored if name != "Chosen" and m is not None]
    if chosen is None or not others:
        return ""
    best, b, n = min(others, key=lambda t: t[1])  # type: ignore[arg-type,return-value]
    if b is None or b >= chosen:
        return ""
    return tr("model_choice_series_behind", best=best, b=f"{b:.3f}", c=f"{chosen:.3f}", n=int(n or 0))


def model_choice_note(choice: dict[str, Any], accuracy: list[dict[str, Any]], lang: str) -> str:
    """One paragraph: why the model was chosen, how it did over the level, and where this series disagrees.

    Args:
        choice: the series' ``forecast_series`` row, plus ``level_accuracy`` (the level's ``__overall__``
            ``forecast_accuracy`` rows of the same frequency).
        accuracy: the series' own ``forecast_accuracy`` rows (the page's backtest table).
        lang: ``en`` or ``zh``.

    Returns:
        The note, or ``""`` when the run recorded no choice for the series.
    """
    reason = str(choice.get("reason") or "")
    model = str(choice.get("model") or "")
    if not reason or not model:
        return ""
    tr = Translator(lang)
    code, args = _rule(reason)
    events = tr("model_choice_events") if "[+ market events]" in reason else ""
    if not code:
        return tr("model_choice_other", model=model, reason=reason)
    head = tr(f"model_choice_{code}", model=model, events=events, **args)
    if code in ("short", "zero"):
        return head
    return head + _level_part(choice.get("level_accuracy") or [], tr) + _series_part(accuracy, tr)
