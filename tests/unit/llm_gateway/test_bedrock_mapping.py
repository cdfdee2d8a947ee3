"""Bedrock Converse mapping in both directions, and error mapping."""

from __future__ import annotations

import base64
import json

import pytest

from llm_gateway.config import Guardrail, LimitsConfig, Target
from llm_gateway.providers import base
from llm_gateway.providers.bedrock_errors import map_error_code, map_exception
from llm_gateway.providers.converse import from_converse, stream_to_chunks, to_converse
from llm_gateway.validation import chat_request

TARGET = Target("br", "us.anthropic.claude-3-5-sonnet-20241022-v2:0")
PNG = base64.b64encode(b"\x89PNG fake").decode()


def converse(body: dict, target: Target = TARGET) -> dict:
    return to_converse(chat_request(body, LimitsConfig()), target)


def test_system_and_developer_messages_become_system_blocks() -> None:
    out = converse(
        {
            "model": "m",
            "messages": [
                {"role": "system", "content": "rule 1"},
                {"role": "developer", "content": "rule 2"},
                {"role": "user", "content": "hi"},
            ],
        }
    )
    assert out["system"] == [{"text": "rule 1"}, {"text": "rule 2"}]
    assert out["messages"] == [{"role": "user", "content": [{"text": "hi"}]}]
    assert out["modelId"] == TARGET.model  # inference-profile ids pass through


def test_text_and_image_parts() -> None:
    out = converse(
        {
            "model": "m",
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "what is this?"},
                        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
                    ],
                }
            ],
        }
    )
    blocks = out["messages"][0]["content"]
    assert blocks[0] == {"text": "what is this?"}
    assert blocks[1] == {"image": {"format": "png", "source": {"bytes": b"\x89PNG fake"}}}


def test_remote_image_urls_are_rejected_as_client_error() -> None:
    with pytest.raises(base.ProviderError) as exc:
        converse(
            {
                "model": "m",
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "image_url",
                                "image_url": {"url": "http://169.254.169.254/x.png"},
                            }
                        ],
                    }
                ],
            }
        )
    assert exc.value.status == 400 and not exc.value.retryable


def test_inference_parameters() -> None:
    out = converse(
        {
            "model": "m",
            "messages": [{"role": "user", "content": "x"}],
            "max_completion_tokens": 99,
            "temperature": 0.5,
            "top_p": 0.9,
            "stop": "END",
        }
    )
    assert out["inferenceConfig"] == {
        "maxTokens": 99,
        "temperature": 0.5,
        "topP": 0.9,
        "stopSequences": ["END"],
    }


def test_tools_tool_calls_and_results() -> None:
    out = converse(
        {
            "model": "m",
            "tool_choice": "required",
            "tools": [
                {
                    "type": "function",
                    "function": {
                        "name": "lookup",
                        "description": "find",
                        "parameters": {"type": "object"},
                    },
                }
            ],
            "messages": [
                {"role": "user", "content": "find x"},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "t1",
                            "type": "function",
                            "function": {"name": "lookup", "arguments": '{"q": "x"}'},
                        },
                        {
                            "id": "t2",
                            "type": "function",
                            "function": {"name": "lookup", "arguments": '{"q": "y"}'},
                        },
                    ],
                },
                {"role": "tool", "tool_call_id": "t1", "content": "found x"},
                {"role": "tool", "tool_call_id": "t2", "content": "found y"},
            ],
        }
    )
    assert out["toolConfig"]["tools"][0]["toolSpec"] == {
        "name": "lookup",
        "description": "find",
        "inputSchema": {"json": {"type": "object"}},
    }
    assert out["toolConfig"]["toolChoice"] == {"any": {}}
    assistant, results = out["messages"][1], out["messages"][2]
    assert assistant["content"][0] == {
        "toolUse": {"toolUseId": "t1", "name": "lookup", "input": {"q": "x"}}
    }
    assert results["role"] == "user" and len(results["content"]) == 2  # merged
    assert results["content"][1]["toolResult"] == {
        "toolUseId": "t2",
        "content": [{"text": "found y"}],
    }


def test_named_tool_choice() -> None:
    out = converse(
        {
            "model": "m",
            "messages": [{"role": "user", "content": "x"}],
            "tools": [{"type": "function", "function": {"name": "f"}}],
            "tool_choice": {"type": "function", "function": {"name": "f"}},
        }
    )
    assert out["toolConfig"]["toolChoice"] == {"tool": {"name": "f"}}


TOOL_HISTORY = [
    {"role": "user", "content": "weather?"},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "t1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}
        ],
    },
    {"role": "tool", "tool_call_id": "t1", "content": "sunny"},
]


