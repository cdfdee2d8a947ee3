"""Property-based fuzzing of every endpoint, through the core and the Lambda handler.

Malformed bodies must answer 4xx with an OpenAI error body; nothing may raise or
answer 5xx (the mock provider cannot fail unless asked to).
"""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_helpers import TENANT, base_config, make_gateway

from llm_gateway import handler as lambda_handler
from llm_gateway import parameters, validation

GW, CAP = make_gateway(base_config(limits={"max_body_bytes": 200_000}))
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ENDPOINTS = [
    ("POST", "/v1/chat/completions"),
    ("POST", "/v1/embeddings"),
    ("POST", "/v1/prompts/greet"),
    ("GET", "/v1/models"),
]

odd_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=50)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | odd_text
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=20,
)
roles = st.sampled_from(["system", "developer", "user", "assistant", "tool", "bogus", 3, None])
message = st.fixed_dictionaries(
    {"role": roles},
    optional={
        "content": json_values,
        "tool_calls": json_values,
        "tool_call_id": json_values,
        "name": json_values,
    },
)
chat_like = st.fixed_dictionaries(
    {},
    optional={
        "model": st.sampled_from(["chat", "emb", "nope", "", 7]) | json_values,
        "messages": st.lists(message, max_size=4) | json_values,
        "temperature": json_values,
        "top_p": json_values,
        "max_tokens": json_values,
        "max_completion_tokens": json_values,
        "stop": json_values,
        "stream": json_values,
        "stream_options": json_values,
        "tools": json_values,
        "tool_choice": json_values,
        "response_format": json_values,
        "user": json_values,
        "n": json_values,
        "logprobs": json_values,
        "top_logprobs": json_values,
        "logit_bias": json_values,
        "parallel_tool_calls": json_values,
        "seed": json_values,
        "presence_penalty": json_values,
        "store": json_values,
    },
)
embed_like = st.fixed_dictionaries(
    {},
    optional={
        "model": st.sampled_from(["emb", "chat", "nope"]) | json_values,
        "input": json_values | st.lists(odd_text, max_size=3),
        "encoding_format": st.sampled_from(["float", "base64", "hex"]) | json_values,
        "dimensions": json_values,
    },
)
prompt_like = st.fixed_dictionaries(
    {},
    optional={
        "variables": st.dictionaries(
            st.sampled_from(["name", "lang", "x"]) | odd_text, json_values, max_size=3
        )
        | json_values,
        "stream": json_values,
        "stream_options": json_values,
    },
)
bodies = (
    st.binary(max_size=300)
    | json_values.map(lambda v: json.dumps(v).encode())
    | chat_like.map(lambda v: json.dumps(v).encode())
    | embed_like.map(lambda v: json.dumps(v).encode())
    | prompt_like.map(lambda v: json.dumps(v).encode())
)


def check(status: int, body: bytes) -> None:
    assert status < 500, body[:500]
    if status >= 400:
        err = json.loads(body)["error"]
        assert set(err) == {"message", "type", "code", "param"}
        assert isinstance(err["message"], str) and err["message"]


def drain(resp: Any) -> bytes:
    return resp.read_all()


@FUZZ
@given(endpoint=st.sampled_from(ENDPOINTS), body=bodies)
def test_core_never_fails_on_any_body(endpoint: tuple[str, str], body: bytes) -> None:
    resp = GW.handle(endpoint[0], endpoint[1], {}, body, TENANT)
    raw = drain(resp)
    check(resp.status, raw)
    if resp.stream is not None:
        assert raw.endswith(b"data: [DONE]\n\n")


@FUZZ
@given(
    endpoint=st.sampled_from(ENDPOINTS[:3]),
    body=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()),
)
def test_malformed_bodies_answer_4xx(endpoint: tuple[str, str], body: bytes) -> None:
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    resp = GW.handle(endpoint[0], endpoint[1], {}, body, TENANT)
    if not isinstance(doc, dict):
        assert 400 <= resp.status < 500
    check(resp.status, drain(resp))


@FUZZ
@given(req=chat_like)
def test_chat_fields_with_wrong_types(req: dict[str, Any]) -> None:
    resp = GW.handle("POST", "/v1/chat/completions", {}, json.dumps(req).encode(), TENANT)
    check(resp.status, drain(resp))


