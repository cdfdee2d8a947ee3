"""Which chat-completion parameters each provider honours; nothing is silently dropped.

``validation.chat_request`` keeps the fields the gateway understands. This module
answers 400 ``invalid_request_error`` (``param`` naming the field) for the rest:

- a field of OpenAI's request schema the gateway does not implement (``audio``,
  ``modalities``, ``prediction``, ``functions`` …): ``unsupported_parameter``;
- ``n`` > 1: no provider path returns several choices (``unsupported_value``);
- a field one of the alias's targets cannot honour (Bedrock: ``logprobs``,
  ``top_logprobs``, ``logit_bias``, ``seed``, non-zero penalties,
  ``parallel_tool_calls: false``): ``unsupported_parameter``. The check covers every
  target of the alias, so the answer does not depend on which one serves the request.

Fields that do not change the answer (``store``, ``metadata``, ``service_tier``,
``safety_identifier``, ``prompt_cache_key``) are accepted and not forwarded.
``docs/llm-gateway.md`` lists the decision for every parameter.
"""

from __future__ import annotations

from aigw_shared.errors import invalid_request

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ACCEPTED_NOT_FORWARDED = (
    "store",
    "metadata",
    "service_tier",
    "safety_identifier",
    "prompt_cache_key",
    "prompt_cache_retention",
)
# What a Bedrock (Converse) target cannot do, as (field, "is the value a request for it").
_BEDROCK_CANNOT = (
    ("logprobs", lambda v: v is True),
    ("top_logprobs", lambda v: v is not None),
    ("logit_bias", lambda v: bool(v)),
    ("seed", lambda v: v is not None),
    ("presence_penalty", lambda v: v not in (None, 0)),
    ("frequency_penalty", lambda v: v not in (None, 0)),
    ("parallel_tool_calls", lambda v: v is False),
)


def unknown_fields(body: dict[str, Any], known: set[str]) -> None:
    """400 for the first field that is neither understood nor harmless to drop."""
    for key in sorted(body):
        if key not in known and key not in ACCEPTED_NOT_FORWARDED:
            raise invalid_request(
                f"The parameter '{str(key)[:100]}' is not supported by this gateway.",
                str(key)[:100],
                "unsupported_parameter",
            )


def check_targets(request: dict[str, Any], provider_types: set[str]) -> None:
    """400 when a target of the alias cannot honour a field of ``request``."""
    if "bedrock" not in provider_types:
        return
    for field, wanted in _BEDROCK_CANNOT:
        if wanted(request.get(field)):
            raise invalid_request(
                f"The parameter '{field}' is not supported by this model's provider "
                "(Amazon Bedrock); remove it or use a model served by an "
                "OpenAI-compatible provider.",
                field,
                "unsupported_parameter",
            )
