"""The gateway core: ``(method, path, headers, body, auth) -> Response``.

No knowledge of API Gateway events here (see ``handler.py``); ``aigw serve`` and the
tests mount :meth:`Gateway.handle` behind any HTTP server. Streaming responses carry
an iterator of ready-to-send SSE byte chunks in ``Response.stream``.

:class:`Gateway` holds what outlives a request (provider adapters, the circuit breaker,
the quota and cache stores, the sinks) and does what every route shares: config, route
lookup (``endpoints``), method, identity, body size, deadline, turning any failure into
an OpenAI-shaped error, and the request's record (``telemetry``).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping

from aigw_shared import errors, jsonlog
from aigw_shared.errors import ApiError
from aigw_shared.http_event import Request, Response
from llm_gateway import endpoints, telemetry
from llm_gateway.config_types import ConfigError, GatewayConfig, ProviderConfig
from llm_gateway.context import Context, Identity, Outcome
from llm_gateway.providers.registry import make_provider
from llm_gateway.routing import CircuitBreaker, Router, _random

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from llm_gateway.cache import ResponseCache
    from llm_gateway.providers import base
    from llm_gateway.quotas import QuotaStore
    from llm_gateway.responses_store import ResponseStore
    from llm_gateway.uploads import Settings as UploadSettings


class Gateway:
    def __init__(
        self,
        config: Callable[[], GatewayConfig],
        *,
        log_sink: Callable[[str], None] | None = None,
        metrics_sink: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = _random,
        quota_client: Any = None,
        sleep: Callable[[float], None] = time.sleep,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._config = config
        self.logger = jsonlog.JsonLogger("llm_gateway", log_sink)
        self._metrics_sink = metrics_sink or (
            lambda line: (sys.stdout.write(line + "\n"), sys.stdout.flush())
        )
        self.clock = clock
        self.rng = rng
        self.sleep = sleep
        self._quota_client = quota_client
        # The function's environment when it is not the process's (`aigw serve`).
        self._environ = environ
        self._providers: dict[str, tuple[ProviderConfig, base.Provider]] = {}
        self._breaker: CircuitBreaker | None = None
        self._quota: tuple[Any, QuotaStore] | None = None
        self._cache: tuple[Any, ResponseCache] | None = None

    # ------------------------------------------------------------------ plumbing

    def provider(self, config: ProviderConfig) -> base.Provider:
        hit = self._providers.get(config.name)
        # the same config object as last time (the usual case) skips the field-by-field compare
        if hit is None or (hit[0] is not config and hit[0] != config):
            hit = (config, make_provider(config))
            self._providers[config.name] = hit
        return hit[1]

    def router(self, cfg: GatewayConfig) -> Router:
        r = cfg.routing
        if (
            self._breaker is None
            or self._breaker.threshold != r.failure_threshold
            or self._breaker.cooldown_s != r.cooldown_ms / 1000
        ):
            self._breaker = CircuitBreaker(r.failure_threshold, r.cooldown_ms / 1000, self.clock)
        attempt_s = r.attempt_timeout_ms / 1000 if r.attempt_timeout_ms else None
        return Router(self._breaker, self.clock, self.rng, self.sleep, attempt_s)

    def quota_store(self, cfg: GatewayConfig) -> QuotaStore | None:
        if not cfg.quotas.enabled:
            return None
        if self._quota is None or (
            self._quota[0] is not cfg.quotas and self._quota[0] != cfg.quotas
        ):
            from llm_gateway.quotas import QuotaStore

            self._quota = (cfg.quotas, QuotaStore(cfg.quotas, self._quota_client))
        return self._quota[1]

    def response_cache(self, cfg: GatewayConfig) -> ResponseCache:
        if self._cache is None or (self._cache[0] is not cfg.cache and self._cache[0] != cfg.cache):
            from llm_gateway.cache import ResponseCache

            self._cache = (cfg.cache, ResponseCache(cfg.cache, self._quota_client))
        return self._cache[1]

    def responses_store(self) -> ResponseStore | None:
        """The stored-responses table the environment names, if any."""
        from llm_gateway.responses_store import store_for

        return store_for(self._quota_client, self._environ)

    def upload_settings(self) -> UploadSettings | None:
        """The upload bucket's settings from the function's environment (None: off)."""
        from llm_gateway.uploads import settings

        return settings(self._environ)

    def finish(self, cfg: GatewayConfig, out: Outcome) -> None:
        """Write the request's log line and metric record."""
        telemetry.finish(cfg, out, self.clock(), self.logger, self._metrics_sink)

    # ------------------------------------------------------------------ entry point

    def handle(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        auth: Mapping[str, str] | None = None,
        request_id: str = "",
        remaining_ms: float | None = None,
    ) -> Response:
        """Answer one request. Never raises: every failure is an OpenAI-shaped response."""
        req = Request(
            method.upper(),
            path,
            {k.lower(): v for k, v in (headers or {}).items()},
            body,
            {},
            dict(auth or {}),
            request_id or os.urandom(16).hex(),
        )
        return self.handle_request(req, remaining_ms)

    def handle_request(self, req: Request, remaining_ms: float | None = None) -> Response:
        out = Outcome(route=req.path, request_id=req.request_id, start=self.clock())
        try:
            cfg = self._config()
        except Exception as exc:  # noqa: BLE001 - a broken config must not crash requests
            return self._config_unavailable(req, out, exc)
        deadline_ms = float(cfg.routing.deadline_ms)
        if remaining_ms is not None:
            deadline_ms = max(0.0, min(deadline_ms, remaining_ms))
        deadline = out.start + deadline_ms / 1000
        try:
            resp = self._dispatch(cfg, req, out, deadline)
        except ApiError as err:
            resp = endpoints.error_response(err, req)
            out.status, out.error_code = err.status, err.code
        except ConfigError as exc:  # a config built in code, past parse_config's checks
            resp = self._config_unavailable(req, out, exc)
        except Exception as exc:  # noqa: BLE001 - last line of defence: no tracebacks out
            err = errors.internal_error()
            self.logger.error(
                "unhandled_exception", request_id=req.request_id, error=type(exc).__name__
            )
            resp = endpoints.error_response(err, req)
            out.status, out.error_code = err.status, err.code
        if resp.stream is None:
            self.finish(cfg, out)
        return resp

    def _config_unavailable(self, req: Request, out: Outcome, exc: Exception) -> Response:
        self.logger.error(
            "config_unavailable",
            request_id=req.request_id,
            error=type(exc).__name__,
            detail=str(exc)[:300],
        )
        err = ApiError(
            503, "The gateway configuration is unavailable.", errors.SERVER, "config_unavailable"
        )
        out.status, out.error_code = err.status, err.code
        return endpoints.error_response(err, req)

    def _dispatch(
        self, cfg: GatewayConfig, req: Request, out: Outcome, deadline: float
    ) -> Response:
        route, param = endpoints.find(req.path)
        out.route = route.name
        if not route.allows(req.method):
            raise errors.method_not_allowed(req.method, req.path)
        out.identity = identity = Identity.from_auth(req.auth, cfg.allow_anonymous)
        if len(req.body) > cfg.limits.max_body_bytes:
            raise ApiError(
                413,
                f"The request body exceeds {cfg.limits.max_body_bytes} bytes.",
                errors.INVALID_REQUEST,
                "request_too_large",
            )
        ctx = Context(self, cfg, req, out, deadline, identity, param)
        return route.handler()(ctx)
