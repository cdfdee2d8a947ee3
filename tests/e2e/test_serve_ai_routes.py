"""`aigw serve` over real HTTP against the AI service routes of the session's `envs/local`
apply (the ``local_env`` fixture, tests/integration/local_env.py: one apply shared with
tests/e2e/test_serve_local_env.py and tests/integration/test_make_apply_local.py).

The env's AI service routes sit behind the project's Lambda authorizer, as every route
family does: tenants and keys are created with the CLI (a premium tenant for the
functional checks, a trial-tier tenant for the throttle), serve runs as a process and is
driven with ``http.client``. Textract and Rekognition's DetectLabels / DetectText answer
from the sandbox (moto), Comprehend, Translate and Rekognition's DetectModerationLabels
from serve's local stand-ins; every assertion reads the body and headers. The env's
private back end (VPC link + NLB) is served with ``--vpc-link-backend`` to a loopback
server started here.
"""

from __future__ import annotations

import http.client
import http.server
import json
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from local_env import ROOT, LocalEnv, free_port
from serve_process import ServeProcess

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]


class _Backend(http.server.BaseHTTPRequestHandler):
    """The private back end's stand-in: echoes method, path and body as JSON."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        data = json.dumps(
            {"method": "POST", "path": self.path, "body": body.decode("utf-8", "replace")}
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


class Served:
    def __init__(self, env: LocalEnv, backend_port: int) -> None:
        link = env.outputs()["vpc_link_ids"]["models"]
        self.serve = ServeProcess(
            env, "--vpc-link-backend", f"{link}=http://127.0.0.1:{backend_port}"
        )
        self.sandbox = env.endpoint
        self.port = self.serve.port

    def output(self) -> str:
        return self.serve.output()

    def post(self, path: str, body: Any, key: str | None = None, **headers: str):
        """POST with the tenant's key as a Bearer token, as OpenAI-style clients send it."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        hdrs = {"content-type": "application/json", **headers}
        if key:
            hdrs["authorization"] = f"Bearer {key}"
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        conn.request("POST", path, body=raw, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def get(self, path: str, key: str | None = None, **headers: str):
        """GET with the tenant's key as a Bearer token (the cacheable GET variants)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        hdrs = dict(headers)
        if key:
            hdrs["authorization"] = f"Bearer {key}"
        conn.request("GET", path, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def stop(self) -> None:
        self.serve.stop()


@pytest.fixture(scope="module")
def keys(local_env: LocalEnv) -> dict[str, list[str]]:
    local_env.aigw("tenants", "create", "ai-premium", "--tier", "premium", "--models", "*")
    # Two tenants asking the same cached questions: their entries must never meet.
    for tenant in ("cache-acme", "cache-globex"):
        local_env.aigw("tenants", "create", tenant, "--tier", "premium", "--models", "*")
    # Usage plans meter a tenant (its usage-plan key), not each of its keys: two trial tenants.
    for tenant in ("ai-trial", "ai-trial-2"):
        local_env.aigw("tenants", "create", tenant, "--tier", "trial", "--models", "*")
    return {
        "premium": [
            local_env.aigw("keys", "create", "--tenant", "ai-premium")["key"] for _ in range(2)
        ],
        "trial": [
            local_env.aigw("keys", "create", "--tenant", tenant)["key"]
            for tenant in ("ai-trial", "ai-trial-2")
        ],
        **{
            tenant: [local_env.aigw("keys", "create", "--tenant", tenant)["key"]]
            for tenant in ("cache-acme", "cache-globex")
        },
    }


@pytest.fixture(scope="module")
def served(local_env: LocalEnv, keys: dict[str, list[str]]) -> Iterator[Served]:
    port = free_port()
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Backend)
    thread = threading.Thread(target=backend.serve_forever, daemon=True)
    thread.start()
    server = Served(local_env, port)
    try:
        yield server
    finally:
        server.stop()
        backend.shutdown()


def test_startup_names_every_route_the_fake_and_what_is_enforced(served: Served) -> None:
    out = served.output()
    rows = {ln.split()[1]: ln for ln in out.splitlines() if ln.startswith("  POST ")}
    for path, action in (
        ("/v1/ai/sentiment", "DetectSentiment"),
        ("/v1/ai/pii", "DetectPiiEntities"),
    ):
        assert f"comprehend action/{action} (local fake aigw.serve.fakes.comprehend" in rows[path]
    # DetectLabels: the sandbox's answer, behind the Rekognition stand-in's S3 read.
    assert (
        "rekognition action/DetectLabels (local fake aigw.serve.fakes.rekognition"
        in (rows["/v1/ai/labels"])
    )
    assert rows["/v1/ai/labels"].endswith("other calls read their S3 object, then the sandbox)")
    assert (
        "translate action/TranslateText (local fake aigw.serve.fakes.translate"
        in rows["/v1/ai/translate"]
    )
    # Every route family of the env is served.
    for path in (
        "/v1/chat/completions",
        "/v1/sagemaker/echo/invocations",
        "/v1/sagemaker/echo_proxy/invocations",
        "/v1/private/rerank",
        "/v1/tools/echo",
    ):
        assert path in rows, path
    assert "fake: translate is a local fake" in out and "not the AWS service" in out
    assert "usage plans: 3 plan(s) of this stage, throttling and quotas enforced" in out
    waf = [ln.strip() for ln in out.splitlines() if ln.strip().startswith("WAF ")]
    [emulated] = [ln.split("emulated rules: ", 1)[1] for ln in waf if "emulated rules: " in ln]
    families = ("llm", "ai_service", "sagemaker", "private", "http")
    assert set(emulated.split(", ")) == {
        "rate-per-ip",
        "body-size-limit",
        *(f"route-family-{f}" for f in families),
        *(f"body-size-{f}" for f in families),
    }, emulated
    assert any(
        "not emulated: AWSManagedRulesKnownBadInputsRuleSet (ManagedRuleGroupStatement: AWS-only)"
        in ln
        for ln in waf
    ), waf
    assert "warning:" not in out


def test_requests_without_a_valid_key_are_refused_by_the_authorizer(
    served: Served, keys: dict[str, list[str]]
) -> None:
    status, _, body = served.post("/v1/ai/translate", {"text": "a", "target_language": "fr"})
    assert status == 401 and json.loads(body)["error"]["code"] == "invalid_api_key"
    status, _, body = served.post(
        "/v1/ai/translate", {"text": "a", "target_language": "fr"}, "aigw-v1-notakey"
    )
    assert status == 401 and json.loads(body)["error"]["code"] == "invalid_api_key"


def test_comprehend_routes_answer_through_their_templates(
    served: Served, keys: dict[str, list[str]]
) -> None:
    key = keys["premium"][0]
    status, headers, body = served.post("/v1/ai/sentiment", {"text": "I love it"}, key)
    assert status == 200 and headers["content-type"] == "application/json"
    answer = json.loads(body)
    assert answer["sentiment"] in ("POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED")
    assert set(answer["scores"]) == {"positive", "negative", "neutral", "mixed"}
    assert all(isinstance(v, float) for v in answer["scores"].values())
    assert headers["x-amzn-requestid"]
    status, _, body = served.post("/v1/ai/pii", {"text": "Call John at 555-0100"}, key)
    assert status == 200
    entities = json.loads(body)["entities"]
    assert entities and set(entities[0]) == {"type", "score", "begin", "end"}


def test_rekognition_and_translate_routes(served: Served, keys: dict[str, list[str]]) -> None:
    key = keys["premium"][0]
    status, _, body = served.post("/v1/ai/labels", {"image": "aGVsbG8gd29ybGQ="}, key)
    assert status == 200
    labels = json.loads(body)["labels"]
    assert labels and set(labels[0]) == {"name", "confidence", "parents"}
    status, _, body = served.post(
        "/v1/ai/translate", {"text": 'Say "hi"', "target_language": "fr"}, key
    )
    assert status == 200
    assert json.loads(body) == {
        "text": '[fr] Say "hi"',
        "source_language": "en",
        "target_language": "fr",
    }


def test_service_errors_and_invalid_bodies_are_openai_shaped(
    served: Served, keys: dict[str, list[str]]
) -> None:
    key = keys["premium"][0]
    status, _, body = served.post(
        "/v1/ai/translate",
        {"text": "x", "source_language": "de", "target_language": "de"},
        key,
    )
    assert status == 400
    assert json.loads(body)["error"]["code"] == "invalid_request"
    assert json.loads(body)["error"]["type"] == "invalid_request_error"
    status, _, body = served.post("/v1/ai/translate", {"text": "x"}, key)
    assert status == 400
    error = json.loads(body)["error"]
    assert error["message"] == "Invalid request body" and error["param"] is None


def test_usage_plan_throttles_per_key(served: Served, keys: dict[str, list[str]]) -> None:
    """The env's trial tier: two requests at once, one a second after that."""
    statuses = []
    for _ in range(3):
        status, _, body = served.post(
            "/v1/ai/translate", {"text": "a", "target_language": "fr"}, keys["trial"][0]
        )
        statuses.append(status)
    assert statuses[:2] == [200, 200] and statuses[2] == 429
    assert json.loads(body)["error"]["message"] == "Too Many Requests"
    status, _, body = served.post(
        "/v1/ai/translate", {"text": "a", "target_language": "fr"}, keys["trial"][1]
    )
    assert status == 200  # another tenant's key has its own bucket


def test_the_private_backend_route_goes_over_its_vpc_link(
    served: Served, keys: dict[str, list[str]]
) -> None:
    status, _, body = served.post("/v1/private/rerank", {"q": "x"}, keys["premium"][0])
    assert status == 200, body
    answer = json.loads(body)
    # HTTP_PROXY to the NLB listener's URI with the route's back-end path.
    assert answer == {"method": "POST", "path": "/rerank", "body": '{"q": "x"}'}


def _aws_route(uri: str, **integration: Any) -> dict[str, Any]:
    return {
        "post": {
            "security": [],
            "x-amazon-apigateway-integration": {
                "type": "aws",
                "httpMethod": "POST",
                "uri": uri,
                "credentials": "arn:aws:iam::123456789012:role/serve-e2e",
                "passthroughBehavior": "NEVER",
                **integration,
            },
        }
    }


def test_the_other_sandbox_services_through_templates_and_content_handling(
    served: Served,
) -> None:
    """SageMaker runtime (the module's templates), Polly (binary audio as base64 text),
    Textract and Rekognition DetectText, in a plane built here against the same sandbox."""
    from botocore.credentials import Credentials

    from aigw import serve
    from aigw.serve.integrations import Services

    sm = ROOT / "modules" / "sagemaker-route" / "templates"
    json11 = "'application/x-amz-json-1.1'"
    doc: dict[str, Any] = {
        "openapi": "3.0.1",
        "paths": {
            "/sm": _aws_route(
                "arn:aws:apigateway:us-east-1:runtime.sagemaker:path//endpoints/churn/invocations",
                requestParameters={
                    "integration.request.header.Content-Type": "'application/json'",
                    "integration.request.header.Accept": "'text/csv'",
                },
                requestTemplates={"application/json": (sm / "request_json.vtl").read_text()},
                responses={
                    "2\\d{2}": {
                        "statusCode": "200",
                        "responseTemplates": {
                            "application/json": (sm / "response_text.vtl")
                            .read_text()
                            .replace("${route}", "churn")
                            .replace("${accept}", "text/csv")
                        },
                    }
                },
            ),
            "/speech": _aws_route(
                "arn:aws:apigateway:us-east-1:polly:path/v1/speech",
                requestParameters={"integration.request.header.Content-Type": "'application/json'"},
                requestTemplates={
                    "application/json": "{\"Text\": $input.json('$.text'), "
                    '"OutputFormat": "mp3", "VoiceId": "Joanna"}'
                },
                responses={
                    "default": {
                        "statusCode": "200",
                        "contentHandling": "CONVERT_TO_TEXT",
                        "responseTemplates": {"application/json": '{"audio": "$input.body"}'},
                    }
                },
            ),
            "/ocr": _aws_route(
                "arn:aws:apigateway:us-east-1:textract:action/DetectDocumentText",
                requestParameters={
                    "integration.request.header.X-Amz-Target": "'Textract.DetectDocumentText'",
                    "integration.request.header.Content-Type": json11,
                },
                requestTemplates={
                    "application/json": '{"Document": {"Bytes": $input.json(\'$.image\')}}'
                },
                responses={
                    "default": {
                        "statusCode": "200",
                        "responseTemplates": {
                            "application/json": "{\"blocks\": $input.json('$.Blocks')}"
                        },
                    }
                },
            ),
            "/text": _aws_route(
                "arn:aws:apigateway:us-east-1:rekognition:action/DetectText",
                requestParameters={
                    "integration.request.header.X-Amz-Target": "'RekognitionService.DetectText'",
                    "integration.request.header.Content-Type": json11,
                },
                requestTemplates={
                    "application/json": '{"Image": {"Bytes": $input.json(\'$.image\')}}'
                },
                responses={
                    "default": {
                        "statusCode": "200",
                        "responseTemplates": {
                            "application/json": '{"texts": [#foreach($t in '
                            "$input.path('$.TextDetections'))\"$t.DetectedText\""
                            "#if($foreach.hasNext), #end#end]}"
                        },
                    }
                },
            ),
        },
    }
    # audio/mpeg is a binary media type of the API: CONVERT_TO_TEXT base64-encodes it.
    services = Services(
        served.sandbox,
        "us-east-1",
        lambda role: Credentials("sandbox", "sandbox"),
        binary_media_types=["audio/mpeg"],
    )
    routes = serve.routes_from_openapi(doc)
    bindings = [
        serve.integration_type(r.integration_type).bind(r, lambda a: None, services)  # type: ignore[arg-type,return-value]
        for r in routes
    ]
    plane = serve.DataPlane(doc, serve.Stage("a", "v1", "us-east-1", "1"), bindings, {})

    def post(path: str, body: Any) -> tuple[int, Any]:
        inc = serve.Incoming(
            "POST", path, [], [("content-type", "application/json")], json.dumps(body).encode()
        )
        result = plane.dispatch(inc)
        return result.status, json.loads(result.body)

    status, answer = post("/sm", {"inputs": [1, 2]})
    assert status == 200 and answer["object"] == "sagemaker.invocation"
    assert answer["endpoint"] == "churn" and isinstance(answer["predictions"], str)
    status, answer = post("/speech", {"text": "hello"})
    assert status == 200
    import base64

    assert base64.b64decode(answer["audio"], validate=True)  # the mp3 bytes, as base64 text
    status, answer = post("/ocr", {"image": "aGVsbG8="})
    assert status == 200 and isinstance(answer["blocks"], list)
    status, answer = post("/text", {"image": "aGVsbG8="})
    assert status == 200 and answer["texts"] and all(isinstance(t, str) for t in answer["texts"])


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(["/v1/ai/sentiment", "/v1/ai/pii", "/v1/ai/translate", "/v1/ai/labels"]),
    body=st.one_of(
        st.binary(max_size=100),
        st.dictionaries(
            st.sampled_from(["text", "image", "target_language", "language", "x"]),
            st.one_of(st.text(max_size=50), st.integers(), st.none()),
            max_size=3,
        ).map(lambda d: json.dumps(d).encode()),
    ),
    content_type=st.sampled_from(["application/json", "text/plain", "image/png", ""]),
)
def test_any_body_to_any_ai_route_gets_a_documented_answer(
    served: Served, keys: dict[str, list[str]], path: str, body: bytes, content_type: str
) -> None:
    # A premium key: its tier's burst (200) does not hide the routes.
    status, headers, data = served.post(
        path, body, keys["premium"][1], **{"content-type": content_type}
    )
    assert headers["x-amzn-requestid"]
    if status >= 400:
        error = json.loads(data)["error"]
        assert {"message", "type", "code"} <= set(error)
        # 5xx only as the routes' own mapping of a service error
        assert status < 500 or (status, error["code"]) == (502, "upstream_error"), error


