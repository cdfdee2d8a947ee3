"""``POST /v1/prompts/{name}``: a configured prompt template, filled in and answered as
a chat completion."""

from __future__ import annotations

from aigw_shared import errors
from llm_gateway import validation
from llm_gateway.config_types import TEMPLATE_VARIABLE
from llm_gateway.endpoints import chat_completions

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aigw_shared.http_event import Response
    from llm_gateway.config_types import PromptTemplate
    from llm_gateway.context import Context


def handle(ctx: Context) -> Response:
    name = str(ctx.param)
    request = validation.prompt_request(ctx.req.json())
    template = ctx.cfg.prompts.get(name)
    if template is None:
        raise errors.not_found(f"The prompt template '{name}' does not exist.", "prompt_not_found")
    values = _values(name, template, request["variables"])
    messages = [
        {
            "role": m["role"],
            "content": TEMPLATE_VARIABLE.sub(lambda mt: values[mt.group(1)], m["content"]),
        }
        for m in template.messages
    ]
    body: dict[str, Any] = {
        **template.parameters,
        "model": template.model,
        "messages": messages,
        "stream": request["stream"],
    }
    if "stream_options" in request:
        body["stream_options"] = request["stream_options"]
    if "user" in request:
        body["user"] = request["user"]
    return chat_completions.complete(ctx, validation.chat_request(body, ctx.cfg.limits))


def _values(name: str, template: PromptTemplate, given: dict[str, Any]) -> dict[str, str]:
    """Each template variable's value: given, else its default; 400 when one is unknown,
    missing or too long."""
    unknown = sorted(set(given) - set(template.variables))
    if unknown:
        raise errors.invalid_request(
            f"Unknown variable '{unknown[0][:100]}' for prompt '{name}'.",
            f"variables.{unknown[0][:100]}",
            "unknown_variable",
        )
    values: dict[str, str] = {}
    for vname, spec in template.variables.items():
        if vname in given:
            value = str(given[vname])
        elif spec.required:
            raise errors.invalid_request(
                f"Missing required variable '{vname}'.",
                f"variables.{vname}",
                "missing_required_parameter",
            )
        else:
            value = spec.default or ""
        if len(value) > spec.max_length:
            raise errors.invalid_request(
                f"Variable '{vname}' is longer than {spec.max_length} characters.",
                f"variables.{vname}",
                "string_above_max_length",
            )
        values[vname] = value
    return values
