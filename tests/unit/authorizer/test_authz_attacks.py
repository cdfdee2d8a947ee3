"""The attack suite: every case must be refused (401, 403 or fail-closed 500), none allowed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable

import pytest
from authz_fixtures import (
    METHOD_ARN,
    STAGE,
    JwksServer,
    MemoryStore,
    SigningKey,
    b64u,
    bearer,
    claims,
    make_token,
)
from cryptography.hazmat.primitives.asymmetric import rsa

from authorizer import handler as handler_mod
from authorizer.core import Authorizer, AuthorizerUnavailable, AuthRequest


def _hs256(secret: bytes, hdr: dict, body: dict) -> str:
    signing_input = f"{b64u(json.dumps(hdr).encode())}.{b64u(json.dumps(body).encode())}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64u(mac)}"


def _swap_payload(token: str, body: dict) -> str:
    h, _p, s = token.split(".")
    return f"{h}.{b64u(json.dumps(body).encode())}.{s}"


def _flip_signature(token: str) -> str:
    h, p, s = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
    raw[len(raw) // 2] ^= 0x01
    return f"{h}.{p}.{b64u(bytes(raw))}"


Case = Callable[[SigningKey, SigningKey, MemoryStore, JwksServer], AuthRequest]


def now() -> int:
    """Read when the case runs, not when the module is imported (workers may start
    minutes before they run a case)."""
    return int(time.time())


CASES: dict[str, tuple[Case, str]] = {
    "alg_none_empty_signature": (
        lambda r, e, s, j: bearer(
            f"{b64u(json.dumps({'alg': 'none', 'kid': r.kid}).encode())}."
            f"{b64u(json.dumps(claims()).encode())}."
        ),
        "unauthorized",
    ),
    "alg_none_with_signature": (
        lambda r, e, s, j: bearer(
            make_token(r, claims(), {"alg": "none", "kid": r.kid}).rsplit(".", 1)[0] + ".AAAA"
        ),
        "unauthorized",
    ),
    "hs256_signed_with_rsa_public_key_pem": (
        lambda r, e, s, j: bearer(_hs256(r.public_pem(), {"alg": "HS256", "kid": r.kid}, claims())),
        "unauthorized",
    ),
    "hs256_signed_with_rsa_jwk_json": (
        lambda r, e, s, j: bearer(
            _hs256(json.dumps(r.jwk()).encode(), {"alg": "HS256", "kid": r.kid}, claims())
        ),
        "unauthorized",
    ),
    "expired": (lambda r, e, s, j: bearer(make_token(r, claims(exp=now() - 120))), "unauthorized"),
    "future_nbf": (
        lambda r, e, s, j: bearer(make_token(r, claims(nbf=now() + 120))),
        "unauthorized",
    ),
    "future_iat": (
        lambda r, e, s, j: bearer(make_token(r, claims(iat=now() + 120))),
        "unauthorized",
    ),
    "missing_exp": (lambda r, e, s, j: bearer(make_token(r, claims(exp=None))), "unauthorized"),
    "exp_as_string": (
        lambda r, e, s, j: bearer(make_token(r, claims(exp=str(now() + 600)))),
        "unauthorized",
    ),
    "wrong_iss": (
        lambda r, e, s, j: bearer(make_token(r, claims(iss="https://evil.test/realm"))),
        "unauthorized",
    ),
    "wrong_aud": (
        lambda r, e, s, j: bearer(make_token(r, claims(aud="other-api"))),
        "unauthorized",
    ),
    "aud_list_without_ours": (
        lambda r, e, s, j: bearer(make_token(r, claims(aud=["a", "b"]))),
        "unauthorized",
    ),
    "unknown_kid": (
        lambda r, e, s, j: bearer(make_token(r, claims(), {"alg": "RS256", "kid": "nope"})),
        "unauthorized",
    ),
    "missing_kid": (
        lambda r, e, s, j: bearer(make_token(r, claims(), {"alg": "RS256", "typ": "JWT"})),
        "unauthorized",
    ),
    "attacker_key_with_known_kid": (
        lambda r, e, s, j: bearer(
            make_token(
                SigningKey(
                    r.kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048)
                ),
                claims(),
            )
        ),
        "unauthorized",
    ),
    "es256_header_with_rsa_kid": (
        lambda r, e, s, j: bearer(make_token(e, claims(), {"alg": "ES256", "kid": r.kid})),
        "unauthorized",
    ),
    "jku_header_injection": (
        lambda r, e, s, j: bearer(
            make_token(r, claims(), {"alg": "RS256", "kid": r.kid, "jku": "https://evil.test/jwks"})
        ),
        "unauthorized",
    ),
    "crit_header": (
        lambda r, e, s, j: bearer(
            make_token(r, claims(), {"alg": "RS256", "kid": r.kid, "crit": ["x"]})
        ),
        "unauthorized",
    ),
    "tampered_payload": (
        lambda r, e, s, j: bearer(_swap_payload(make_token(r, claims()), claims(tenant="victim"))),
        "unauthorized",
    ),
    "tampered_signature_rsa": (
        lambda r, e, s, j: bearer(_flip_signature(make_token(r, claims()))),
        "unauthorized",
    ),
    "tampered_signature_ec": (
        lambda r, e, s, j: bearer(_flip_signature(make_token(e, claims()))),
        "unauthorized",
    ),
    "duplicate_claim": (
        lambda r, e, s, j: bearer(
            _raw_signed(r, {"alg": "RS256", "kid": r.kid}, '{"tenant":"acme","tenant":"victim"}')
        ),
        "unauthorized",
    ),
    "malformed_two_segments": (
        lambda r, e, s, j: bearer("eyJhbGciOiJSUzI1NiJ9.e30"),
        "unauthorized",
    ),
    "malformed_four_segments": (
        lambda r, e, s, j: bearer(make_token(r, claims()) + ".AAAA"),
        "unauthorized",
    ),
    "malformed_not_base64": (
        lambda r, e, s, j: bearer("eyJhbGciOiJSUzI1NiJ9.e30!.c2ln"),
        "unauthorized",
    ),
    "malformed_header_not_object": (
        lambda r, e, s, j: bearer(f"eyJ{b64u(b'[1]')}.e30.c2ln"),
        "unauthorized",
    ),
    "malformed_payload_not_json": (
        lambda r, e, s, j: bearer(_raw_signed(r, {"alg": "RS256", "kid": r.kid}, "not json")),
        "unauthorized",
    ),
    "oversized_header": (
        lambda r, e, s, j: bearer(
            make_token(r, claims(), {"alg": "RS256", "kid": r.kid, "pad": "x" * 2000})
        ),
        "unauthorized",
    ),
    "oversized_token": (
        lambda r, e, s, j: bearer(make_token(r, claims(blob="x" * 9000))),
        "unauthorized",
    ),
    "jwt_for_unknown_tenant": (
        lambda r, e, s, j: bearer(make_token(r, claims(tenant="ghost"))),
        "deny",
    ),
    "jwt_with_malformed_tenant_claim": (
        lambda r, e, s, j: bearer(make_token(r, claims(tenant="ACME/../" + "x" * 3000))),
        "deny",
    ),
    "jwt_with_non_string_tenant_claim": (
        lambda r, e, s, j: bearer(make_token(r, claims(tenant=["acme"]))),
        "deny",
    ),
    "jwt_without_tenant_claim": (
        lambda r, e, s, j: bearer(make_token(r, claims(tenant=None))),
        "deny",
    ),
    "revoked_key": (lambda r, e, s, j: bearer(s.issue_key(status="revoked")), "unauthorized"),
    "expired_rotated_key": (
        lambda r, e, s, j: bearer(s.issue_key(expires_at=time.time() - 1)),
        "unauthorized",
    ),
    "disabled_tenant_key": (
        lambda r, e, s, j: (
            s.add_tenant("frozen", status="disabled"),
            bearer(s.issue_key("frozen")),
        )[1],
        "deny",
    ),
    "disabled_tenant_jwt": (
        lambda r, e, s, j: (
            s.add_tenant("frozen", status="disabled"),
            bearer(make_token(r, claims(tenant="frozen"))),
        )[1],
        "deny",
    ),
    "tenant_without_usage_key": (
        lambda r, e, s, j: (
            s.add_tenant("nokey", usage_key_value=None),
            bearer(s.issue_key("nokey")),
        )[1],
        "deny",
    ),
    "key_of_another_stage": (lambda r, e, s, j: bearer(s.issue_key(stage="prod")), "unauthorized"),
    "key_record_of_another_stage": (
        lambda r, e, s, j: bearer(s.issue_key(record_stage="prod")),
        "unauthorized",
    ),
    "key_with_wrong_secret": (
        lambda r, e, s, j: bearer(s.issue_key()[:-4] + "AAAA"),
        "unauthorized",
    ),
    "unknown_key_id": (
        lambda r, e, s, j: bearer("aigw-dev-AAAAAAAAAAAAAAAA-" + "A" * 43),
        "unauthorized",
    ),
    "malformed_key": (lambda r, e, s, j: bearer("aigw-dev-short-secret"), "unauthorized"),
    "basic_auth_scheme": (
        lambda r, e, s, j: AuthRequest(METHOD_ARN, {"authorization": "Basic " + s.issue_key()}),
        "unauthorized",
    ),
    "conflicting_headers": (
        lambda r, e, s, j: AuthRequest(
            METHOD_ARN, {"authorization": "Bearer " + s.issue_key(), "x-api-key": s.issue_key()}
        ),
        "unauthorized",
    ),
    "no_credential": (lambda r, e, s, j: AuthRequest(METHOD_ARN, {}), "unauthorized"),
    "request_for_another_stage": (
        lambda r, e, s, j: AuthRequest(
            METHOD_ARN.replace(f"/{STAGE}/", "/prod/"), {"authorization": "Bearer " + s.issue_key()}
        ),
        "unauthorized",
    ),
    "jwks_endpoint_down": (
        lambda r, e, s, j: (setattr(j, "status", 503), bearer(make_token(r, claims())))[1],
        "unavailable",
    ),
    "jwks_connection_dropped": (
        lambda r, e, s, j: (
            setattr(j, "drop", True),
            bearer(make_token(r, claims())),
        )[1],
        "unavailable",
    ),
    "tables_unreachable": (
        lambda r, e, s, j: (setattr(s, "down", True), bearer(s.issue_key()))[1],
        "unavailable",
    ),
}


def _raw_signed(key: SigningKey, hdr: dict, payload_text: str) -> str:
    signing_input = f"{b64u(json.dumps(hdr).encode())}.{b64u(payload_text.encode())}"
    return f"{signing_input}.{b64u(key.sign(signing_input.encode()))}"


def _outcome(authz: Authorizer, request: AuthRequest) -> str:
    try:
        return authz.authorize(request).effect
    except AuthorizerUnavailable:
        return "unavailable"


@pytest.mark.parametrize("name", sorted(CASES))
def test_attack_is_refused(
    name: str,
    rsa_key: SigningKey,
    ec_key: SigningKey,
    store: MemoryStore,
    jwks_server: JwksServer,
    authz: Authorizer,
) -> None:
    build, expected = CASES[name]
    request = build(rsa_key, ec_key, store, jwks_server)
    assert _outcome(authz, request) == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_attack_never_yields_an_allow_policy_from_the_handler(
    name: str,
    rsa_key: SigningKey,
    ec_key: SigningKey,
    store: MemoryStore,
    jwks_server: JwksServer,
    authz: Authorizer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build, expected = CASES[name]
    request = build(rsa_key, ec_key, store, jwks_server)
    monkeypatch.setattr(handler_mod, "_AUTHORIZER", authz)
    event = {"type": "REQUEST", "methodArn": request.method_arn, "headers": dict(request.headers)}
    if expected == "deny":
        response = handler_mod.handler(event, None)
        statement = response["policyDocument"]["Statement"][0]
        assert statement["Effect"] == "Deny"
        assert "usageIdentifierKey" not in response
    else:
        message = "Unauthorized" if expected == "unauthorized" else None
        with pytest.raises(Exception) as info:
            handler_mod.handler(event, None)
        if message:
            assert str(info.value) == message
        else:
            assert str(info.value) != "Unauthorized"
