"""One CloudWatch Embedded Metric Format (EMF) record per request."""

from __future__ import annotations

import json
import time

from llm_gateway.config import Price

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

METRIC_UNITS = {
    "Requests": "Count",
    "InputTokens": "Count",
    "OutputTokens": "Count",
    "CacheReadTokens": "Count",
    "EstimatedCostUSD": "None",
    "LatencyMs": "Milliseconds",
    "TimeToFirstTokenMs": "Milliseconds",
    "ProviderErrors": "Count",
    "QuotaRejections": "Count",
}
DIMENSIONS = [["Tenant", "Model"], ["Model", "Provider"], ["Route"]]


def estimate_cost(usage: dict[str, Any], price: Price | None) -> float:
    """USD of one answer's ``usage`` (OpenAI shape): prompt tokens less cache reads and
    writes at the input price, cache reads and writes at theirs (writes at the input
    price when the model has no cache-write price), completion tokens at the output
    price. 0 without a price."""
    if price is None:
        return 0.0
    prompt = int(usage.get("prompt_tokens") or 0)
    details = usage.get("prompt_tokens_details") or {}
    if not isinstance(details, dict):
        details = {}
    cached = int(details.get("cached_tokens") or 0)
    written = int(details.get("cache_write_tokens") or 0)
    completion = int(usage.get("completion_tokens") or 0)
    write_price = (
        price.input_per_1m if price.cache_write_per_1m is None else price.cache_write_per_1m
    )
    return round(
        (
            max(prompt - cached - written, 0) * price.input_per_1m
            + cached * price.cache_read_per_1m
            + written * write_price
            + completion * price.output_per_1m
        )
        / 1_000_000,
        8,
    )


def emf_record(
    namespace: str, dims: dict[str, str], values: dict[str, float], timestamp_ms: int | None = None
) -> str:
    """An EMF JSON line; metrics absent from ``values`` are left out."""
    metrics = [{"Name": n, "Unit": u} for n, u in METRIC_UNITS.items() if n in values]
    doc: dict[str, Any] = {
        "_aws": {
            "Timestamp": timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
            "CloudWatchMetrics": [
                {"Namespace": namespace, "Dimensions": DIMENSIONS, "Metrics": metrics}
            ],
        },
        **dims,
        **values,
    }
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
