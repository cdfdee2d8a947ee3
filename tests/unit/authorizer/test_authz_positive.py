"""Accepted credentials: aigw keys, RS256/ES256 JWTs, rotation overlap, policy and context."""

from __future__ import annotations

import json
import time

import pytest
from authz_fixtures import (
    AUDIENCE,
    BASE_ARN,
    ISSUER,
    METHOD_ARN,
    JwksServer,
    MemoryStore,
    SigningKey,
    bearer,
    claims,
    make_token,
)

from authorizer import handler as handler_mod
from authorizer.config import Config, Issuer
from authorizer.core import Authorizer, AuthRequest
from authorizer.jwks import JwksCache


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_valid_key_in_bearer_header_is_allowed_with_context(
    authz: Authorizer, store: MemoryStore
) -> None:
    key = store.issue_key()
    decision = authz.authorize(bearer(key))
    key_id = key.split("-")[2]
    assert decision.effect == "allow"
    assert decision.context == {
        "tenant": "acme",
        "tier": "standard",
        "key_id": key_id,
        "allowed_models": "gpt-4o-mini,claude-haiku",
        "auth_method": "api_key",
        "subject": "",
    }
    assert decision.usage_identifier_key == "usage-acme-0123456789abcdef"
    assert decision.resources == [f"{BASE_ARN}/*/*"]
    assert decision.principal_id == f"acme/{key_id}"


def test_valid_key_in_x_api_key_header_is_allowed(authz: Authorizer, store: MemoryStore) -> None:
    key = store.issue_key()
    decision = authz.authorize(AuthRequest(METHOD_ARN, {"x-api-key": key}))
    assert decision.effect == "allow"


def test_same_key_in_both_headers_is_allowed(authz: Authorizer, store: MemoryStore) -> None:
    key = store.issue_key()
    decision = authz.authorize(
        AuthRequest(METHOD_ARN, {"authorization": f"bearer {key}", "x-api-key": key})
    )
    assert decision.effect == "allow"


@pytest.mark.parametrize("key_fixture", ["rsa_key", "ec_key"])
def test_valid_jwt_is_allowed_and_mapped_to_its_tenant(
    key_fixture: str, request: pytest.FixtureRequest, authz: Authorizer, store: MemoryStore
) -> None:
    store.add_tenant("globex", tier="premium", allowed_models=("claude-sonnet",))
    signing: SigningKey = request.getfixturevalue(key_fixture)
    decision = authz.authorize(bearer(make_token(signing, claims(tenant="globex", sub="alice"))))
    assert decision.effect == "allow"
    assert decision.context["tenant"] == "globex"
    assert decision.context["tier"] == "premium"
    assert decision.context["allowed_models"] == "claude-sonnet"
    assert decision.context["auth_method"] == "jwt"
    assert decision.context["subject"] == "alice"
    assert decision.context["key_id"] == ""
    assert decision.usage_identifier_key == "usage-globex-0123456789abcdef"


def test_jwt_within_leeway_is_allowed(authz: Authorizer, rsa_key: SigningKey) -> None:
    now = int(time.time())
    token = make_token(rsa_key, claims(exp=now - 10, iat=now - 600, nbf=now + 10))
    assert authz.authorize(bearer(token)).effect == "allow"


def test_jwt_with_audience_list_containing_ours_is_allowed(
    authz: Authorizer, rsa_key: SigningKey
) -> None:
    token = make_token(rsa_key, claims(aud=["other", AUDIENCE]))
    assert authz.authorize(bearer(token)).effect == "allow"


def test_cognito_access_token_checks_client_id(
    jwks_server: JwksServer, store: MemoryStore, rsa_key: SigningKey
) -> None:
    cfg = Config(
        stage="dev",
        tenants_table="t",
        keys_table="k",
        issuers=(
            Issuer(
                ISSUER, jwks_server.url, frozenset({"client-123"}), "client_id", "custom:tenant"
            ),
        ),
    )
    authz = Authorizer(cfg, store)
    good = claims(
        aud=None,
        tenant=None,
        client_id="client-123",
        token_use="access",
        **{"custom:tenant": "acme"},
    )
    bad = {**good, "client_id": "client-999"}
    assert authz.authorize(bearer(make_token(rsa_key, good))).effect == "allow"
    assert authz.authorize(bearer(make_token(rsa_key, bad))).effect == "unauthorized"


def test_jwks_is_fetched_once_and_reused_while_warm(
    authz: Authorizer, rsa_key: SigningKey, ec_key: SigningKey, jwks_server: JwksServer
) -> None:
    for key in (rsa_key, ec_key, rsa_key):
        assert authz.authorize(bearer(make_token(key, claims()))).effect == "allow"
    assert jwks_server.hits == 1


def test_new_issuer_key_is_picked_up_by_refetch_on_unknown_kid(
    config: Config, store: MemoryStore, rsa_key: SigningKey, jwks_server: JwksServer
) -> None:
    clock = Clock()
    cache = JwksCache(ttl_seconds=300, min_refresh_seconds=30, clock=clock)
    authz = Authorizer(config, store, cache)
    rotated = SigningKey("rsa-2", "RS256", rsa_key.private)
    assert authz.authorize(bearer(make_token(rotated, claims()))).effect == "unauthorized"
    jwks_server.keys.append(rotated.jwk())
    # Within the refresh guard the unknown kid does not trigger another fetch.
    assert authz.authorize(bearer(make_token(rotated, claims()))).effect == "unauthorized"
    assert jwks_server.hits == 1
    clock.now += 31
    assert authz.authorize(bearer(make_token(rotated, claims()))).effect == "allow"
    assert jwks_server.hits == 2


