"""Chat parameters a provider cannot honour are refused by name, never dropped."""

from __future__ import annotations

import json

import pytest
from llm_helpers import base_config, make_gateway, post

from llm_gateway import parameters

CHAT = "/v1/chat/completions"
MSG = [{"role": "user", "content": "x"}]


def error_of(resp) -> dict:
    assert resp.status == 400, resp.body
    return json.loads(resp.body)["error"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("audio", {"voice": "alloy", "format": "wav"}),
        ("modalities", ["text", "audio"]),
        ("prediction", {"type": "content", "content": "x"}),
        ("functions", [{"name": "f"}]),
        ("function_call", "auto"),
        ("reasoning_effort", "high"),
        ("web_search_options", {}),
        ("verbosity", "low"),
    ],
)
def test_fields_the_gateway_does_not_implement_are_400_naming_them(field: str, value) -> None:
    gw, _ = make_gateway()
    err = error_of(post(gw, CHAT, {"model": "chat", "messages": MSG, field: value}))
    assert (err["param"], err["code"], err["type"]) == (
        field,
        "unsupported_parameter",
        "invalid_request_error",
    )
    assert field in err["message"]


@pytest.mark.parametrize("field", parameters.ACCEPTED_NOT_FORWARDED)
def test_fields_that_do_not_change_the_answer_are_accepted(field: str) -> None:
    gw, _ = make_gateway()
    assert post(gw, CHAT, {"model": "chat", "messages": MSG, field: "auto"}).status == 200


def test_n_above_one_is_refused_and_n_one_is_fine() -> None:
    gw, _ = make_gateway()
    err = error_of(post(gw, CHAT, {"model": "chat", "messages": MSG, "n": 2}))
    assert (err["param"], err["code"]) == ("n", "unsupported_value")
    assert post(gw, CHAT, {"model": "chat", "messages": MSG, "n": 1}).status == 200


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"top_logprobs": 2}, "top_logprobs"),
        ({"logprobs": True, "top_logprobs": 21}, "top_logprobs"),
        ({"logprobs": "yes"}, "logprobs"),
        ({"logit_bias": {"abc": 1}}, "logit_bias"),
        ({"logit_bias": {"50256": 101}}, "logit_bias"),
        ({"parallel_tool_calls": 1}, "parallel_tool_calls"),
    ],
)
def test_malformed_logprob_and_bias_fields_are_400(body: dict, param: str) -> None:
    gw, _ = make_gateway()
    assert error_of(post(gw, CHAT, {"model": "chat", "messages": MSG, **body}))["param"] == param


def bedrock_gateway():
    doc = base_config()
    doc["providers"]["br"] = {"type": "bedrock", "region": "us-east-1"}
    doc["models"]["claude"] = {
        "targets": [
            {"provider": "mock", "model": "echo"},
            {"provider": "br", "model": "anthropic.claude"},
        ]
    }
    return make_gateway(doc)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("logprobs", True),
        ("top_logprobs", 3),
        ("logit_bias", {"1": 5}),
        ("seed", 7),
        ("presence_penalty", 0.5),
        ("frequency_penalty", -1),
        ("parallel_tool_calls", False),
    ],
)
def test_an_alias_with_a_bedrock_target_refuses_what_bedrock_cannot_do(field: str, value) -> None:
    gw, cap = bedrock_gateway()
    body = {"model": "claude", "messages": MSG, field: value}
    if field == "top_logprobs":
        body["logprobs"] = True
    err = error_of(post(gw, CHAT, body))
    assert err["code"] == "unsupported_parameter"
    assert err["param"] == ("logprobs" if field == "top_logprobs" else field)
    assert "Bedrock" in err["message"]
    assert cap.logs[-1]["attempts"] == []  # refused before any provider was called


def test_bedrock_accepts_the_neutral_values() -> None:
    neutral = {
        "logprobs": False,
        "presence_penalty": 0,
        "frequency_penalty": 0,
        "parallel_tool_calls": True,
        "logit_bias": {},
    }
    parameters.check_targets(neutral, {"bedrock", "openai"})
    gw, _ = bedrock_gateway()  # the mock target answers first
    assert post(gw, CHAT, {"model": "claude", "messages": MSG, **neutral}).status == 200


def test_other_providers_are_not_restricted() -> None:
    everything = {"logprobs": True, "top_logprobs": 2, "seed": 1, "presence_penalty": 1}
    parameters.check_targets(everything, {"openai", "mock"})
