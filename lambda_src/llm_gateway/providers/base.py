"""What every provider adapter implements, and the error it raises."""

from __future__ import annotations

import math
from collections.abc import Iterator

from aigw_shared import errors
from llm_gateway.config import ProviderConfig, Target

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol


class ProviderError(Exception):
    """A provider call failed. ``retryable`` failures may fall back to the next target.

    ``message`` is safe to show to clients (no hostnames, ARNs or credentials).
    """

    def __init__(
        self, status: int, message: str, code: str, retryable: bool, type: str = errors.UPSTREAM
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.retryable = retryable
        self.type = type

    def to_api_error(self) -> errors.ApiError:
        return errors.ApiError(self.status, self.message, self.type, self.code)


def rate_limited(
    message: str = "The upstream provider is rate limiting requests.",
) -> ProviderError:
    return ProviderError(429, message, "rate_limit_exceeded", True, errors.RATE_LIMIT)


def upstream_timeout() -> ProviderError:
    return ProviderError(
        504,
        "The upstream provider did not answer in time.",
        "upstream_timeout",
        True,
        errors.TIMEOUT,
    )


def upstream_unavailable(message: str = "The upstream provider failed.") -> ProviderError:
    return ProviderError(502, message, "upstream_error", True)


def bad_request(message: str, code: str = "invalid_value") -> ProviderError:
    return ProviderError(400, message, code, False, errors.INVALID_REQUEST)


def empty_usage() -> dict[str, Any]:
    return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}


def rough_tokens(text: str) -> int:
    """A cheap token estimate (about four characters per token)."""
    return math.ceil(len(text) / 4) if text else 0


class Provider(Protocol if TYPE_CHECKING else object):  # type: ignore[misc]
    config: ProviderConfig

    def chat(self, target: Target, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """A complete OpenAI ``chat.completion`` body (``choices`` and ``usage``)."""

    def chat_stream(
        self, target: Target, request: dict[str, Any], timeout: float
    ) -> Iterator[dict[str, Any]]:
        """Start the call now (errors raise here), then yield OpenAI chunk bodies.

        Chunks carry ``choices`` (with ``delta``) and, last, one chunk with ``usage``.
        """

    def embed(
        self, target: Target, inputs: list[str], dimensions: int | None, timeout: float
    ) -> tuple[list[list[float]], int]:
        """Vectors for ``inputs`` and the prompt token count."""
