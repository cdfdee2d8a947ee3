"""The OpenAI contract checker itself: it fails on what OpenAI's document forbids, reads
``nullable`` and 3.1 null types right, and sees every response of a test."""

from __future__ import annotations

import base64
import struct

from llm_helpers import make_gateway, post
from openai_contract import Contract, problems

COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "m",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "hi", "refusal": None},
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
}
CHUNK = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "m",
    "choices": [{"index": 0, "delta": {"content": "a"}, "finish_reason": None}],
}


def test_a_conforming_completion_passes_and_missing_required_fields_fail() -> None:
    assert problems("CreateChatCompletionResponse", COMPLETION) == []
    choice = dict(COMPLETION["choices"][0])
    del choice["logprobs"]
    found = problems("CreateChatCompletionResponse", {**COMPLETION, "choices": [choice]})
    assert found and "'logprobs' is a required property" in found[0]
    choice = {**COMPLETION["choices"][0], "message": {"role": "assistant", "content": "x"}}
    found = problems("CreateChatCompletionResponse", {**COMPLETION, "choices": [choice]})
    assert found and "'refusal' is a required property" in found[0]


def test_nullable_fields_accept_null_but_not_other_types() -> None:
    # finish_reason uses the OpenAPI 3.0 ``nullable: true`` in the published document
    assert problems("CreateChatCompletionStreamResponse", CHUNK) == []
    assert problems("CreateChatCompletionStreamResponse", {**CHUNK, "usage": None}) == []
    bad = {**CHUNK, "choices": [{**CHUNK["choices"][0], "finish_reason": 5}]}
    assert problems("CreateChatCompletionStreamResponse", bad)
    bad = {**CHUNK, "choices": [{**CHUNK["choices"][0], "finish_reason": "done"}]}
    assert problems("CreateChatCompletionStreamResponse", bad)
    # 3.1 style: ``anyOf [string, null]`` for Error.param
    err = {"error": {"message": "m", "type": "t", "param": None, "code": None}}
    assert problems("ErrorResponse", err) == []
    assert problems("ErrorResponse", {"error": {"message": "m", "type": "t"}})


def test_base64_embeddings_are_decoded_before_validation() -> None:
    contract = Contract()
    vec = base64.b64encode(struct.pack("<2f", 0.5, 1.5)).decode()
    doc = {
        "object": "list",
        "model": "e",
        "data": [{"object": "embedding", "index": 0, "embedding": vec}],
        "usage": {"prompt_tokens": 1, "total_tokens": 1},
    }
    import json

    contract.check_body("POST", "/v1/embeddings", 200, json.dumps(doc).encode())
    assert contract.violations == []
    doc["data"][0]["embedding"] = "AAA="  # not a whole float32
    contract.check_body("POST", "/v1/embeddings", 200, json.dumps(doc).encode())
    assert contract.violations


def test_a_stream_event_after_done_is_a_violation() -> None:
    contract = Contract()
    list(contract.checked_stream("POST", "/x", iter([b"data: [DONE]\n\n", b"data: {}\n\n"])))
    assert any("after the stream ended" in v for v in contract.violations)


def test_every_response_of_a_test_is_checked(openai_contract: Contract) -> None:
    gw, _ = make_gateway()
    msg = [{"role": "user", "content": "hi"}]
    post(gw, "/v1/chat/completions", {"model": "chat", "messages": msg})
    post(gw, "/v1/chat/completions", {"model": "chat", "messages": msg, "stream": True}).read_all()
    post(gw, "/v1/chat/completions", {"model": "nope", "messages": msg})
    assert openai_contract.checked[0] == "CreateChatCompletionResponse"
    assert openai_contract.checked.count("CreateChatCompletionStreamResponse") >= 3
    assert openai_contract.checked[-1] == "ErrorResponse"
