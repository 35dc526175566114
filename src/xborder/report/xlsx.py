"""The Excel workbook behind a report: one sheet per table (openpyxl), labelled in the report's language."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from xborder.core.csvsafe import neutralise
from xborder.report.data import ReportData
from xborder.report.messages import Translator
from xborder.schema import all_tables
from xborder.schema import table as declared
from xborder.warehouse.tables import empty_frame

__all__ = ["write_workbook", "SHEETS"]

# Sheet name (≤ 31 chars) → source of the rows.
SHEETS = (
    "run",
    "stages",
    "opportunities",
    "opportunity_factors",
    "forecasts",
    "forecast_accuracy",
    "trend_signals",
    "landed_costs",
    "compliance_checks",
    "improvement_opportunities",
    "demand_history",
    "backtest",
    "ingest_log",
    "coverage",
    "rule_sources",
)
_MAX_ROWS = 1_000_000


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    """Cells openpyxl can write: JSON for lists/dicts, naive datetimes, text for the rest of objects; text that a
    spreadsheet would run as a formula is quote-prefixed (:mod:`xborder.core.csvsafe`)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            if getattr(s.dt, "tz", None) is not None:
                out[col] = s.dt.tz_convert(None)
        elif s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(_cell)
    return out.head(_MAX_ROWS)


def _cell(v: Any) -> Any:
    if hasattr(v, "tolist") and not isinstance(v, str):
        v = v.tolist()
    if isinstance(v, list | dict | tuple):
        return json.dumps(v, default=str, ensure_ascii=False)
    if isinstance(v, pd.Timestamp) and v.tzinfo is not None:
        return v.tz_convert(None)
    return neutralise(v)


def _frames(data: ReportData, tr: Translator) -> dict[str, pd.DataFrame]:
    run = data.run
    params = run.get("params") or {}
    run_rows = [
        (tr("run"), run["run_id"]),
        (tr("status"), run["status"]),
        (tr("started"), str(run.get("started_at"))),
        (tr("finished"), str(run.get("finished_at") or "")),
        (tr("markets"), ", ".join(params.get("markets") or [])),
        (tr("data"), params.get("data") or tr("warehouse_as_is")),
        (tr("fingerprint"), run.get("fingerprint") or ""),
        (
            "params",
            json.dumps({k: v for k, v in params.items() if k != "inputs"}, default=str, ensure_ascii=False),
        ),
    ]
    stages = pd.DataFrame(
        [
            {
                "stage": name,
                "status": rec.get("status"),
                "seconds": rec.get("seconds"),
                "started_at": rec.get("started_at"),
                "finished_at": rec.get("finished_at"),
                "reason_or_error": rec.get("reason") or rec.get("error"),
                "summary": json.dumps(rec.get("summary"), default=str, ensure_ascii=False)
                if rec.get("summary")
                else None,
            }
            for name, rec in data.stages.items()
        ]
    )
    history = pd.concat(
        [p.history.assign(product_id=p.product_id, market=p.market) for p in data.pages if len(p.history)]
        or [pd.DataFrame(columns=["ds", "y", "product_id", "market"])],
        ignore_index=True,
    )
    frames = {
        "run": pd.DataFrame(run_rows, columns=[tr("details"), tr("value")]),
        "stages": stages,
        "demand_history": history[["product_id", "market", "ds", "y"]],
        "selection_backtest": data.backtest.get("table", pd.DataFrame()),
        "ingest_log": data.ingests,
        "coverage": data.coverage,
        "rule_sources": data.rule_sources,
    }
    frames.update(_detail_frames(data))
    frames["opportunities"] = data.opportunities
    known = {t.name for t in all_tables()}
    for name, df in frames.items():  # message codes are for machines: people read their rendered text columns
        if name in known:
            frames[name] = df.drop(columns=list(declared(name).message_columns), errors="ignore")
    inputs = params.get("inputs") or []
    if inputs:
        frames["inputs"] = pd.DataFrame(inputs)
    return frames


def _detail_frames(data: ReportData) -> dict[str, pd.DataFrame]:
    """The engines' rows behind the report's pages (its top opportunities), plus the overall accuracy."""

    def cat(frames: list[pd.DataFrame], table: str) -> pd.DataFrame:
        frames = [f for f in frames if len(f)]
        return pd.concat(frames, ignore_index=True).drop_duplicates() if frames else empty_frame(table)

    pages = data.pages
    return {
        "opportunity_factors": cat([p.factors for p in pages], "opportunity_factors"),
        "forecasts": cat([p.forecast_rows for p in pages], "forecasts"),
        "forecast_accuracy": cat([data.accuracy] + [p.accuracy for p in pages], "forecast_accuracy"),
        "trend_signals": cat([p.trends for p in pages], "trend_signals"),
        "landed_costs": cat([p.landed for p in pages], "landed_costs"),
        "compliance_checks": cat([p.compliance for p in pages], "compliance_checks"),
        "improvement_opportunities": cat(
            [p.pains.drop(columns=["example_texts"], errors="ignore") for p in pages],
            "improvement_opportunities",
        ),
    }


def write_workbook(data: ReportData, lang: str, path: Path) -> Path:
    """Write every table behind the report to ``path`` (one sheet each, header row frozen, widths fitted).

    Uses openpyxl's write-only mode (rows streamed, no cell objects kept), which is several times
    faster than a normal workbook for the tens of thousands of rows a full run produces.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    tr = Translator(lang)
    frames = _frames(data, tr)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    names = [n for n in SHEETS if n in frames] + [n for n in frames if n not in SHEETS]
    wb = Workbook(write_only=True)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    for name in names:
        df = _clean(frames[name]) if len(frames[name].columns) else pd.DataFrame({"note": [tr("no_rows")]})
        ws = wb.create_sheet(name[:31])
        ws.freeze_panes = "A2"
        for i, col in enumerate(df.columns, start=1):
            sample = [str(col)] + [str(v) for v in df[col].head(200).tolist()]
            ws.column_dimensions[get_column_letter(i)].width = min(
                60, max(8, max(len(x) for x in sample) + 2)
            )
        header = []
        for col in df.columns:
            cell = WriteOnlyCell(ws, value=neutralise(str(col)))
            cell.font, cell.fill = bold, fill
            header.append(cell)
        ws.append(header)
        for row in df.astype(object).where(df.notna(), None).itertuples(index=False, name=None):
            ws.append(list(row))
    wb.save(tmp)
    tmp.replace(path)
    return path


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a written workbook (for checks and tests)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


__all__.append("sheet_names")
