"""The API's answers other than the dossier: opportunities list, facets, comparison, runs, jobs, data, accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields as dataclass_fields
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from xborder.api.models.dossier import Opportunity
from xborder.api.models.rows import row_model

__all__ = [
    "Problem",
    "InvalidRequest",
    "ParameterProblem",
    "error_responses",
    "Health",
    "Precomputed",
    "OpportunityList",
    "Facets",
    "MarketComparison",
    "Comparison",
    "RunSummary",
    "RunList",
    "RunDetail",
    "ReportFile",
    "RunJob",
    "JobStarted",
    "Job",
    "IngestLogEntry",
    "IngestList",
    "QuarantinedRow",
    "QuarantineList",
    "TableCount",
    "IngestSummary",
    "UploadResult",
    "Session",
    "Me",
    "Done",
    "TokenCreated",
    "Account",
    "AccountCreated",
    "AccountChanged",
    "AuditEntry",
]


class _Fixed(BaseModel):
    """An answer the API builds itself: keys it does not declare are an error."""

    model_config = ConfigDict(extra="forbid")


# --- errors -----------------------------------------------------------------------------------------


class Problem(_Fixed):
    """A refusal or an error: what is wrong and, where known, what to do."""

    detail: str = Field(description="What is wrong.")
    hint: str | None = Field(None, description="What to do about it.")


class ParameterProblem(_Fixed):
    """One request value that is not valid."""

    where: str = Field(description="Where the value is, e.g. `query.page_size`.")
    problem: str | None = Field(description="What is wrong with it.")


class InvalidRequest(_Fixed):
    """422: the request is not valid (each bad parameter in ``problems``)."""

    detail: str = Field(description="What is wrong.")
    problems: list[ParameterProblem] | None = Field(None, description="Each value that failed validation.")


_ERRORS = {
    400: "Bad input: `detail` says what is wrong, `hint` what to do",
    401: "Not logged in, or the session or token has expired",
    403: "The role may not do this, the CSRF token is missing, or the one-time password must be changed first",
    404: "Not found: `hint` says where to look",
    409: "A run or an upload is in progress; try again when it has finished",
    429: "Too many failed logins: locked for the seconds in Retry-After",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses (422 is :class:`InvalidRequest`, others :class:`Problem`)."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        if code == 422:
            out[code] = {"model": InvalidRequest, "description": "Some request values are not valid"}
        else:
            out[code] = {"model": Problem, "description": _ERRORS[code]}
    return out


class Precomputed(_Fixed):
    """How far the background build of the latest run's list and detail pages is."""

    ready: bool
    details: int = Field(description="Detail pages built so far.")
    of: int = Field(description="Opportunities of the run.")


class Health(_Fixed):
    """Liveness and schema version (``GET /api/health``, no login)."""

    status: Literal["ok"]
    version: str = Field(description="xborder version.")
    schema_version: int = Field(description="Newest warehouse migration applied.")
    busy: bool = Field(
        False,
        description="Heavy work (an ingest or a pipeline run) holds the warehouse now; new heavy work waits.",
    )
    precomputed: Precomputed | None = Field(None, description="Absent when precomputing is off.")


# --- opportunities ---------------------------------------------------------------------------------

_Sort = Literal["rank", "score", "market", "product_id", "title", "category"]


class OpportunityList(_Fixed):
    """One page of the ranked opportunities of a run."""

    run_id: str | None = Field(description="The run the page is of; null when there is none yet.")
    total: int = Field(description="Rows matching the filters (all pages).")
    page: int
    page_size: int
    sort: _Sort | None = Field(None, description="The column sorted by (absent when there are no rows).")
    order: Literal["asc", "desc"] | None = None
    items: list[Opportunity]  # type: ignore[valid-type]
    note: str | None = Field(None, description="Why there are no rows (no run, table not built yet).")


class Facets(_Fixed):
    """What the opportunities of a run can be filtered by."""

    run_id: str | None
    runs: list[str] = Field(description="Runs with opportunities, newest first.")
    markets: list[str]
    categories: list[str]
    note: str | None = None


class MarketComparison(_Fixed):
    """One market of a run: its opportunities, mean score and best-ranked product."""

    market: str
    opportunities: int
    mean_score: float | None
    best_score: float | None
    best_product_id: str | None
    best_title: str | None


class Comparison(_Fixed):
    """The markets of a run, the one holding the best rank first."""

    run_id: str | None
    markets: list[MarketComparison]
    note: str | None = None


# --- runs and jobs ---------------------------------------------------------------------------------

RunSummary = row_model(
    "runs", "RunSummary", ("run_id", "kind", "started_at", "finished_at", "status", "params", "message")
)


class RunList(_Fixed):
    """Runs, newest first."""

    total: int
    items: list[RunSummary]  # type: ignore[valid-type]


ReportFile = row_model(
    "report_files", "ReportFile", ("lang", "format", "bytes", "created_at", "status", "message")
)
RunJob = row_model("jobs", "RunJob", ("job_id", "status", "progress", "created_by"))


