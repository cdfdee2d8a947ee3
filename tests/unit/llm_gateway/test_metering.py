"""Cost of one answer from its usage and the model's price (docs/cost.md)."""

from __future__ import annotations

import pytest

from llm_gateway.config import Price
from llm_gateway.metering import estimate_cost


def test_uncached_prompt_and_completion():
    # 1,000 input at $3/M + 500 output at $15/M = 0.003 + 0.0075
    usage = {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500}
    assert estimate_cost(usage, Price(3, 15)) == pytest.approx(0.0105)


def test_cache_reads_and_writes_at_their_own_prices():
    # Bedrock prompt_tokens include 200 cache reads and 300 cache writes (converse.map_usage)
    usage = {
        "prompt_tokens": 1500,
        "completion_tokens": 100,
        "prompt_tokens_details": {"cached_tokens": 200, "cache_write_tokens": 300},
    }
    # 1000 × 3 + 200 × 0.3 + 300 × 3.75 + 100 × 15 = 3000 + 60 + 1125 + 1500 = 5685 µ$
    assert estimate_cost(usage, Price(3, 15, 0.3, 3.75)) == pytest.approx(0.005685)


def test_cache_writes_cost_the_input_price_without_a_cache_write_price():
    usage = {
        "prompt_tokens": 1500,
        "completion_tokens": 0,
        "prompt_tokens_details": {"cached_tokens": 200, "cache_write_tokens": 300},
    }
    # 1300 × 3 + 200 × 0.3 = 3960 µ$
    assert estimate_cost(usage, Price(3, 15, 0.3)) == pytest.approx(0.00396)


def test_no_price_costs_nothing():
    assert estimate_cost({"prompt_tokens": 10**6}, None) == 0.0