def test_the_web_acls_body_size_rule_answers_its_openai_shaped_413(
    served: Served, keys: dict[str, list[str]]
) -> None:
    body = {"text": "a" * 70000, "target_language": "fr"}  # over the env's 65536 bytes
    status, headers, data = served.post("/v1/ai/translate", body, keys["premium"][0])
    assert status == 413 and headers["content-type"] == "application/json"
    assert json.loads(data) == {
        "error": {
            "message": "Request body is larger than the gateway accepts (65536 bytes).",
            "type": "invalid_request_error",
            "code": "request_too_large",
            "param": None,
        }
    }


def test_the_other_comprehend_textract_and_rekognition_routes(
    served: Served, keys: dict[str, list[str]]
) -> None:
    """Each route's own templates over the sandbox's (or the Comprehend and Rekognition
    stand-ins') answers, and a service error mapped to the route's own status."""
    key = keys["premium"][0]
    cases = [
        ("/v1/ai/key-phrases", {"text": "the quick brown fox"}),
        ("/v1/ai/document-text", {"document": "aGVsbG8gd29ybGQ="}),
        ("/v1/ai/image-text", {"image": "aGVsbG8gd29ybGQ="}),
        ("/v1/ai/entities", {"text": "Jeff lives in Seattle"}),
        ("/v1/ai/language", {"text": "bonjour le monde"}),
    ]
    for path, body in cases:
        status, headers, data = served.post(path, body, key)
        assert status == 200, (path, data)
        assert headers["content-type"] == "application/json"
        answer = json.loads(data)
        assert isinstance(answer, dict) and answer, (path, answer)
    # DetectModerationLabels from serve's stand-in: "hello world" is no PNG or JPEG, which
    # Rekognition refuses (InvalidImageFormatException), mapped to the route's 400.
    status, _, data = served.post("/v1/ai/moderation", {"image": "aGVsbG8gd29ybGQ="}, key)
    assert status == 400, data
    assert json.loads(data)["error"]["code"] == "invalid_request"
    out = served.output()
    assert (
        "rekognition action/DetectModerationLabels (local fake aigw.serve.fakes.rekognition" in out
    )


