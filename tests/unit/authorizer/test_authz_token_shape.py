"""jose.decode_unverified: the structural refusals of a compact JWS, each by its exact
reason, and the kid length bound (256 characters)."""

from __future__ import annotations

import json

import pytest
from authz_fixtures import METHOD_ARN, MemoryStore, b64u, handler_outcome

from authorizer.core import Authorizer
from authorizer.jose import TokenInvalid, decode_unverified

ALGS = frozenset({"RS256", "ES256"})
PAYLOAD = b64u(b"{}")
SIG = b64u(b"sig")


def seg(obj: object) -> str:
    return b64u(json.dumps(obj).encode())


def reason(token: str) -> str:
    try:
        decode_unverified(token, ALGS)
    except TokenInvalid as exc:
        return str(exc)
    return "valid"


def test_a_token_over_8_kib_is_too_large() -> None:
    assert reason("a" * 8193) == "token too large"


@pytest.mark.parametrize("token", ["a.b", "a.b.c.d", ".b.c", "a..c", "a.b."])
def test_a_token_needs_three_non_empty_segments(token: str) -> None:
    assert reason(token) == "token must have three non-empty segments"


def test_a_header_over_1_kib_is_too_large() -> None:
    assert reason(f"{'a' * 1025}.{PAYLOAD}.{SIG}") == "header too large"


def test_a_header_that_is_not_json_names_the_header() -> None:
    assert reason(f"{b64u(b'{x')}.{PAYLOAD}.{SIG}").startswith("header is not acceptable JSON: ")


@pytest.mark.parametrize("kid", [None, "", 5, "k" * 257])
def test_a_missing_or_overlong_kid_is_refused(kid: object) -> None:
    header = {"alg": "RS256"} if kid is None else {"alg": "RS256", "kid": kid}
    assert reason(f"{seg(header)}.{PAYLOAD}.{SIG}") == "kid missing"


def test_a_kid_of_256_characters_is_accepted() -> None:
    assert reason(f"{seg({'alg': 'RS256', 'kid': 'k' * 256})}.{PAYLOAD}.{SIG}") == "valid"


def test_a_deny_names_the_method_arn_of_the_event(authz: Authorizer, store: MemoryStore) -> None:
    from authorizer import handler as handler_mod

    store.add_tenant("acme", status="disabled")
    key = store.issue_key("acme")
    saved = handler_mod._AUTHORIZER
    handler_mod._AUTHORIZER = authz
    try:
        response = handler_mod.handler(
            {"methodArn": METHOD_ARN, "headers": {"x-api-key": key}}, None
        )
    finally:
        handler_mod._AUTHORIZER = saved
    assert response["policyDocument"]["Statement"][0]["Resource"] == [METHOD_ARN]
    assert handler_outcome(authz, {"x-api-key": key}) == "deny"


@pytest.mark.parametrize("alg", ["HS256", "none", "ES384"])
def test_an_algorithm_outside_the_list_is_unauthorized_by_name(authz: Authorizer, alg: str) -> None:
    from authorizer.core import AuthRequest

    token = f"{seg({'alg': alg, 'kid': 'k1'})}.{PAYLOAD}.{SIG}"
    decision = authz.authorize(AuthRequest(METHOD_ARN, {"authorization": f"Bearer {token}"}))
    assert (decision.effect, decision.reason) == (
        "unauthorized",
        f"jwt: algorithm '{alg}' not allowed",
    )
