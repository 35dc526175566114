"""The structure is enforced, not remembered: import layers, independent domains, and only a domain's stage
touches the warehouse."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOMAINS = ROOT / "src" / "xborder" / "domains"
# What a domain's pure modules may import from the warehouse package: the declarations of a stage and of a
# dossier section (no connection in either).
CONTRACTS = {"xborder.warehouse.stage", "xborder.warehouse.dossier"}
WAREHOUSE_CALLS = {
    "execute",
    "executemany",
    "sql",
    "register",
    "unregister",
    "fetchall",
    "fetchone",
    "fetchdf",
    "df",
}


def _lint_imports() -> str:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail(
            "lint-imports is not installed: `make install-dev` installs the dev extra (import-linter)"
        )
    proc = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    return proc.stdout + proc.stderr if proc.returncode else ""


def test_import_contracts_hold() -> None:
    """sources → ingest → warehouse → domains → pipeline → interfaces, no cycles, domains independent."""
    broken = _lint_imports()
    assert broken == "", broken


def _is_stage(path: Path, domain: Path) -> bool:
    rel = path.relative_to(domain).parts
    return rel[0] in ("stage.py", "stage")


def _touches_warehouse(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for n in names:
                if (
                    n == "duckdb"
                    or n.startswith("duckdb.")
                    or n.startswith("xborder.warehouse")
                    and n not in CONTRACTS
                ):
                    found.append(f"line {node.lineno}: imports {n}")
        elif isinstance(node, ast.arg) and node.arg in ("con", "cur", "connection"):
            found.append(f"line {node.lineno}: takes a connection argument '{node.arg}'")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WAREHOUSE_CALLS
        ):
            base = node.func.value
            if isinstance(base, ast.Name) and base.id in ("con", "cur", "connection", "db"):
                found.append(f"line {node.lineno}: calls {base.id}.{node.func.attr}()")
    return found


def test_only_a_domains_stage_touches_the_warehouse() -> None:
    offenders = {}
    for domain in sorted(p for p in DOMAINS.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        for path in sorted(domain.rglob("*.py")):
            if _is_stage(path, domain):
                continue
            if path.relative_to(domain).parts == ("report.py",):
                # the report's panels of the domain (xborder.core.panels) read the run's tables, never write
                text = path.read_text(encoding="utf-8").upper()
                writes = [w for w in ("INSERT ", "UPDATE ", "DELETE ", "CREATE ", "DROP ", "ALTER ") if w in text]
                if writes:
                    offenders[str(path.relative_to(ROOT))] = [f"writes SQL: {writes}"]
                continue
            hits = _touches_warehouse(path)
            if hits:
                offenders[str(path.relative_to(ROOT))] = hits
    assert offenders == {}, offenders


def test_every_domain_has_a_stage_and_declares_its_tables() -> None:
    from xborder.pipeline.registry import STAGES
    from xborder.schema import domain_tables

    owned = {t.owner for t in domain_tables()}
    for domain in sorted(p.name for p in DOMAINS.iterdir() if (p / "__init__.py").exists()):
        assert (DOMAINS / domain / "stage.py").exists() or (DOMAINS / domain / "stage").is_dir(), domain
        assert domain in owned, f"domain {domain} declares no table in tables.py"
    written = {t.name for s in STAGES for t in s.writes}
    assert {t.name for t in domain_tables()} <= written, "a declared domain table no stage writes"
