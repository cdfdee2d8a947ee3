"""The users' scenarios, end to end, against the session's `envs/local` apply (the
``local_env`` fixture, tests/integration/local_env.py) through one `aigw serve` (the
session's ``scenarios`` fixture, tests/e2e/conftest.py, shared with the other scenario
files).

Each scenario has its own tenant and key (the `aigw tenants` / `aigw keys` CLI) and drives
the local data plane with the clients users have: the official ``openai`` SDK, ``curl``
and plain HTTP (urllib). Every scenario checks the content, status and headers of the
answers and the records each request leaves: serve's access-log line (method, path,
status, latency, tenant) and, for the LLM routes, the function's EMF metric line
(tenant, route, latency, tokens). What `envs/local` does not deploy yet fails here with
a message naming what is missing (docs/scenarios.md).
"""

from __future__ import annotations

import base64
import json
import time

import pytest
from local_env import LocalEnv
from scenarios.support import Answer, Scenarios, assert_openai_error, queue_model_answers
from serve_process import openai_client

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]

FRUSTRATED = "This is ridiculous. My order is still missing and I am so frustrated."
THANKFUL = "Thank you so much, that was really helpful!"
# A 1x1 PNG: how users send an image, base64 bytes in JSON (well under the 5 MB limit).
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
).decode()


def assert_access(sc: Scenarios, answer: Answer, method: str, path: str, tenant: str) -> None:
    line = sc.access(answer)
    assert (line["method"], line["path"]) == (method, path), line
    if line["tenant"] != tenant:
        pytest.fail(
            f"serve's access line names tenant={line['tenant']} for {method} {path} "
            f"{answer.status}, not the authorized tenant {tenant}: {line}",
            pytrace=False,
        )
    assert int(line["status"]) == answer.status and int(line["ms"]) >= 0, line


def routes_of(sc: Scenarios) -> set[str]:
    """The (method, path) rows of serve's startup routes table."""
    rows = set()
    for ln in sc.serve.output().splitlines():
        parts = ln.split()
        if len(parts) >= 2 and ln.startswith("  ") and parts[0] in ("GET", "POST", "DELETE"):
            rows.add(f"{parts[0]} {parts[1]}")
    return rows


def require_route(sc: Scenarios, route: str, why: str) -> None:
    if route not in routes_of(sc):
        pytest.fail(f"envs/local does not deploy {route}: {why}", pytrace=False)


# 1. Customer-service chatbot ---------------------------------------------------------


def test_chatbot_streams_an_answer_and_reads_its_sentiment(scenarios: Scenarios) -> None:
    sc = scenarios
    tenant, key = sc.tenant("scn-chatbot")
    client = openai_client(sc.serve, key)
    raw = client.chat.completions.with_raw_response.create(
        model="mock-chat", messages=[{"role": "user", "content": FRUSTRATED}], stream=True
    )
    assert raw.http_response.status_code == 200
    assert raw.headers["content-type"].startswith("text/event-stream")
    chunks = list(raw.parse())
    answer = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert FRUSTRATED in answer  # the mock provider echoes the last user message
    assert chunks[-1].choices == [] or chunks[-1].choices[0].finish_reason == "stop"
    line = sc.access(raw.headers["x-amzn-requestid"])
    assert (line["path"], line["status"], line["tenant"]) == ("/v1/chat/completions", "200", tenant)
    [emf] = sc.function_records(tenant, "metrics")
    assert emf["Route"] == "chat_completions" and emf["Provider"] == "mock", emf
    assert emf["Model"] == "mock-chat" and emf["Requests"] == 1
    assert emf["InputTokens"] > 0 and emf["OutputTokens"] > 0 and emf["LatencyMs"] >= 0
    [log] = sc.function_records(tenant, "log")
    assert log["request_id"] == raw.headers["x-amzn-requestid"] and log["stream"] is True
    assert log["output_tokens"] == emf["OutputTokens"] and log["route"] == emf["Route"]
    assert FRUSTRATED not in json.dumps(log)  # no prompt text in the logs

    # The answer's sentiment: the frustration is detected, a thankful message is not.
    mood = sc.request("POST", "/v1/ai/sentiment", {"text": answer}, key)
    assert mood.status == 200 and mood.headers["content-type"] == "application/json"
    doc = mood.json()
    assert doc["sentiment"] == "NEGATIVE", doc
    assert doc["scores"]["negative"] > max(doc["scores"]["positive"], 0.5), doc
    assert_access(sc, mood, "POST", "/v1/ai/sentiment", tenant)
    thanks = sc.request("POST", "/v1/ai/sentiment", {"text": THANKFUL}, key)
    assert thanks.status == 200 and thanks.json()["sentiment"] == "POSITIVE", thanks.body
    assert_access(sc, thanks, "POST", "/v1/ai/sentiment", tenant)
    assert "fake: comprehend is a local fake" in sc.serve.output()


