"""Gateway core behaviour with the deterministic mock provider."""

from __future__ import annotations

import json

from llm_helpers import TENANT, base_config, make_gateway, post

from llm_gateway.config import parse_config

CHAT = "/v1/chat/completions"


def sse_events(raw: bytes) -> list:
    out = []
    for block in raw.decode().split("\n\n"):
        if block.startswith("data: "):
            data = block[len("data: ") :]
            out.append(data if data == "[DONE]" else json.loads(data))
    return out


def test_chat_completion_has_openai_shape() -> None:
    gw, _ = make_gateway()
    resp = post(gw, CHAT, {"model": "chat", "messages": [{"role": "user", "content": "hi"}]})
    body = json.loads(resp.body)
    assert resp.status == 200
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    assert body["model"] == "chat"
    assert body["choices"][0]["message"] == {
        "role": "assistant",
        "content": "[mock:echo] You said: hi",
        "refusal": None,
    }
    assert body["choices"][0]["logprobs"] is None  # required by the schema, null here
    assert (
        body["usage"]["total_tokens"]
        == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]
    )


def test_mock_provider_is_deterministic() -> None:
    gw, _ = make_gateway()
    req = {"model": "chat", "messages": [{"role": "user", "content": "same"}]}
    a, b = json.loads(post(gw, CHAT, req).body), json.loads(post(gw, CHAT, req).body)
    assert a["choices"] == b["choices"] and a["usage"] == b["usage"]


def test_models_are_filtered_by_allowed_models() -> None:
    gw, _ = make_gateway()
    resp = gw.handle("GET", "/v1/models", {}, b"", {**TENANT, "allowed_models": "chat,emb"})
    assert [m["id"] for m in json.loads(resp.body)["data"]] == ["chat", "emb"]


def test_disallowed_model_is_404_like_an_unknown_one() -> None:
    gw, _ = make_gateway()
    resp = post(
        gw,
        CHAT,
        {"model": "fallback", "messages": [{"role": "user", "content": "x"}]},
        {**TENANT, "allowed_models": "chat"},
    )
    assert resp.status == 404
    assert json.loads(resp.body)["error"]["code"] == "model_not_found"


def test_missing_tenant_is_401_unless_anonymous_allowed() -> None:
    gw, _ = make_gateway()
    assert gw.handle("GET", "/v1/models", {}, b"", {}).status == 401
    gw, _ = make_gateway(base_config(auth={"allow_anonymous": True}))
    assert gw.handle("GET", "/v1/models", {}, b"", {}).status == 200


def test_unknown_path_and_wrong_method() -> None:
    gw, _ = make_gateway()
    assert gw.handle("GET", "/v1/nope", {}, b"", TENANT).status == 404
    resp = gw.handle("GET", CHAT, {}, b"", TENANT)
    assert resp.status == 405
    assert json.loads(resp.body)["error"]["type"] == "invalid_request_error"


def test_body_over_limit_is_413() -> None:
    gw, _ = make_gateway(base_config(limits={"max_body_bytes": 100}))
    resp = post(gw, CHAT, {"model": "chat", "messages": [{"role": "user", "content": "x" * 200}]})
    assert resp.status == 413


def test_embedding_model_rejected_on_chat_endpoint() -> None:
    gw, _ = make_gateway()
    resp = post(gw, CHAT, {"model": "emb", "messages": [{"role": "user", "content": "x"}]})
    assert resp.status == 400 and json.loads(resp.body)["error"]["param"] == "model"


def test_fallback_reaches_healthy_target_and_records_attempts() -> None:
    gw, cap = make_gateway()
    resp = post(gw, CHAT, {"model": "fallback", "messages": [{"role": "user", "content": "x"}]})
    assert resp.status == 200
    attempts = cap.logs[-1]["attempts"]
    # the throttled target is tried twice (the default retry policy) before falling back
    assert [a["outcome"] for a in attempts] == [
        "upstream_error",
        "rate_limit_exceeded",
        "rate_limit_exceeded",
        "ok",
    ]
    assert cap.metrics[-1]["ProviderErrors"] == 3


def test_client_error_from_provider_does_not_fall_back() -> None:
    gw, cap = make_gateway()
    resp = post(gw, CHAT, {"model": "strict", "messages": [{"role": "user", "content": "x"}]})
    assert resp.status == 400
    assert len(cap.logs[-1]["attempts"]) == 1


