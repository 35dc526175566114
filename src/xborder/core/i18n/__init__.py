"""The message catalogue: codes in, words out — English and Simplified Chinese, one TOML file per language.

Domains and stages emit codes and numbers (``{"code": "demand.rising", "args": {"pct": 0.37}}``); people
see them through :func:`render`. Messages live in ``<package>/messages/<lang>.toml`` files, one table per
namespace::

    [selection]
    rising = "rising demand {pct:+.0%}"

The shared namespaces (``report``, ``common``) are in ``xborder/core/i18n/messages/``; each domain keeps its
own in ``xborder/domains/<domain>/messages/`` (found without importing the domain). A third language is one
more file per folder. :func:`check_catalogue` (run by the tests) asserts every language has every code with
the same placeholders.
"""

from __future__ import annotations

import importlib.util
import string
import tomllib
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

__all__ = ["LANGS", "render", "has", "codes", "Translator", "check_catalogue", "message"]

LANGS = ("en", "zh")


def _message_dirs() -> Iterator[Traversable | Path]:
    yield resources.files("xborder.core.i18n").joinpath("messages")
    # Each domain's messages/ folder, found on the domains package's path without importing the domains.
    spec = importlib.util.find_spec("xborder.domains")
    for base in (spec.submodule_search_locations or []) if spec else []:
        for entry in sorted(Path(base).iterdir(), key=lambda e: e.name):
            if (entry / "messages").is_dir():
                yield entry / "messages"
    for pkg in ("xborder.ingest", "xborder.report", "xborder.api"):
        d = resources.files(pkg).joinpath("messages")
        if d.is_dir():
            yield d


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> None:
    for k, v in table.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict):
            _flatten(key, v, out)
        else:
            out[key] = str(v)


@lru_cache(maxsize=8)
def _catalogue(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in _message_dirs():
        f = d.joinpath(f"{lang}.toml")
        if not f.is_file():
            continue
        part: dict[str, str] = {}
        _flatten("", tomllib.loads(f.read_text(encoding="utf-8")), part)
        clash = sorted(set(part) & set(out))
        if clash:
            raise RuntimeError(f"Message codes defined twice in the {lang} catalogue: {clash[:5]}")
        out.update(part)
    return out


def codes(lang: str = "en") -> frozenset[str]:
    """Every message code of ``lang``."""
    return frozenset(_catalogue(lang))


def has(code: str, lang: str = "en") -> bool:
    """True when ``code`` is in the ``lang`` catalogue."""
    return code in _catalogue(lang)


def render(code: str, lang: str = "en", /, **args: Any) -> str:
    """The message ``code`` in ``lang``, formatted with ``args`` (KeyError naming the code when missing)."""
    try:
        text = _catalogue(lang)[code]
    except KeyError:
        raise KeyError(f"No message {code!r} in the {lang!r} catalogue") from None
    return text.format(**args) if args else text


def message(msg: dict[str, Any] | str, lang: str = "en") -> str:
    """Render a ``{"code": ..., "args": {...}}`` message (a plain string is returned as it is)."""
    if isinstance(msg, str):
        return msg
    return render(msg["code"], lang, **(msg.get("args") or {}))


class Translator:
    """Callable bound to one language and namespace, for templates: ``_('rank')`` → ``report.rank``."""

    def __init__(self, lang: str, namespace: str = "") -> None:
        if lang not in LANGS:
            raise KeyError(f"no messages for language {lang!r}")
        self.lang = lang
        self.namespace = namespace
        prefix = f"{namespace}." if namespace else ""
        self.keys = frozenset(c[len(prefix) :] for c in _catalogue(lang) if c.startswith(prefix))

    def __call__(self, key: str, **fmt: Any) -> str:
        return render(f"{self.namespace}.{key}" if self.namespace else key, self.lang, **fmt)


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def check_catalogue() -> list[str]:
    """Problems in the catalogue: codes missing from a language, or placeholders that differ."""
    problems = []
    base = _catalogue(LANGS[0])
    for lang in LANGS[1:]:
        other = _catalogue(lang)
        for code in sorted(set(base) ^ set(other)):
            problems.append(f"{code}: only in {'en' if code in base else lang}")
        for code in sorted(set(base) & set(other)):
            if _fields(base[code]) != _fields(other[code]):
                problems.append(
                    f"{code}: placeholders {_fields(base[code])} in en vs {_fields(other[code])} in {lang}"
                )
    return problems
