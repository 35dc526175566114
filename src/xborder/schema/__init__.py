"""Every warehouse table, declared once: columns, types, units, meaning, personal-data flags, owner.

Infrastructure tables are declared here (:mod:`xborder.schema.canonical`, :mod:`xborder.schema.system`);
each domain declares the tables its stage writes in ``xborder/domains/<domain>/tables.py``, a module that
imports nothing but this package. :func:`all_tables` finds those modules by walking ``xborder.domains``
(plug-in discovery, like pytest's plugins: a new domain's tables need no line here).
"""

from __future__ import annotations

import pkgutil
from functools import lru_cache
from importlib import import_module

from xborder.schema.canonical import TABLES as CANONICAL_TABLES
from xborder.schema.system import TABLES as SYSTEM_TABLES
from xborder.schema.table import ROLES, Column, Table

__all__ = [
    "Column",
    "Table",
    "ROLES",
    "all_tables",
    "table",
    "domain_tables",
    "CANONICAL_TABLES",
    "SYSTEM_TABLES",
]


def domain_tables() -> tuple[Table, ...]:
    """Tables declared by ``xborder.domains.<name>.tables`` modules, domains in alphabetical order."""
    return _domain_tables()


@lru_cache(maxsize=1)
def _domain_tables() -> tuple[Table, ...]:
    domains = import_module("xborder.domains")
    out: list[Table] = []
    for info in sorted(pkgutil.iter_modules(domains.__path__), key=lambda m: m.name):
        if not info.ispkg:
            continue
        name = f"xborder.domains.{info.name}.tables"
        try:
            mod = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # a domain whose stage writes no table of its own
            raise
        out.extend(mod.TABLES)
    return tuple(out)


def all_tables() -> tuple[Table, ...]:
    """Every declared table: canonical, system, then each domain's (the order they are created in)."""
    tables = (*CANONICAL_TABLES, *SYSTEM_TABLES, *domain_tables())
    names = [t.name for t in tables]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise RuntimeError(f"Tables declared twice: {dup}")
    return tables


def table(name: str) -> Table:
    """The declaration of table ``name`` (KeyError listing the declared tables when unknown)."""
    for t in all_tables():
        if t.name == name:
            return t
    raise KeyError(
        f"No table {name!r} is declared; declared: {', '.join(sorted(t.name for t in all_tables()))}"
    )