def test_streaming_sends_chunks_then_done() -> None:
    gw, _ = make_gateway()
    resp = post(
        gw,
        CHAT,
        {"model": "chat", "stream": True, "messages": [{"role": "user", "content": "hi you"}]},
    )
    assert resp.status == 200 and resp.headers["content-type"] == "text/event-stream"
    events = sse_events(resp.read_all())
    assert events[-1] == "[DONE]"
    chunks = events[:-1]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == "[mock:echo] You said: hi you"
    assert all("usage" not in c for c in chunks)


def test_streaming_include_usage_adds_final_usage_chunk() -> None:
    gw, _ = make_gateway()
    resp = post(
        gw,
        CHAT,
        {
            "model": "chat",
            "stream": True,
            "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": "hi"}],
        },
    )
    chunks = sse_events(resp.read_all())[:-1]
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] > 0
    assert all(c["usage"] is None for c in chunks[:-1])


def test_streaming_falls_back_before_first_byte() -> None:
    gw, cap = make_gateway()
    resp = post(
        gw,
        CHAT,
        {"model": "fallback", "stream": True, "messages": [{"role": "user", "content": "x"}]},
    )
    assert resp.status == 200
    assert sse_events(resp.read_all())[-1] == "[DONE]"
    assert cap.logs[-1]["attempts"][-1]["outcome"] == "ok"
    assert cap.logs[-1]["ttft_ms"] is not None


def test_streaming_request_is_logged_once_after_the_stream_ends() -> None:
    gw, cap = make_gateway()
    resp = post(
        gw, CHAT, {"model": "chat", "stream": True, "messages": [{"role": "user", "content": "x"}]}
    )
    assert cap.logs == []
    resp.read_all()
    assert len(cap.logs) == 1 and len(cap.metrics) == 1
    assert cap.logs[0]["output_tokens"] > 0


def test_one_emf_record_per_request_with_dimensions() -> None:
    gw, cap = make_gateway(
        base_config(prices={"echo": {"input_per_1m": 1000000, "output_per_1m": 2000000}})
    )
    post(gw, CHAT, {"model": "chat", "messages": [{"role": "user", "content": "abcd"}]})
    assert len(cap.metrics) == 1
    rec = cap.metrics[0]
    spec = rec["_aws"]["CloudWatchMetrics"][0]
    assert spec["Namespace"] == "aigw"
    assert spec["Dimensions"] == [["Tenant", "Model"], ["Model", "Provider"], ["Route"]]
    assert (rec["Tenant"], rec["Model"], rec["Provider"], rec["Route"]) == (
        "acme",
        "chat",
        "mock",
        "chat_completions",
    )
    assert rec["Requests"] == 1
    assert rec["EstimatedCostUSD"] == rec["InputTokens"] * 1 + rec["OutputTokens"] * 2
    names = {m["Name"] for m in spec["Metrics"]}
    assert {"InputTokens", "OutputTokens", "LatencyMs", "EstimatedCostUSD"} <= names


def test_log_line_carries_request_id_and_no_prompt_by_default() -> None:
    gw, cap = make_gateway()
    gw.handle(
        "POST",
        CHAT,
        {},
        json.dumps(
            {"model": "chat", "messages": [{"role": "user", "content": "my secret plan"}]}
        ).encode(),
        TENANT,
        request_id="req-42",
    )
    line = json.dumps(cap.logs[-1])
    assert cap.logs[-1]["request_id"] == "req-42"
    assert "secret plan" not in line
    assert cap.logs[-1]["prompt"] == {"chars": len("my secret plan")}


def test_log_hash_mode_hashes_prompt() -> None:
    gw, cap = make_gateway(base_config(logging={"redaction": "hash"}))
    post(gw, CHAT, {"model": "chat", "messages": [{"role": "user", "content": "hello"}]})
    import hashlib

    assert cap.logs[-1]["prompt"]["sha256"] == hashlib.sha256(b"hello").hexdigest()
    assert "hello" not in json.dumps(cap.logs[-1]["prompt"])