def test_speech_answers_polly_audio_as_bytes(served: Served, keys: dict[str, list[str]]) -> None:
    status, headers, data = served.post(
        "/v1/ai/speech", {"text": "hello"}, keys["premium"][0], accept="audio/mpeg"
    )
    assert status == 200, data
    assert headers["content-type"] == "audio/mpeg"
    assert data and not data.startswith(b"{")  # the audio bytes, not JSON or base64 text


# -- the stage cache (the env's GET variants of translate and sentiment) -----------------------

TRANSLATE_GET = "/v1/ai/translate?text=Good%20morning&target_language=fr"


def _cached_get(
    served: Served, keys: dict[str, list[str]], path: str, tenant: str
) -> tuple[int, bytes, str]:
    """GET ``path`` as ``tenant``; (status, body, the log line's cache field)."""
    status, headers, body = served.get(path, keys[tenant][0])
    line = served.serve.access_line(headers["x-amzn-requestid"])
    assert f" tenant={tenant} " in line, line
    return status, body, line.split(" cache=", 1)[1].split()[0]


def test_startup_lists_the_cached_methods(served: Served) -> None:
    out = served.output()
    assert "  GET /v1/ai/translate: stage cache: emulated (TTL 300 s, keys " in out
    assert "header.Authorization, header.x-api-key;" in out
    assert "  GET /v1/ai/sentiment: stage cache: emulated (TTL 300 s" in out
    assert "stage cache: 2 cached method(s) emulated (TTL, cache keys); flush: kill -USR1" in out


