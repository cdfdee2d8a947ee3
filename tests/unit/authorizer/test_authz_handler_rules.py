"""The Lambda adapter (authorizer/handler.py): the authorizer it builds from the
environment, how it reads headers, and the policy document it returns; plus two number
rules of strictjson and the age reported when stale JWKS keys are used."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from authz_fixtures import METHOD_ARN, MemoryStore, SigningKey

from authorizer import handler as handler_mod
from authorizer import strictjson
from authorizer.core import Authorizer, Decision
from authorizer.jose import parse_jwk
from authorizer.jwks import JwksCache, JwksUnavailable
from authorizer.store import DynamoStore

ENV = {"AIGW_STAGE": "dev", "AIGW_TENANTS_TABLE": "aigw-tenants", "AIGW_KEYS_TABLE": "aigw-keys"}


@pytest.fixture
def fresh_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    handler_mod.reset()
    yield
    handler_mod.reset()


@pytest.mark.usefixtures("fresh_handler")
def test_the_authorizer_reads_both_tables_named_in_the_environment() -> None:
    authz = handler_mod._authorizer()
    assert isinstance(authz, Authorizer) and isinstance(authz.store, DynamoStore)
    assert (authz.store.tenants_table, authz.store.keys_table) == ("aigw-tenants", "aigw-keys")
    assert authz.config.stage == "dev"


@pytest.mark.usefixtures("fresh_handler")
def test_the_authorizer_is_built_once_per_container() -> None:
    assert handler_mod._authorizer() is handler_mod._authorizer()


# ------------------------------------------------------------------------ headers


def test_headers_that_are_not_string_pairs_are_dropped() -> None:
    event = {"headers": {"X-Api-Key": None, 7: "v", "Authorization": "Bearer t"}}
    assert handler_mod.headers_of(event) == {"authorization": "Bearer t"}


def test_multi_value_entries_that_are_not_string_lists_are_skipped() -> None:
    event = {
        "headers": {"X-Api-Key": "k"},
        "multiValueHeaders": {7: ["a", "b"], "X-Api-Key": "ab", "Authorization": ["x", "y"]},
    }
    out = handler_mod.headers_of(event)
    assert out["x-api-key"] == "k"  # "ab" is not a list: ignored
    assert set(out) == {"x-api-key", "authorization"}  # the entry after 7 is still read
    assert out["authorization"] not in ("x", "y")  # two values: neither is used


def test_an_ambiguous_api_key_beside_a_bearer_token_is_never_accepted(
    store: MemoryStore, authz: Authorizer
) -> None:
    key = store.issue_key("acme")
    event = {
        "methodArn": METHOD_ARN,
        "headers": {"x-api-key": key, "Authorization": f"Bearer {key}"},
        "multiValueHeaders": {"x-api-key": [key, key + "x"]},
    }
    saved = handler_mod._AUTHORIZER
    handler_mod._AUTHORIZER = authz
    try:
        with pytest.raises(Exception, match=r"^Unauthorized$"):
            handler_mod.handler(event, None)
    finally:
        handler_mod._AUTHORIZER = saved


# ------------------------------------------------------------------ the response


def test_a_deny_names_the_requested_method_only() -> None:
    response = handler_mod.to_response(
        Decision("deny", "tenant disabled", "acme/k", resources=["arn:other"]), METHOD_ARN
    )
    statement = response["policyDocument"]["Statement"][0]
    assert (statement["Effect"], statement["Resource"]) == ("Deny", [METHOD_ARN])


def test_a_deny_never_carries_a_usage_key() -> None:
    decision = Decision("deny", "tenant disabled", "acme/k", usage_identifier_key="usage-k")
    assert "usageIdentifierKey" not in handler_mod.to_response(decision, METHOD_ARN)


# ----------------------------------------------------------------------- numbers


def test_the_most_negative_double_is_accepted() -> None:
    assert strictjson.loads(b"-1.7976931348623157e308") == -1.7976931348623157e308


@pytest.mark.parametrize("raw", [b"1e999", b"-1e999", b"[1e309]"])
def test_a_number_beyond_a_double_is_refused_by_its_reason(raw: bytes) -> None:
    with pytest.raises(strictjson.JsonRejected, match=r"^number out of range$"):
        strictjson.loads(raw)


# ------------------------------------------------------------------ stale JWKS keys


def test_the_stale_key_age_is_reported_to_the_millisecond(
    capsys: pytest.CaptureFixture[str], rsa_key: SigningKey
) -> None:
    now = [1000.0]
    state = {"down": False}

    def fetcher(url: str, timeout: float) -> dict:
        if state["down"]:
            raise JwksUnavailable("JWKS endpoint answered 503")
        return {rsa_key.kid: parse_jwk(rsa_key.jwk())}

    cache = JwksCache(ttl_seconds=300, fetcher=fetcher, clock=lambda: now[0])
    cache.get_key("https://i/jwks", rsa_key.kid)
    state["down"] = True
    now[0] = 1000.0 + 300.12345
    capsys.readouterr()
    assert cache.get_key("https://i/jwks", rsa_key.kid) is not None
    stale = [json.loads(x) for x in capsys.readouterr().out.splitlines() if "Stale" in x]
    assert [r["key_set_age_seconds"] for r in stale] == [300.123]
