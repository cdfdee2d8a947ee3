"""The JWT half of a decision (core.Authorizer._jwt): each reason a token is refused or
denied, and failing closed with a log line when the issuer's keys cannot be fetched."""

from __future__ import annotations

import json

import pytest
from authz_fixtures import (
    METHOD_ARN,
    FakeClock,
    FakeFetcher,
    MemoryStore,
    SigningKey,
    fake_authorizer,
    fixed_claims,
    make_token,
    raw_token,
)

from authorizer.core import AuthorizerUnavailable, AuthRequest, Decision
from authorizer.jose import TokenInvalid, parse_json_object


def decide(store: MemoryStore, key: SigningKey, token: str, down: bool = False) -> Decision:
    fetcher = FakeFetcher(key)
    fetcher.down = down
    authz = fake_authorizer(store, fetcher, FakeClock())
    return authz.authorize(AuthRequest(METHOD_ARN, {"authorization": f"Bearer {token}"}))


def outcome(decision: Decision) -> tuple[str, str]:
    return decision.effect, decision.reason


def test_an_untrusted_issuer_is_unauthorized(store: MemoryStore, rsa_key: SigningKey) -> None:
    token = make_token(rsa_key, fixed_claims(iss="https://other.test/realm"))
    assert outcome(decide(store, rsa_key, token)) == ("unauthorized", "jwt: issuer not trusted")


def test_an_unknown_kid_is_unauthorized(store: MemoryStore, rsa_key: SigningKey) -> None:
    header = {"alg": "RS256", "typ": "JWT", "kid": "other-kid"}
    token = make_token(rsa_key, fixed_claims(), header)
    assert outcome(decide(store, rsa_key, token)) == ("unauthorized", "jwt: unknown kid")


@pytest.mark.parametrize("raw", [b"[1]", b'"x"', b"1"])
def test_a_segment_that_is_not_an_object_is_refused_by_name(raw: bytes) -> None:
    # Through the authorizer a header always starts with '{"' (the "eyJ" test), so the
    # parser is asked directly.
    with pytest.raises(TokenInvalid) as err:
        parse_json_object(raw, "header")
    assert str(err.value) == "header is not a JSON object"


def test_a_payload_that_is_not_an_object_is_unauthorized(
    store: MemoryStore, rsa_key: SigningKey
) -> None:
    token = raw_token(rsa_key, json.dumps({"alg": "RS256", "kid": rsa_key.kid}), "[1]")
    assert outcome(decide(store, rsa_key, token)) == (
        "unauthorized",
        "jwt: payload is not a JSON object",
    )


def test_a_payload_that_is_not_acceptable_json_is_unauthorized(
    store: MemoryStore, rsa_key: SigningKey
) -> None:
    token = raw_token(rsa_key, json.dumps({"alg": "RS256", "kid": rsa_key.kid}), '{"a":1,"a":2}')
    assert outcome(decide(store, rsa_key, token)) == (
        "unauthorized",
        "jwt: payload is not acceptable JSON: duplicate member 'a'",
    )


@pytest.mark.parametrize("tenant", [None, "", 7])
def test_a_token_without_a_tenant_is_denied(
    store: MemoryStore, rsa_key: SigningKey, tenant: object
) -> None:
    token = make_token(rsa_key, fixed_claims(tenant=tenant))
    assert outcome(decide(store, rsa_key, token)) == ("deny", "jwt: claim tenant missing")


@pytest.mark.parametrize("tenant", ["Acme", "a", "acme\n", "-acme", "a" * 64])
def test_a_tenant_claim_that_is_not_a_tenant_name_is_denied(
    store: MemoryStore, rsa_key: SigningKey, tenant: str
) -> None:
    token = make_token(rsa_key, fixed_claims(tenant=tenant))
    assert outcome(decide(store, rsa_key, token)) == (
        "deny",
        "jwt: claim tenant is not a tenant name",
    )


def test_unreachable_keys_fail_closed_and_are_logged(
    store: MemoryStore, rsa_key: SigningKey, capsys: pytest.CaptureFixture[str]
) -> None:
    token = make_token(rsa_key, fixed_claims())
    capsys.readouterr()
    with pytest.raises(AuthorizerUnavailable, match=r"^JWKS unavailable$"):
        decide(store, rsa_key, token, down=True)
    records = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    errors = [r for r in records if r.get("logger") == "aigw.authorizer" and "_aws" not in r]
    assert errors == [
        {
            "logger": "aigw.authorizer",
            "decision": "error",
            "reason": "jwks unavailable: JWKS endpoint answered 503",
        }
    ]


def test_a_claim_failure_is_unauthorized_with_its_reason(
    store: MemoryStore, rsa_key: SigningKey
) -> None:
    token = make_token(rsa_key, fixed_claims(aud="someone-else"))
    assert outcome(decide(store, rsa_key, token)) == ("unauthorized", "jwt: wrong audience")
