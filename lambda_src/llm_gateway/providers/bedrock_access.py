"""Bedrock's "model access" failures, told apart from other access errors.

A third-party model (Anthropic, Cohere, ...) works in an account only after a one-time
step: Bedrock subscribes the account through AWS Marketplace on the first call, with the
caller's permissions, and Anthropic models also need the first-use form. Until then
Bedrock answers ``AccessDeniedException`` ("Model access is denied due to ... AWS
Marketplace actions ...", "You don't have access to the model ...") or, for the missing
form, ``ResourceNotFoundException`` ("Model use case details have not been submitted
..."). The gateway's role deliberately holds no Marketplace permission, so the answer
names the step instead (docs/llm-gateway.md, "Bedrock model access").
"""

from __future__ import annotations

import re

from llm_gateway.providers import base

DOC = "docs/llm-gateway.md#bedrock-model-access"

# What Bedrock says when the account lacks access to the model (not when IAM denies the call).
_MODEL_ACCESS = re.compile(
    r"model access is denied"
    r"|aws-marketplace:"
    r"|marketplace subscription"
    r"|don't have access to the model"
    r"|do not have access to the model"
    r"|use case details have not been submitted",
    re.IGNORECASE,
)


def model_access_error(code: str, message: str) -> base.ProviderError | None:
    """The error for a missing one-time model access step, or None for anything else."""
    if code not in ("AccessDeniedException", "ResourceNotFoundException"):
        return None
    if not _MODEL_ACCESS.search(message or ""):
        return None
    return base.ProviderError(
        502,
        "The upstream model is not enabled in the gateway's AWS account: complete the "
        "one-time Bedrock model access step (AWS Marketplace subscription and, for "
        f"Anthropic models, the first-use form), see {DOC}.",
        "upstream_model_access_required",
        True,
    )