def test_log_full_mode_masks_pii() -> None:
    gw, cap = make_gateway(base_config(logging={"redaction": "full"}))
    post(
        gw,
        CHAT,
        {
            "model": "chat",
            "messages": [
                {"role": "user", "content": "mail bob@example.com card 4111 1111 1111 1111"}
            ],
        },
    )
    text = cap.logs[-1]["prompt"]["text"]
    assert "bob@example.com" not in text and "4111" not in text
    assert "[EMAIL]" in text and "[CARD]" in text


def test_authorization_header_never_logged() -> None:
    gw, cap = make_gateway(base_config(logging={"redaction": "full"}))
    gw.handle(
        "POST",
        CHAT,
        {"Authorization": "Bearer sk-live-abcdefghijklmnop"},
        json.dumps({"model": "chat", "messages": [{"role": "user", "content": "x"}]}).encode(),
        TENANT,
    )
    assert "sk-live" not in json.dumps(cap.logs)


def test_prompt_template_renders_variables_and_defaults() -> None:
    gw, _ = make_gateway()
    resp = post(gw, "/v1/prompts/greet", {"variables": {"name": "Ana"}})
    assert resp.status == 200
    assert (
        json.loads(resp.body)["choices"][0]["message"]["content"]
        == "[mock:echo] You said: Say hello to Ana in French."
    )


def test_prompt_template_values_are_not_reinterpreted() -> None:
    gw, _ = make_gateway()
    resp = post(gw, "/v1/prompts/greet", {"variables": {"name": "{{lang}}", "lang": "Go"}})
    assert json.loads(resp.body)["choices"][0]["message"]["content"].endswith(
        "Say hello to {{lang}} in Go."
    )


def test_prompt_template_errors() -> None:
    gw, _ = make_gateway()
    missing = post(gw, "/v1/prompts/greet", {"variables": {}})
    assert missing.status == 400
    assert json.loads(missing.body)["error"]["param"] == "variables.name"
    unknown = post(gw, "/v1/prompts/greet", {"variables": {"name": "a", "evil": "b"}})
    assert json.loads(unknown.body)["error"]["code"] == "unknown_variable"
    too_long = post(gw, "/v1/prompts/greet", {"variables": {"name": "x" * 21}})
    assert json.loads(too_long.body)["error"]["code"] == "string_above_max_length"
    assert post(gw, "/v1/prompts/nope", {"variables": {}}).status == 404


def test_prompt_template_streams() -> None:
    gw, cap = make_gateway()
    resp = post(gw, "/v1/prompts/greet", {"variables": {"name": "Ana"}, "stream": True})
    events = sse_events(resp.read_all())
    assert events[-1] == "[DONE]"
    chunks = events[:-1]
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == "chat" for c in chunks)
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    # the rendered template (default lang) reached the model and came back as the stream
    assert text == "[mock:echo] You said: Say hello to Ana in French."
    assert [c["choices"][0]["finish_reason"] for c in chunks if c["choices"]][-1] == "stop"
    assert cap.logs[-1]["route"] == "prompts" and cap.logs[-1]["stream"] is True


def test_embeddings_float_and_base64() -> None:
    import base64
    import struct

    gw, _ = make_gateway()
    flt = json.loads(post(gw, "/v1/embeddings", {"model": "emb", "input": ["a", "b"]}).body)
    assert [d["index"] for d in flt["data"]] == [0, 1] and len(flt["data"][0]["embedding"]) == 8
    b64 = json.loads(
        post(
            gw, "/v1/embeddings", {"model": "emb", "input": ["a", "b"], "encoding_format": "base64"}
        ).body
    )
    decoded = struct.unpack("<8f", base64.b64decode(b64["data"][0]["embedding"]))
    assert decoded == __import__("pytest").approx(flt["data"][0]["embedding"], abs=1e-6)


def test_broken_config_answers_503_not_a_traceback() -> None:
    from llm_gateway.core import Gateway

    def broken() -> None:
        raise RuntimeError("ssm down")

    logs: list[str] = []
    gw = Gateway(broken, log_sink=logs.append, metrics_sink=logs.append)
    resp = gw.handle("GET", "/v1/models", {}, b"", TENANT)
    assert resp.status == 503
    assert json.loads(resp.body)["error"]["code"] == "config_unavailable"


