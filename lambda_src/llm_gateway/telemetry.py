"""The request's record: one JSON log line and, when metrics are on, one EMF line.

Written once per request (for a stream, when the stream ends), from the
:class:`~llm_gateway.context.Outcome` the endpoint filled in. Prompt and completion
text go through the configured redaction (``logging.redaction``).
"""

from __future__ import annotations

import sys

from aigw_shared import jsonlog
from llm_gateway import metering

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from llm_gateway.config_types import GatewayConfig
    from llm_gateway.context import Outcome


def finish(
    cfg: GatewayConfig,
    out: Outcome,
    now: float,
    logger: jsonlog.JsonLogger,
    metrics_sink: Callable[[str], None],
) -> None:
    """Log and meter one finished request (``now`` on the clock ``out.start`` used).
    Never raises: bookkeeping must not break an answer."""
    latency_ms = round((now - out.start) * 1000, 3)
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
            metrics_sink(metering.emf_record(cfg.metrics_namespace, dims, values))
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
        logger.info("request", **fields)
    except Exception as exc:  # noqa: BLE001 - bookkeeping must never break an answer
        sys.stderr.write(f"llm_gateway: logging failed: {type(exc).__name__}\n")
