"""The risk_events table: each risk event once, with when it happened and when xborder first flagged it."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = ["RISK_EVENTS"]

RISK_EVENTS = Table(
    "risk_events",
    "Risk events, one row per event written once at its first detection: what happened, when it happened by its "
    "source, and when and by what xborder (a run, an ingest) or a person first flagged it. The risk detection "
    "time KPI is the median of detected_at - happened_at over live events (docs/risk.md, docs/launch.md).",
    owner="risk",
    role="system",
    primary_key=("event_id",),
    dated_by="detected_at",
    columns=(
        Column("event_id", "VARCHAR", "Event id: source and source key (indicator:<code>|<subject>|<period>, "
               "late_delivery:<supplier_events.event_key>) or the id a person gave.", nullable=False),
        Column("category", "VARCHAR", "compliance | platform | fx | logistics | demand | supply | ip_brand | "
               "data | finance (the register's categories and finance).", nullable=False),
        Column("product_id", "VARCHAR", "products.product_id the event concerns (NULL: not one product)."),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market the event concerns (NULL: not one market)."),
        Column("what", "VARCHAR", "What happened, as a code (indicator:<code>, late_delivery) or a person's words.",
               nullable=False),
        Column("detail", "VARCHAR", "The figures behind it (value, threshold, period; promised and delivered day)."),
        Column("happened_at", "TIMESTAMP", "When the event happened by its source (UTC); NULL: the source gives "
               "no date, said in happened_source, and the event is left out of the KPI."),
        Column("happened_source", "VARCHAR", "Where happened_at comes from (a monthly indicator: the end of the "
               "month that crossed; a late delivery: the day after the promised day)."),
        Column("detected_at", "TIMESTAMP", "When it was first flagged (UTC): the run's or ingest's start, or the "
               "time a person gives.", nullable=False),
        Column("detected_by", "VARCHAR", "run:<runs.run_id> | ingest:<ingest_log.ingest_id> | manual:<team or "
               "role> | file:<name> (a loaded list).", nullable=False),
        Column("detection_hours", "DOUBLE", "detected_at - happened_at (negative: flagged ahead; NULL: "
               "happened_at unknown).", unit="hours"),
        Column("backfill", "BOOLEAN", "True when the data that shows it was more than 31 days old when it "
               "reached xborder (a history loaded after the fact): its lag is the data's age, not detection, "
               "and it is left out of the KPI. NULL: unknown (no happened_at)."),
        Column("source", "VARCHAR", "warning_indicators | supplier_events | manual | file:<name>.", nullable=False),
        Column("note", "VARCHAR", "Free text (a person's note; no personal names)."),
        Column("recorded_at", "TIMESTAMP", "When the row was written (UTC).", nullable=False),
    ),
)  # fmt: skip