def test_config_change_replaces_provider_instances() -> None:
    from llm_gateway.core import Gateway

    docs = [parse_config(base_config())]
    gw = Gateway(lambda: docs[-1], log_sink=lambda _: None, metrics_sink=lambda _: None)
    p1 = gw.provider(docs[-1].providers["mock"])
    docs.append(
        parse_config(base_config(providers={"mock": {"type": "mock", "read_timeout_ms": 5}}))
    )
    assert gw.provider(docs[-1].providers["mock"]) is not p1


def test_an_equal_config_reloaded_keeps_provider_instances() -> None:
    from llm_gateway.core import Gateway

    docs = [parse_config(base_config())]
    gw = Gateway(lambda: docs[-1], log_sink=lambda _: None, metrics_sink=lambda _: None)
    p1 = gw.provider(docs[-1].providers["mock"])
    assert gw.provider(docs[-1].providers["mock"]) is p1  # the same object
    docs.append(parse_config(base_config()))  # a refresh that read the same document
    assert docs[-1].providers["mock"] is not docs[0].providers["mock"]
    assert gw.provider(docs[-1].providers["mock"]) is p1


def test_unexpected_failure_mid_stream_ends_with_an_error_event() -> None:
    from llm_gateway.providers.mock import MockProvider

    def broken_stream(self, target, request, timeout):
        def gen():
            yield {"choices": [{"index": 0, "delta": {"content": "a"}, "finish_reason": None}]}
            raise KeyError("bug")

        return gen()

    gw, cap = make_gateway()
    original = MockProvider.chat_stream
    MockProvider.chat_stream = broken_stream
    try:
        resp = post(
            gw,
            CHAT,
            {"model": "chat", "stream": True, "messages": [{"role": "user", "content": "x"}]},
        )
        events = sse_events(resp.read_all())
    finally:
        MockProvider.chat_stream = original
    assert events[-1]["error"]["code"] == "internal_error"
    assert "[DONE]" not in events
    assert cap.logs[-1]["status"] == 500


def test_lone_surrogates_from_upstream_do_not_break_encoding() -> None:
    from aigw_shared.http_event import Response

    resp = Response.json(200, {"text": "bad \ud800 text"})
    assert json.loads(resp.body) == {"text": "bad \ud800 text"}


def test_retrieve_one_model() -> None:
    gw, cap = make_gateway()
    resp = gw.handle("GET", "/v1/models/chat", {}, b"", TENANT)
    assert resp.status == 200
    assert json.loads(resp.body) == {
        "id": "chat",
        "object": "model",
        "created": 0,
        "owned_by": "aigw",
    }
    assert cap.logs[-1]["route"] == "model"


def test_retrieve_unknown_or_disallowed_model_is_404_and_post_is_405() -> None:
    gw, _ = make_gateway()
    for alias, auth in (("chat", {**TENANT, "allowed_models": "emb"}), ("nope", TENANT)):
        resp = gw.handle("GET", f"/v1/models/{alias}", {}, b"", auth)
        assert resp.status == 404
        assert json.loads(resp.body)["error"] == {
            "message": f"The model '{alias}' does not exist or you do not have access to it.",
            "type": "invalid_request_error",
            "param": "model",
            "code": "model_not_found",
        }
    assert gw.handle("POST", "/v1/models/chat", {}, b"", TENANT).status == 405
    assert gw.handle("GET", "/v1/models/chat", {}, b"", {}).status == 401


def test_retrieve_decodes_an_encoded_alias() -> None:
    doc = base_config()
    doc["models"]["team/chat"] = {"targets": [{"provider": "mock", "model": "echo"}]}
    gw, _ = make_gateway(doc)
    for path in ("/v1/models/team%2Fchat", "/v1/models/team/chat"):
        resp = gw.handle("GET", path, {}, b"", TENANT)
        assert resp.status == 200 and json.loads(resp.body)["id"] == "team/chat"


def test_error_messages_quoting_a_lone_surrogate_still_encode() -> None:
    """A path or model id with a lone surrogate is quoted in the error message; the
    answer is an escaped JSON body, not an exception out of the handler."""
    gw, _ = make_gateway()
    for path in ("/v1/nope\ud800", "/v1/models/\udfff"):
        resp = gw.handle("GET", path, {}, b"", TENANT)
        assert resp.status == 404
        assert json.loads(resp.body)["error"]["message"].count("\\") == 0
        assert "\\ud" in resp.body.decode("ascii")
