"""Streaming a chat answer: the dialect-free part.

Providers stream OpenAI-shaped chunks. :func:`first_chunk` makes a streaming call
return only once its first chunk arrived, so the router can still fall back until then.
:func:`respond` turns the rest into the response body: it collects the text and the
usage into the outcome, and when the stream ends (completed, failed upstream, or closed
by the client) settles the quota and writes the request's record. How each chunk, the
end and an error look on the wire is the endpoint's :class:`Encoder` (one per API
dialect).
"""

from __future__ import annotations

from aigw_shared import errors
from aigw_shared.errors import ApiError
from aigw_shared.http_event import Response, json_bytes
from llm_gateway.providers import base

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any, Protocol

    from llm_gateway.context import Context
    from llm_gateway.targets import Call, Run

    class Encoder(Protocol):
        def chunk(self, chunk: dict[str, Any]) -> bytes | None: ...  # None: send nothing
        def end(self) -> bytes: ...
        def error(self, err: ApiError) -> bytes: ...


SSE_HEADERS = {"content-type": "text/event-stream", "cache-control": "no-cache"}
MAX_CHUNKS = 10_000_000


def sse(payload: Any) -> bytes:
    """One server-sent event carrying ``payload`` as JSON."""
    return b"data: " + json_bytes(payload) + b"\n\n"


def first_chunk(call: Call) -> Call:
    """``call`` (returning a chunk iterator) made to answer ``(first, rest)``."""

    def start(provider: Any, target: Any, left: float) -> tuple[dict[str, Any], Iterator[dict]]:
        it = call(provider, target, left)
        try:
            first = next(it)  # fallback is possible until the first chunk arrives
        except StopIteration:
            raise base.upstream_unavailable("The upstream stream ended early.") from None
        return first, it

    return start


def respond(ctx: Context, run: Run, encoder: Encoder) -> Response:
    """The streaming response for a :func:`first_chunk` run."""
    out = ctx.out
    out.ttft_ms = (ctx.gateway.clock() - out.start) * 1000
    first, rest = run.value
    pieces: list[str] = []

    def events() -> Iterator[bytes]:
        chunk: dict[str, Any] | None = first
        failed = True
        try:
            for _ in range(MAX_CHUNKS):
                if chunk is None:
                    break
                for choice in chunk.get("choices") or []:
                    content = (choice.get("delta") or {}).get("content")
                    if isinstance(content, str):
                        pieces.append(content)
                if isinstance(chunk.get("usage"), dict):
                    out.usage = chunk["usage"]
                data = encoder.chunk(chunk)
                if data is not None:
                    yield data
                chunk = next(rest, None)
            yield encoder.end()
            failed = False
        except base.ProviderError as exc:
            out.status, out.error_code = 502, exc.code
            yield encoder.error(ApiError(exc.status, exc.message, exc.type, exc.code))
            failed = False
        except Exception as exc:  # noqa: BLE001 - a bug must not tear the stream silently
            err = errors.internal_error()
            out.status, out.error_code = err.status, err.code
            ctx.gateway.logger.error(
                "unhandled_exception", request_id=out.request_id, error=type(exc).__name__
            )
            yield encoder.error(err)
            failed = False
        finally:
            if failed and out.error_code is None:
                out.status, out.error_code = 499, "client_closed"
            out.completion_text = "".join(pieces)
            run.settle(int(out.usage.get("total_tokens") or 0) if out.usage else run.reserved)
            ctx.gateway.finish(ctx.cfg, out)

    return Response(200, {**SSE_HEADERS, "x-aigw-provider": run.target.provider}, b"", events())
