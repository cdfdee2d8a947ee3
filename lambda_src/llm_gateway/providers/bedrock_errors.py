"""Bedrock's failures as :class:`~llm_gateway.providers.base.ProviderError`.

Clients see a fixed message per failure class (throttled, timed out, access denied,
not found, unavailable); only a validation error passes Bedrock's text on, with ARNs
removed. Missing model access is told apart by ``bedrock_access``.
"""

from __future__ import annotations

import re

from llm_gateway.providers import base
from llm_gateway.providers.bedrock_access import model_access_error

_ARN = re.compile(r"arn:aws[a-zA-Z-]*:[^\s\"']+")


def _sanitize(message: str) -> str:
    return _ARN.sub("[resource]", message)[:500]


def map_error_code(code: str, message: str) -> base.ProviderError:
    code = code[:1].upper() + code[1:]  # event streams spell them "throttlingException"
    access = model_access_error(code, message)
    if access is not None:
        return access
    if code in ("ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException"):
        return base.rate_limited()
    if code == "ValidationException":
        return base.bad_request("The provider rejected the request: " + _sanitize(message))
    if code == "ModelTimeoutException":
        return base.upstream_timeout()
    if code in ("AccessDeniedException", "UnrecognizedClientException", "ExpiredTokenException"):
        return base.ProviderError(
            502,
            "The gateway is not allowed to call the upstream model.",
            "upstream_access_denied",
            True,
        )
    if code == "ResourceNotFoundException":
        return base.ProviderError(
            502, "The configured upstream model was not found.", "upstream_not_found", True
        )
    if code in ("ModelNotReadyException", "ServiceUnavailableException"):
        return base.ProviderError(
            503, "The upstream model is not available right now.", "upstream_unavailable", True
        )
    return base.upstream_unavailable()


def map_exception(exc: Exception) -> base.ProviderError:
    """A :class:`ProviderError` for any botocore failure (never leaks the original text
    except for validation errors, with ARNs removed)."""
    from botocore import exceptions as bexc

    if isinstance(exc, bexc.ClientError):
        err = exc.response.get("Error", {})
        return map_error_code(str(err.get("Code", "")), str(err.get("Message", "")))
    from urllib3 import exceptions as uexc  # event-stream reads raise urllib3's own

    if isinstance(exc, bexc.ReadTimeoutError | bexc.ConnectTimeoutError | uexc.TimeoutError):
        return base.upstream_timeout()
    if isinstance(exc, bexc.BotoCoreError | uexc.HTTPError):
        return base.upstream_unavailable("The connection to the upstream provider failed.")
    return base.upstream_unavailable()
