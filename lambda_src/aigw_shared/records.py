"""Small record classes without the ``dataclasses`` module.

``dataclasses`` imports ``inspect`` (and with it ``ast``, ``dis`` …): about 8 ms of
every cold start. :func:`record` covers what the Lambda code needs: an ``__init__``
built from the class annotations and defaults (``Factory(fn)`` for mutable defaults),
value equality and a readable ``repr``. Records are unhashable, like non-frozen
dataclasses.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")


class Factory:
    """A default computed per instance (``Factory(dict)`` instead of ``{}``)."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn


def record(cls: type[T]) -> type[T]:
    names = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063 - no inspect
    defaults = {n: cls.__dict__[n] for n in names if n in cls.__dict__}
    name = cls.__name__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(names):
            raise TypeError(f"{name}() takes at most {len(names)} positional arguments")
        values = dict(zip(names, args, strict=False))
        for key, value in kwargs.items():
            if key not in names or key in values:
                raise TypeError(f"{name}() got an unexpected or repeated argument {key!r}")
            values[key] = value
        for field_name in names:
            if field_name not in values:
                if field_name not in defaults:
                    raise TypeError(f"{name}() missing required argument {field_name!r}")
                default = defaults[field_name]
                values[field_name] = default.fn() if isinstance(default, Factory) else default
            object.__setattr__(self, field_name, values[field_name])

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in names)

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
        return f"{name}({inner})"

    cls.__init__ = __init__  # type: ignore[misc]
    cls.__eq__ = __eq__  # type: ignore[method-assign,assignment]
    cls.__repr__ = __repr__  # type: ignore[method-assign,assignment]
    cls.__hash__ = None  # type: ignore[assignment]
    return cls