def test_tool_choice_none_sends_no_tool_config() -> None:
    # Converse has no "none" choice: with a toolConfig the model may still call a tool.
    out = converse(
        {
            "model": "m",
            "messages": [{"role": "user", "content": "hi"}],
            "tools": [{"type": "function", "function": {"name": "f"}}],
            "tool_choice": "none",
        }
    )
    assert "toolConfig" not in out
    assert out["messages"] == [{"role": "user", "content": [{"text": "hi"}]}]


def test_tool_choice_none_with_tool_history_sends_the_history_as_text() -> None:
    # Converse requires toolConfig when the messages hold toolUse/toolResult blocks.
    out = converse(
        {
            "model": "m",
            "messages": TOOL_HISTORY,
            "tools": [{"type": "function", "function": {"name": "f"}}],
            "tool_choice": "none",
        }
    )
    assert "toolConfig" not in out
    assert out["messages"] == [
        {"role": "user", "content": [{"text": "weather?"}]},
        {"role": "assistant", "content": [{"text": '[tool call t1: f({"a": 1})]'}]},
        {"role": "user", "content": [{"text": "[tool result t1: sunny]"}]},
    ]


def test_tool_history_without_tools_goes_as_text() -> None:
    out = converse({"model": "m", "messages": TOOL_HISTORY})
    assert "toolConfig" not in out
    assert [b for m in out["messages"] for b in m["content"] if set(b) != {"text"}] == []


def test_tool_choice_auto_keeps_the_tool_blocks() -> None:
    out = converse(
        {
            "model": "m",
            "messages": TOOL_HISTORY,
            "tools": [{"type": "function", "function": {"name": "f"}}],
            "tool_choice": "auto",
        }
    )
    assert out["toolConfig"]["toolChoice"] == {"auto": {}}
    assert out["messages"][1]["content"][0]["toolUse"]["input"] == {"a": 1}


def test_invalid_tool_arguments_are_a_client_error() -> None:
    with pytest.raises(base.ProviderError) as exc:
        converse(
            {
                "model": "m",
                "messages": [
                    {"role": "user", "content": "x"},
                    {
                        "role": "assistant",
                        "tool_calls": [
                            {
                                "id": "t",
                                "type": "function",
                                "function": {"name": "f", "arguments": "not json"},
                            }
                        ],
                    },
                ],
            }
        )
    assert exc.value.status == 400


def test_consecutive_user_messages_are_merged() -> None:
    out = converse(
        {
            "model": "m",
            "messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}],
        }
    )
    assert out["messages"] == [{"role": "user", "content": [{"text": "a"}, {"text": "b"}]}]


def test_json_response_format_adds_instruction() -> None:
    out = converse(
        {
            "model": "m",
            "messages": [{"role": "user", "content": "x"}],
            "response_format": {"type": "json_object"},
        }
    )
    assert "JSON" in out["system"][-1]["text"]


def test_guardrail_configuration() -> None:
    target = Target("br", "m", guardrail=Guardrail("gr-1", "3", True))
    out = converse({"model": "m", "messages": [{"role": "user", "content": "x"}]}, target)
    assert out["guardrailConfig"] == {
        "guardrailIdentifier": "gr-1",
        "guardrailVersion": "3",
        "trace": "enabled",
    }


@pytest.mark.parametrize(
    ("reason", "finish"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
        ("guardrail_intervened", "content_filter"),
        ("content_filtered", "content_filter"),
    ],
)
def test_stop_reasons(reason: str, finish: str) -> None:
    out = from_converse(
        {
            "output": {"message": {"role": "assistant", "content": [{"text": "x"}]}},
            "stopReason": reason,
            "usage": {},
        }
    )
    assert out["choices"][0]["finish_reason"] == finish


