"""Identity-provider outage: failed fetches are negatively cached, the last good key set
is reused for a bounded stale-if-error window, and each use of stale keys is reported.
Fake clock and fake fetcher: nothing sleeps, nothing listens."""

from __future__ import annotations

import json

import pytest
from authz_fixtures import (
    NOW,
    FakeClock,
    FakeFetcher,
    MemoryStore,
    SigningKey,
    bearer,
    fake_authorizer,
    fixed_claims,
    make_token,
)

from authorizer.config import load
from authorizer.core import Authorizer, AuthorizerUnavailable

TTL = 300
FAILURE_CACHE = 30
STALE = 3600


def _setup(store: MemoryStore, *keys: SigningKey) -> tuple[Authorizer, FakeFetcher, FakeClock]:
    fetcher, clock = FakeFetcher(*keys), FakeClock(NOW)
    authz = fake_authorizer(
        store,
        fetcher,
        clock,
        jwks_cache_seconds=TTL,
        jwks_failure_cache_seconds=FAILURE_CACHE,
        jwks_stale_if_error_seconds=STALE,
    )
    return authz, fetcher, clock


def _warm_then_down(
    store: MemoryStore, key: SigningKey
) -> tuple[Authorizer, FakeFetcher, FakeClock]:
    """An authorizer that fetched the key set once at NOW; then the issuer goes down."""
    authz, fetcher, clock = _setup(store, key)
    assert _outcome(authz, _token(key, clock)) == "allow"
    fetcher.down = True
    return authz, fetcher, clock


def _outcome(authz: Authorizer, token: str) -> str:
    try:
        return authz.authorize(bearer(token)).effect
    except AuthorizerUnavailable:
        return "unavailable"


def _token(key: SigningKey, clock: FakeClock) -> str:
    return make_token(key, fixed_claims(now=clock.now))


def _emf_lines(out: str, metric: str) -> list[dict]:
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [rec for rec in lines if metric in rec and "_aws" in rec]


def test_a_failed_fetch_is_not_retried_within_the_failure_window(
    store: MemoryStore, rsa_key: SigningKey
) -> None:
    authz, fetcher, clock = _setup(store, rsa_key)
    fetcher.down = True
    assert _outcome(authz, _token(rsa_key, clock)) == "unavailable"
    assert fetcher.calls == 1
    for _ in range(20):  # a burst of requests during the outage
        clock.now += 1
        assert _outcome(authz, _token(rsa_key, clock)) == "unavailable"
    assert fetcher.calls == 1  # every one answered from the negative cache
    clock.now = NOW + FAILURE_CACHE
    fetcher.down = False
    assert _outcome(authz, _token(rsa_key, clock)) == "allow"
    assert fetcher.calls == 2


def test_stale_keys_are_used_while_the_issuer_is_down_and_reported(
    store: MemoryStore, rsa_key: SigningKey, capsys: pytest.CaptureFixture[str]
) -> None:
    authz, fetcher, clock = _warm_then_down(store, rsa_key)
    capsys.readouterr()
    clock.now = NOW + TTL  # the key set has expired; the refresh fails
    assert _outcome(authz, _token(rsa_key, clock)) == "allow"
    assert fetcher.calls == 2
    clock.now += 5  # within the failure window: no new fetch, still the stale keys
    assert _outcome(authz, _token(rsa_key, clock)) == "allow"
    assert fetcher.calls == 2
    out = capsys.readouterr().out
    failures = _emf_lines(out, "JwksFetchFailures")
    stale = _emf_lines(out, "JwksStaleKeysUsed")
    assert len(failures) == 1 and len(stale) == 2
    metric = stale[0]["_aws"]["CloudWatchMetrics"][0]
    assert metric["Namespace"] == "aigw"
    assert metric["Metrics"] == [{"Name": "JwksStaleKeysUsed", "Unit": "Count"}]
    assert metric["Dimensions"] == [["JwksHost"]]
    assert stale[0]["JwksHost"] == "issuer.test" and stale[0]["JwksStaleKeysUsed"] == 1
    assert stale[0]["key_set_age_seconds"] == TTL
    assert "503" in failures[0]["reason"]


