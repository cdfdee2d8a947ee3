"""The web ACL's per-family body rules in serve (ADR 0134): a prompt past the inspection
window reaches the LLM route, the same body to an AI-service route gets the WAF's 413.

The ACL below has the shape modules/waf renders for two families (``llm``: window,
NO_MATCH; ``ai_services``: window, MATCH) with the stage ``v1`` in front of the paths.
"""

from __future__ import annotations

import json
from typing import Any

from aigw import serve
from aigw.serve.waf import web_acl_from

FN = "arn:aws:lambda:us-east-1:123456789012:function:svc"
STAGE = serve.Stage("api123", "v1", "us-east-1", "123456789012")
INVOKE = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions"
WINDOW = 64 * 1024
PROMPT = json.dumps(
    {"model": "m", "messages": [{"role": "user", "content": "SELECT 1; <script>" + "x" * 500_000}]}
).encode()


def _op() -> dict[str, Any]:
    return {
        "post": {
            "security": [],
            "x-amazon-apigateway-integration": {
                "type": "aws_proxy",
                "uri": f"{INVOKE}/{FN}/invocations",
            },
        }
    }


def doc() -> dict[str, Any]:
    return {
        "openapi": "3.0.1",
        "paths": {p: _op() for p in ("/v1/chat/completions", "/v1/ai/translate", "/v1/other")},
        "x-amazon-apigateway-gateway-responses": {
            "WAF_FILTERED": {
                "statusCode": "403",
                "responseTemplates": {"application/json": '{"error": {"code": "waf_filtered"}}'},
            }
        },
    }


def _too_large(limit: int) -> dict[str, str]:
    body = {
        "error": {
            "message": f"Request body is larger than the gateway accepts ({limit} bytes).",
            "type": "invalid_request_error",
            "code": "request_too_large",
            "param": None,
        }
    }
    return {"ContentType": "APPLICATION_JSON", "Content": json.dumps(body)}


def _matches(prefix: str) -> list[dict[str, Any]]:
    out = []
    for front in ("", "/v1"):
        for value, constraint in ((prefix, "EXACTLY"), (prefix + "/", "STARTS_WITH")):
            out.append(
                {
                    "ByteMatchStatement": {
                        "SearchString": (front + value).encode(),
                        "PositionalConstraint": constraint,
                        "FieldToMatch": {"UriPath": {}},
                        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                    }
                }
            )
    return out


def _size(limit: int, oversize: str) -> dict[str, Any]:
    return {
        "SizeConstraintStatement": {
            "ComparisonOperator": "GT",
            "Size": limit,
            "FieldToMatch": {"Body": {"OversizeHandling": oversize}},
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
        }
    }


def _label(name: str) -> dict[str, Any]:
    return {"LabelMatchStatement": {"Scope": "LABEL", "Key": name}}


def _block(status: int, key: str) -> dict[str, Any]:
    return {"Block": {"CustomResponse": {"ResponseCode": status, "CustomResponseBodyKey": key}}}


FAMILIES = {"ai_services": ("/v1/ai", "MATCH"), "llm": ("/v1/chat/completions", "NO_MATCH")}

ACL: dict[str, Any] = {
    "Name": "aigw-waf",
    "AssociationConfig": {"RequestBody": {"API_GATEWAY": {"DefaultSizeInspectionLimit": "KB_64"}}},
    "CustomResponseBodies": {
        "aigw_body_too_large": _too_large(WINDOW),
        **{f"aigw_body_too_large_{name}": _too_large(WINDOW) for name in FAMILIES},
    },
    "Rules": [
        *[
            {
                "Name": f"route-family-{name}",
                "Priority": 1 + i,
                "Action": {"Count": {}},
                "RuleLabels": [{"Name": f"aigw:route-family:{name}"}],
                "Statement": {"OrStatement": {"Statements": _matches(prefix)}},
            }
            for i, (name, (prefix, _)) in enumerate(sorted(FAMILIES.items()))
        ],
        {
            "Name": "body-size-limit",
            "Priority": 80,
            "Action": _block(413, "aigw_body_too_large"),
            "Statement": {
                "AndStatement": {
                    "Statements": [
                        _size(WINDOW, "MATCH"),
                        {
                            "NotStatement": {
                                "Statement": {
                                    "OrStatement": {
                                        "Statements": [
                                            _label(f"aigw:route-family:{n}") for n in FAMILIES
                                        ]
                                    }
                                }
                            }
                        },
                    ]
                }
            },
        },
        *[
            {
                "Name": f"body-size-{name}",
                "Priority": 81 + i,
                "Action": _block(413, f"aigw_body_too_large_{name}"),
                "Statement": {
                    "AndStatement": {
                        "Statements": [
                            _label(f"aigw:route-family:{name}"),
                            _size(WINDOW, oversize),
                        ]
                    }
                },
            }
            for i, (name, (_, oversize)) in enumerate(sorted(FAMILIES.items()))
        ],
        {
            "Name": "AWSManagedRulesCommonRuleSet-body",
            "Priority": 91,
            "Action": {"Block": {}},
            "Statement": {
                "AndStatement": {
                    "Statements": [
                        _label("awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body"),
                        {"NotStatement": {"Statement": _label("aigw:route-family:llm")}},
                    ]
                }
            },
        },
    ],
}


def plane() -> tuple[serve.DataPlane, list[str]]:
    seen: list[str] = []

    def fn(event: dict[str, Any], timeout_ms: float) -> serve.Result:
        seen.append(event["path"])
        return serve.Result(200, {"content-type": "application/json"}, b'{"ok": true}')

    routes = serve.routes_from_openapi(doc())
    bindings = [serve.Binding(r, fn, "svc", 3000) for r in routes]
    p = serve.DataPlane(doc(), STAGE, bindings, {})
    p.web_acl = web_acl_from(ACL, lambda k, m, inc: p.refuse(k, m, inc))
    return p, seen


def post(path: str, body: bytes) -> serve.Incoming:
    return serve.Incoming("POST", path, [], [("content-type", "application/json")], body)


def test_a_500_kb_prompt_reaches_the_llm_route_and_not_an_ai_service_route() -> None:
    p, seen = plane()
    assert len(PROMPT) > 500_000
    ok = p.dispatch(post("/v1/chat/completions", PROMPT))
    assert ok.status == 200 and seen == ["/v1/chat/completions"]
    refused = p.dispatch(post("/v1/ai/translate", PROMPT))
    assert refused.status == 413 and refused.headers["content-type"] == "application/json"
    assert json.loads(refused.body)["error"] == {
        "message": f"Request body is larger than the gateway accepts ({WINDOW} bytes).",
        "type": "invalid_request_error",
        "code": "request_too_large",
        "param": None,
    }
    # a path in no family gets the default rule's 413
    assert p.dispatch(post("/v1/other", PROMPT)).status == 413
    assert seen == ["/v1/chat/completions"]


def test_bodies_inside_the_window_pass_every_family() -> None:
    p, seen = plane()
    small = b'{"model": "m", "messages": []}'
    assert [p.dispatch(post(path, small)).status for path in doc()["paths"]] == [200, 200, 200]
    assert len(seen) == 3


def test_rules_on_managed_labels_are_listed_as_aws_only() -> None:
    p, _ = plane()
    assert p.web_acl is not None
    assert p.web_acl.emulated == [
        "route-family-ai_services",
        "route-family-llm",
        "body-size-limit",
        "body-size-ai_services",
        "body-size-llm",
    ]
    assert p.web_acl.not_emulated == ["AWSManagedRulesCommonRuleSet-body (AndStatement: AWS-only)"]