def test_a_cached_get_misses_then_hits_and_tenants_never_share(
    served: Served, keys: dict[str, list[str]]
) -> None:
    status, first, cache = _cached_get(served, keys, TRANSLATE_GET, "cache-acme")
    assert (status, cache) == (200, "MISS")
    assert json.loads(first)["text"] == "[fr] Good morning"
    status, again, cache = _cached_get(served, keys, TRANSLATE_GET, "cache-acme")
    assert (status, cache, again) == (200, "HIT", first)
    # Another tenant, the same query: its own entry, never acme's.
    assert _cached_get(served, keys, TRANSLATE_GET, "cache-globex")[2] == "MISS"
    assert _cached_get(served, keys, TRANSLATE_GET, "cache-globex")[2] == "HIT"
    # Another key parameter value: another entry.
    other = TRANSLATE_GET.replace("target_language=fr", "target_language=de")
    status, body, cache = _cached_get(served, keys, other, "cache-acme")
    assert (status, cache, json.loads(body)["text"]) == (200, "MISS", "[de] Good morning")


def test_sentiment_get_answers_from_the_service_then_the_cache(
    served: Served, keys: dict[str, list[str]]
) -> None:
    path = "/v1/ai/sentiment?text=I%20love%20it&language=en"
    status, body, cache = _cached_get(served, keys, path, "cache-acme")
    assert (status, cache) == (200, "MISS")
    assert json.loads(body)["sentiment"] in ("POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED")
    assert _cached_get(served, keys, path, "cache-acme")[1:] == (body, "HIT")


