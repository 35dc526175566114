"""The product-development tracker: stage gates, the expected launch date, the current gate and cycle times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "GATES",
    "END_GATES",
    "DECISIONS",
    "LaunchPlan",
    "plan_launch",
    "check_gate",
    "project_status",
    "cycle_times",
]

GATES = ("idea", "specification", "sourcing", "compliance", "pilot", "launch")
"""The gates in order; after ``launch`` a project ends in ``scale`` or ``stop`` (stop may come at any gate)."""
END_GATES = ("scale", "stop")
DECISIONS = ("go", "hold", "stop")


@dataclass(frozen=True)
class LaunchPlan:
    """When a project is expected to launch and why.

    Attributes:
        expected_launch: start + specification + max(sourcing, compliance) + pilot.
        days: Total planned days.
        critical_path: Gates on the longest path, joined by ' > '.
        unknown: Durations no source gave (counted as 0 days), e.g. ``['sourcing']``.
    """

    expected_launch: dt.date
    days: float
    critical_path: str
    unknown: tuple[str, ...]


def plan_launch(
    start: dt.date,
    *,
    spec_days: float,
    supplier_lead_days: float | None,
    compliance_days: float | None,
    pilot_days: float,
) -> LaunchPlan:
    """Expected launch date: specification, then sourcing and compliance side by side, then the pilot batch.

    Args:
        start: Day the project starts (its idea gate).
        spec_days: Days to write the specification.
        supplier_lead_days: Supplier lead time (quotes, samples, production), None when unknown.
        compliance_days: Compliance critical path (high lead times), None when unknown.
        pilot_days: Days for the pilot batch before launch.

    Returns:
        The plan; an unknown duration counts as 0 days and is named in ``unknown``.
    """
    unknown = tuple(
        n for n, v in (("sourcing", supplier_lead_days), ("compliance", compliance_days)) if v is None
    )
    sourcing = float(supplier_lead_days or 0.0)
    compliance = float(compliance_days or 0.0)
    # The longer of the two known durations is on the path (an unknown one only when both are unknown).
    known_s = -1.0 if supplier_lead_days is None else sourcing
    known_c = -1.0 if compliance_days is None else compliance
    middle = "sourcing" if known_s >= known_c else "compliance"
    days = float(spec_days) + max(sourcing, compliance) + float(pilot_days)
    path = " > ".join(("specification", middle, "pilot", "launch"))
    return LaunchPlan(start + dt.timedelta(days=round(days)), days, path, unknown)


def project_status(events: pd.DataFrame) -> pd.DataFrame:
    """Each project's current gate and state from its events.

    Args:
        events: project_events rows (project_id, gate, decided_at, decision).

    Returns:
        project_id, gate (the last gate passed with 'go', or the gate of a 'stop'), state (active | launched |
        scaled | stopped | on_hold), started_at (the idea event), launched_at (the launch 'go'), last_at.
    """
    cols = ["project_id", "gate", "state", "started_at", "launched_at", "last_at"]
    if events.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for pid, ev in events.sort_values("decided_at", kind="stable").groupby("project_id", sort=True):
        last = ev.iloc[-1]
        go = ev[ev["decision"] == "go"]
        gate = str(go["gate"].iloc[-1]) if len(go) else "idea"
        launched = go.loc[go["gate"] == "launch", "decided_at"]
        if last["decision"] == "stop" or last["gate"] == "stop":
            state, gate = "stopped", str(last["gate"])
        elif gate == "scale":
            state = "scaled"
        elif len(launched):
            state = "launched"
        elif last["decision"] == "hold":
            state = "on_hold"
        else:
            state = "active"
        idea = ev.loc[ev["gate"] == "idea", "decided_at"]
        rows.append((pid, gate, state, idea.min() if len(idea) else ev["decided_at"].min(),
                     launched.min() if len(launched) else pd.NaT, last["decided_at"]))  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def check_gate(current: str, gate: str, decision: str) -> str | None:
    """Why a gate decision is not allowed after ``current`` (None when it is).

    Args:
        current: The project's current gate (last 'go').
        gate: The gate being decided.
        decision: go | hold | stop.

    Returns:
        None, or a message code of the launch catalogue (``launch.gate_*``).
    """
    if decision not in DECISIONS:
        return "launch.gate_bad_decision"
    if gate not in (*GATES, *END_GATES):
        return "launch.gate_unknown"
    if current in END_GATES:
        return "launch.gate_closed"
    if gate == "stop" or decision == "stop":
        return None
    if gate == "scale":
        return None if current == "launch" else "launch.gate_order"
    position = GATES.index(gate)
    done = GATES.index(current) if current in GATES else 0
    return None if position in (done, done + 1) else "launch.gate_order"


def cycle_times(status: pd.DataFrame) -> pd.DataFrame:
    """Development cycle time per project: days from the idea gate to the launch 'go' (launched ones only).

    Args:
        status: Output of :func:`project_status`.

    Returns:
        project_id, cycle_days, cycle_months (days / 30.44).
    """
    done = status.dropna(subset=["launched_at"])
    days = (
        pd.to_datetime(done["launched_at"]) - pd.to_datetime(done["started_at"])
    ).dt.total_seconds() / 86400
    return pd.DataFrame({"project_id": done["project_id"], "cycle_days": days, "cycle_months": days / 30.44})
