"""One settings object: environment variable > config file > default, and where each value came from.

The config file is TOML, looked up at ``$XBORDER_CONFIG``, then ``./xborder.toml``, then
``~/.config/xborder/config.toml``. Keys are the field names below (``db_path = "..."``);
environment variables are ``XBORDER_`` + the upper-case field name (``XBORDER_DB_PATH``;
``XBORDER_DB`` is accepted for the database path).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from xborder.core.errors import BadInputError

__all__ = ["Settings", "get_settings"]


@dataclass
class Settings:
    """Practice defaults and paths. Ask :meth:`source_of` where a value came from."""

    db_path: str = "xborder.duckdb"
    """DuckDB warehouse file."""
    report_dir: str = "xborder-report"
    """Where reports and ``*.rejected.csv`` files are written."""
    pseudonym_key_file: str = "~/.config/xborder/pseudonym.key"
    """Key file of warehouses made before keys were stored with the warehouse: adopted once by such a warehouse
    (new warehouses get their own random key, table ``pseudonym_key``)."""
    pseudonym_key: str = ""
    """A key for a new warehouse (instead of a random one); must match the key a warehouse already holds."""
    forecast_horizon_weeks: int = 26
    forecast_horizon_months: int = 6
    forecast_levels: tuple[int, ...] = (80, 95)
    service_level: float = 0.95
    target_margin: float = 0.30
    estimated_cost_share: float = 0.35
    """Landed cost: unit cost assumed as this share of the observed home-market price when no supplier quote
    exists (rule of thumb for imported consumer goods sold at about 3x factory cost; rows are marked estimated)."""
    fx_max_age_days: int = 7
    """Answers whose FX rates are older than this many days say so (update with ``xborder fx update FILE``)."""
    default_origin: str = "CN"
    rfm_recent_min_score: int = 3
    """Customers: R score (1-5, 5 = most recent) from which a customer counts as recent (high value or
    potential rather than at risk or lost)."""
    rfm_valuable_min_score: float = 3.5
    """Customers: mean of the F and M scores (1-5) from which a customer counts as valuable (high value or at
    risk rather than potential or lost)."""
    selection_profile: str = "balanced"
    max_upload_mb: int = 200
    trusted_proxies: str = ""
    """Addresses or networks (comma-separated, e.g. ``127.0.0.1`` or ``10.0.0.0/8``) of reverse proxies whose
    X-Forwarded-For / X-Forwarded-Proto headers ``xborder serve`` believes; empty: none (the socket peer counts)."""
    erasure_deadline_hours: int = 48
    """Privacy: hours from receiving an erasure request to its deadline (the team's own target; the laws allow
    longer: GDPR Art. 12(3) one month, CCPA 45 days)."""
    retention_personal_days: int = 0
    """Privacy: ``xborder privacy retain`` unlinks customer keys from orders and reviews older than this many days
    (0: keep; Amazon's Data Protection Policy asks buyer data be deleted 30 days after delivery)."""
    breach_notify_hours: int = 72
    """Privacy: hours from detecting a personal-data breach to notifying the authority (GDPR Art. 33)."""
    _sources: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def source_of(self, name: str) -> str:
        """Where the value of ``name`` came from: 'default', 'config:<path>' or 'env:<VAR>'."""
        return self._sources.get(name, "default")


_ENV_ALIASES = {"db_path": ("XBORDER_DB",)}


def _config_path() -> Path | None:
    for cand in (os.environ.get("XBORDER_CONFIG"), "xborder.toml", "~/.config/xborder/config.toml"):
        if cand:
            p = Path(cand).expanduser()
            if p.is_file():
                return p
    return None


def _coerce(name: str, value: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, tuple):
            items = value if isinstance(value, list | tuple) else str(value).split(",")
            return tuple(int(x) for x in items)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise BadInputError(
            f"Setting '{name}' must look like {default!r}; got {value!r}.",
            hint="Fix it in the environment variable or config file it came from.",
        ) from exc


def get_settings(**overrides: Any) -> Settings:
    """Build settings: explicit overrides (CLI options) > environment > config file > defaults."""
    s = Settings()
    cfg_path = _config_path()
    cfg: dict[str, Any] = {}
    if cfg_path is not None:
        try:
            cfg = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise BadInputError(f"Config file {cfg_path} is not valid TOML: {exc}") from exc
        cfg = cfg.get("xborder", cfg)
    for f in fields(Settings):
        if f.name.startswith("_"):
            continue
        default = getattr(s, f.name)
        if f.name in cfg:
            setattr(s, f.name, _coerce(f.name, cfg[f.name], default))
            s._sources[f.name] = f"config:{cfg_path}"
        for var in (f"XBORDER_{f.name.upper()}", *_ENV_ALIASES.get(f.name, ())):
            if var in os.environ:
                setattr(s, f.name, _coerce(f.name, os.environ[var], default))
                s._sources[f.name] = f"env:{var}"
                break
        if overrides.get(f.name) is not None:
            setattr(s, f.name, _coerce(f.name, overrides[f.name], default))
            s._sources[f.name] = "option"
    return s
