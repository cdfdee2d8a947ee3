"""The API-key half of a decision (core.Authorizer._api_key): each reason a key is refused,
what the decision log records about it (the key id, never the secret), and the route
resources an allowed tenant gets (core.policy_resources)."""

from __future__ import annotations

import json

import pytest
from authz_fixtures import BASE_ARN, METHOD_ARN, NOW, MemoryStore

from authorizer import apikeys
from authorizer.config import Config
from authorizer.core import Authorizer, AuthorizerUnavailable, AuthRequest, Decision

CONFIG = Config(stage="dev", tenants_table="t", keys_table="k")


def decide(store: MemoryStore, key: str, now: float = NOW) -> Decision:
    return Authorizer(CONFIG, store, clock=lambda: now).authorize(
        AuthRequest(METHOD_ARN, {"x-api-key": key})
    )


def key_id_of(key: str) -> str:
    return key.split("-")[2]


def refused(store: MemoryStore, key: str, reason: str, now: float = NOW) -> None:
    """The key is unauthorized for ``reason``; the decision names the key id it saw."""
    decision = decide(store, key, now)
    assert (decision.effect, decision.reason) == ("unauthorized", reason)
    assert decision.context == {"key_id": key_id_of(key), "auth_method": "api_key"}
    assert (decision.principal_id, decision.resources) == ("anonymous", [])


def test_a_malformed_aigw_key_is_unauthorized_without_a_key_id(store: MemoryStore) -> None:
    decision = decide(store, "aigw-dev-tooShort-secret")
    assert (decision.effect, decision.reason) == ("unauthorized", "malformed aigw key")
    assert decision.context == {}


def test_a_key_naming_another_stage_is_unauthorized(store: MemoryStore) -> None:
    refused(store, store.issue_key("acme", stage="prod"), "key issued for another stage")


def test_a_key_whose_record_is_for_another_stage_is_unauthorized(store: MemoryStore) -> None:
    key = store.issue_key("acme", record_stage="prod")
    refused(store, key, "key issued for another stage")


def test_an_unknown_key_id_is_unauthorized(store: MemoryStore) -> None:
    key = store.issue_key("acme")
    store.keys.clear()
    refused(store, key, "unknown key id")


def test_a_wrong_secret_is_unauthorized(store: MemoryStore) -> None:
    key = store.issue_key("acme")
    wrong = key[:-1] + ("a" if key[-1] != "a" else "b")
    refused(store, wrong, "key secret does not match")


def test_a_record_hashed_another_way_is_unauthorized(store: MemoryStore) -> None:
    from dataclasses import replace

    key = store.issue_key("acme")
    kid = key_id_of(key)
    store.keys[kid] = replace(store.keys[kid], hash_alg="sha256-v0")
    refused(store, key, "key secret does not match")


@pytest.mark.parametrize("status", ["revoked", "disabled", "ACTIVE", ""])
def test_a_key_that_is_not_active_is_revoked(store: MemoryStore, status: str) -> None:
    refused(store, store.issue_key("acme", status=status), "key revoked")


def test_a_key_is_refused_from_its_expiry_time(store: MemoryStore) -> None:
    refused(store, store.issue_key("acme", expires_at=NOW), "key expired")


def test_a_key_after_its_expiry_is_refused(store: MemoryStore) -> None:
    refused(store, store.issue_key("acme", expires_at=NOW - 0.5), "key expired")


def test_a_key_before_its_expiry_is_allowed(store: MemoryStore) -> None:
    assert decide(store, store.issue_key("acme", expires_at=NOW + 0.5)).effect == "allow"


def test_a_refused_key_is_logged_with_its_id_and_never_its_secret(
    store: MemoryStore, capsys: pytest.CaptureFixture[str]
) -> None:
    key = store.issue_key("acme", status="revoked")
    decide(store, key)
    out = capsys.readouterr().out
    assert key.split("-")[3] not in out
    assert [json.loads(line) for line in out.splitlines()] == [
        {
            "logger": "aigw.authorizer",
            "decision": "unauthorized",
            "reason": "key revoked",
            "tenant": "",
            "key_id": key_id_of(key),
            "auth_method": "api_key",
        }
    ]


def test_an_unreadable_keys_table_fails_closed_and_is_logged(
    store: MemoryStore, capsys: pytest.CaptureFixture[str]
) -> None:
    key = store.issue_key("acme")
    store.down = True
    with pytest.raises(AuthorizerUnavailable, match=r"^keys table unavailable$"):
        decide(store, key)
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records == [
        {
            "logger": "aigw.authorizer",
            "decision": "error",
            "reason": "keys table unavailable: keys: down",
        }
    ]


def test_the_key_hash_algorithm_is_the_documented_one() -> None:
    assert apikeys.HASH_ALG == "sha256-v1"


# ------------------------------------------------------------------- route resources


def allowed_resources(store: MemoryStore, routes: tuple[str, ...]) -> list[str]:
    store.add_tenant("acme", allowed_routes=routes)
    decision = decide(store, store.issue_key("acme"))
    assert decision.effect == "allow"
    return decision.resources


def test_a_star_route_grants_every_route(store: MemoryStore) -> None:
    assert allowed_resources(store, ("GET /v1/models", "*")) == [f"{BASE_ARN}/*/*"]


def test_a_malformed_route_is_skipped_and_the_next_one_granted(store: MemoryStore) -> None:
    assert allowed_resources(store, ("get /v1/models", "POST /v1/chat/completions")) == [
        f"{BASE_ARN}/POST/v1/chat/completions"
    ]


def test_path_parameters_match_any_segment(store: MemoryStore) -> None:
    assert allowed_resources(store, ("* /v1/models/{model}", "ANY /{proxy+}")) == [
        f"{BASE_ARN}/*/v1/models/*",
        f"{BASE_ARN}/ANY/*",
    ]
