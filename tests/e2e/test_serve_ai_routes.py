"""`aigw serve --state-file` over real HTTP against the AI service routes applied to moto.

One apply of ``tests/e2e/roots/ai_routes`` (ai-service-route as in its basic example,
behind gateway-core with one usage-plan tier and the project's web ACL) in a sandbox
private to this module; API keys are created in the sandbox before serve starts; serve
runs as a process and is driven with ``http.client``. Comprehend and Rekognition answer
from the sandbox (moto), Translate from serve's local fake; every assertion reads the
body and headers.
"""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import ROOT, TerraformRoot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from local_env import free_port
from serve_process import wait_listening

from aigw.sandbox import Sandbox

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]

KEYS = [f"serve-e2e-key-{i:02d}-0123456789" for i in range(13)]
# Keys for the property test: enough that the tier's burst does not hide the routes.
FUZZ_KEYS = [f"serve-e2e-fuzz-{i:02d}-0123456789" for i in range(40)]


class Served:
    def __init__(self, state_dir: Path, state_file: Path, sandbox: str) -> None:
        self.sandbox = sandbox
        self.tenant_keys: dict[str, str] = {}
        self.port = free_port()
        self.log = state_dir / "serve.log"
        self._out = self.log.open("w")
        env = {"PATH": "/usr/bin:/bin", "AIGW_STATE_DIR": str(state_dir), "HOME": str(state_dir)}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aigw.serve",
                "--state-file",
                str(state_file),
                "--port",
                str(self.port),
                "--no-function-logs",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            text=True,
        )
        wait_listening(self.proc, self.port, self.output)

    def output(self) -> str:
        self._out.flush()
        return self.log.read_text()

    def post(self, path: str, body: Any, key: str | None = None, sign: bool = True, **headers: str):
        """POST, signed with SigV4 for execute-api as a client would (the routes are AWS_IAM)."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        hdrs = {"content-type": "application/json", **headers}
        if key:
            hdrs["x-api-key"] = key
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        if sign:
            req = AWSRequest("POST", f"http://127.0.0.1:{self.port}{path}", data=raw, headers=hdrs)
            SigV4Auth(Credentials("AKIDCALLER", "secret"), "execute-api", "us-east-1").add_auth(req)
            hdrs = dict(req.headers.items())
        conn.request("POST", path, body=raw, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def get(self, path: str, **headers: str):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def access_line(self, request_id: str) -> str:
        """serve's request log line of ``request_id`` (written just after the answer)."""
        for _ in range(40):
            lines = [ln for ln in self.output().splitlines() if f"request_id={request_id}" in ln]
            if lines:
                return lines[0]
            time.sleep(0.05)
        raise AssertionError(f"no request log line for {request_id}:\n{self.output()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=20)
        self._out.close()


def _tenant_keys(endpoint: str, outputs: dict[str, Any], plan: str) -> dict[str, str]:
    """One authorizer key per tenant of the cached routes, created with the tenancy library."""
    from aigw.tenancy.keys import create_key
    from aigw.tenancy.store import Tenancy
    from aigw.tenancy.tenants import create_tenant

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ACCESS_KEY_ID", "sandbox")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "sandbox")
        tables = outputs["tables"]
        t = Tenancy.connect(
            tenants_table=tables["tenants"],  # type: ignore[index]
            keys_table=tables["keys"],  # type: ignore[index]
            region="us-east-1",
            endpoint_url=endpoint,
        )
        keys = {}
        for tenant in ("cache-acme", "cache-globex"):
            create_tenant(t, tenant, tier="test", allowed_models=["*"])
            keys[tenant] = create_key(t, tenant, stage="v1", plan_id=plan)["key"]
        return keys


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    state_dir = tmp_path_factory.mktemp("serve-ai")
    box = Sandbox(state_dir=state_dir, port=0)
    box.up()
    root = TerraformRoot(ROOT / "tests/e2e/roots/ai_routes", state_dir / "work", box.endpoint)
    server = None
    try:
        root.init()
        root.apply()
        outputs = root.outputs()
        import boto3

        apigw = boto3.client(
            "apigateway",
            endpoint_url=box.endpoint,
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )
        plan = outputs["usage_plan_ids"]["test"]  # type: ignore[index]
        for value in KEYS + FUZZ_KEYS:
            key = apigw.create_api_key(name=value, enabled=True, value=value)
            apigw.create_usage_plan_key(usagePlanId=plan, keyId=key["id"], keyType="API_KEY")
        tenant_keys = _tenant_keys(box.endpoint, outputs, plan)
        server = Served(state_dir, root.state_file, box.endpoint)
        server.tenant_keys = tenant_keys
        yield server
    finally:
        if server is not None:
            server.stop()
        box.down()


def test_startup_names_every_route_the_fake_and_what_is_enforced(served: Served) -> None:
    out = served.output()
    rows = {ln.split()[1]: ln for ln in out.splitlines() if ln.startswith("  POST ")}
    assert rows["/v1/ai/sentiment"].endswith("comprehend action/DetectSentiment (the sandbox)")
    assert rows["/v1/ai/pii"].endswith("comprehend action/DetectPiiEntities (the sandbox)")
    assert rows["/v1/ai/labels"].endswith("rekognition action/DetectLabels (the sandbox)")
    assert (
        "translate action/TranslateText (local fake aigw.serve.fakes.translate"
        in rows["/v1/ai/translate"]
    )
    assert "fake: translate is a local fake" in out and "not the AWS service" in out
    assert "usage plans: 1 plan(s) of this stage, throttling and quotas enforced" in out
    waf = [ln.strip() for ln in out.splitlines() if ln.strip().startswith("WAF ")]
    assert any(ln.endswith("emulated rules: rate-per-ip, body-size-limit") for ln in waf), waf
    assert any(
        "not emulated: AWSManagedRulesKnownBadInputsRuleSet (ManagedRuleGroupStatement: AWS-only)"
        in ln
        for ln in waf
    ), waf
    assert "warning:" not in out
    assert "  POST /v1/ai/translate: AWS_IAM: SigV4 header required, signature not verified" in out


def test_unsigned_requests_to_aws_iam_routes_are_refused(served: Served) -> None:
    status, _, body = served.post(
        "/v1/ai/translate", {"text": "a", "target_language": "fr"}, KEYS[5], sign=False
    )
    assert status == 403
    assert json.loads(body)["error"]["message"] == "Missing Authentication Token"


def test_comprehend_routes_answer_through_their_templates(served: Served) -> None:
    status, headers, body = served.post("/v1/ai/sentiment", {"text": "I love it"}, KEYS[0])
    assert status == 200 and headers["content-type"] == "application/json"
    answer = json.loads(body)
    assert answer["sentiment"] in ("POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED")
    assert set(answer["scores"]) == {"positive", "negative", "neutral", "mixed"}
    assert all(isinstance(v, float) for v in answer["scores"].values())
    assert headers["x-amzn-requestid"]
    status, _, body = served.post("/v1/ai/pii", {"text": "Call John at 555-0100"}, KEYS[0])
    assert status == 200
    entities = json.loads(body)["entities"]
    assert entities and set(entities[0]) == {"type", "score", "begin", "end"}


def test_rekognition_and_translate_routes(served: Served) -> None:
    status, _, body = served.post("/v1/ai/labels", {"image": "aGVsbG8gd29ybGQ="}, KEYS[1])
    assert status == 200
    labels = json.loads(body)["labels"]
    assert labels and set(labels[0]) == {"name", "confidence", "parents"}
    status, _, body = served.post(
        "/v1/ai/translate", {"text": 'Say "hi"', "target_language": "fr"}, KEYS[1]
    )
    assert status == 200
    assert json.loads(body) == {
        "text": '[fr] Say "hi"',
        "source_language": "en",
        "target_language": "fr",
    }


def test_service_errors_and_invalid_bodies_are_openai_shaped(served: Served) -> None:
    status, _, body = served.post(
        "/v1/ai/translate",
        {"text": "x", "source_language": "de", "target_language": "de"},
        KEYS[2],
    )
    assert status == 400
    assert json.loads(body)["error"]["code"] == "invalid_request"
    assert json.loads(body)["error"]["type"] == "invalid_request_error"
    status, _, body = served.post("/v1/ai/translate", {"text": "x"}, KEYS[3])
    assert status == 400
    error = json.loads(body)["error"]
    assert error["message"] == "Invalid request body" and error["param"] is None


def test_usage_plan_throttles_per_key_and_refuses_unknown_keys(served: Served) -> None:
    statuses = []
    for _ in range(3):
        status, _, body = served.post(
            "/v1/ai/translate", {"text": "a", "target_language": "fr"}, KEYS[4]
        )
        statuses.append(status)
    assert statuses[:2] == [200, 200] and statuses[2] == 429
    assert json.loads(body)["error"]["message"] == "Too Many Requests"
    status, _, body = served.post(
        "/v1/ai/translate", {"text": "a", "target_language": "fr"}, KEYS[5]
    )
    assert status == 200  # another key has its own bucket
    status, _, body = served.post(
        "/v1/ai/translate", {"text": "a", "target_language": "fr"}, "not-a-key-of-any-plan"
    )
    assert status == 403 and json.loads(body)["error"]["message"] == "Forbidden"
    status, _, body = served.post("/v1/ai/translate", {"text": "a", "target_language": "fr"})
    assert status == 403 and json.loads(body)["error"]["message"] == "Forbidden"


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
    n=st.integers(min_value=0, max_value=len(FUZZ_KEYS) - 1),
)
def test_any_body_to_any_ai_route_gets_a_documented_answer(
    served: Served, path: str, body: bytes, content_type: str, n: int
) -> None:
    status, headers, data = served.post(path, body, FUZZ_KEYS[n], **{"content-type": content_type})
    assert headers["x-amzn-requestid"]
    if status >= 400:
        error = json.loads(data)["error"]
        assert {"message", "type", "code"} <= set(error)
        # 5xx only as the routes' own mapping of a service error
        assert status < 500 or (status, error["code"]) == (502, "upstream_error"), error


