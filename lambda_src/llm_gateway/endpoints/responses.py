"""``/v1/responses``: OpenAI's Responses API over the chat answer (``llm_gateway.chat``).

``POST /v1/responses`` translates the request into a chat request
(``responses_shape.parse``), prepends the stored conversation of
``previous_response_id`` (the caller's own, else 404 before anything is sent
upstream), and answers through the same quota, routing, fallback, usage, redaction and
metrics path as chat completions: buffered as a ``response`` object, streamed as
``response.*`` events (``responses_stream``). With ``store`` (the default when the
gateway has a responses table) the response and its conversation are kept
(``responses_store``) for ``GET`` and ``DELETE /v1/responses/{id}`` and later turns.
"""

from __future__ import annotations

import time

from aigw_shared import errors
from aigw_shared.http_event import Response
from llm_gateway import chat
from llm_gateway import responses_shape as shape
from llm_gateway.responses_store import StoreTooLarge, response_not_found
from llm_gateway.responses_stream import ResponseEncoder

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from llm_gateway.context import Context
    from llm_gateway.responses_store import ResponseStore


def _not_enabled(param: str) -> errors.ApiError:
    return errors.invalid_request(
        f"'{param}' needs stored responses, which this gateway does not keep "
        "(no responses table is configured).",
        param,
        "unsupported_parameter",
    )


def create(ctx: Context) -> Response:
    options, request = shape.parse(ctx.req.json(), ctx.cfg.limits)
    store = ctx.gateway.responses_store()
    tenant = ctx.identity.tenant
    if store is None:
        if options["store"] is True:
            raise _not_enabled("store")
        if options["previous_response_id"] is not None:
            raise _not_enabled("previous_response_id")
    options["store"] = store is not None and options["store"] is not False
    turn = request["messages"]
    head = turn[:1] if options["instructions"] is not None else []
    turn = turn[len(head) :]
    prev = options["previous_response_id"]
    history: list[dict[str, Any]] = []
    if prev is not None and store is not None:
        found = store.conversation(tenant, prev)
        if found is None:
            raise response_not_found(prev, "previous_response_id")
        history = found
    conversation = history + turn
    if len(conversation) + len(head) > ctx.cfg.limits.max_messages:
        raise errors.invalid_request(
            f"The conversation holds more than {ctx.cfg.limits.max_messages} messages.",
            "input",
            "array_above_max_length",
        )
    request["messages"] = head + conversation
    model, estimate = chat.prepare(ctx, request)
    resp_id = shape.new_id("resp")
    saver = _saver(ctx, store if options["store"] else None, conversation)
    if request["stream"]:
        encoder = ResponseEncoder(resp_id, model.alias, options, saver)
        return chat.stream(ctx, model, request, estimate, encoder)
    created = int(time.time())
    run = chat.answer(ctx, model, request, estimate)
    choice = (run.value["choices"] or [{}])[0]
    doc = shape.response(
        resp_id,
        model.alias,
        options,
        created_at=created,
        status="completed",
        output=shape.output_items(choice.get("message") or {}),
        finish_reason=choice.get("finish_reason"),
        chat_usage=run.value["usage"],
    )
    saver(doc, shape.assistant_message(doc["output"]))
    return Response.json(200, doc, {"x-aigw-provider": run.target.provider})


def _saver(ctx: Context, store: ResponseStore | None, conversation: list[dict[str, Any]]) -> Any:
    """What keeps a finished response (nothing with ``store: false``). A failure to
    store does not fail the answer (its tokens are spent): the answer says
    ``store: false`` and the log line why."""

    def save(doc: dict[str, Any], message: dict[str, Any]) -> None:
        if store is None:
            return
        try:
            store.put(ctx.identity.tenant, doc, [*conversation, message])
        except StoreTooLarge:
            doc["store"] = False
            ctx.gateway.logger.warning("response_store_too_large", request_id=ctx.out.request_id)
        except Exception as exc:  # noqa: BLE001 - the answer is already decided
            doc["store"] = False
            ctx.gateway.logger.error(
                "response_store_failed", request_id=ctx.out.request_id, error=type(exc).__name__
            )

    return save


def item(ctx: Context) -> Response:
    """``GET`` (the stored ``response``) or ``DELETE`` ``/v1/responses/{id}``."""
    resp_id = ctx.param or ""
    deleting = ctx.req.method == "DELETE"
    ctx.out.route = "responses_delete" if deleting else "responses_get"
    store = ctx.gateway.responses_store()
    tenant = ctx.identity.tenant
    if deleting:
        if store is None or not store.delete(tenant, resp_id):
            raise response_not_found(resp_id)
        return Response.json(200, {"id": resp_id, "object": "response", "deleted": True})
    doc = None if store is None else store.get(tenant, resp_id)
    if doc is None:
        raise response_not_found(resp_id)
    return Response.json(200, doc)
