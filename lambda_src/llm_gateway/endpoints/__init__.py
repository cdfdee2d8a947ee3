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
from aigw_shared.http_event import Response

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from aigw_shared.errors import ApiError
    from aigw_shared.http_event import Request
    from llm_gateway.context import Context


class Route:
    """One route: its method (or methods, ``"GET|DELETE"``), its name in logs and
    metrics, and its handler."""

    __slots__ = ("_errors", "_handler", "_module", "_name", "method", "name")

    def __init__(self, method: str, name: str, handler: str, errors: str | None = None) -> None:
        self.method = method
        self.name = name
        module, _, func = handler.partition(":")
        self._module = f"{__name__}.{module}"
        self._name = func
        self._handler: Callable[[Context], Response] | None = None
        self._errors = errors  # "function" of the same module rendering its errors

    def allows(self, method: str) -> bool:
        return method in self.method.split("|")

    def handler(self) -> Callable[[Context], Response]:
        fn = self._handler
        if fn is None:
            fn = getattr(__import__(self._module, fromlist=(self._name,)), self._name)
            self._handler = fn
        return fn

    def error_response(self, err: ApiError, req: Request) -> Response:
        """The route's own error shape when its dialect has one, else OpenAI's."""
        if self._errors is None:
            return Response.error(err)
        render = getattr(__import__(self._module, fromlist=(self._errors,)), self._errors)
        return render(err, req)


EXACT: dict[str, Route] = {
    "/v1/chat/completions": Route("POST", "chat_completions", "chat_completions:handle"),
    "/v1/embeddings": Route("POST", "embeddings", "embeddings:handle"),
    "/v1/models": Route("GET", "models", "models:list_models"),
    "/v1/responses": Route("POST", "responses", "responses:create"),
    "/v1/uploads": Route("POST", "uploads", "uploads:create"),
    "/v1/messages": Route("POST", "messages", "messages:handle", "error_response"),
    "/v1/messages/count_tokens": Route(
        "POST", "messages_count_tokens", "messages:count_tokens", "error_response"
    ),
}
# Routes with one path parameter (the first group), tried in order after EXACT.
PATTERNS: tuple[tuple[re.Pattern[str], Route], ...] = (
    (
        re.compile(r"^/v1/prompts/([A-Za-z0-9][A-Za-z0-9._-]{0,127})$"),
        Route("POST", "prompts", "prompts:handle"),
    ),
    (re.compile(r"^/v1/models/(.{1,1000})$", re.S), Route("GET", "model", "models:retrieve")),
    (
        re.compile(r"^/v1/responses/([A-Za-z0-9_-]{1,128})$"),
        Route("GET|DELETE", "response", "responses:item"),
    ),
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


def error_response(err: ApiError, req: Request) -> Response:
    """``err`` in the error shape of the route ``req`` is on (OpenAI's when none)."""
    try:
        route, _ = find(req.path)
    except errors.ApiError:
        return Response.error(err)
    return route.error_response(err, req)
