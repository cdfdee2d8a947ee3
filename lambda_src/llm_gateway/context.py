"""What one request carries through the endpoint modules.

:class:`Context` is the small object every endpoint handler receives: the gateway (its
providers, router, stores and clock), the config this request uses, the request, its
deadline, and the :class:`Outcome` the endpoint fills in for the log line and the
metric record (``telemetry.py``).
"""

from __future__ import annotations

from aigw_shared import errors
from aigw_shared.errors import ApiError
from aigw_shared.records import Factory, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from aigw_shared.http_event import Request
    from llm_gateway.config_types import GatewayConfig, ModelConfig, Target
    from llm_gateway.core import Gateway
    from llm_gateway.routing import Attempt


def model_not_found(alias: str) -> ApiError:
    return ApiError(
        404,
        f"The model '{alias[:200]}' does not exist or you do not have access to it.",
        errors.INVALID_REQUEST,
        "model_not_found",
        "model",
    )


@record
class Identity:
    tenant: str
    tier: str | None
    key_id: str | None
    allowed: frozenset[str] | None  # None: every configured model

    @classmethod
    def from_auth(cls, auth: Mapping[str, str], allow_anonymous: bool) -> Identity:
        tenant = (auth.get("tenant") or "").strip()
        if not tenant:
            if not allow_anonymous:
                raise ApiError(
                    401,
                    "No tenant identity reached the gateway; send a valid API key or token.",
                    errors.AUTHENTICATION,
                    "invalid_api_key",
                )
            tenant = "anonymous"
        raw = auth.get("allowed_models")
        allowed = None
        if raw is not None and raw.strip() != "*":
            allowed = frozenset(m.strip() for m in raw.split(",") if m.strip())
        return cls(tenant, auth.get("tier") or None, auth.get("key_id") or None, allowed)

    def may_use(self, alias: str) -> bool:
        return self.allowed is None or alias in self.allowed


@record
class Outcome:
    """What one request did, for the log line and the metric record."""

    route: str
    request_id: str
    start: float
    identity: Identity | None = None
    model: str | None = None
    target: Target | None = None
    provider: str | None = None
    status: int = 200
    error_code: str | None = None
    usage: dict[str, Any] = Factory(dict)
    ttft_ms: float | None = None
    stream: bool = False
    attempts: list[Attempt] = Factory(list)
    prompt_text: str | None = None
    completion_text: str | None = None
    quota_rejected: bool = False
    cache: str | None = None  # "hit" / "miss" when the response cache applies


class Context:
    """One request on its way through an endpoint (see the module docstring)."""

    __slots__ = ("cfg", "deadline", "gateway", "identity", "out", "param", "req")

    def __init__(
        self,
        gateway: Gateway,
        cfg: GatewayConfig,
        req: Request,
        out: Outcome,
        deadline: float,
        identity: Identity,
        param: str | None,
    ) -> None:
        self.gateway = gateway
        self.cfg = cfg
        self.req = req
        self.out = out
        self.deadline = deadline  # on the gateway's clock
        self.identity = identity
        self.param = param  # the path parameter of the route, if it has one

    def model(self, alias: str, kind: str) -> ModelConfig:
        """The configured model ``alias`` of type ``kind`` the caller may use, or the 4xx."""
        model = self.cfg.models.get(alias)
        if model is None or not self.identity.may_use(alias):
            raise model_not_found(alias)
        if model.type != kind:
            raise errors.invalid_request(
                f"The model '{alias}' is a {model.type} model, not a {kind} model.",
                "model",
                "invalid_model_type",
            )
        return model