def test_key_rotation_keeps_old_key_valid_during_overlap_only(
    config: Config, store: MemoryStore
) -> None:
    clock = Clock()
    authz = Authorizer(config, store, clock=clock)
    old = store.issue_key(expires_at=clock.now + 3600)
    new = store.issue_key()
    assert authz.authorize(bearer(old)).effect == "allow"
    assert authz.authorize(bearer(new)).effect == "allow"
    clock.now += 3601
    assert authz.authorize(bearer(old)).effect == "unauthorized"
    assert authz.authorize(bearer(new)).effect == "allow"


def test_policy_lists_only_the_tenant_routes(authz: Authorizer, store: MemoryStore) -> None:
    store.add_tenant(
        "narrow",
        allowed_routes=(
            "POST /v1/chat/completions",
            "GET /v1/models",
            "GET /v1/models/{model}",
            "* /v1/files/{proxy+}",
            "bogus",
        ),
    )
    decision = authz.authorize(bearer(store.issue_key("narrow")))
    assert decision.effect == "allow"
    assert decision.resources == [
        f"{BASE_ARN}/POST/v1/chat/completions",
        f"{BASE_ARN}/GET/v1/models",
        f"{BASE_ARN}/GET/v1/models/*",
        f"{BASE_ARN}/*/v1/files/*",
    ]


def test_handler_returns_api_gateway_response_shape(
    authz: Authorizer, store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handler_mod, "_AUTHORIZER", authz)
    key = store.issue_key()
    event = {
        "type": "REQUEST",
        "methodArn": METHOD_ARN,
        "headers": {"Authorization": f"Bearer {key}", "Host": "api.example.test"},
        "multiValueHeaders": {"Authorization": [f"Bearer {key}"]},
        "requestContext": {"stage": "dev", "apiId": "abc123"},
    }
    response = handler_mod.handler(event, None)
    assert response["principalId"] == f"acme/{key.split('-')[2]}"
    assert response["policyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [
            {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": [f"{BASE_ARN}/*/*"]}
        ],
    }
    assert response["usageIdentifierKey"] == "usage-acme-0123456789abcdef"
    assert all(isinstance(v, str | int | float | bool) for v in response["context"].values())
    assert response["context"]["tenant"] == "acme"


def test_repeated_authorization_header_with_different_values_is_refused(
    authz: Authorizer, store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handler_mod, "_AUTHORIZER", authz)
    event = {
        "methodArn": METHOD_ARN,
        "headers": {"Authorization": f"Bearer {store.issue_key()}"},
        "multiValueHeaders": {
            "Authorization": [f"Bearer {store.issue_key()}", f"Bearer {store.issue_key()}"]
        },
    }
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        handler_mod.handler(event, None)


def test_decision_log_never_contains_the_credential(
    authz: Authorizer, store: MemoryStore, rsa_key: SigningKey, capsys: pytest.CaptureFixture[str]
) -> None:
    key = store.issue_key()
    token = make_token(rsa_key, claims())
    authz.authorize(bearer(key))
    authz.authorize(bearer(token))
    authz.authorize(bearer(key[:-2] + "zz"))
    out = capsys.readouterr().out
    assert out.count("aigw.authorizer") == 3
    secret = key.rsplit("-", 1)[1]
    assert secret not in out and secret[:20] not in out
    assert token.split(".")[2][:20] not in out


def test_failed_key_attempts_are_logged_with_key_id_only(
    authz: Authorizer, store: MemoryStore, capsys: pytest.CaptureFixture[str]
) -> None:
    key = store.issue_key(status="revoked")
    key_id, secret = key.split("-")[2], key.split("-")[3]
    assert authz.authorize(bearer(key)).effect == "unauthorized"
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["decision"] == "unauthorized"
    assert line["reason"] == "key revoked"
    assert line["key_id"] == key_id
    assert secret not in json.dumps(line)


def test_anthropic_sdk_headers_authorize_the_messages_routes(
    authz: Authorizer, store: MemoryStore
) -> None:
    """Anthropic's SDK sends the key in ``x-api-key`` (no ``Authorization``), with its
    version header; a tenant limited to the Messages routes gets exactly those."""
    store.add_tenant(
        "claude-only", allowed_routes=("POST /v1/messages", "POST /v1/messages/count_tokens")
    )
    key = store.issue_key("claude-only")
    headers = {"x-api-key": key, "anthropic-version": "2023-06-01"}
    decision = authz.authorize(AuthRequest(f"{BASE_ARN}/POST/v1/messages", headers))
    assert decision.effect == "allow"
    assert decision.context["tenant"] == "claude-only"
    assert decision.resources == [
        f"{BASE_ARN}/POST/v1/messages",
        f"{BASE_ARN}/POST/v1/messages/count_tokens",
    ]
