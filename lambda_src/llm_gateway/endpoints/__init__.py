"""The HTTP endpoints, one module per API operation, and the table that finds them.

Every endpoint module exposes handlers ``handler(ctx) -> Response`` over a
:class:`~llm_gateway.context.Context`; the gateway core has already matched the route,
checked the method, the caller's identity and the body size. An endpoint parses and
validates its request shape, resolves the model (``ctx.model``), calls the targets
through :func:`llm_gateway.targets.run_targets` (quota, routing, fallback, retries,
deadline) and shapes the answer; a streaming answer goes through
:func:`llm_gateway.streaming.respond` with the endpoint's encoder.

A new API dialect is one module here plus its shape translation, and one line in
:data:`EXACT` or :data:`PATTERNS`. The table is built once, at import; the module behind
a route is imported the first time the route is used.
"""

from __future__ import annotations

import re

from aigw_shared import errors

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from aigw_shared.http_event import Response
    from llm_gateway.context import Context


class Route:
    """One route: its method, its name in logs and metrics, and its handler."""

    __slots__ = ("_handler", "_module", "_name", "method", "name")

    def __init__(self, method: str, name: str, handler: str) -> None:
        self.method = method
        self.name = name
        module, _, func = handler.partition(":")
        self._module = f"{__name__}.{module}"
        self._name = func
        self._handler: Callable[[Context], Response] | None = None

    def handler(self) -> Callable[[Context], Response]:
        fn = self._handler
        if fn is None:
            fn = getattr(__import__(self._module, fromlist=(self._name,)), self._name)
            self._handler = fn
        return fn


EXACT: dict[str, Route] = {
    "/v1/chat/completions": Route("POST", "chat_completions", "chat_completions:handle"),
    "/v1/embeddings": Route("POST", "embeddings", "embeddings:handle"),
    "/v1/models": Route("GET", "models", "models:list_models"),
}
# Routes with one path parameter (the first group), tried in order after EXACT.
PATTERNS: tuple[tuple[re.Pattern[str], Route], ...] = (
    (
        re.compile(r"^/v1/prompts/([A-Za-z0-9][A-Za-z0-9._-]{0,127})$"),
        Route("POST", "prompts", "prompts:handle"),
    ),
    (re.compile(r"^/v1/models/(.{1,1000})$", re.S), Route("GET", "model", "models:retrieve")),
)


def find(path: str) -> tuple[Route, str | None]:
    """The route for ``path`` and its path parameter; 404 when none matches."""
    route = EXACT.get(path)
    if route is not None:
        return route, None
    for pattern, route in PATTERNS:
        m = pattern.match(path)
        if m:
            return route, m.group(1)
    raise errors.not_found(f"Unknown path {path[:200]}.", "unknown_path")
