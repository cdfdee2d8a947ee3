"""The gateway core: ``(method, path, headers, body, auth) -> Response``.

No knowledge of API Gateway events here (see ``handler.py``); ``aigw serve`` and the
tests mount :meth:`Gateway.handle` behind any HTTP server. Streaming responses carry
an iterator of ready-to-send SSE byte chunks in ``Response.stream``.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping

from aigw_shared import errors, jsonlog
from aigw_shared.errors import ApiError
from aigw_shared.http_event import Request, Response, json_bytes
from aigw_shared.records import Factory, record
from llm_gateway import catalog, metering, openai_shape, parameters, validation
from llm_gateway.config import GatewayConfig, ModelConfig, ProviderConfig, Target
from llm_gateway.providers import base
from llm_gateway.routing import AllTargetsFailed, Attempt, CircuitBreaker, Router, _random

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from llm_gateway.cache import ResponseCache
    from llm_gateway.quotas import QuotaStore, Reservation

SSE_HEADERS = {"content-type": "text/event-stream", "cache-control": "no-cache"}
_PROMPT_PATH = re.compile(r"^/v1/prompts/([A-Za-z0-9][A-Za-z0-9._-]{0,127})$")
_MODEL_PATH = re.compile(r"^/v1/models/(.{1,1000})$", re.S)
_VAR_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}")


def make_provider(config: ProviderConfig) -> base.Provider:
    if config.type == "mock":
        from llm_gateway.providers.mock import MockProvider

        return MockProvider(config)
    if config.type == "openai":
        from llm_gateway.providers.openai_compat import OpenAIProvider

        return OpenAIProvider(config)
    from llm_gateway.providers.bedrock import BedrockProvider

    return BedrockProvider(config)


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


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _sse(payload: Any) -> bytes:
    return b"data: " + json_bytes(payload) + b"\n\n"


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
        self._providers: dict[str, tuple[ProviderConfig, base.Provider]] = {}
        self._breaker: CircuitBreaker | None = None
        self._quota: tuple[Any, QuotaStore] | None = None
        self._cache: tuple[Any, ResponseCache] | None = None

    # ------------------------------------------------------------------ plumbing

    def provider(self, config: ProviderConfig) -> base.Provider:
        hit = self._providers.get(config.name)
        if hit is None or hit[0] != config:
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
        if self._quota is None or self._quota[0] != cfg.quotas:
            from llm_gateway.quotas import QuotaStore

            self._quota = (cfg.quotas, QuotaStore(cfg.quotas, self._quota_client))
        return self._quota[1]

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
            self.logger.error(
                "config_unavailable",
                request_id=req.request_id,
                error=type(exc).__name__,
                detail=str(exc)[:300],
            )
            err = ApiError(
                503,
                "The gateway configuration is unavailable.",
                errors.SERVER,
                "config_unavailable",
            )
            out.status, out.error_code = err.status, err.code
            return Response.error(err)
        deadline_ms = float(cfg.routing.deadline_ms)
        if remaining_ms is not None:
            deadline_ms = max(0.0, min(deadline_ms, remaining_ms))
        deadline = out.start + deadline_ms / 1000
        try:
            resp = self._dispatch(cfg, req, out, deadline)
        except ApiError as err:
            resp = Response.error(err)
            out.status, out.error_code = err.status, err.code
        except Exception as exc:  # noqa: BLE001 - last line of defence: no tracebacks out
            err = errors.internal_error()
            self.logger.error(
                "unhandled_exception", request_id=req.request_id, error=type(exc).__name__
            )
            resp = Response.error(err)
            out.status, out.error_code = err.status, err.code
        if resp.stream is None:
            self._finish(cfg, out)
        return resp

    def _dispatch(
        self, cfg: GatewayConfig, req: Request, out: Outcome, deadline: float
    ) -> Response:
        routes = {
            "/v1/chat/completions": ("POST", "chat_completions"),
            "/v1/embeddings": ("POST", "embeddings"),
            "/v1/models": ("GET", "models"),
        }
        prompt = _PROMPT_PATH.match(req.path)
        one_model = _MODEL_PATH.match(req.path)
        if req.path in routes:
            method, name = routes[req.path]
        elif prompt:
            method, name = "POST", "prompts"
        elif one_model:
            method, name = "GET", "model"
        else:
            raise errors.not_found(f"Unknown path {req.path[:200]}.", "unknown_path")
        out.route = name
        if req.method != method:
            raise errors.method_not_allowed(req.method, req.path)
        out.identity = Identity.from_auth(req.auth, cfg.allow_anonymous)
        if len(req.body) > cfg.limits.max_body_bytes:
            raise ApiError(
                413,
                f"The request body exceeds {cfg.limits.max_body_bytes} bytes.",
                errors.INVALID_REQUEST,
                "request_too_large",
            )
        if name == "models":
            return catalog.list_models(cfg, out.identity.may_use)
        if name == "model":
            return catalog.retrieve_model(cfg, one_model.group(1), out.identity.may_use)
        body = req.json()
        if name == "chat_completions":
            return self._chat(cfg, validation.chat_request(body, cfg.limits), out, deadline)
        if name == "embeddings":
            return self._embeddings(
                cfg, validation.embeddings_request(body, cfg.limits), out, deadline
            )
        return self._prompt(cfg, prompt.group(1), validation.prompt_request(body), out, deadline)

    # ------------------------------------------------------------------ endpoints

    def _resolve(self, cfg: GatewayConfig, alias: str, kind: str, ident: Identity) -> ModelConfig:
        model = cfg.models.get(alias)
        if model is None or not ident.may_use(alias):
            raise catalog.model_not_found(alias)
        if model.type != kind:
            raise errors.invalid_request(
                f"The model '{alias}' is a {model.type} model, not a {kind} model.",
                "model",
                "invalid_model_type",
            )
        return model

    def _reserve(
        self, cfg: GatewayConfig, out: Outcome, estimate: int
    ) -> tuple[QuotaStore | None, Reservation | None]:
        store = self.quota_store(cfg)
        if store is None or out.identity is None:
            return None, None
        try:
            return store, store.reserve(out.identity.tenant, out.identity.tier, estimate)
        except ApiError as err:
            out.quota_rejected = err.code == "insufficient_quota"
            raise

    def _reconcile(self, store: QuotaStore | None, res: Reservation | None, actual: int) -> None:
        if store is None or res is None:
            return
        try:
            store.reconcile(res, actual)
        except Exception as exc:  # noqa: BLE001 - the answer is already decided
            self.logger.error("quota_reconcile_failed", error=type(exc).__name__)

    def _chat(
        self, cfg: GatewayConfig, request: dict[str, Any], out: Outcome, deadline: float
    ) -> Response:
        assert out.identity is not None
        model = self._resolve(cfg, request["model"], "chat", out.identity)
        parameters.check_targets(request, {cfg.providers[t.provider].type for t in model.targets})
        out.model, out.stream = model.alias, request["stream"]
        out.prompt_text = "\n".join(_text(m.get("content")) for m in request["messages"])
        max_out = request.get("max_completion_tokens") or request.get("max_tokens")
        reserve_out = cfg.quotas.reserve_output_tokens
        estimate = base.rough_tokens(out.prompt_text) + (
            min(max_out, reserve_out) if max_out else reserve_out
        )
        cache, key = self._cache_for(cfg, request, out)
        if cache is not None and key is not None:
            hit = self._cache_get(cache, key)
            if hit is not None:
                out.cache = "hit"
                out.completion_text = "".join(
                    _text(c.get("message", {}).get("content")) for c in hit["choices"]
                )
                return self._completion(model.alias, hit, {"x-aigw-cache": "hit"})
        store, res = self._reserve(cfg, out, estimate)
        router = self.router(cfg)
        if request["stream"]:
            return self._chat_stream(cfg, request, model, router, out, deadline, store, res)
        try:
            result = router.run(
                model,
                lambda t, left: self.provider(cfg.providers[t.provider]).chat(t, request, left),
                deadline,
            )
        except AllTargetsFailed as exc:
            out.attempts = exc.attempts
            self._reconcile(store, res, 0)
            raise exc.error from None
        out.attempts, out.target = result.attempts, result.target
        out.provider = result.target.provider
        doc = result.value
        out.usage = doc["usage"]
        self._reconcile(store, res, int(out.usage.get("total_tokens") or 0))
        out.completion_text = "".join(
            _text(c.get("message", {}).get("content")) for c in doc["choices"]
        )
        headers = {"x-aigw-provider": result.target.provider}
        if cache is not None and key is not None:
            out.cache = "miss"
            headers["x-aigw-cache"] = "miss"
            self._cache_put(cache, key, {"choices": doc["choices"], "usage": doc["usage"]})
        return self._completion(model.alias, doc, headers)

    @staticmethod
    def _completion(alias: str, doc: dict[str, Any], headers: dict[str, str]) -> Response:
        body = {
            "id": "chatcmpl-" + os.urandom(16).hex(),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": alias,
            "choices": openai_shape.completion_choices(doc["choices"]),
            "usage": doc["usage"],
        }
        return Response.json(200, body, headers)

    def _cache_for(
        self, cfg: GatewayConfig, request: dict[str, Any], out: Outcome
    ) -> tuple[ResponseCache | None, str | None]:
        if not cfg.cache.enabled or out.identity is None:
            return None, None
        from llm_gateway import cache as cache_mod

        if not cache_mod.eligible(request):
            return None, None
        if self._cache is None or self._cache[0] != cfg.cache:
            self._cache = (cfg.cache, cache_mod.ResponseCache(cfg.cache, self._quota_client))
        key = cache_mod.cache_key(out.identity.tenant, request["model"], request)
        return self._cache[1], key

    def _cache_get(self, cache: ResponseCache, key: str) -> dict[str, Any] | None:
        try:
            doc = cache.get(key)
        except Exception as exc:  # noqa: BLE001 - the cache is best effort
            self.logger.warning("cache_get_failed", error=type(exc).__name__)
            return None
        if doc is None or not isinstance(doc.get("choices"), list):
            return None
        return doc

    def _cache_put(self, cache: ResponseCache, key: str, doc: dict[str, Any]) -> None:
        try:
            cache.put(key, doc)
        except Exception as exc:  # noqa: BLE001 - the cache is best effort
            self.logger.warning("cache_put_failed", error=type(exc).__name__)

    def _chat_stream(
        self,
        cfg: GatewayConfig,
        request: dict[str, Any],
        model: ModelConfig,
        router: Router,
        out: Outcome,
        deadline: float,
        store: QuotaStore | None,
        res: Reservation | None,
    ) -> Response:
        def start(target: Target, left: float) -> tuple[dict[str, Any], Iterator[dict]]:
            it = self.provider(cfg.providers[target.provider]).chat_stream(target, request, left)
            try:
                first = next(it)  # fallback is possible until the first chunk arrives
            except StopIteration:
                raise base.upstream_unavailable("The upstream stream ended early.") from None
            return first, it

        try:
            result = router.run(model, start, deadline)
        except AllTargetsFailed as exc:
            out.attempts = exc.attempts
            self._reconcile(store, res, 0)
            raise exc.error from None
        out.attempts, out.target = result.attempts, result.target
        out.provider = result.target.provider
        out.ttft_ms = (self.clock() - out.start) * 1000
        first, rest = result.value
        include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
        chunk_id = "chatcmpl-" + os.urandom(16).hex()
        created = int(time.time())
        pieces: list[str] = []

        def stamp(chunk: dict[str, Any]) -> dict[str, Any]:
            body = {
                "id": chunk_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model.alias,
                "choices": openai_shape.chunk_choices(chunk.get("choices") or []),
            }
            if "usage" in chunk:
                body["usage"] = chunk["usage"]
            elif include_usage:
                body["usage"] = None
            return body

        def events() -> Iterator[bytes]:
            chunk: dict[str, Any] | None = first
            failed = True
            try:
                for _ in range(10_000_000):  # bounded
                    if chunk is None:
                        break
                    for choice in chunk.get("choices") or []:
                        content = (choice.get("delta") or {}).get("content")
                        if isinstance(content, str):
                            pieces.append(content)
                    if isinstance(chunk.get("usage"), dict):
                        out.usage = chunk["usage"]
                        if include_usage:
                            yield _sse(stamp(chunk))
                    else:
                        yield _sse(stamp(chunk))
                    chunk = next(rest, None)
                yield b"data: [DONE]\n\n"
                failed = False
            except base.ProviderError as exc:
                out.status, out.error_code = 502, exc.code
                yield _sse(ApiError(exc.status, exc.message, exc.type, exc.code).body())
                failed = False
            except Exception as exc:  # noqa: BLE001 - a bug must not tear the stream silently
                err = errors.internal_error()
                out.status, out.error_code = err.status, err.code
                self.logger.error(
                    "unhandled_exception", request_id=out.request_id, error=type(exc).__name__
                )
                yield _sse(err.body())
                failed = False
            finally:
                if failed and out.error_code is None:
                    out.status, out.error_code = 499, "client_closed"
                out.completion_text = "".join(pieces)
                self._reconcile(
                    store,
                    res,
                    int(out.usage.get("total_tokens") or 0)
                    if out.usage
                    else res.tokens
                    if res
                    else 0,
                )
                self._finish(cfg, out)

        return Response(
            200, {**SSE_HEADERS, "x-aigw-provider": result.target.provider}, b"", events()
        )

    def _embeddings(
        self, cfg: GatewayConfig, request: dict[str, Any], out: Outcome, deadline: float
    ) -> Response:
        assert out.identity is not None
        model = self._resolve(cfg, request["model"], "embedding", out.identity)
        out.model = model.alias
        out.prompt_text = "\n".join(request["input"])
        store, res = self._reserve(cfg, out, base.rough_tokens(out.prompt_text))
        dims = request.get("dimensions") or model.dimensions
        try:
            result = self.router(cfg).run(
                model,
                lambda t, left: self.provider(cfg.providers[t.provider]).embed(
                    t, request["input"], dims, left
                ),
                deadline,
            )
        except AllTargetsFailed as exc:
            out.attempts = exc.attempts
            self._reconcile(store, res, 0)
            raise exc.error from None
        out.attempts, out.target = result.attempts, result.target
        out.provider = result.target.provider
        vectors, tokens = result.value
        out.usage = {"prompt_tokens": tokens, "completion_tokens": 0, "total_tokens": tokens}
        self._reconcile(store, res, tokens)
        import base64
        import struct

        data = []
        for i, vec in enumerate(vectors):
            emb: Any = vec
            if request["encoding_format"] == "base64":
                emb = base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode("ascii")
            data.append({"object": "embedding", "index": i, "embedding": emb})
        return Response.json(
            200,
            {
                "object": "list",
                "data": data,
                "model": model.alias,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
            {"x-aigw-provider": result.target.provider},
        )

    def _prompt(
        self, cfg: GatewayConfig, name: str, request: dict[str, Any], out: Outcome, deadline: float
    ) -> Response:
        template = cfg.prompts.get(name)
        if template is None:
            raise errors.not_found(
                f"The prompt template '{name}' does not exist.", "prompt_not_found"
            )
        given = request["variables"]
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
        messages = [
            {
                "role": m["role"],
                "content": _VAR_RE.sub(lambda mt: values[mt.group(1)], m["content"]),
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
        return self._chat(cfg, validation.chat_request(body, cfg.limits), out, deadline)

    # ------------------------------------------------------------------ bookkeeping

    def _finish(self, cfg: GatewayConfig, out: Outcome) -> None:
        latency_ms = round((self.clock() - out.start) * 1000, 3)
        usage = out.usage or {}
        details = usage.get("prompt_tokens_details")
        cached = int(details.get("cached_tokens") or 0) if isinstance(details, dict) else 0
        price = cfg.prices.get(out.target.model) if out.target else None
        cost = metering.estimate_cost(usage, price)
        ident = out.identity
        provider_errors = sum(
            1 for a in out.attempts if a.outcome not in ("ok", "skipped_open_circuit")
        )
        try:
            if cfg.metrics_enabled:
                values: dict[str, float] = {
                    "Requests": 1,
                    "InputTokens": int(usage.get("prompt_tokens") or 0),
                    "OutputTokens": int(usage.get("completion_tokens") or 0),
                    "CacheReadTokens": cached,
                    "EstimatedCostUSD": cost,
                    "LatencyMs": latency_ms,
                    "ProviderErrors": provider_errors,
                    "QuotaRejections": 1 if out.quota_rejected else 0,
                }
                if out.ttft_ms is not None:
                    values["TimeToFirstTokenMs"] = round(out.ttft_ms, 3)
                dims = {
                    "Tenant": ident.tenant if ident else "unknown",
                    "Model": out.model or "none",
                    "Provider": out.provider or "none",
                    "Route": out.route,
                }
                self._metrics_sink(metering.emf_record(cfg.metrics_namespace, dims, values))
            fields: dict[str, Any] = {
                "request_id": out.request_id,
                "route": out.route,
                "status": out.status,
                "error_code": out.error_code,
                "tenant": ident.tenant if ident else None,
                "tier": ident.tier if ident else None,
                "key_id": ident.key_id if ident else None,
                "model": out.model,
                "provider": out.provider,
                "target": out.target.model if out.target else None,
                "stream": out.stream,
                "latency_ms": latency_ms,
                "ttft_ms": round(out.ttft_ms, 3) if out.ttft_ms is not None else None,
                "input_tokens": int(usage.get("prompt_tokens") or 0),
                "output_tokens": int(usage.get("completion_tokens") or 0),
                "cached_tokens": cached,
                "cost_usd": cost,
                "attempts": [a.__dict__ for a in out.attempts],
                "redaction": cfg.redaction,
                "cache": out.cache,
            }
            if out.prompt_text is not None:
                fields["prompt"] = jsonlog.redact(out.prompt_text, cfg.redaction)
            if out.completion_text is not None:
                fields["completion"] = jsonlog.redact(out.completion_text, cfg.redaction)
            self.logger.info("request", **fields)
        except Exception as exc:  # noqa: BLE001 - bookkeeping must never break an answer
            sys.stderr.write(f"llm_gateway: logging failed: {type(exc).__name__}\n")
