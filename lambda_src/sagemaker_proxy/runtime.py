"""The SageMaker runtime call (boto3, created lazily once) and its error mapping.

SageMaker error → gateway answer:

===============================  ======  ===================  ======================
SageMaker                        status  type                 code
===============================  ======  ===================  ======================
ValidationError                  400     invalid_request_error  invalid_request
ModelError (the model failed)    502     upstream_error       model_error
ThrottlingException              429     rate_limit_error     throttled
ModelNotReadyException           503     upstream_error       model_not_ready
ServiceUnavailable               503     upstream_error       service_unavailable
AccessDenied / not found         502     upstream_error       endpoint_unavailable
timeouts                         504     timeout_error        upstream_timeout
anything else                    502     upstream_error       upstream_error
===============================  ======  ===================  ======================

Upstream messages are passed on only for validation errors, with account ids masked;
a model's own error text (which may echo the input) is never passed on or logged.
"""

from __future__ import annotations

import re

from aigw_shared import errors
from sagemaker_proxy.core import Invocation, InvocationResult

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_ACCOUNT = re.compile(r"\b\d{12}\b")
_MAX_MESSAGE = 500

_client: Any = None


def client(read_timeout: float) -> Any:
    """The ``sagemaker-runtime`` client, created on first use (honours AWS_ENDPOINT_URL)."""
    global _client
    if _client is None:
        import boto3
        from botocore.config import Config

        _client = boto3.client(
            "sagemaker-runtime",
            config=Config(
                connect_timeout=3,
                read_timeout=read_timeout,
                retries={"total_max_attempts": 2, "mode": "standard"},
            ),
        )
    return _client


def reset() -> None:
    global _client
    _client = None


def _clean(message: str) -> str:
    return _ACCOUNT.sub("[account]", message)[:_MAX_MESSAGE]


def map_client_error(code: str, message: str, http_status: int | None) -> errors.ApiError:
    """The gateway's answer to a SageMaker runtime error response."""
    if code == "ModelError" or http_status == 424:
        return errors.ApiError(502, "The model returned an error.", errors.UPSTREAM, "model_error")
    if code in ("ThrottlingException", "Throttling", "TooManyRequestsException"):
        return errors.ApiError(
            429,
            "The SageMaker endpoint is throttling requests; retry later.",
            errors.RATE_LIMIT,
            "throttled",
            headers={"retry-after": "1"},
        )
    if code == "ModelNotReadyException":
        return errors.ApiError(
            503,
            "The model is not ready yet; retry later.",
            errors.UPSTREAM,
            "model_not_ready",
            headers={"retry-after": "5"},
        )
    if code == "ValidationError" and "not found" in message.lower():
        # The endpoint the route names does not exist: a deployment problem, not the client's.
        return errors.ApiError(
            502, "The SageMaker endpoint is unavailable.", errors.UPSTREAM, "endpoint_unavailable"
        )
    if code in ("ValidationError", "ValidationException"):
        return errors.invalid_request(
            f"SageMaker rejected the request: {_clean(message)}", code="invalid_request"
        )
    if code in ("AccessDeniedException", "AccessDenied", "UnrecognizedClientException"):
        return errors.ApiError(
            502, "The SageMaker endpoint is unavailable.", errors.UPSTREAM, "endpoint_unavailable"
        )
    if code == "ServiceUnavailable" or http_status == 503:
        return errors.ApiError(
            503,
            "SageMaker is unavailable; retry later.",
            errors.UPSTREAM,
            "service_unavailable",
            headers={"retry-after": "2"},
        )
    return errors.ApiError(502, "SageMaker returned an error.", errors.UPSTREAM, "upstream_error")


class BotoInvoker:
    """``Invoker`` over boto3's ``invoke_endpoint``."""

    def __init__(self, read_timeout: float, runtime_client: Any = None) -> None:
        self.read_timeout = read_timeout
        # A given client (the local data plane's, for its sandbox) instead of the module's.
        self.runtime_client = runtime_client

    def __call__(self, inv: Invocation) -> InvocationResult:
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            ConnectTimeoutError,
            ReadTimeoutError,
        )

        kwargs: dict[str, Any] = {
            "EndpointName": inv.endpoint_name,
            "Body": inv.body,
            "ContentType": inv.content_type,
            "Accept": inv.accept,
        }
        if inv.target_variant:
            kwargs["TargetVariant"] = inv.target_variant
        try:
            runtime_client = self.runtime_client or client(self.read_timeout)
            out = runtime_client.invoke_endpoint(**kwargs)
            body = out["Body"].read()
        except ClientError as exc:
            err = exc.response.get("Error", {})
            meta = exc.response.get("ResponseMetadata", {})
            raise map_client_error(
                str(err.get("Code", "")), str(err.get("Message", "")), meta.get("HTTPStatusCode")
            ) from None
        except (ReadTimeoutError, ConnectTimeoutError):
            raise errors.ApiError(
                504, "The SageMaker endpoint timed out.", errors.TIMEOUT, "upstream_timeout"
            ) from None
        except BotoCoreError:
            raise errors.ApiError(
                502, "SageMaker could not be reached.", errors.UPSTREAM, "upstream_unreachable"
            ) from None
        return InvocationResult(
            body=body,
            content_type=out.get("ContentType"),
            variant=out.get("InvokedProductionVariant"),
        )