def test_stale_keys_end_with_the_stale_window(store: MemoryStore, rsa_key: SigningKey) -> None:
    authz, _fetcher, clock = _warm_then_down(store, rsa_key)
    clock.now = NOW + TTL + STALE - 1
    assert _outcome(authz, _token(rsa_key, clock)) == "allow"
    clock.now = NOW + TTL + STALE
    assert _outcome(authz, _token(rsa_key, clock)) == "unavailable"
    clock.now += 10 * STALE  # and never comes back while the issuer stays down
    assert _outcome(authz, _token(rsa_key, clock)) == "unavailable"


def test_stale_keys_never_answer_for_a_kid_they_lack(
    store: MemoryStore, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    authz, fetcher, clock = _warm_then_down(store, rsa_key)
    fetcher.keys.append(ec_key)  # rotated at the issuer, which we cannot reach
    clock.now = NOW + TTL + 1
    assert _outcome(authz, _token(ec_key, clock)) == "unavailable"  # not a 401: unconfirmed


def test_recovery_replaces_the_stale_set_and_clears_the_failure(
    store: MemoryStore, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    authz, fetcher, clock = _warm_then_down(store, rsa_key)
    clock.now = NOW + TTL
    assert _outcome(authz, _token(rsa_key, clock)) == "allow"  # stale
    fetcher.down = False
    fetcher.keys = [ec_key]  # the issuer dropped the RSA key while it was down
    clock.now += FAILURE_CACHE
    assert _outcome(authz, _token(ec_key, clock)) == "allow"
    assert _outcome(authz, _token(rsa_key, clock)) == "unauthorized"  # fresh set wins
    calls = fetcher.calls
    fetcher.down = True  # a later failure is cached afresh
    clock.now += TTL
    assert _outcome(authz, _token(ec_key, clock)) == "allow"
    assert _outcome(authz, _token(ec_key, clock)) == "allow"
    assert fetcher.calls == calls + 1


def test_zero_windows_restore_fail_fast_behaviour(store: MemoryStore, rsa_key: SigningKey) -> None:
    fetcher, clock = FakeFetcher(rsa_key), FakeClock(NOW)
    authz = fake_authorizer(
        store,
        fetcher,
        clock,
        jwks_cache_seconds=TTL,
        jwks_failure_cache_seconds=0,
        jwks_stale_if_error_seconds=0,
    )
    assert _outcome(authz, _token(rsa_key, clock)) == "allow"
    fetcher.down = True
    clock.now = NOW + TTL
    assert _outcome(authz, _token(rsa_key, clock)) == "unavailable"
    assert _outcome(authz, _token(rsa_key, clock)) == "unavailable"
    assert fetcher.calls == 3


def test_the_windows_come_from_the_environment() -> None:
    base = {"AIGW_STAGE": "dev", "AIGW_TENANTS_TABLE": "t", "AIGW_KEYS_TABLE": "k"}
    cfg = load(base)
    assert (cfg.jwks_failure_cache_seconds, cfg.jwks_stale_if_error_seconds) == (30, 3600)
    cfg = load(
        {
            **base,
            "AIGW_JWKS_FAILURE_CACHE_SECONDS": "5",
            "AIGW_JWKS_STALE_IF_ERROR_SECONDS": "600",
        }
    )
    authz = Authorizer(cfg, MemoryStore())
    assert (authz.jwks.failure_cache_seconds, authz.jwks.stale_if_error_seconds) == (5, 600)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("AIGW_JWKS_FAILURE_CACHE_SECONDS", "301", "between 0 and 300"),
        ("AIGW_JWKS_FAILURE_CACHE_SECONDS", "-1", "between 0 and 300"),
        ("AIGW_JWKS_STALE_IF_ERROR_SECONDS", "86401", "between 0 and 86400"),
        ("AIGW_JWKS_STALE_IF_ERROR_SECONDS", "nan", "between 0 and 86400"),
        ("AIGW_JWKS_STALE_IF_ERROR_SECONDS", "later", "must be a number"),
    ],
)
def test_the_windows_are_bounded(name: str, value: str, message: str) -> None:
    from authorizer.config import ConfigError

    base = {"AIGW_STAGE": "dev", "AIGW_TENANTS_TABLE": "t", "AIGW_KEYS_TABLE": "k"}
    with pytest.raises(ConfigError, match=message):
        load({**base, name: value})