def test_missing_query_strings_and_uncached_routes(
    served: Served, keys: dict[str, list[str]]
) -> None:
    key = keys["cache-acme"][0]
    status, _, body = served.get("/v1/ai/translate?text=x", key)
    assert status == 400
    error = json.loads(body)["error"]
    assert error["message"] == "Missing required request parameters: [target_language]"
    assert error["code"] == "invalid_request_parameters"
    status, _, _ = served.get(TRANSLATE_GET)  # no credential: the authorizer, before any cache
    assert status == 401
    status, headers, _ = served.post(
        "/v1/ai/translate", {"text": "a", "target_language": "fr"}, key
    )
    line = served.serve.access_line(headers["x-amzn-requestid"])
    assert status == 200 and " cache=- " in line


def test_sigusr1_flushes_the_stage_cache(served: Served, keys: dict[str, list[str]]) -> None:
    path = TRANSLATE_GET.replace("Good%20morning", "flush%20me")
    _cached_get(served, keys, path, "cache-acme")
    assert _cached_get(served, keys, path, "cache-acme")[2] == "HIT"
    served.serve.proc.send_signal(signal.SIGUSR1)
    for _ in range(40):
        if "aigw serve: stage cache flushed (" in served.output():
            break
        time.sleep(0.05)
    assert "aigw serve: stage cache flushed (" in served.output()
    assert _cached_get(served, keys, path, "cache-acme")[2] == "MISS"