# 2. Content generation ---------------------------------------------------------------


def test_content_generation_summarise_then_translate(scenarios: Scenarios) -> None:
    sc = scenarios
    tenant, key = sc.tenant("scn-content")
    text = "Our new store opens on Monday with a free coffee for every visitor."
    summary = sc.request(
        "POST", "/v1/prompts/summarise", {"variables": {"text": text, "lang": "French"}}, key
    )
    assert summary.status == 200, summary.body
    assert summary.headers["content-type"].startswith("application/json")
    completion = summary.json()
    assert completion["object"] == "chat.completion" and completion["model"] == "mock-chat"
    content = completion["choices"][0]["message"]["content"]
    assert f"Summarise in French: {text}" in content  # the template, rendered, echoed
    assert_access(sc, summary, "POST", "/v1/prompts/summarise", tenant)
    [emf] = sc.function_records(tenant, "metrics")
    assert emf["OutputTokens"] == completion["usage"]["completion_tokens"] > 0
    assert "prompt" in emf["Route"], emf

    translated = sc.request(
        "POST", "/v1/ai/translate", {"text": content[:500], "target_language": "de"}, key
    )
    assert translated.status == 200, translated.body
    assert translated.json() == {
        "text": "[de] " + content[:500],
        "source_language": "en",
        "target_language": "de",
    }
    assert_access(sc, translated, "POST", "/v1/ai/translate", tenant)


def test_content_generation_social_post_template(scenarios: Scenarios) -> None:
    require_route(
        scenarios,
        "POST /v1/prompts/social-post",
        "add a `social-post` entry to llm.prompt_templates (model mock-chat, variables "
        "text and platform)",
    )
    tenant, key = scenarios.tenant("scn-social")
    post = scenarios.request(
        "POST", "/v1/prompts/social-post", {"variables": {"text": "We open Monday"}}, key
    )
    assert (
        post.status == 200 and "We open Monday" in post.json()["choices"][0]["message"]["content"]
    )
    assert_access(scenarios, post, "POST", "/v1/prompts/social-post", tenant)


def test_content_generation_cached_get_translation(scenarios: Scenarios) -> None:
    require_route(
        scenarios,
        "GET /v1/ai/translate",
        "the translate route's cached GET variant (ai_services GET variants with the stage "
        "cache on) is not enabled",
    )
    sc = scenarios
    tenant, key = sc.tenant("scn-cache")
    path = "/v1/ai/translate?text=Hello%20world&target_language=fr"
    first, second = sc.request("GET", path, key=key), sc.request("GET", path, key=key)
    assert first.status == second.status == 200 and first.body == second.body
    assert first.json()["text"] == "[fr] Hello world"
    lines = [sc.serve.access_line(a.request_id) for a in (first, second)]
    if not all(" cache=" in ln for ln in lines):
        pytest.fail(f"serve logs no cache=HIT|MISS field: {lines}", pytrace=False)
    assert " cache=MISS" in lines[0] and " cache=HIT" in lines[1], lines
    for answer in (first, second):
        assert_access(sc, answer, "GET", "/v1/ai/translate", tenant)


