"""The stage cache in serve (aigw.serve.stage_cache): keys from the declared parameters,
TTL, per-identity separation, flush, Cache-Control, and the GET variants' templates.

The plane tests dispatch through DataPlane with a counting function behind a cached GET
route, so a HIT is proven by the function not being called again.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from serve_ai_routes import AI, tf_render

from aigw import serve, vtl
from aigw.serve.stage_cache import (
    MAX_ENTRY_BYTES,
    CachePolicy,
    StageCache,
    cache_key,
    policies_from,
)

FN = "arn:aws:lambda:us-east-1:123456789012:function:f"
KEYS = [
    "method.request.querystring.target_language",
    "method.request.querystring.text",
    "method.request.header.Authorization",
    "method.request.header.x-api-key",
]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _doc() -> dict[str, Any]:
    integration = {
        "type": "aws_proxy",
        "uri": f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FN}/invocations",
    }
    return {
        "x-amazon-apigateway-request-validator": "params-only",
        "x-amazon-apigateway-request-validators": {
            "params-only": {"validateRequestBody": False, "validateRequestParameters": True}
        },
        "x-amazon-apigateway-gateway-responses": {
            "BAD_REQUEST_PARAMETERS": {
                "statusCode": "400",
                "responseTemplates": {
                    "application/json": '{"error":{"message":$context.error.messageString,'
                    '"type":"invalid_request_error","code":"invalid_request_parameters",'
                    '"param":null}}'
                },
            },
            "ACCESS_DENIED": {
                "statusCode": "403",
                "responseTemplates": {
                    "application/json": '{"error":{"message":$context.error.messageString,'
                    '"type":"permission_error","code":"access_denied","param":null}}'
                },
            },
        },
        "paths": {
            "/v1/ai/translate": {
                "get": {
                    "operationId": "ai_translate_get",
                    "parameters": [
                        {"name": "text", "in": "query", "required": True},
                        {"name": "target_language", "in": "query", "required": True},
                        {"name": "Authorization", "in": "header", "required": False},
                        {"name": "x-api-key", "in": "header", "required": False},
                    ],
                    "x-amazon-apigateway-integration": {
                        **integration,
                        "cacheNamespace": "ai_translate_get",
                        "cacheKeyParameters": KEYS,
                    },
                },
                "post": {
                    "operationId": "ai_translate",
                    "x-amazon-apigateway-integration": integration,
                },
            }
        },
    }


STAGE_CACHE = {
    "enabled": True,
    "cluster_size": "0.5",
    "unauthorized_cache_control_header_strategy": "FAIL_WITH_403",
    "routes": {
        "ai_translate_get": {
            "method_path": "~1v1~1ai~1translate/GET",
            "ttl_seconds": 60,
            "key_parameters": KEYS,
        }
    },
}


def _plane(stage_cache: dict[str, Any] = STAGE_CACHE) -> tuple[serve.DataPlane, list, Clock]:
    calls: list[dict[str, Any]] = []

    def function(event: dict[str, Any], timeout_ms: float) -> serve.Result:
        calls.append(event)
        q = event.get("queryStringParameters") or {}
        body = json.dumps({"n": len(calls), "text": q.get("text")}).encode()
        return serve.Result(200, {"content-type": "application/json"}, body)

    doc = _doc()
    routes = serve.routes_from_openapi(doc)
    bindings = [serve.Binding(r, function, "f", 1000) for r in routes]
    clock = Clock()
    cache = StageCache(policies_from(routes, stage_cache), clock)
    stage = serve.Stage("api", "v1", "us-east-1", "123456789012")
    return serve.DataPlane(doc, stage, bindings, {}, stage_cache=cache), calls, clock


def get(plane: serve.DataPlane, query: str = "text=hi&target_language=fr", **headers: str):
    pairs = [tuple(p.split("=", 1)) for p in query.split("&") if p]
    hdrs = {"Authorization": "Bearer key-a", **headers}
    return plane.dispatch(serve.Incoming("GET", "/v1/ai/translate", pairs, list(hdrs.items()), b""))


def test_miss_then_hit_with_the_same_answer() -> None:
    plane, calls, _ = _plane()
    first, second = get(plane), get(plane)
    assert (first.cache, second.cache) == ("MISS", "HIT")
    assert len(calls) == 1
    assert second.status == 200 and second.body == first.body


def test_two_credentials_never_share_an_entry() -> None:
    plane, calls, _ = _plane()
    a = get(plane, Authorization="Bearer key-a")
    b = get(plane, Authorization="Bearer key-b")
    c = get(plane, Authorization="Bearer key-a", **{"x-api-key": "key-a"})
    assert (a.cache, b.cache, c.cache) == ("MISS", "MISS", "MISS")
    assert len(calls) == 3 and json.loads(b.body)["n"] == 2
    assert get(plane, Authorization="Bearer key-b").cache == "HIT"
    assert len(calls) == 3


def test_every_key_parameter_separates_and_other_parameters_do_not() -> None:
    plane, calls, _ = _plane()
    get(plane, "text=hi&target_language=fr")
    assert get(plane, "text=hi&target_language=de").cache == "MISS"
    assert get(plane, "text=ho&target_language=fr").cache == "MISS"
    # A parameter that is no cache key does not separate entries (as on AWS).
    assert get(plane, "text=hi&target_language=fr&other=1").cache == "HIT"
    # The last value of a repeated query string is the parameter's value.
    assert get(plane, "text=zz&text=hi&target_language=fr").cache == "HIT"
    assert len(calls) == 3


def test_entries_expire_after_the_ttl() -> None:
    plane, calls, clock = _plane()
    get(plane)
    clock.now += 59.9
    assert get(plane).cache == "HIT"
    clock.now += 0.1
    assert get(plane).cache == "MISS"
    assert len(calls) == 2


def test_flush_empties_the_cache() -> None:
    plane, calls, _ = _plane()
    get(plane)
    get(plane, Authorization="Bearer key-b")
    assert plane.stage_cache.flush() == 2
    assert get(plane).cache == "MISS" and len(calls) == 3


def test_uncached_methods_log_a_dash_and_always_call() -> None:
    plane, calls, _ = _plane()
    inc = serve.Incoming("POST", "/v1/ai/translate", [], [], b"{}")
    assert [plane.dispatch(inc).cache for _ in range(2)] == ["-", "-"]
    assert len(calls) == 2


def test_no_stage_cache_output_or_ttl_zero_means_no_caching() -> None:
    for stage_cache in (
        {},
        {**STAGE_CACHE, "enabled": False},
        {
            **STAGE_CACHE,
            "routes": {"x": {"method_path": "~1v1~1ai~1translate/GET", "ttl_seconds": 0}},
        },
    ):
        plane, calls, _ = _plane(stage_cache)
        assert [get(plane).cache for _ in range(2)] == ["-", "-"]
        assert len(calls) == 2


def test_missing_required_query_strings_are_refused_before_the_cache() -> None:
    plane, calls, _ = _plane()
    result = get(plane, "target_language=fr")
    assert result.status == 400 and result.cache == "-"
    error = json.loads(result.body)["error"]
    assert error["message"] == "Missing required request parameters: [text]"
    assert error["code"] == "invalid_request_parameters"
    assert json.loads(get(plane, "").body)["error"]["message"] == (
        "Missing required request parameters: [text, target_language]"
    )
    assert calls == []


def test_cache_control_max_age_0_without_invalidate_permission() -> None:
    plane, calls, _ = _plane()
    get(plane)
    refused = get(plane, **{"Cache-Control": "no-store, max-age=0"})
    assert refused.status == 403
    assert json.loads(refused.body)["error"]["code"] == "access_denied"
    assert get(plane, **{"Cache-Control": "max-age=60"}).cache == "HIT"
    lenient = {
        **STAGE_CACHE,
        "unauthorized_cache_control_header_strategy": "SUCCEED_WITH_RESPONSE_HEADER",
    }
    plane, calls, _ = _plane(lenient)
    get(plane)
    assert get(plane, **{"Cache-Control": "max-age=0"}).cache == "HIT"
    assert len(calls) == 1


def test_streams_and_answers_over_1_mb_are_not_kept() -> None:
    cache = StageCache({}, Clock())
    policy = CachePolicy("ns", (), 60)
    assert not cache.put(("a",), policy, serve.Result(200, {}, b"x" * (MAX_ENTRY_BYTES + 1)))
    assert not cache.put(("b",), policy, serve.Result(200, {}, b"", stream=iter([b"x"])))
    assert cache.put(("c",), policy, serve.Result(200, {}, b"x" * MAX_ENTRY_BYTES))
    assert len(cache) == 1


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12)), max_size=6),
    st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12)), max_size=6),
)
def test_any_request_has_a_key_and_equal_key_values_give_equal_keys(query, headers) -> None:
    policy = CachePolicy("ns", tuple(KEYS), 60)
    inc = serve.Incoming("GET", "/v1/ai/translate", query, headers, b"")
    key = cache_key(policy, inc, {})
    hash(key)
    same = serve.Incoming("GET", "/v1/ai/translate", list(query), list(reversed(headers)), b"")
    if len({k.lower() for k, _ in headers}) == len(headers):
        assert cache_key(policy, same, {}) == key


# -- the GET variants' request templates (modules/ai-service-route/templates) -----------------

TEXTS = st.text(max_size=40)


@settings(max_examples=150, deadline=None)
@given(TEXTS, st.sampled_from(["", "de"]))
def test_text_query_template_renders_json_of_the_query_string(text: str, language: str) -> None:
    template = tf_render(AI / "text_query_request.vtl", default_language="en")
    query = {"text": text, **({"language": language} if language else {})}
    rendered = json.loads(vtl.render(template, params={"querystring": query}))
    assert rendered == {"Text": text, "LanguageCode": language or "en"}


@settings(max_examples=150, deadline=None)
@given(TEXTS, st.sampled_from(["", "de"]))
def test_translate_query_template_renders_json_of_the_query_string(text: str, source: str) -> None:
    template = tf_render(AI / "translate_query_request.vtl")
    query = {
        "text": text,
        "target_language": "fr",
        **({"source_language": source} if source else {}),
    }
    # A header of the same name is no cache key: the template must not read it.
    params = {"querystring": query, "header": {"source_language": "xx"}}
    rendered = json.loads(vtl.render(template, params=params))
    assert rendered == {
        "Text": text,
        "SourceLanguageCode": source or "auto",
        "TargetLanguageCode": "fr",
    }


def test_language_query_template() -> None:
    template = (AI / "language_query_request.vtl").read_text()
    params = {"querystring": {"text": 'it\'s "x"\n'}}
    assert json.loads(vtl.render(template, params=params)) == {"Text": 'it\'s "x"\n'}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.text(max_size=16), st.text(max_size=16)), max_size=5),
    st.lists(
        st.tuples(st.sampled_from(["Authorization", "x-api-key", "Cache-Control", "X"]), st.text()),
        max_size=4,
    ),
)
def test_any_query_and_headers_get_a_documented_answer(query, headers) -> None:
    plane, calls, _ = _plane()
    result = plane.dispatch(serve.Incoming("GET", "/v1/ai/translate", query, headers, b""))
    assert len(calls) == (1 if result.cache == "MISS" else 0)
    assert result.status in (200, 400, 403)
    assert result.cache in ("HIT", "MISS", "-")
    assert (result.status == 200) == (result.cache in ("HIT", "MISS"))
    json.loads(result.body)
