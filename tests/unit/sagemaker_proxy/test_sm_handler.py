"""The proxy Lambda end to end over a loopback SageMaker runtime (real boto3 and botocore)."""

from __future__ import annotations

import base64
import json

import pytest

from sagemaker_proxy import handler as handler_mod
from sagemaker_proxy import runtime

SENTIMENT = "/v1/sagemaker/sentiment/invocations"
CHURN = "/v1/sagemaker/churn/invocations"
IMAGE = "/v1/models/image/raw"


def call(event: dict) -> tuple[int, dict, dict | str]:
    out = handler_mod.handler(event, None)
    headers = {k.lower(): v for k, v in out["headers"].items()}
    body = out["body"]
    if headers.get("content-type") == "application/json":
        body = json.loads(body)
    return out["statusCode"], headers, body


def assert_openai_error(body: dict, type_: str, code: str) -> None:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "code", "param"}
    assert body["error"]["type"] == type_
    assert body["error"]["code"] == code
    assert "Traceback" not in body["error"]["message"]


def test_json_request_reaches_the_named_endpoint_and_the_answer_is_enveloped(
    fake_runtime, make_event
):
    fake_runtime.answer(
        200,
        [{"label": "POSITIVE", "score": 0.98}],
        {"Content-Type": "application/json", "x-Amzn-Invoked-Production-Variant": "v1"},
    )
    status, _, body = call(make_event(SENTIMENT, '{"inputs": "great product"}'))
    assert status == 200
    assert body == {
        "object": "sagemaker.invocation",
        "endpoint": "sentiment",
        "variant": "v1",
        "content_type": "application/json",
        "predictions": [{"label": "POSITIVE", "score": 0.98}],
    }
    sent = fake_runtime.requests[0]
    assert sent["path"] == "/endpoints/sentiment-hf/invocations"
    assert sent["body"] == b'{"inputs":"great product"}'
    assert sent["headers"]["Content-Type"] == "application/json"
    assert sent["headers"]["Accept"] == "application/json"


def test_json_instances_are_sent_as_csv_with_the_target_variant(fake_runtime, make_event):
    fake_runtime.answer(200, b"0.87\n0.02\n", {"Content-Type": "text/csv"})
    status, _, body = call(make_event(CHURN, json.dumps({"instances": [[1, 2], [3, 4]]})))
    assert status == 200
    assert body["predictions"] == [0.87, 0.02]
    sent = fake_runtime.requests[0]
    assert sent["path"] == "/endpoints/churn-xgb/invocations"
    assert sent["body"] == b"1,2\n3,4\n"
    assert sent["headers"]["Content-Type"] == "text/csv"
    assert sent["headers"]["X-Amzn-SageMaker-Target-Variant"] == "blue"


def test_raw_routes_return_the_endpoint_body_and_content_type(fake_runtime, make_event):
    fake_runtime.answer(200, b"\x89PNG\r\n", {"Content-Type": "image/png"})
    out = handler_mod.handler(make_event(IMAGE, '{"prompt": "a cat"}'), None)
    assert out["statusCode"] == 200
    assert out["headers"]["content-type"] == "image/png"
    assert out["isBase64Encoded"] is True
    assert base64.b64decode(out["body"]) == b"\x89PNG\r\n"


def test_model_error_is_a_502_without_the_model_text(fake_runtime, make_event, capsys):
    fake_runtime.error(424, "ModelError", "Received client error (400): secret input echoed")
    status, _, body = call(make_event(SENTIMENT, '{"inputs": "x"}'))
    assert status == 502
    assert_openai_error(body, "upstream_error", "model_error")
    assert "secret input" not in body["error"]["message"]
    logged = capsys.readouterr().out
    assert '"error_code":"model_error"' in logged
    assert "secret input" not in logged


def test_validation_error_is_a_400_with_account_ids_masked(fake_runtime, make_event):
    fake_runtime.error(400, "ValidationError", "Input too long for account 123456789012")
    status, _, body = call(make_event(SENTIMENT, '{"inputs": "x"}'))
    assert status == 400
    assert_openai_error(body, "invalid_request_error", "invalid_request")
    assert "123456789012" not in body["error"]["message"]
    assert "Input too long" in body["error"]["message"]


def test_missing_endpoint_is_a_502_not_the_clients_fault(fake_runtime, make_event):
    fake_runtime.error(400, "ValidationError", "Endpoint sentiment-hf of account 1 not found.")
    status, _, body = call(make_event(SENTIMENT, '{"inputs": "x"}'))
    assert status == 502
    assert_openai_error(body, "upstream_error", "endpoint_unavailable")


