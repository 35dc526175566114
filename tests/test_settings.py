"""Settings precedence: option > environment > config file > default, with the source reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from xborder.core.errors import BadInputError
from xborder.core.settings import get_settings


def test_default_then_config_then_env_then_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_settings().db_path == "xborder.duckdb"
    assert get_settings().source_of("db_path") == "default"
    cfg = tmp_path / "cfg.toml"
    cfg.write_text('db_path = "from-config.duckdb"\nservice_level = 0.9\n', encoding="utf-8")
    monkeypatch.setenv("XBORDER_CONFIG", str(cfg))
    s = get_settings()
    assert (s.db_path, s.service_level) == ("from-config.duckdb", 0.9)
    assert s.source_of("db_path").startswith("config:")
    monkeypatch.setenv("XBORDER_DB", "from-env.duckdb")
    assert get_settings().db_path == "from-env.duckdb"
    assert get_settings().source_of("db_path") == "env:XBORDER_DB"
    assert get_settings(db_path="opt.duckdb").db_path == "opt.duckdb"


def test_bad_value_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XBORDER_SERVICE_LEVEL", "high")
    with pytest.raises(BadInputError, match="service_level"):
        get_settings()