class RunDetail(row_model("runs", "RunRecord")):  # type: ignore[misc]
    """A run's record with its output row counts, current report files and the job that started it."""

    outputs: dict[str, int] = Field(description="Rows the run wrote, per output table.")
    reports: list[ReportFile]  # type: ignore[valid-type]
    job: RunJob | None  # type: ignore[valid-type]


class JobStarted(_Fixed):
    """202: the run is queued as a background job."""

    job_id: str
    poll: str = Field(description="Where to follow its progress (GET).")


Job = row_model("jobs", "Job")

# --- data ------------------------------------------------------------------------------------------

IngestLogEntry = row_model(
    "ingest_log",
    "IngestLogEntry",
    (
        "ingest_id",
        "started_at",
        "finished_at",
        "file_name",
        "kind",
        "layout",
        "rows_in",
        "rows_stored",
        "rows_duplicate",
        "rows_quarantined",
        "status",
        "message",
    ),
)


class IngestList(_Fixed):
    """Ingested files, newest first (``file_name`` without server folders)."""

    total: int
    items: list[IngestLogEntry]  # type: ignore[valid-type]


QuarantinedRow = row_model(
    "quarantine",
    "QuarantinedRow",
    ("ingest_id", "file_name", "row_number", "column_name", "value", "reason_code", "reason"),
)


class QuarantineList(_Fixed):
    """Rows that could not be stored, with the reason and what to do."""

    total: int
    items: list[QuarantinedRow]  # type: ignore[valid-type]
    note: str | None = Field(None, description="Present when the quarantine table is not built yet.")


class TableCount(_Fixed):
    """A warehouse table with its row count and date range."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    table: str
    rows: int
    from_: str | None = Field(alias="from", description="Earliest date of its dating column, if any.")
    to: str | None = Field(description="Latest date of its dating column, if any.")


def _ingest_summary() -> type[BaseModel]:
    """The ingest summary of one file: ``IngestResult``'s fields without the server path of rejects."""
    from xborder.ingest.result import IngestResult

    hints = get_type_hints(IngestResult)
    spec = {f.name: (hints[f.name], ...) for f in dataclass_fields(IngestResult) if f.name != "rejected_csv"}
    return create_model(  # type: ignore[call-overload, no-any-return]
        "IngestSummary",
        __config__=ConfigDict(extra="forbid"),
        __doc__=IngestResult.__doc__,
        __module__=__name__,
        **spec,
    )


IngestSummary = _ingest_summary()


class UploadResult(_Fixed):
    """The ingest summary per file of an upload; ``error`` and ``hint`` when it could not be ingested (422)."""

    file: str = Field(description="The stored file's name.")
    results: list[IngestSummary]  # type: ignore[valid-type]
    error: str | None = None
    hint: str | None = None


# --- accounts --------------------------------------------------------------------------------------

_Role = Literal["admin", "analyst", "viewer"]


class Session(_Fixed):
    """A session opened by login (the cookie is set; send ``csrf_token`` as X-CSRF-Token on writes)."""

    username: str
    role: _Role
    csrf_token: str
    must_change_password: bool
    expires_at: dt.datetime = Field(description="UTC.")


class Me(_Fixed):
    """Who is logged in, and how."""

    username: str
    role: _Role
    must_change_password: bool
    auth: Literal["session", "token"]
    csrf_token: str | None = Field(description="The session's CSRF token; null for a bearer token.")
    expires_at: dt.datetime = Field(description="UTC.")


class Done(_Fixed):
    """The action was done."""

    ok: bool


class TokenCreated(_Fixed):
    """A new bearer token: shown this once."""

    token: str
    name: str
    expires_at: dt.datetime = Field(description="UTC.")
    use: str = Field(description="How to send it.")


Account = row_model(
    "users",
    "Account",
    ("username", "role", "disabled", "must_change_password", "created_at", "last_login_at"),
)


class AccountCreated(_Fixed):
    """201: the account exists; its user must change the password at first login."""

    username: str
    role: _Role
    must_change_password: bool


class AccountChanged(_Fixed):
    """What was changed (null: left as it was)."""

    username: str
    role: _Role | None
    disabled: bool | None


AuditEntry = row_model("audit_log", "AuditEntry")


# --- two-factor login ---------------------------------------------------------------------------------


class TotpStatus(_Fixed):
    """Your two-factor login (TOTP, RFC 6238)."""

    enabled: bool
    enabled_at: str | None = Field(None, description="When it was switched on (UTC, ISO 8601).")
    pending: bool = Field(description="Set up but not yet confirmed with a first code.")
    recovery_codes_left: int
    required: bool = Field(description="The server requires it of this account (admins).")


class TotpSetup(_Fixed):
    """A new secret for the authenticator app (confirm it with a first code)."""

    secret: str = Field(description="Base32 secret (shown once).")
    uri: str = Field(description="otpauth:// provisioning URI.")


class TotpEnabled(_Fixed):
    """Two-factor login switched on, with its recovery codes (shown once)."""

    enabled: Literal[True]
    recovery_codes: list[str]


class TotpDisabled(_Fixed):
    """Two-factor login switched off."""

    enabled: Literal[False]


class TotpReset(_Fixed):
    """An admin switched off someone's two-factor login."""

    username: str
    totp: Literal[False]