def test_the_web_acls_body_size_rule_answers_its_openai_shaped_413(served: Served) -> None:
    body = {"text": "a" * 3000, "target_language": "fr"}  # over the root's 2048 bytes
    status, headers, data = served.post("/v1/ai/translate", body, KEYS[5])
    assert status == 413 and headers["content-type"] == "application/json"
    assert json.loads(data) == {
        "error": {
            "message": "Request body is larger than the gateway accepts (2048 bytes).",
            "type": "invalid_request_error",
            "code": "request_too_large",
            "param": None,
        }
    }


def test_the_other_comprehend_textract_and_rekognition_routes(served: Served) -> None:
    """Each route's own templates over the sandbox's answers (one key per route: burst 2);
    the calls the sandbox lacks answer the route's mapping of a service error (502)."""
    cases = [
        ("/v1/ai/key-phrases", {"text": "the quick brown fox"}, KEYS[7]),
        ("/v1/ai/document-text", {"document": "aGVsbG8gd29ybGQ="}, KEYS[8]),
        ("/v1/ai/image-text", {"image": "aGVsbG8gd29ybGQ="}, KEYS[9]),
    ]
    for path, body, key in cases:
        status, headers, data = served.post(path, body, key)
        assert status == 200, (path, data)
        assert headers["content-type"] == "application/json"
        answer = json.loads(data)
        assert isinstance(answer, dict) and answer, (path, answer)
    for path, body in [
        ("/v1/ai/entities", {"text": "Jeff lives in Seattle"}),
        ("/v1/ai/language", {"text": "bonjour"}),
        ("/v1/ai/moderation", {"image": "aGVsbG8gd29ybGQ="}),
    ]:
        status, _, data = served.post(
            path, body, KEYS[6] if path != "/v1/ai/moderation" else KEYS[10]
        )
        assert status == 502, (path, data)
        assert json.loads(data)["error"]["code"] == "upstream_error"
    out = served.output()
    assert "comprehend action/DetectEntities (NOT in the sandbox" in out


