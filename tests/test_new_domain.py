"""Adding a domain is its folder plus one registry line: shown with a real (throw-away) domain folder.

The folder ``widgets/`` below holds exactly what docs/architecture.md says a domain holds — tables.py, a pure
module, stage.py, dossier.py, messages/{en,zh}.toml — and nothing else in the project is edited: its table
reaches the warehouse, its messages the catalogue, its stage the run (with typed, checked parameters), and its
dossier section the API's dossier and the report's page.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest

import xborder.domains
from xborder.core import i18n
from xborder.core.errors import BadInputError
from xborder.core.settings import get_settings
from xborder.pipeline import registry
from xborder.pipeline.dossier import connection_query, dossier
from xborder.pipeline.runner import run_pipeline
from xborder.report.sections import generic_section
from xborder.schema import _domain_tables, all_tables
from xborder.warehouse import connect
from xborder.warehouse.runs import load_run

FILES = {
    "__init__.py": '"""Widgets: a domain made up for this test."""\n',
    "tables.py": '''
        """The widgets stage's table."""
        from xborder.schema.table import Column, Table

        WIDGET_SCORES = Table(
            "widget_scores", "One widget score per product x market x run.", owner="widgets",
            columns=(Column("run_id", "VARCHAR", "Run."), Column("product_id", "VARCHAR", "Product."),
                     Column("market", "VARCHAR", "Market."), Column("widgets", "DOUBLE", "Widgets.", unit="units")),
        )
        TABLES = (WIDGET_SCORES,)
    ''',
    "engine.py": '''
        """Pure: count widgets (frames in, frames out)."""
        import pandas as pd

        def score(pairs: pd.DataFrame, per_unit: float) -> pd.DataFrame:
            return pairs.assign(widgets=pairs["units"] * per_unit)[["product_id", "market", "widgets"]]
    ''',
    "dossier.py": '''
        """Widgets' part of a dossier."""
        from xborder.warehouse.dossier import Pair, Reader, Section

        def build(reader: Reader, pair: Pair) -> dict:
            return {"scores": reader.rows("widget_scores", product_id=pair.product_id, market=pair.market)}

        SECTION = Section("widgets", build, tables=("widget_scores",))
    ''',
    "stage.py": '''
        """The widgets stage: the only module of the domain that touches the warehouse."""
        import pandas as pd
        from pydantic import Field

        from xborder.domains.widgets.dossier import SECTION
        from xborder.domains.widgets.engine import score
        from xborder.domains.widgets.tables import WIDGET_SCORES
        from xborder.warehouse.stage import Params, Stage, StageContext
        from xborder.warehouse.tables import write_frame

        class WidgetParams(Params):
            per_unit: float = Field(2.0, gt=0, le=100)

        def _run(ctx: StageContext, p: WidgetParams) -> dict:
            pairs = pd.DataFrame({"product_id": ["p1", "p2"], "market": ["DE", "DE"], "units": [3.0, 5.0]})
            n = write_frame(ctx.con, WIDGET_SCORES, score(pairs, p.per_unit).assign(run_id=ctx.run_id))
            return {"rows": n}

        STAGE = Stage("widgets", _run, WidgetParams, writes=(WIDGET_SCORES,), title="Widgets", dossier=SECTION)
    ''',
    "messages/en.toml": '[widgets]\ntitle = "Widgets"\n',
    "messages/zh.toml": '[widgets]\ntitle = "小部件"\n',
}


@pytest.fixture
def widgets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "ext"
    for name, text in FILES.items():
        path = root / "widgets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    monkeypatch.setattr(xborder.domains, "__path__", [*xborder.domains.__path__, str(root)])
    locations = xborder.domains.__spec__.submodule_search_locations
    monkeypatch.setattr(xborder.domains.__spec__, "submodule_search_locations", [*locations, str(root)])
    _domain_tables.cache_clear()
    i18n._catalogue.cache_clear()
    stage = importlib.import_module("xborder.domains.widgets.stage").STAGE
    monkeypatch.setattr(registry, "STAGES", (*registry.STAGES, stage))  # the one registry line
    yield stage
    for mod in [m for m in sys.modules if m.startswith("xborder.domains.widgets")]:
        del sys.modules[mod]
    _domain_tables.cache_clear()
    i18n._catalogue.cache_clear()


def test_a_new_domain_is_its_folder_and_one_registry_line(widgets, tmp_path: Path) -> None:
    assert "widget_scores" in {t.name for t in all_tables()}  # discovered, declared once
    assert i18n.render("widgets.title", "zh") == "小部件" and i18n.check_catalogue() == []
    db = tmp_path / "w.duckdb"
    settings = get_settings(db_path=str(db))
    with pytest.raises(BadInputError, match="widgets.per_unit must be number"):
        run_pipeline(settings, stages=[widgets], out=tmp_path, params={"widgets": {"per_unit": -1}})
    res = run_pipeline(settings, stages=[widgets], out=tmp_path, params={"widgets": {"per_unit": "1.5"}})
    con = connect(db)  # the warehouse got the table from its declaration
    assert con.execute("SELECT product_id, widgets FROM widget_scores ORDER BY 1").fetchall() == [
        ("p1", 4.5),
        ("p2", 7.5),
    ]
    assert load_run(con, res["run_id"])["stages"]["widgets"]["summary"] == {"rows": 2}
    con.execute("INSERT INTO products (product_id, source, title) VALUES ('p1', 'test', 'Widget one')")
    d = dossier(connection_query(con), res["run_id"], "p1", "DE")
    con.close()
    section = d["sections"]["widgets"]
    assert section["scores"][0]["widgets"] == 4.5 and section["stage"]["status"] == "ok"
    from xborder.report.messages import Translator

    shown = generic_section("widgets", section, Translator("zh"), "zh")
    assert shown["title"] == "小部件" and shown["tables"][0][1]["rows"][0][-1] == "4.500"
    from xborder.report.reasons import stage_label

    assert stage_label("widgets", Translator("zh")) == "小部件"  # the report's stage table names it too
