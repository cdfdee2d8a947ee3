"""OpenAI-shaped errors: ``{"error": {"message", "type", "code", "param"}}`` plus a status."""

from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# OpenAI error ``type`` values used by the gateway.
INVALID_REQUEST = "invalid_request_error"
AUTHENTICATION = "authentication_error"
PERMISSION = "permission_error"
NOT_FOUND = "not_found_error"
RATE_LIMIT = "rate_limit_error"
INSUFFICIENT_QUOTA = "insufficient_quota"
SERVER = "server_error"
UPSTREAM = "upstream_error"
TIMEOUT = "timeout_error"


class ApiError(Exception):
    """An error that is answered to the client as an OpenAI-shaped body with ``status``."""

    def __init__(
        self,
        status: int,
        message: str,
        type: str = INVALID_REQUEST,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "code": self.code,
                "param": self.param,
            }
        }

    def body_bytes(self) -> bytes:
        """UTF-8 JSON; ASCII escapes when the message holds a lone surrogate (it may
        quote a client's path or model id), so encoding never fails."""
        try:
            return json.dumps(self.body(), ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(self.body()).encode("ascii")

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.type!r}, {self.code!r}, {self.message!r})"


def invalid_request(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, INVALID_REQUEST, code or "invalid_value", param)


def not_found(message: str, code: str = "not_found", param: str | None = None) -> ApiError:
    return ApiError(404, message, NOT_FOUND, code, param)


def method_not_allowed(method: str, path: str) -> ApiError:
    return ApiError(
        405, f"Method {method} is not allowed on {path}.", INVALID_REQUEST, "method_not_allowed"
    )


def internal_error() -> ApiError:
    """The only 5xx answer for bugs: it never carries internals."""
    return ApiError(500, "The gateway hit an internal error.", SERVER, "internal_error")