def test_speech_answers_polly_audio_as_bytes(served: Served) -> None:
    status, headers, data = served.post(
        "/v1/ai/speech", {"text": "hello"}, KEYS[11], accept="audio/mpeg"
    )
    assert status == 200, data
    assert headers["content-type"] == "audio/mpeg"
    assert data and not data.startswith(b"{")  # the audio bytes, not JSON or base64 text


# -- the stage cache (GET variants behind the authorizer) -------------------------------------

TRANSLATE_GET = "/v1/cached/translate?text=Good%20morning&target_language=fr"


def _cached_get(served: Served, path: str, tenant: str) -> tuple[int, bytes, str]:
    """GET ``path`` as ``tenant``; (status, body, the log line's cache field)."""
    key = served.tenant_keys[tenant]
    status, headers, body = served.get(path, Authorization=f"Bearer {key}")
    line = served.access_line(headers["x-amzn-requestid"])
    assert f" tenant={tenant} " in line, line
    return status, body, line.split(" cache=", 1)[1].split()[0]


def test_startup_lists_the_cached_methods(served: Served) -> None:
    out = served.output()
    assert (
        "  GET /v1/cached/translate: stage cache: emulated (TTL 300 s, keys "
        "querystring.source_language, querystring.target_language, querystring.text, "
        "header.Authorization, header.x-api-key;" in out
    )
    assert "  GET /v1/cached/sentiment: stage cache: emulated (TTL 300 s" in out
    assert "stage cache: 2 cached method(s) emulated (TTL, cache keys); flush: kill -USR1" in out