# 3. Predictions as an API ------------------------------------------------------------


def test_predictions_through_the_proxy_route_json_and_csv(scenarios: Scenarios) -> None:
    sc = scenarios
    tenant, key = sc.tenant("scn-predict-proxy")
    path = "/v1/sagemaker/echo_proxy/invocations"
    sent = json.dumps({"instances": [[1.5, 2.0, 3.25]]}).encode()
    answers = [
        sc.request("POST", path, sent, key),
        sc.curl(path, b"1.5,2.0,3.25\n4.0,5.5,6.0\n", key, "text/csv"),
    ]
    for answer, body in zip(answers, (sent, b"1.5,2.0,3.25\n4.0,5.5,6.0\n"), strict=True):
        assert answer.status == 200, answer.body
        assert answer.headers["content-type"] == "application/json"
        doc = json.loads(answer.body)
        assert doc["object"] == "sagemaker.invocation" and doc["endpoint"] == "echo_proxy"
        assert doc["encoding"] == "base64" and base64.b64decode(doc["predictions"], validate=True)
        [log] = [
            r for r in sc.function_records("", "any", 0) if r.get("request_id") == answer.request_id
        ]
        assert log["service"] == "sagemaker_proxy" and log["route"] == "echo_proxy", log
        assert log["status"] == 200 and log["request_bytes"] == len(body), log
        assert log["latency_ms"] >= 0
    for answer in answers:
        assert_access(sc, answer, "POST", path, tenant)


def test_predictions_through_the_direct_route_json(scenarios: Scenarios) -> None:
    sc = scenarios
    tenant, key = sc.tenant("scn-predict-direct")
    path = "/v1/sagemaker/echo/invocations"
    queue_model_answers(sc.env, ('{"predictions": [0.42, 0.58]}', "application/json"))
    answer = sc.request("POST", path, {"instances": [[1.5, 2.0, 3.25]]}, key)
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {
        "object": "sagemaker.invocation",
        "endpoint": "echo",
        "content_type": "application/json",
        "predictions": {"predictions": [0.42, 0.58]},
    }
    assert_access(sc, answer, "POST", path, tenant)


def test_predictions_through_the_direct_route_csv(scenarios: Scenarios) -> None:
    sc = scenarios
    path = "/v1/sagemaker/echo_csv/invocations"
    tenant, key = sc.tenant("scn-predict-csv")
    queue_model_answers(sc.env, ("0.42\n0.58\n", "text/csv"))
    # Clients send JSON rows; the route's request template turns them into the CSV the
    # endpoint takes, and its response template wraps the CSV answer.
    rows = json.dumps({"instances": [[1.5, 2.0, 3.25], [4.0, 5.5, 6.0]]}).encode()
    answer = sc.curl(path, rows, key, "application/json")
    assert answer.status == 200, answer.body
    doc = json.loads(answer.body)
    assert doc == {
        "object": "sagemaker.invocation",
        "endpoint": "echo_csv",
        "content_type": "text/csv",
        "predictions": "0.42\n0.58\n",
    }
    assert_access(sc, answer, "POST", path, tenant)


# 4. Image and document analysis ------------------------------------------------------


def test_image_and_document_analysis(scenarios: Scenarios) -> None:
    sc = scenarios
    tenant, key = sc.tenant("scn-vision")
    labels = sc.request("POST", "/v1/ai/labels", {"image": PNG}, key)
    assert labels.status == 200, labels.body
    found = labels.json()["labels"]
    assert found and all(set(x) == {"name", "confidence", "parents"} for x in found)
    assert all(isinstance(x["name"], str) and 0 <= x["confidence"] <= 100 for x in found)
    assert_access(sc, labels, "POST", "/v1/ai/labels", tenant)
    text = sc.curl(
        "/v1/ai/image-text", json.dumps({"image": PNG}).encode(), key, "application/json"
    )
    assert text.status == 200 and text.headers["content-type"] == "application/json", text.body
    assert isinstance(json.loads(text.body), dict) and json.loads(text.body)
    assert_access(sc, text, "POST", "/v1/ai/image-text", tenant)
    document = sc.request("POST", "/v1/ai/document-text", {"document": PNG}, key)
    assert document.status == 200, document.body
    assert isinstance(document.json(), dict) and document.json()
    assert_access(sc, document, "POST", "/v1/ai/document-text", tenant)