def test_throttling_is_a_429_with_retry_after(fake_runtime, make_event):
    for _ in range(2):  # botocore retries a throttled call once (max_attempts = 2)
        fake_runtime.error(400, "ThrottlingException", "Rate exceeded")
    status, headers, body = call(make_event(SENTIMENT, '{"inputs": "x"}'))
    assert status == 429
    assert headers["retry-after"] == "1"
    assert_openai_error(body, "rate_limit_error", "throttled")
    assert len(fake_runtime.requests) == 2


def test_model_not_ready_is_a_503(fake_runtime, make_event):
    for _ in range(2):
        fake_runtime.error(429, "ModelNotReadyException", "warming up")
    status, headers, body = call(make_event(SENTIMENT, '{"inputs": "x"}'))
    assert status == 503
    assert headers["retry-after"] == "5"
    assert_openai_error(body, "upstream_error", "model_not_ready")


def test_internal_failure_is_a_502(fake_runtime, make_event):
    for _ in range(2):
        fake_runtime.error(500, "InternalFailure", "boom")
    status, _, body = call(make_event(SENTIMENT, '{"inputs": "x"}'))
    assert status == 502
    assert_openai_error(body, "upstream_error", "upstream_error")


def test_a_slow_endpoint_is_a_504(fake_runtime, make_event, monkeypatch):
    monkeypatch.setenv("AIGW_READ_TIMEOUT_SECONDS", "0.2")
    handler_mod.reset()
    fake_runtime.delay.clear()  # the fake holds its answer until released (at most 3 s)
    status, _, body = call(make_event(SENTIMENT, '{"inputs": "x"}'))
    fake_runtime.delay.set()
    assert status == 504
    assert_openai_error(body, "timeout_error", "upstream_timeout")


def test_bad_json_never_reaches_the_endpoint(fake_runtime, make_event):
    status, _, body = call(make_event(SENTIMENT, "{not json"))
    assert status == 400
    assert_openai_error(body, "invalid_request_error", "invalid_json")
    assert fake_runtime.requests == []


def test_oversized_bodies_are_413(fake_runtime, make_event, monkeypatch):
    monkeypatch.setenv("AIGW_MAX_BODY_BYTES", "16")
    handler_mod.reset()
    status, _, body = call(make_event(SENTIMENT, json.dumps({"inputs": "x" * 64})))
    assert status == 413
    assert_openai_error(body, "invalid_request_error", "body_too_large")
    assert fake_runtime.requests == []


def test_unknown_path_is_404_and_wrong_method_405(fake_runtime, make_event):
    status, _, body = call(make_event("/v1/sagemaker/nope/invocations", "{}"))
    assert status == 404
    assert_openai_error(body, "not_found_error", "unknown_route")
    status, _, body = call(make_event(SENTIMENT, None, method="GET"))
    assert status == 405
    assert_openai_error(body, "invalid_request_error", "method_not_allowed")


def test_missing_configuration_is_a_503(monkeypatch, make_event):
    monkeypatch.delenv("AIGW_SAGEMAKER_ROUTES", raising=False)
    handler_mod.reset()
    status, _, body = call(make_event(SENTIMENT, "{}"))
    assert status == 503
    assert_openai_error(body, "server_error", "config_unavailable")


def test_the_log_line_has_metadata_but_no_payload(fake_runtime, make_event, capsys):
    fake_runtime.answer(200, {"label": "NEGATIVE"})
    call(make_event(SENTIMENT, '{"inputs": "my private sentence"}'))
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    record = next(x for x in lines if x.get("msg") == "invocation")
    assert record["route"] == "sentiment" and record["status"] == 200
    assert record["error_code"] is None
    assert record["request_bytes"] == len('{"inputs": "my private sentence"}')
    assert "private" not in json.dumps(lines)


def test_the_boto3_client_is_created_once(fake_runtime, make_event):
    fake_runtime.answer(200, {"a": 1})
    fake_runtime.answer(200, {"a": 2})
    call(make_event(SENTIMENT, '{"inputs": "1"}'))
    first = runtime._client
    call(make_event(SENTIMENT, '{"inputs": "2"}'))
    assert first is not None and runtime._client is first


@pytest.mark.parametrize(
    "routes",
    [
        "not json",
        "{}",
        '{"/p": {"name": "x"}}',
        '{"/p": {"name": "x", "endpoint_name": "e", "content_type": "application/xml"}}',
        '{"/p": {"name": "x", "endpoint_name": "e", "response_format": "html"}}',
    ],
)
def test_malformed_configuration_is_refused(routes, monkeypatch, make_event):
    monkeypatch.setenv("AIGW_SAGEMAKER_ROUTES", routes)
    handler_mod.reset()
    status, _, body = call(make_event(SENTIMENT, "{}"))
    assert status == 503
    assert_openai_error(body, "server_error", "config_unavailable")