def test_a_cached_get_misses_then_hits_and_tenants_never_share(served: Served) -> None:
    status, first, cache = _cached_get(served, TRANSLATE_GET, "cache-acme")
    assert (status, cache) == (200, "MISS")
    assert json.loads(first) == {
        "text": "[fr] Good morning",
        "source_language": "en",
        "target_language": "fr",
    }
    status, again, cache = _cached_get(served, TRANSLATE_GET, "cache-acme")
    assert (status, cache, again) == (200, "HIT", first)
    # Another tenant, the same query: its own entry, never acme's.
    assert _cached_get(served, TRANSLATE_GET, "cache-globex")[2] == "MISS"
    assert _cached_get(served, TRANSLATE_GET, "cache-globex")[2] == "HIT"
    # Another key parameter value: another entry.
    other = TRANSLATE_GET.replace("target_language=fr", "target_language=de")
    status, body, cache = _cached_get(served, other, "cache-acme")
    assert (status, cache, json.loads(body)["text"]) == (200, "MISS", "[de] Good morning")


def test_sentiment_get_answers_from_the_service_then_the_cache(served: Served) -> None:
    path = "/v1/cached/sentiment?text=I%20love%20it&language=en"
    status, body, cache = _cached_get(served, path, "cache-acme")
    assert (status, cache) == (200, "MISS")
    assert json.loads(body)["sentiment"] in ("POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED")
    assert _cached_get(served, path, "cache-acme")[1:] == (body, "HIT")


def test_missing_query_strings_and_uncached_routes(served: Served) -> None:
    key = served.tenant_keys["cache-acme"]
    status, _, body = served.get("/v1/cached/translate?text=x", Authorization=f"Bearer {key}")
    assert status == 400
    error = json.loads(body)["error"]
    assert error["message"] == "Missing required request parameters: [target_language]"
    assert error["code"] == "invalid_request_parameters"
    status, _, _ = served.get(TRANSLATE_GET)  # no credential: the authorizer, before any cache
    assert status == 401
    status, headers, _ = served.post(
        "/v1/cached/translate",
        {"text": "a", "target_language": "fr"},
        sign=False,
        Authorization=f"Bearer {key}",
    )
    line = served.access_line(headers["x-amzn-requestid"])
    assert status == 200 and " cache=- " in line


def test_sigusr1_flushes_the_stage_cache(served: Served) -> None:
    path = TRANSLATE_GET.replace("Good%20morning", "flush%20me")
    _cached_get(served, path, "cache-acme")
    assert _cached_get(served, path, "cache-acme")[2] == "HIT"
    served.proc.send_signal(signal.SIGUSR1)
    for _ in range(40):
        if "aigw serve: stage cache flushed (" in served.output():
            break
        time.sleep(0.05)
    assert "aigw serve: stage cache flushed (" in served.output()
    assert _cached_get(served, path, "cache-acme")[2] == "MISS"
