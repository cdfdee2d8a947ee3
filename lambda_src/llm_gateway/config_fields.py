"""Readers for one field of a config document; each failure is a :class:`ConfigError`
whose message names the field (``where.key``) and what it must be."""

from __future__ import annotations

from llm_gateway.config_types import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def obj(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be an object")
    return value


def known(doc: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(doc) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(unknown)}")


def string(
    doc: dict[str, Any],
    key: str,
    where: str,
    default: str | None = None,
    required: bool = False,
    choices: tuple[str, ...] | None = None,
) -> Any:
    value = default if doc.get(key) is None else doc[key]
    if value is None:
        if required:
            raise ConfigError(f"{where}.{key} is required")
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}.{key} must be a non-empty string")
    if choices and value not in choices:
        raise ConfigError(f"{where}.{key} must be one of: {', '.join(choices)}")
    return value


def integer(
    doc: dict[str, Any], key: str, where: str, default: Any, lo: int = 0, hi: int = 10**15
) -> Any:
    value = default if doc.get(key) is None else doc[key]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ConfigError(f"{where}.{key} must be an integer between {lo} and {hi}")
    return value


def number(doc: dict[str, Any], key: str, where: str) -> float:
    value = 0 if doc.get(key) is None else doc[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{where}.{key} must be a non-negative number")
    return float(value)


def boolean(doc: dict[str, Any], key: str, where: str, default: bool) -> bool:
    value = default if doc.get(key) is None else doc[key]
    if not isinstance(value, bool):
        raise ConfigError(f"{where}.{key} must be true or false")
    return value
