"""The endpoint table of docs/web.md: each /api operation, the model it answers and its error statuses.

``python -m xborder.api.models.reference`` prints it from the app's OpenAPI document;
tests/api/test_openapi.py checks docs/web.md holds it as printed.
"""

from __future__ import annotations

from typing import Any

__all__ = ["endpoint_table", "main"]


def _answer(code: str, response: dict[str, Any]) -> str:
    content = response.get("content") or {}
    body = content.get("application/json")
    if body is None:
        return f"{code}: file ({', '.join(sorted(_SHORT.get(k, k) for k in content))})"
    schema = body.get("schema") or {}
    array = schema.get("type") == "array"
    ref = (schema.get("items") or {} if array else schema).get("$ref")
    name = ref.rsplit("/", 1)[-1] if ref else "object"
    return f"{code}: `{f'list[{name}]' if array else name}`"


_SHORT = {
    "text/html": "html",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


def endpoint_table(openapi: dict[str, Any]) -> str:
    """A Markdown table of every operation under ``/api/`` of an OpenAPI document, in document order."""
    lines = ["| endpoint | answer | errors |", "|---|---|---|"]
    for path, ops in openapi["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, op in ops.items():
            codes = op["responses"]
            answers = "; ".join(_answer(c, r) for c, r in codes.items() if c.startswith("2"))
            errors = ", ".join(sorted(c for c in codes if not c.startswith("2")))
            lines.append(f"| `{method.upper()} {path}` | {answers} | {errors} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the table for an app on a throw-away empty warehouse."""
    import tempfile
    from pathlib import Path

    from xborder.api.app import create_app
    from xborder.core.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db_path=str(Path(tmp) / "empty.duckdb"), pseudonym_key="docs")
        app = create_app(settings, data_dir=Path(tmp) / "data", precompute=False, hot_path=False)
        try:
            print(endpoint_table(app.openapi()), end="")
        finally:
            app.state.jobs.shutdown()
            app.state.db.close()


if __name__ == "__main__":
    main()
