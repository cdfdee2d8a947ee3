"""``aws`` integrations in serve: templates, signing, selection, content handling.

The routes are built as gateway-core renders ai-service-route's (the module's own template
files, ``requestParameters``, ``passthroughBehavior: NEVER``, responses keyed by selection
pattern). Translate is answered by serve's local fake over real HTTP, signed by botocore;
the other tests use a recording back end.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from serve_ai_routes import Signed, ai_document

from aigw import serve
from aigw.serve.backend import BackendAnswer
from aigw.serve.fakes.translate import FakeTranslate, translate
from aigw.serve.integrations import Services
from aigw.serve.mapping import MappingError, map_request, map_response, select_response

STAGE = serve.Stage("api123", "v1", "us-east-1", "123456789012")


def incoming(path: str, body: object, **headers: str) -> serve.Incoming:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    hdrs = {"content-type": "application/json", **headers}
    return serve.Incoming("POST", path, [], list(hdrs.items()), raw)


def plane_for(doc: dict[str, Any], services: Services) -> serve.DataPlane:
    routes = serve.routes_from_openapi(doc)
    bindings = [
        serve.integration_type(r.integration_type).bind(r, lambda a: None, services)  # type: ignore[arg-type,return-value]
        for r in routes
    ]
    return serve.DataPlane(doc, STAGE, bindings, {})


@pytest.fixture
def fake_translate():
    fake = FakeTranslate().start()
    yield fake
    fake.close()


def test_translate_route_renders_signs_calls_and_maps_back(fake_translate: FakeTranslate) -> None:
    creds = Signed()
    services = Services("http://127.0.0.1:9", "us-east-1", creds)
    services.endpoints["translate"] = fake_translate.url
    plane = plane_for(ai_document(), services)
    result = plane.dispatch(
        incoming("/v1/translate", {"text": 'Say "hi"\nnow', "target_language": "fr"})
    )
    assert result.status == 200, result.body
    assert result.headers["content-type"] == "application/json"
    assert json.loads(result.body) == {
        "text": '[fr] Say "hi"\nnow',
        "source_language": "en",
        "target_language": "fr",
    }
    assert creds.roles == ["arn:aws:iam::123456789012:role/ai"]


def test_a_service_error_selects_the_error_response_by_status(
    fake_translate: FakeTranslate,
) -> None:
    services = Services("http://127.0.0.1:9", "us-east-1", Signed())
    services.endpoints["translate"] = fake_translate.url
    plane = plane_for(ai_document(), services)
    # source == target: the fake answers 400 UnsupportedLanguagePairException.
    result = plane.dispatch(
        incoming("/v1/translate", {"text": "x", "source_language": "de", "target_language": "de"})
    )
    assert result.status == 400
    assert json.loads(result.body) == {
        "error": {
            "message": "The service rejected it.",
            "type": "invalid_request_error",
            "code": "invalid_request",
            "param": None,
        }
    }


def test_the_fake_refuses_unsigned_calls_and_validates_like_translate() -> None:
    assert translate({"Text": "a", "SourceLanguageCode": "auto", "TargetLanguageCode": "es"}) == (
        200,
        {"TranslatedText": "[es] a", "SourceLanguageCode": "en", "TargetLanguageCode": "es"},
    )
    status, doc = translate(
        {"Text": "a" * 10001, "SourceLanguageCode": "en", "TargetLanguageCode": "fr"}
    )
    assert (status, doc["__type"]) == (400, "TextSizeLimitExceededException")
    status, doc = translate({"Text": "a", "SourceLanguageCode": "en"})
    assert (status, doc["__type"]) == (400, "ValidationException")
    import http.client

    fake = FakeTranslate().start()
    try:
        host, port = fake.httpd.server_address[:2]
        conn = http.client.HTTPConnection(str(host), int(port), timeout=5)
        conn.request(
            "POST",
            "/",
            body=b"{}",
            headers={"X-Amz-Target": "AWSShineFrontendService_20170701.TranslateText"},
        )
        resp = conn.getresponse()
        assert resp.status == 403
        assert json.loads(resp.read())["__type"] == "MissingAuthenticationTokenException"
    finally:
        fake.close()


class Recorder:
    def __init__(self, answer: BackendAnswer) -> None:
        self.answer = answer
        self.requests: list[Any] = []

    def __call__(self, request: Any, timeout_ms: float) -> BackendAnswer:
        self.requests.append((request, timeout_ms))
        return self.answer


def test_sentiment_request_template_and_headers_reach_the_service() -> None:
    doc = ai_document()
    plane = plane_for(doc, Services("http://127.0.0.1:9", "us-east-1", Signed()))
    binding = next(b for b in plane.bindings if b.route.template == "/v1/sentiment")
    rec = Recorder(
        BackendAnswer(
            200,
            {"content-type": "application/x-amz-json-1.1"},
            json.dumps(
                {
                    "Sentiment": "POSITIVE",
                    "SentimentScore": {
                        "Positive": 0.9,
                        "Negative": 0.0,
                        "Neutral": 0.1,
                        "Mixed": 0.0,
                    },
                }
            ).encode(),
        )
    )
    binding.send = rec
    result = plane.dispatch(incoming("/v1/sentiment", {"text": "it's great"}))
    request, timeout = rec.requests[0]
    assert json.loads(request.body) == {"Text": "it's great", "LanguageCode": "en"}
    assert request.headers["X-Amz-Target"] == "Comprehend_20171127.DetectSentiment"
    assert request.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert timeout == 5000
    assert json.loads(result.body) == {
        "sentiment": "POSITIVE",
        "scores": {"positive": 0.9, "negative": 0.0, "neutral": 0.1, "mixed": 0.0},
    }


@pytest.mark.parametrize(
    ("status", "expected_status", "code"),
    [
        (200, 200, None),
        (204, 200, None),
        (413, 400, "invalid_request"),
        (429, 429, "throttled"),
        (500, 502, "upstream_error"),
        (4000, 502, "upstream_error"),
    ],
)
def test_selection_matches_the_whole_status_code(
    status: int, expected_status: int, code: str | None
) -> None:
    integration = ai_document()["paths"]["/v1/sentiment"]["post"]["x-amazon-apigateway-integration"]
    chosen = select_response(integration["responses"], status)
    assert chosen is not None and int(chosen["statusCode"]) == expected_status
    if code:
        out = map_response(integration, incoming("/", {}), status, {}, b"{}", {}, [])
        assert json.loads(out.body)["error"]["code"] == code


def test_no_matching_response_and_no_default_is_a_configuration_error() -> None:
    assert select_response({"2\\d{2}": {"statusCode": "200"}}, 500) is None
    with pytest.raises(MappingError) as err:
        map_response(
            {"responses": {"2\\d{2}": {"statusCode": "200"}}},
            incoming("/", {}),
            500,
            {},
            b"",
            {},
            [],
        )
    assert err.value.kind == "API_CONFIGURATION_ERROR"


def test_a_template_that_fails_is_the_api_configuration_error_response() -> None:
    doc = ai_document()
    doc["paths"]["/v1/sentiment"]["post"]["x-amazon-apigateway-integration"]["requestTemplates"][
        "application/json"
    ] = "$input.path('not jsonpath')"
    plane = plane_for(doc, Services("http://127.0.0.1:9", "us-east-1", Signed()))
    result = plane.dispatch(incoming("/v1/sentiment", {"text": "x"}))
    assert result.status == 500
    assert json.loads(result.body)["error"]["code"] == "api_configuration_error"


@pytest.mark.parametrize(
    ("behavior", "templates", "passes"),
    [
        ("NEVER", {"application/json": "{}"}, False),
        ("WHEN_NO_MATCH", {"application/json": "{}"}, True),
        ("WHEN_NO_TEMPLATES", {"application/json": "{}"}, False),
        ("WHEN_NO_TEMPLATES", {}, True),
    ],
)
def test_passthrough_behavior_for_an_unmapped_content_type(
    behavior: str, templates: dict, passes: bool
) -> None:
    integration = {"requestTemplates": templates, "passthroughBehavior": behavior}
    inc = serve.Incoming("POST", "/", [], [("content-type", "text/plain")], b"plain words")
    if passes:
        out = map_request(integration, inc, {}, {}, [])
        assert out.body == b"plain words"
        assert out.headers["Content-Type"] == "text/plain"
    else:
        with pytest.raises(MappingError) as err:
            map_request(integration, inc, {}, {}, [])
        assert (err.value.status, err.value.message) == (415, "Unsupported Media Type")


def test_content_handling_converts_binary_requests_and_responses() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\xff"
    integration = {
        "requestTemplates": {"image/png": '{"Image": {"Bytes": "$input.body"}}'},
        "contentHandling": "CONVERT_TO_TEXT",
        "responses": {"default": {"statusCode": "200", "contentHandling": "CONVERT_TO_BINARY"}},
    }
    inc = serve.Incoming("POST", "/", [], [("content-type", "image/png")], png)
    out = map_request(integration, inc, {}, {}, ["image/png"])
    assert json.loads(out.body) == {"Image": {"Bytes": base64.b64encode(png).decode()}}
    # Without CONVERT_TO_TEXT a binary payload passes through untransformed.
    del integration["contentHandling"]
    assert map_request(integration, inc, {}, {}, ["image/png"]).body == png
    # CONVERT_TO_BINARY on the response: base64 text from the service -> bytes.
    resp = map_response(
        integration, inc, 200, {"content-type": "audio/mpeg"}, base64.b64encode(png), {}, []
    )
    assert resp.body == png and resp.headers["content-type"] == "audio/mpeg"


def test_request_parameters_take_static_and_method_values() -> None:
    integration = {
        "requestParameters": {
            "integration.request.header.X-Static": "'v1'",
            "integration.request.header.X-From": "method.request.header.X-Client",
            "integration.request.querystring.q": "method.request.querystring.term",
            "integration.request.path.id": "method.request.path.name",
        }
    }
    inc = serve.Incoming("POST", "/", [("term", "cats")], [("X-Client", "c1")], b"{}")
    out = map_request(integration, inc, {"name": "n7"}, {}, [])
    assert out.headers["X-Static"] == "v1" and out.headers["X-From"] == "c1"
    assert out.query == [("q", "cats")] and out.path == {"id": "n7"}


def test_path_uris_and_signing_name_of_sagemaker_runtime() -> None:
    from botocore.credentials import Credentials

    from aigw.serve.integrations.aws import parse_service_uri, signed_request
    from aigw.serve.mapping import IntegrationRequest

    call = parse_service_uri(
        "arn:aws:apigateway:eu-west-1:runtime.sagemaker:path//endpoints/churn/invocations"
    )
    assert call is not None and call.target == "/endpoints/churn/invocations"
    url, headers = signed_request(
        call, "http://127.0.0.1:5000", IntegrationRequest(b"{}"), Credentials("AKID", "s")
    )
    assert url == "http://127.0.0.1:5000/endpoints/churn/invocations"
    assert "/eu-west-1/sagemaker/aws4_request" in headers["Authorization"]


def test_templates_see_stage_variables_and_the_request_context() -> None:
    doc = ai_document()
    integration = doc["paths"]["/v1/sentiment"]["post"]["x-amazon-apigateway-integration"]
    integration["requestTemplates"]["application/json"] = (
        '{"Text": $input.json(\'$.text\'), "LanguageCode": "$stageVariables.lang", '
        '"Path": "$context.resourcePath", "Stage": "$context.stage", '
        '"Agent": "$util.escapeJavaScript($input.params(\'User-Agent\'))"}'
    )
    services = Services("http://127.0.0.1:9", "us-east-1", Signed(), stage_variables={"lang": "fr"})
    plane = plane_for(doc, services)
    binding = next(b for b in plane.bindings if b.route.template == "/v1/sentiment")
    rec = Recorder(BackendAnswer(500, {}, b"{}"))
    binding.send = rec
    result = plane.dispatch(incoming("/v1/sentiment", {"text": "x"}, **{"user-agent": 'a"b'}))
    assert json.loads(rec.requests[0][0].body) == {
        "Text": "x",
        "LanguageCode": "fr",
        "Path": "/v1/sentiment",
        "Stage": "v1",
        "Agent": 'a"b',
    }
    assert result.status == 502 and json.loads(result.body)["error"]["code"] == "upstream_error"


def test_an_unmapped_content_type_is_the_unsupported_media_type_gateway_response() -> None:
    doc = ai_document()
    doc["x-amazon-apigateway-gateway-responses"]["DEFAULT_4XX"] = {
        "responseTemplates": {
            "application/json": '{"error": {"message": $context.error.messageString, '
            '"type": "invalid_request_error", "code": "invalid_request", "param": null}}'
        }
    }
    plane = plane_for(doc, Services("http://127.0.0.1:9", "us-east-1", Signed()))
    inc = incoming("/v1/sentiment", b"text", **{"content-type": "text/plain"})
    result = plane.dispatch(inc)
    assert result.status == 415
    assert json.loads(result.body)["error"] == {
        "message": "Unsupported Media Type",
        "type": "invalid_request_error",
        "code": "invalid_request",
        "param": None,
    }


def test_a_payload_that_is_not_json_for_a_json_template_is_a_400() -> None:
    plane = plane_for(ai_document(), Services("http://127.0.0.1:9", "us-east-1", Signed()))
    result = plane.dispatch(incoming("/v1/sentiment", b"\x00 not json"))
    assert result.status == 400
    assert json.loads(result.body)["error"]["message"] == "Could not parse request body into json"


@pytest.mark.parametrize(
    ("back_end_type", "accept", "handling", "expected"),
    [
        # JSON answers: CONVERT_TO_TEXT keeps them JSON even for a binary Accept
        ("application/x-amz-json-1.1", "audio/mpeg", "CONVERT_TO_TEXT", b'{"v": 1}'),
        ("application/x-amz-json-1.1", "application/json", None, b'{"v": 1}'),
        # a binary answer to a text Accept without handling: base64 text
        ("audio/mpeg", "application/json", None, b"AAE="),
        ("audio/mpeg", "audio/mpeg", None, b"\x00\x01"),
        ("audio/mpeg", "application/json", "CONVERT_TO_BINARY", b"\x00\x01"),
        ("audio/mpeg", "audio/mpeg", "CONVERT_TO_TEXT", b"AAE="),
    ],
)
def test_response_content_type_conversions(
    back_end_type: str, accept: str, handling: str | None, expected: bytes
) -> None:
    body = b'{"v": 1}' if "json" in back_end_type else b"\x00\x01"
    response: dict[str, Any] = {"statusCode": "200"}
    if handling:
        response["contentHandling"] = handling
    integration = {"responses": {"default": response}}
    inc = serve.Incoming("POST", "/", [], [("accept", accept)], b"{}")
    out = map_response(
        integration, inc, 200, {"Content-Type": back_end_type}, body, {}, ["audio/mpeg"]
    )
    assert out.body == expected


def test_a_text_answer_to_a_binary_accept_without_handling_is_base64_decoded() -> None:
    inc = serve.Incoming("POST", "/", [], [("accept", "image/png")], b"{}")
    out = map_response(
        {"responses": {"default": {"statusCode": "200"}}},
        inc,
        200,
        {"Content-Type": "text/plain"},
        b"aGk=",
        {},
        ["image/png"],
    )
    assert out.body == b"hi"