def test_image_analysis_refuses_a_body_without_an_image(scenarios: Scenarios) -> None:
    """The route's request validation answers, OpenAI-shaped, and the access line still
    names the tenant the authorizer found (validation runs after it on API Gateway)."""
    sc = scenarios
    tenant, key = sc.tenant("scn-vision-bad")
    bad = sc.request("POST", "/v1/ai/labels", {"picture": PNG}, key)
    assert_openai_error(bad, 400)
    assert_access(sc, bad, "POST", "/v1/ai/labels", tenant)


# 5. Speech ---------------------------------------------------------------------------


def test_speech_returns_intact_audio(scenarios: Scenarios) -> None:
    require_route(
        scenarios,
        "POST /v1/ai/speech",
        "ai_services.services.speech is false (the sandbox drifts on the API's binary "
        "media types); turn it on once the sandbox keeps them",
    )
    tenant, key = scenarios.tenant("scn-speech")
    audio = scenarios.curl(
        "/v1/ai/speech", json.dumps({"text": "Hello there"}).encode(), key, "application/json"
    )
    assert audio.status == 200 and audio.headers["content-type"] == "audio/mpeg"
    assert int(audio.headers["content-length"]) == len(audio.body) > 0
    assert_access(scenarios, audio, "POST", "/v1/ai/speech", tenant)


# 6. Limits ---------------------------------------------------------------------------


# A body each route answers 200 to (the routes a per-route throttle may name).
SAMPLE_BODIES = {
    "/v1/chat/completions": {"model": "mock-chat", "messages": [{"role": "user", "content": "hi"}]},
    "/v1/embeddings": {"model": "mock-embed", "input": "hi"},
    "/v1/ai/sentiment": {"text": "fine"},
    "/v1/ai/translate": {"text": "hi", "target_language": "fr"},
    "/v1/ai/labels": {"image": PNG},
    "/v1/ai/document-text": {"document": PNG},
}


def test_cheap_and_expensive_routes_have_their_own_throttles(
    scenarios: Scenarios, local_env: LocalEnv
) -> None:
    """The standard tier's plan: a tight per-route throttle on an expensive route leaves
    a cheap route of the same key answering (control-plane read with the env's client)."""
    plans = local_env.client("apigateway").get_usage_plans(limit=500)["items"]
    [plan] = [p for p in plans if p["name"].endswith("-standard")]
    throttles = {
        path: t
        for stage in plan.get("apiStages", [])
        for path, t in (stage.get("throttle") or {}).items()
    }
    if not throttles:
        pytest.fail(
            "envs/local sets no per-route throttle (the standard plan's apiStages[].throttle "
            "is empty): a cheap and an expensive route cannot be throttled differently",
            pytrace=False,
        )
    (expensive, tight), *_ = sorted(throttles.items(), key=lambda kv: kv[1]["burstLimit"])
    path = expensive.rsplit("/", 1)[0]
    cheap = next(p for p in SAMPLE_BODIES if p != path and f"{p}/POST" not in throttles)
    if path not in SAMPLE_BODIES:
        pytest.fail(f"no sample body for the throttled route {expensive}", pytrace=False)
    sc = scenarios
    tenant, key = sc.tenant("scn-throttle")
    burst = int(tight["burstLimit"])
    assert burst < 40, f"{expensive}: burst {burst} is not tighter than the tier's 40"
    rate = float(tight["rateLimit"])
    # A token bucket: the first `burst` requests pass, then the bucket refills at `rate` a
    # second, so requests slower than 1/rate would never be refused. Send until the first
    # refusal (bounded) and hold the count of answered ones to what the bucket allows.
    answers: list[Answer] = []
    started = time.monotonic()
    while len(answers) < burst + 100 and time.monotonic() - started < 60:
        answers.append(sc.request("POST", path, SAMPLE_BODIES[path], key))
        if answers[-1].status != 200:
            break
    elapsed = time.monotonic() - started
    statuses = [a.status for a in answers]
    assert statuses[:burst] == [200] * burst, statuses
    assert burst <= statuses.count(200) <= burst + rate * elapsed + 1, (statuses, elapsed)
    error = assert_openai_error(answers[-1], 429)
    assert error["message"] == "Too Many Requests", error
    assert_access(sc, answers[-1], "POST", path, tenant)
    calm = sc.request("POST", cheap, SAMPLE_BODIES[cheap], key)
    assert calm.status == 200, (cheap, calm.body)
    assert_access(sc, calm, "POST", cheap, tenant)