def test_response_text_tool_use_and_cache_usage() -> None:
    out = from_converse(
        {
            "output": {
                "message": {
                    "role": "assistant",
                    "content": [
                        {"text": "Let me check. "},
                        {"toolUse": {"toolUseId": "tu1", "name": "f", "input": {"a": 1}}},
                    ],
                }
            },
            "stopReason": "tool_use",
            "usage": {
                "inputTokens": 10,
                "outputTokens": 5,
                "totalTokens": 15,
                "cacheReadInputTokens": 100,
                "cacheWriteInputTokens": 20,
            },
        }
    )
    msg = out["choices"][0]["message"]
    assert msg["content"] == "Let me check. "
    assert msg["tool_calls"] == [
        {"id": "tu1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}
    ]
    assert out["usage"]["prompt_tokens"] == 130
    assert out["usage"]["prompt_tokens_details"] == {
        "cached_tokens": 100,
        "cache_write_tokens": 20,  # OpenAI's name for prompt-cache writes
    }
    assert out["usage"]["cache_creation_input_tokens"] == 20  # the same, Anthropic's name
    assert out["usage"]["total_tokens"] == 135


def test_malformed_converse_response_is_retryable_upstream_error() -> None:
    with pytest.raises(base.ProviderError) as exc:
        from_converse({"nothing": True})
    assert exc.value.status == 502 and exc.value.retryable


def test_stream_events_become_openai_chunks() -> None:
    events = [
        {"messageStart": {"role": "assistant"}},
        {"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"text": "Hi"}}},
        {"contentBlockStop": {"contentBlockIndex": 0}},
        {
            "contentBlockStart": {
                "contentBlockIndex": 1,
                "start": {"toolUse": {"toolUseId": "tu", "name": "f"}},
            }
        },
        {"contentBlockDelta": {"contentBlockIndex": 1, "delta": {"toolUse": {"input": "{}"}}}},
        {"messageStop": {"stopReason": "tool_use"}},
        {"metadata": {"usage": {"inputTokens": 3, "outputTokens": 2, "totalTokens": 5}}},
    ]
    chunks = list(stream_to_chunks(events))
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert chunks[1]["choices"][0]["delta"] == {"content": "Hi"}
    assert chunks[2]["choices"][0]["delta"]["tool_calls"][0]["id"] == "tu"
    assert chunks[3]["choices"][0]["delta"]["tool_calls"][0] == {
        "index": 0,
        "function": {"arguments": "{}"},
    }
    assert chunks[4]["choices"][0]["finish_reason"] == "tool_calls"
    assert chunks[5] == {
        "choices": [],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }


def test_stream_ending_without_message_stop_is_an_error() -> None:
    with pytest.raises(base.ProviderError):
        list(stream_to_chunks([{"messageStart": {"role": "assistant"}}]))


@pytest.mark.parametrize(
    ("code", "status", "retryable"),
    [
        ("ThrottlingException", 429, True),
        ("ValidationException", 400, False),
        ("ModelTimeoutException", 504, True),
        ("AccessDeniedException", 502, True),
        ("ResourceNotFoundException", 502, True),
        ("ServiceUnavailableException", 503, True),
        ("ModelNotReadyException", 503, True),
        ("InternalServerException", 502, True),
        ("ServiceQuotaExceededException", 429, True),
    ],
)
def test_error_codes(code: str, status: int, retryable: bool) -> None:
    err = map_error_code(code, "detail about arn:aws:iam::123456789012:role/x")
    assert (err.status, err.retryable) == (status, retryable)
    assert "arn:aws" not in err.message and "123456789012" not in err.message


def test_access_denied_message_hides_details() -> None:
    err = map_error_code("AccessDeniedException", "User: arn:aws:sts::1:assumed-role/r")
    assert "User" not in err.message


def test_botocore_exceptions_are_mapped() -> None:
    from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

    ce = ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow"}}, "Converse")
    assert map_exception(ce).status == 429
    assert map_exception(ConnectTimeoutError(endpoint_url="http://x")).status == 504
    assert map_exception(EndpointConnectionError(endpoint_url="http://x")).status == 502
    assert json.dumps(map_exception(ce).to_api_error().body())


def test_event_stream_exception_codes_are_case_insensitive() -> None:
    assert map_error_code("throttlingException", "slow").status == 429
    assert map_error_code("validationException", "bad").status == 400


def test_exception_event_in_stream_raises_mapped_error() -> None:
    with pytest.raises(base.ProviderError) as exc:
        list(
            stream_to_chunks(
                [
                    {"messageStart": {"role": "assistant"}},
                    {"throttlingException": {"message": "slow"}},
                ]
            )
        )
    assert exc.value.status == 429


def test_event_stream_read_errors_from_urllib3_map_to_timeout_and_connection_errors() -> None:
    """Reads of a ConverseStream body raise urllib3's exceptions, not botocore's."""
    from urllib3 import exceptions as uexc

    from llm_gateway.providers.bedrock_errors import map_exception

    stalled = map_exception(uexc.ReadTimeoutError(None, "/", "Read timed out."))
    assert (stalled.status, stalled.code, stalled.retryable) == (504, "upstream_timeout", True)
    broken = map_exception(uexc.ProtocolError("Connection broken"))
    assert (broken.status, broken.code) == (502, "upstream_error")
    assert broken.message == "The connection to the upstream provider failed."
