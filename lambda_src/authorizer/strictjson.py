"""One JSON parser for everything the authorizer reads from outside: token headers,
token payloads and JWKS documents.

``json.loads`` alone is not fail-closed: it accepts the non-standard literals ``NaN``,
``Infinity`` and ``-Infinity``, turns ``1e400`` into ``inf``, raises a plain
``ValueError`` for integers longer than the interpreter's int/str conversion limit
(about 4,300 digits) and ``RecursionError`` for deep nesting. Here every one of those
is a ``JsonRejected`` with a short reason, so callers handle exactly one exception.
"""

from __future__ import annotations

import json
from typing import Any

# No field the authorizer reads is a number with more digits than this; anything
# longer is refused before int() runs (and it always fits a float: 10**64 < 1.8e308).
MAX_INT_DIGITS = 64
_FLOAT_MAX = 1.7976931348623157e308  # sys.float_info.max; NaN fails both comparisons


class JsonRejected(ValueError):
    """The bytes are not a JSON text the authorizer accepts; the message says why."""


def _constant(name: str) -> Any:
    raise JsonRejected(f"non-standard JSON literal {name}")


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonRejected(f"integer longer than {MAX_INT_DIGITS} digits")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not -_FLOAT_MAX <= value <= _FLOAT_MAX:
        raise JsonRejected("number out of range")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise JsonRejected(f"duplicate member {k!r:.40}")
        out[k] = v
    return out


def loads(raw: bytes, *, reject_duplicates: bool = True) -> Any:
    """Parse UTF-8 JSON (RFC 8259) with bounded numbers; raises only JsonRejected."""
    try:
        return json.loads(
            raw.decode("utf-8"),
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
            object_pairs_hook=_no_duplicates if reject_duplicates else None,
        )
    except JsonRejected:
        raise
    except UnicodeDecodeError as exc:
        raise JsonRejected("not UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise JsonRejected("not JSON") from exc
    except RecursionError as exc:
        raise JsonRejected("nested too deeply") from exc
    except ValueError as exc:  # any other conversion limit of the interpreter
        raise JsonRejected("number not acceptable") from exc
