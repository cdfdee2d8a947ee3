"""Payload limits in serve: the stage's 10 MB, Lambda's 6 MB invoke, the web ACL's rules."""

from __future__ import annotations

import json
from typing import Any

from aigw import serve
from aigw.serve.integrations.aws_proxy import MAX_INVOKE_PAYLOAD_BYTES
from aigw.serve.waf import web_acl_from

FN = "arn:aws:lambda:us-east-1:123456789012:function:svc"
STAGE = serve.Stage("api123", "v1", "us-east-1", "123456789012")
RESPONSES = {
    kind: {
        "statusCode": status,
        "responseTemplates": {
            "application/json": '{"error": {"message": $context.error.messageString, '
            f'"type": "t", "code": "{kind.lower()}", "param": null}}}}'
        },
    }
    for kind, status in (("REQUEST_TOO_LARGE", "413"), ("WAF_FILTERED", "403"))
}


def doc() -> dict[str, Any]:
    return {
        "openapi": "3.0.1",
        "paths": {
            "/v1/upload": {
                "post": {
                    "security": [],
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy",
                        "uri": f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                        f"{FN}/invocations",
                    },
                }
            }
        },
        "x-amazon-apigateway-gateway-responses": RESPONSES,
    }


def plane(**kw: Any) -> tuple[serve.DataPlane, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []

    def fn(event: dict[str, Any], timeout_ms: float) -> serve.Result:
        seen.append(event)
        return serve.Result(200, {"content-type": "application/json"}, b'{"ok": true}')

    routes = serve.routes_from_openapi(doc())
    bindings = [serve.Binding(r, fn, "svc", 3000) for r in routes]
    return serve.DataPlane(doc(), STAGE, bindings, {}, **kw), seen


def post(body: bytes, ip: str = "127.0.0.1", **headers: str) -> serve.Incoming:
    hdrs = [("content-type", "application/octet-stream"), *headers.items()]
    return serve.Incoming("POST", "/v1/upload", [], hdrs, body, source_ip=ip)


def test_an_event_over_lambdas_6_mb_is_refused_before_the_function() -> None:
    p, seen = plane()
    # 5 MB of bytes is under the stage's 10 MB but ~6.7 MB as a base64 event.
    result = p.dispatch(post(b"\x00" * (5 * 1024 * 1024)))
    assert result.status == 413
    assert json.loads(result.body)["error"] == {
        "message": "Request Too Long",
        "type": "t",
        "code": "request_too_large",
        "param": None,
    }
    assert seen == []
    ok = p.dispatch(post(b"\x00" * (4 * 1024 * 1024)))  # ~5.3 MB as base64: runs
    assert ok.status == 200 and json.loads(ok.body) == {"ok": True} and len(seen) == 1
    assert len(json.dumps(seen[0])) < MAX_INVOKE_PAYLOAD_BYTES


def test_the_stages_10_mb_limit_is_request_too_large() -> None:
    p, seen = plane()
    result = p.dispatch(post(b"a" * (serve.MAX_BODY_BYTES + 1)))
    assert (
        result.status == 413 and json.loads(result.body)["error"]["message"] == "Request Too Long"
    )
    assert seen == []


ACL = {
    "Name": "aigw-waf",
    "CustomResponseBodies": {
        "aigw_body_too_large": {
            "ContentType": "APPLICATION_JSON",
            "Content": json.dumps(
                {
                    "error": {
                        "message": "Request body is larger than the gateway accepts (100 bytes).",
                        "type": "invalid_request_error",
                        "code": "request_too_large",
                        "param": None,
                    }
                }
            ),
        },
        "aigw_rate_limited": {
            "ContentType": "APPLICATION_JSON",
            "Content": '{"error": {"code": "rate_limit_exceeded"}}',
        },
    },
    "Rules": [
        {
            "Name": "AWSManagedRulesKnownBadInputsRuleSet",
            "Priority": 1,
            "Statement": {
                "ManagedRuleGroupStatement": {
                    "VendorName": "AWS",
                    "Name": "AWSManagedRulesKnownBadInputsRuleSet",
                }
            },
            "OverrideAction": {"None": {}},
        },
        {
            "Name": "body-size-limit",
            "Priority": 80,
            "Action": {
                "Block": {
                    "CustomResponse": {
                        "ResponseCode": 413,
                        "CustomResponseBodyKey": "aigw_body_too_large",
                    }
                }
            },
            "Statement": {
                "SizeConstraintStatement": {
                    "FieldToMatch": {"Body": {"OversizeHandling": "MATCH"}},
                    "ComparisonOperator": "GT",
                    "Size": 100,
                    "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                }
            },
        },
        {
            "Name": "rate-per-ip",
            "Priority": 10,
            "Action": {
                "Block": {
                    "CustomResponse": {
                        "ResponseCode": 429,
                        "CustomResponseBodyKey": "aigw_rate_limited",
                    }
                }
            },
            "Statement": {
                "RateBasedStatement": {
                    "Limit": 2,
                    "EvaluationWindowSec": 60,
                    "AggregateKeyType": "IP",
                }
            },
        },
        {
            "Name": "rate-per-key",
            "Priority": 20,
            "Action": {"Block": {}},
            "Statement": {
                "RateBasedStatement": {
                    "Limit": 1,
                    "EvaluationWindowSec": 60,
                    "AggregateKeyType": "CUSTOM_KEYS",
                    "CustomKeys": [
                        {"Header": {"Name": "authorization", "TextTransformations": []}}
                    ],
                }
            },
        },
    ],
}


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def waf_plane(clock: Clock) -> tuple[serve.DataPlane, list[dict[str, Any]]]:
    p, seen = plane()
    p.web_acl = web_acl_from(ACL, lambda k, m, inc: p.refuse(k, m, inc), clock)
    return p, seen


def test_the_web_acls_body_size_rule_answers_its_custom_response() -> None:
    p, seen = waf_plane(Clock())
    assert p.web_acl is not None
    assert p.web_acl.emulated == ["rate-per-ip", "rate-per-key", "body-size-limit"]
    assert p.web_acl.not_emulated == [
        "AWSManagedRulesKnownBadInputsRuleSet (ManagedRuleGroupStatement: AWS-only)"
    ]
    result = p.dispatch(post(b"a" * 101))
    assert result.status == 413 and result.headers["content-type"] == "application/json"
    assert json.loads(result.body)["error"]["message"] == (
        "Request body is larger than the gateway accepts (100 bytes)."
    )
    assert seen == []
    assert p.dispatch(post(b"a" * 100, ip="10.0.0.2")).status == 200


def test_oversize_handling_decides_for_bodies_past_the_inspection_limit() -> None:
    acl = json.loads(json.dumps(ACL))
    rule = acl["Rules"][1]["Statement"]["SizeConstraintStatement"]
    rule["Size"] = 20000  # over the 16 KB that is inspected
    rule["FieldToMatch"]["Body"]["OversizeHandling"] = "CONTINUE"
    p, _ = plane()
    p.web_acl = web_acl_from(acl, lambda k, m, inc: p.refuse(k, m, inc), Clock())
    assert p.dispatch(post(b"a" * 30000)).status == 200  # only 16 KB seen: not > 20000
    rule["FieldToMatch"]["Body"]["OversizeHandling"] = "MATCH"
    p.web_acl = web_acl_from(acl, lambda k, m, inc: p.refuse(k, m, inc), Clock())
    assert p.dispatch(post(b"a" * 30000)).status == 413


def test_rate_rules_block_per_ip_and_per_header_within_the_window() -> None:
    clock = Clock()
    p, _ = waf_plane(clock)
    assert [p.dispatch(post(b"{}", ip="10.0.0.9")).status for _ in range(3)] == [200, 200, 429]
    blocked = p.dispatch(post(b"{}", ip="10.0.0.9"))
    assert json.loads(blocked.body) == {"error": {"code": "rate_limit_exceeded"}}
    clock.now += 61  # the window has passed
    assert p.dispatch(post(b"{}", ip="10.0.0.9")).status == 200
    # per-header rule without a custom response: API Gateway's WAF_FILTERED (403)
    assert p.dispatch(post(b"{}", ip="10.1.0.1", authorization="Bearer k")).status == 200
    denied = p.dispatch(post(b"{}", ip="10.1.0.2", authorization="Bearer k"))
    assert denied.status == 403 and json.loads(denied.body)["error"]["code"] == "waf_filtered"


def sigv4_plane() -> serve.DataPlane:
    d = doc()
    d["components"] = {
        "securitySchemes": {
            "sigv4": {
                "type": "apiKey",
                "name": "Authorization",
                "in": "header",
                "x-amazon-apigateway-authtype": "awsSigv4",
            }
        }
    }
    d["paths"]["/v1/upload"]["post"]["security"] = [{"sigv4": []}]
    d["x-amazon-apigateway-gateway-responses"] = {}
    routes = serve.routes_from_openapi(d)

    def fn(event: dict[str, Any], timeout_ms: float) -> serve.Result:
        return serve.Result(200, {"content-type": "application/json"}, b'{"ok": true}')

    return serve.DataPlane(d, STAGE, [serve.Binding(r, fn, "svc", 3000) for r in routes], {})


def test_aws_iam_routes_need_a_well_formed_sigv4_header() -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    p = sigv4_plane()
    missing = p.dispatch(post(b"{}"))
    assert missing.status == 403
    assert json.loads(missing.body)["error"]["message"] == "Missing Authentication Token"
    bad = p.dispatch(post(b"{}", authorization="Bearer abc"))
    assert bad.status == 403
    assert "AWS4-HMAC-SHA256" in json.loads(bad.body)["error"]["message"]
    req = AWSRequest("POST", "http://127.0.0.1/v1/upload", data=b"{}")
    SigV4Auth(Credentials("AKID", "s"), "execute-api", "us-east-1").add_auth(req)
    signed = p.dispatch(post(b"{}", **{k.lower(): v for k, v in req.headers.items()}))
    assert signed.status == 200 and json.loads(signed.body) == {"ok": True}


def test_startup_notes_what_each_route_does_not_emulate() -> None:
    from aigw.serve.cli import emulation

    lines = emulation(sigv4_plane())
    assert "  POST /v1/upload: AWS_IAM: SigV4 header required, signature not verified" in lines
    assert "  WAF: no web ACL associated with the stage" in lines
    assert "  usage plans: not read, throttling and quotas NOT enforced" in lines
