"""Canonical JSON of ledger documents: RFC 8785 (JCS) — sorted keys, UTF-8, no whitespace, ES6 numbers.

The reference encoder is the ``rfc8785`` package (Trail of Bits). It is pure Python (about 190 µs for a
350-byte event), so documents inside a subset where orjson's ``OPT_SORT_KEYS`` output is byte-for-byte the
JCS output go through orjson (about 3 µs): object keys all ASCII (JCS sorts keys by UTF-16 code units,
orjson by UTF-8 bytes; the two agree on ASCII), integers within ±(2^53 - 1), integral floats written as
integers when within ±(2^53 - 1) (JCS writes ``1.0`` as ``1``; larger integral floats go to ``rfc8785``,
as orjson would write ``9007199254740992.0``), other floats with 1e-4 ≤ |x| < 1e16 (where both print the
shortest round-trip decimal without an exponent). Anything else goes to ``rfc8785``. A property test checks
the two paths give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import math
from collections.abc import Mapping
from typing import Any

import orjson
import rfc8785

from xborder.core.errors import BadInputError

__all__ = ["canonical_json", "normalise", "sha256_hex", "iso_utc", "MAX_SAFE_INTEGER"]

MAX_SAFE_INTEGER = 2**53 - 1
_FAST_MIN, _FAST_MAX = 1e-4, 1e16


def iso_utc(value: dt.datetime) -> str:
    """A naive-UTC (or aware) datetime as ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text + "Z"


def normalise(value: Any, where: str = "event") -> Any:
    """``value`` as plain JSON types: datetimes as ISO 8601 UTC text, dates as ``YYYY-MM-DD``, decimals and
    NumPy scalars as numbers, tuples as lists.

    Raises:
        BadInputError: a value JSON cannot hold exactly (NaN, infinity, bytes, a non-text key, an integer
            beyond ±(2^53 - 1)), naming where it is.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise BadInputError(
                f"{where}: the integer {value} is beyond ±(2^53 - 1), which JSON numbers cannot hold exactly.",
                hint="Write it as text.",
            )
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadInputError(
                f"{where}: {value} is not a number JSON can hold.", hint="Leave the field out."
            )
        return value
    if isinstance(value, dt.datetime):
        return iso_utc(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return normalise(int(value) if value == value.to_integral_value() else float(value), where)
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise BadInputError(f"{where}: the key {k!r} is not text.", hint="JSON object keys are text.")
            out[k] = normalise(v, f"{where}.{k}")
        return out
    if isinstance(value, list | tuple):
        return [normalise(v, f"{where}[{i}]") for i, v in enumerate(value)]
    item = getattr(value, "item", None)  # NumPy scalars
    if callable(item):
        return normalise(item(), where)
    raise BadInputError(
        f"{where}: a {type(value).__name__} cannot be written to the ledger.",
        hint="Use text, numbers, true/false, lists and objects.",
    )


def _fast(value: Any) -> tuple[bool, Any]:
    """(True, value ready for orjson) when ``value`` is inside the subset where orjson writes JCS bytes."""
    if value is None or isinstance(value, bool | str):
        return True, value
    if isinstance(value, int):
        return abs(value) <= MAX_SAFE_INTEGER, value
    if isinstance(value, float):
        if value.is_integer():  # orjson writes 2.0**53 as "9007199254740992.0"; JCS as an integer
            return abs(value) <= MAX_SAFE_INTEGER, int(value) if abs(value) <= MAX_SAFE_INTEGER else None
        return _FAST_MIN <= abs(value) < _FAST_MAX, value
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str) or not k.isascii():
                return False, None
            ok, out[k] = _fast(v)
            if not ok:
                return False, None
        return True, out
    if isinstance(value, list):
        items = []
        for v in value:
            ok, fv = _fast(v)
            if not ok:
                return False, None
            items.append(fv)
        return True, items
    return False, None


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical JSON bytes of ``value`` (plain JSON types; see :func:`normalise`).

    Raises:
        BadInputError: ``value`` holds something JSON cannot (NaN, a lone surrogate, a huge integer ...).
    """
    ok, ready = _fast(value)
    if ok:
        try:
            return orjson.dumps(ready, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass  # e.g. a lone surrogate in a string: let rfc8785 say what is wrong
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeEncodeError, TypeError) as exc:
        raise BadInputError(
            f"The event cannot be written as canonical JSON: {exc}",
            hint="Use plain text, numbers, lists, objects.",
        ) from None


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()