@FUZZ
@given(
    size=st.integers(min_value=200_001, max_value=400_000),
    ch=st.sampled_from(["a", "é", "😀", "\u202e", "\x00"]),
)
def test_huge_bodies_answer_413(size: int, ch: str) -> None:
    body = json.dumps(
        {"model": "chat", "messages": [{"role": "user", "content": ch * size}]}
    ).encode()
    resp = GW.handle("POST", "/v1/chat/completions", {}, body, TENANT)
    assert resp.status == 413
    check(resp.status, drain(resp))


@FUZZ
@given(text=odd_text.filter(bool), path=st.sampled_from(["/v1/chat/completions", "/v1/embeddings"]))
def test_odd_unicode_in_valid_requests_succeeds(text: str, path: str) -> None:
    body = (
        {"model": "chat", "messages": [{"role": "user", "content": text}]}
        if path.endswith("completions")
        else {"model": "emb", "input": text}
    )
    resp = GW.handle("POST", path, {}, json.dumps(body).encode(), TENANT)
    raw = drain(resp)
    check(resp.status, raw)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        assert resp.status == 400  # lone surrogates are rejected, not crashed on
    else:
        assert resp.status == 200


@FUZZ
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
    path=st.text(max_size=40).map(lambda p: "/" + p),
    body=st.binary(max_size=50),
)
def test_any_method_and_path(method: str, path: str, body: bytes) -> None:
    resp = GW.handle(method, path, {}, body, TENANT)
    check(resp.status, drain(resp))


@FUZZ
@given(
    event=st.fixed_dictionaries(
        {},
        optional={
            "httpMethod": json_values | st.sampled_from(["GET", "POST"]),
            "resource": json_values | st.sampled_from(["/v1/prompts/{name}", "/v1/models"]),
            "path": json_values,
            "headers": json_values,
            "body": json_values | bodies.map(lambda b: b.decode("utf-8", "replace")),
            "isBase64Encoded": json_values,
            "pathParameters": json_values,
            "requestContext": st.fixed_dictionaries(
                {}, optional={"requestId": json_values, "authorizer": json_values | st.just(TENANT)}
            )
            | json_values,
        },
    )
)
def test_lambda_handler_never_fails_on_odd_events(
    event: dict[str, Any], configured_handler: None
) -> None:
    out = lambda_handler.handler(event, None)
    assert set(out) == {"statusCode", "headers", "body", "isBase64Encoded"}
    check(out["statusCode"], out["body"].encode())


@FUZZ
@given(key=odd_text, value=json_values)
def test_any_extra_chat_field_is_honoured_or_refused_by_name(key: str, value: Any) -> None:
    body = {"model": "chat", "messages": [{"role": "user", "content": "x"}], key: value}
    raw_body = json.dumps(body).encode()
    resp = GW.handle("POST", "/v1/chat/completions", {}, raw_body, TENANT)
    raw = drain(resp)
    check(resp.status, raw)
    if resp.status == 400 and json.loads(raw)["error"]["code"] == "invalid_json":
        # only lone surrogates (escaped by json.dumps) make a JSON body unacceptable
        assert re.search(r"\\ud[89a-f][0-9a-f]{2}", raw_body.decode())
        return
    if key not in validation.CHAT_FIELDS and key not in parameters.ACCEPTED_NOT_FORWARDED:
        assert resp.status == 400
        err = json.loads(raw)["error"]
        assert (err["param"], err["code"]) == (key[:100], "unsupported_parameter")
    elif key in parameters.ACCEPTED_NOT_FORWARDED:
        assert resp.status == 200


@FUZZ
@given(model_id=odd_text.filter(bool))
def test_retrieving_any_model_id_is_200_for_an_alias_else_404(model_id: str) -> None:
    import urllib.parse

    resp = GW.handle("GET", "/v1/models/" + model_id, {}, b"", TENANT)
    check(resp.status, resp.body)
    alias = urllib.parse.unquote(model_id)
    assert resp.status == (200 if alias in {"chat", "fallback", "strict", "emb"} else 404)
