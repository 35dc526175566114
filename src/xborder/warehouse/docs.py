"""Render docs/data-model.md from the table declarations: ``python -m xborder.warehouse.docs``."""

from __future__ import annotations

from xborder.schema import all_tables

__all__ = ["render_data_model"]


def render_data_model() -> str:
    """Markdown listing every declared table and column with its type, meaning, unit and personal-data flag."""
    lines = [
        "# Data model",
        "",
        "Generated from the table declarations (`src/xborder/schema/` and each domain's `tables.py`) by",
        "`make docs-data-model`; a test fails when this file and the declarations disagree.",
        "Conventions: markets ISO 3166-1 alpha-2, currencies ISO 4217, languages ISO 639-1,",
        "weights kg, lengths cm, money in the row's currency. **personal** marks a column that holds",
        "personal data (pseudonyms included): privacy erasure and retention are driven by that flag.",
        "",
        "| table | owner | role | rows are |",
        "|---|---|---|---|",
    ]
    tables = sorted(all_tables(), key=lambda t: t.name)
    lines += [
        f"| [`{t.name}`](#{t.name}) | {t.owner} | {t.role} | {t.doc.replace('|', '/')} |" for t in tables
    ]
    lines.append("")
    for t in tables:
        key = f" Key: ({', '.join(t.primary_key)})." if t.primary_key else ""
        lines += [
            f"## `{t.name}`",
            "",
            f"{t.doc} Written by **{t.owner}** ({t.role}).{key}",
            "",
            "| column | type | unit | meaning |",
            "|---|---|---|---|",
        ]
        for c in t.columns:
            flags = " **personal**" if c.personal else ""
            null = "" if c.nullable else " NOT NULL"
            lines.append(
                f"| `{c.name}` | {c.type}{null} | {c.unit or ''} | {c.doc.replace('|', '/')}{flags} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(render_data_model())
