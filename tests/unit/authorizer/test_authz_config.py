"""Configuration from the environment, and robustness of the event adapter."""

from __future__ import annotations

import json

import pytest
from authz_fixtures import METHOD_ARN, MemoryStore
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authorizer import handler as handler_mod
from authorizer.config import ConfigError, load
from authorizer.core import Authorizer, AuthRequest

BASE = {"AIGW_STAGE": "dev", "AIGW_TENANTS_TABLE": "t", "AIGW_KEYS_TABLE": "k"}


def test_defaults_are_applied() -> None:
    cfg = load(BASE)
    assert cfg.algorithms == frozenset({"RS256", "ES256"})
    assert cfg.leeway_seconds == 60 and cfg.jwks_cache_seconds == 300
    assert cfg.issuers == () and cfg.require_usage_key is True


def test_issuers_are_parsed_with_the_default_tenant_claim() -> None:
    issuers = [{"issuer": "https://i", "jwks_uri": "https://i/jwks", "audiences": ["a"]}]
    cfg = load({**BASE, "AIGW_JWT_ISSUERS": json.dumps(issuers), "AIGW_JWT_TENANT_CLAIM": "org"})
    assert cfg.issuers[0].tenant_claim == "org"
    assert cfg.issuers[0].audiences == frozenset({"a"})
    assert cfg.issuer("https://i") is cfg.issuers[0] and cfg.issuer("https://x") is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AIGW_STAGE": "Prod"}, "AIGW_STAGE"),
        ({"AIGW_KEYS_TABLE": ""}, "AIGW_KEYS_TABLE"),
        ({"AIGW_JWT_ALGORITHMS": "RS256,HS256"}, "RS256, ES256"),
        ({"AIGW_JWT_ALGORITHMS": "none"}, "RS256, ES256"),
        ({"AIGW_JWT_LEEWAY_SECONDS": "3600"}, "between 0 and 300"),
        ({"AIGW_JWT_LEEWAY_SECONDS": "soon"}, "must be a number"),
        ({"AIGW_JWT_ISSUERS": "{"}, "JSON list"),
        ({"AIGW_JWT_ISSUERS": '[{"issuer": "https://i"}]'}, "jwks_uri is required"),
        ({"AIGW_JWT_ISSUERS": '[{"issuer": "i", "jwks_uri": "u", "audiences": []}]'}, "audiences"),
        ({"AIGW_REQUIRE_USAGE_KEY": "yes"}, "true or false"),
    ],
)
def test_invalid_configuration_is_rejected_with_a_clear_message(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load({**BASE, **env})


def test_handler_fails_closed_on_bad_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGW_STAGE", "dev")
    monkeypatch.delenv("AIGW_TENANTS_TABLE", raising=False)
    handler_mod.reset()
    try:
        with pytest.raises(ConfigError):
            handler_mod.handler(
                {"methodArn": METHOD_ARN, "headers": {"Authorization": "Bearer x"}}, None
            )
    finally:
        handler_mod.reset()


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"methodArn": None},
        {"methodArn": METHOD_ARN, "headers": None},
        {"methodArn": METHOD_ARN, "headers": {"Authorization": None}},
        {"methodArn": "not-an-arn", "headers": {"Authorization": "Bearer x"}},
    ],
)
def test_malformed_events_are_unauthorized(
    event: dict, authz: Authorizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handler_mod, "_AUTHORIZER", authz)
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        handler_mod.handler(event, None)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    credential=st.one_of(
        st.text(max_size=300),
        st.from_regex(r"aigw-[a-z0-9]{1,16}-[0-9A-Za-z]{16}-[0-9A-Za-z]{43}", fullmatch=True),
        st.from_regex(
            r"eyJ[A-Za-z0-9_-]{0,80}\.[A-Za-z0-9_-]{0,80}\.[A-Za-z0-9_-]{0,80}", fullmatch=True
        ),
    )
)
def test_arbitrary_credentials_are_never_allowed_and_never_crash(
    credential: str, authz: Authorizer, store: MemoryStore
) -> None:
    decision = authz.authorize(AuthRequest(METHOD_ARN, {"authorization": f"Bearer {credential}"}))
    assert decision.effect == "unauthorized"