def test_a_tenant_over_its_quota_gets_an_openai_shaped_429(scenarios: Scenarios) -> None:
    """The trial tier: 20 requests a day, two at once and one a second after that."""
    sc = scenarios
    tenant, key = sc.tenant("scn-quota", tier="trial")
    statuses, answer = [], None
    deadline = time.monotonic() + 60
    while len(statuses) < 40 and time.monotonic() < deadline:
        answer = sc.request("POST", "/v1/ai/key-phrases", {"text": "quick brown fox"}, key)
        statuses.append(answer.status)
        if answer.status == 429 and answer.json()["error"]["message"] == "Limit Exceeded":
            break
        if answer.status == 429:
            time.sleep(1.05)  # throttled: wait for the bucket
    assert answer is not None
    assert statuses.count(200) == 20, statuses
    error = assert_openai_error(answer, 429)
    assert error["message"] == "Limit Exceeded", error
    # Another tenant is not affected.
    _, other = sc.tenant("scn-quota-other", tier="trial")
    assert sc.request("POST", "/v1/ai/key-phrases", {"text": "x y"}, other).status == 200
    assert_access(sc, answer, "POST", "/v1/ai/key-phrases", tenant)


def test_a_revoked_key_stops_working_when_its_cache_entry_expires(
    scenarios: Scenarios, local_env: LocalEnv
) -> None:
    sc = scenarios
    tenant, key = sc.tenant("scn-revoke")
    issued = sc.key(tenant)
    assert sc.request("POST", "/v1/ai/pii", {"text": "mail a@b.example"}, key).status == 200
    used = sc.request("POST", "/v1/ai/pii", {"text": "mail a@b.example"}, issued["key"])
    assert used.status == 200 and used.json()["entities"][0]["type"] == "EMAIL"
    local_env.aigw("keys", "revoke", issued["key_id"])
    # The authorizer's answer is cached: the key works until the entry expires.
    cached = sc.request("POST", "/v1/ai/pii", {"text": "x"}, issued["key"])
    assert cached.status == 200, cached.body
    ttl = authorizer_ttl(local_env)
    if ttl > 15:
        pytest.fail(
            f"envs/local caches the authorizer's answer {ttl}s (authorizer_result_ttl_seconds)"
            " and serve takes no shorter TTL: the expiry cannot be waited for in a test; "
            "set authorizer_result_ttl_seconds = 5 in envs/local",
            pytrace=False,
        )
    time.sleep(ttl + 0.5)
    refused = sc.request("POST", "/v1/ai/pii", {"text": "x"}, issued["key"])
    assert_openai_error(refused, 401)
    assert sc.request("POST", "/v1/ai/pii", {"text": "x"}, key).status == 200


def authorizer_ttl(env: LocalEnv) -> float:
    doc = env.outputs()["openapi_document"]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    schemes = doc["components"]["securitySchemes"]
    return float(schemes["aigw"]["x-amazon-apigateway-authorizer"]["authorizerResultTtlInSeconds"])
