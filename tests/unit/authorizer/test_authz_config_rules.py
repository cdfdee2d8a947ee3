"""Every setting of authorizer/config.py: its variable, default, bounds and the error a bad
value gets (the configuration fails closed: every request is refused until it is fixed).
Expected values are written out, not read back from the code."""

from __future__ import annotations

import json
from typing import Any

import pytest

from authorizer.config import Config, ConfigError, Issuer, load

BASE = {"AIGW_STAGE": "dev", "AIGW_TENANTS_TABLE": "tenants", "AIGW_KEYS_TABLE": "keys"}
DROP = object()  # the member is left out of the issuer entry
ISSUER = {"issuer": "https://i", "jwks_uri": "https://i/jwks", "audiences": ["api"]}

# variable, Config field, default, lowest and highest accepted value
NUMBERS = [
    ("AIGW_JWT_LEEWAY_SECONDS", "leeway_seconds", 60.0, 0.0, 300.0),
    ("AIGW_JWKS_CACHE_SECONDS", "jwks_cache_seconds", 300.0, 0.0, 86400.0),
    ("AIGW_JWKS_TIMEOUT_SECONDS", "jwks_timeout_seconds", 2.0, 0.1, 10.0),
    ("AIGW_JWKS_FAILURE_CACHE_SECONDS", "jwks_failure_cache_seconds", 30.0, 0.0, 300.0),
    ("AIGW_JWKS_STALE_IF_ERROR_SECONDS", "jwks_stale_if_error_seconds", 3600.0, 0.0, 86400.0),
]


def issuers(*items: Any) -> dict[str, str]:
    return {**BASE, "AIGW_JWT_ISSUERS": json.dumps(list(items))}


def test_the_required_settings_are_read() -> None:
    cfg = load(BASE)
    assert (cfg.stage, cfg.tenants_table, cfg.keys_table) == ("dev", "tenants", "keys")


def test_loaded_defaults_are_the_documented_ones() -> None:
    assert load(BASE) == Config(
        stage="dev",
        tenants_table="tenants",
        keys_table="keys",
        issuers=(),
        algorithms=frozenset({"RS256", "ES256"}),
        leeway_seconds=60.0,
        jwks_cache_seconds=300.0,
        jwks_timeout_seconds=2.0,
        jwks_failure_cache_seconds=30.0,
        jwks_stale_if_error_seconds=3600.0,
        require_usage_key=True,
    )


def test_config_defaults_match_the_loaded_defaults() -> None:
    assert Config(stage="dev", tenants_table="tenants", keys_table="keys") == load(BASE)


def test_issuer_defaults_are_aud_and_tenant() -> None:
    issuer = Issuer("https://i", "https://i/jwks", frozenset({"api"}))
    assert (issuer.audience_claim, issuer.tenant_claim) == ("aud", "tenant")


def test_the_process_environment_is_read_when_no_mapping_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in BASE.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AIGW_STAGE", "prod")
    monkeypatch.delenv("AIGW_JWT_LEEWAY_SECONDS", raising=False)
    assert load().stage == "prod"


# ---------------------------------------------------------------------- stage, tables


@pytest.mark.parametrize("stage", ["a", "0", "dev2", "abcdefghijklmnop"])
def test_stage_of_1_to_16_lowercase_letters_or_digits(stage: str) -> None:
    assert load({**BASE, "AIGW_STAGE": stage}).stage == stage


@pytest.mark.parametrize("stage", ["", "Dev", "de-v", "abcdefghijklmnopq", "dev\n", " dev"])
def test_any_other_stage_is_refused(stage: str) -> None:
    with pytest.raises(ConfigError, match=r"^AIGW_STAGE must be 1-16 lowercase letters"):
        load({**BASE, "AIGW_STAGE": stage})


def test_a_missing_stage_is_refused() -> None:
    env = {k: v for k, v in BASE.items() if k != "AIGW_STAGE"}
    with pytest.raises(ConfigError, match="AIGW_STAGE"):
        load(env)


@pytest.mark.parametrize("name", ["AIGW_TENANTS_TABLE", "AIGW_KEYS_TABLE"])
def test_each_table_name_is_required(name: str) -> None:
    env = {k: v for k, v in BASE.items() if k != name}
    with pytest.raises(ConfigError, match=r"^AIGW_TENANTS_TABLE and AIGW_KEYS_TABLE are required$"):
        load(env)


@pytest.mark.parametrize("name", ["AIGW_TENANTS_TABLE", "AIGW_KEYS_TABLE"])
def test_an_empty_table_name_is_refused(name: str) -> None:
    with pytest.raises(ConfigError, match="are required"):
        load({**BASE, name: ""})


# ------------------------------------------------------------------------ algorithms


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("RS256", {"RS256"}),
        ("ES256", {"ES256"}),
        (" ES256 , RS256 ", {"RS256", "ES256"}),
        ("RS256,,", {"RS256"}),
    ],
)
def test_algorithms_are_a_comma_separated_list(raw: str, expected: set[str]) -> None:
    assert load({**BASE, "AIGW_JWT_ALGORITHMS": raw}).algorithms == frozenset(expected)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("", "[]"),
        (" , ", "[]"),
        ("HS256", "['HS256']"),
        ("RS256,none", "['RS256', 'none']"),
        ("rs256", "['rs256']"),
    ],
)
def test_an_empty_or_unsupported_algorithm_list_is_refused(raw: str, shown: str) -> None:
    expected = f"AIGW_JWT_ALGORITHMS must be a non-empty subset of RS256, ES256; got {shown}"
    with pytest.raises(ConfigError) as err:
        load({**BASE, "AIGW_JWT_ALGORITHMS": raw})
    assert str(err.value) == expected


# ------------------------------------------------------------------ usage key switch


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("TRUE", True), ("false", False), ("False", False)]
)
def test_require_usage_key_is_true_or_false_in_any_case(raw: str, expected: bool) -> None:
    assert load({**BASE, "AIGW_REQUIRE_USAGE_KEY": raw}).require_usage_key is expected


@pytest.mark.parametrize("raw", ["", "yes", "1", "0", "truee"])
def test_any_other_usage_key_switch_is_refused(raw: str) -> None:
    with pytest.raises(ConfigError, match=r"^AIGW_REQUIRE_USAGE_KEY must be true or false$"):
        load({**BASE, "AIGW_REQUIRE_USAGE_KEY": raw})


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(("name", "field", "default", "low", "high"), NUMBERS)
def test_a_number_setting_defaults_when_unset(
    name: str, field: str, default: float, low: float, high: float
) -> None:
    assert getattr(load(BASE), field) == default


@pytest.mark.parametrize(("name", "field", "default", "low", "high"), NUMBERS)
def test_a_number_setting_defaults_when_empty(
    name: str, field: str, default: float, low: float, high: float
) -> None:
    assert getattr(load({**BASE, name: ""}), field) == default


@pytest.mark.parametrize(("name", "field", "default", "low", "high"), NUMBERS)
def test_a_number_setting_accepts_its_bounds(
    name: str, field: str, default: float, low: float, high: float
) -> None:
    assert getattr(load({**BASE, name: repr(low)}), field) == low
    assert getattr(load({**BASE, name: repr(high)}), field) == high


@pytest.mark.parametrize(("name", "field", "default", "low", "high"), NUMBERS)
def test_a_number_setting_reads_fractions(
    name: str, field: str, default: float, low: float, high: float
) -> None:
    assert getattr(load({**BASE, name: "1.5"}), field) == 1.5


@pytest.mark.parametrize(("name", "field", "default", "low", "high"), NUMBERS)
def test_a_number_below_its_range_is_refused(
    name: str, field: str, default: float, low: float, high: float
) -> None:
    below = low - 0.05
    with pytest.raises(ConfigError) as err:
        load({**BASE, name: repr(below)})
    assert str(err.value) == f"{name} must be between {low:g} and {high:g}, got {below:g}"


@pytest.mark.parametrize(("name", "field", "default", "low", "high"), NUMBERS)
def test_a_number_above_its_range_is_refused(
    name: str, field: str, default: float, low: float, high: float
) -> None:
    with pytest.raises(ConfigError) as err:
        load({**BASE, name: repr(high + 1)})
    assert str(err.value) == f"{name} must be between {low:g} and {high:g}, got {high + 1:g}"


@pytest.mark.parametrize(("name", "field", "default", "low", "high"), NUMBERS)
@pytest.mark.parametrize("raw", ["soon", "nan", "1,5"])
def test_a_number_setting_that_is_not_a_number_in_range_is_refused(
    name: str, field: str, default: float, low: float, high: float, raw: str
) -> None:
    with pytest.raises(ConfigError, match=f"^{name} must be"):
        load({**BASE, name: raw})


def test_the_not_a_number_message_quotes_the_value() -> None:
    with pytest.raises(ConfigError) as err:
        load({**BASE, "AIGW_JWKS_TIMEOUT_SECONDS": "2s"})
    assert str(err.value) == "AIGW_JWKS_TIMEOUT_SECONDS must be a number, got '2s'"


def test_number_settings_are_independent() -> None:
    cfg = load(
        {
            **BASE,
            "AIGW_JWT_LEEWAY_SECONDS": "1",
            "AIGW_JWKS_CACHE_SECONDS": "2",
            "AIGW_JWKS_TIMEOUT_SECONDS": "3",
            "AIGW_JWKS_FAILURE_CACHE_SECONDS": "4",
            "AIGW_JWKS_STALE_IF_ERROR_SECONDS": "5",
        }
    )
    assert (
        cfg.leeway_seconds,
        cfg.jwks_cache_seconds,
        cfg.jwks_timeout_seconds,
        cfg.jwks_failure_cache_seconds,
        cfg.jwks_stale_if_error_seconds,
    ) == (1.0, 2.0, 3.0, 4.0, 5.0)


# --------------------------------------------------------------------------- issuers


@pytest.mark.parametrize("raw", ["", "[]"])
def test_no_issuers_when_unset_or_empty(raw: str) -> None:
    assert load({**BASE, "AIGW_JWT_ISSUERS": raw}).issuers == ()


def test_an_issuer_is_read_with_its_defaults() -> None:
    assert load(issuers(ISSUER)).issuers == (
        Issuer("https://i", "https://i/jwks", frozenset({"api"}), "aud", "tenant"),
    )


def test_issuers_keep_their_order() -> None:
    second = {**ISSUER, "issuer": "https://j"}
    assert [i.issuer for i in load(issuers(ISSUER, second)).issuers] == ["https://i", "https://j"]


def test_the_default_tenant_claim_applies_to_every_issuer() -> None:
    env = {**issuers(ISSUER), "AIGW_JWT_TENANT_CLAIM": "org"}
    assert load(env).issuers[0].tenant_claim == "org"


def test_an_empty_default_tenant_claim_is_tenant() -> None:
    env = {**issuers(ISSUER), "AIGW_JWT_TENANT_CLAIM": ""}
    assert load(env).issuers[0].tenant_claim == "tenant"


def test_an_issuer_may_name_its_own_tenant_claim() -> None:
    env = {**issuers({**ISSUER, "tenant_claim": "team"}), "AIGW_JWT_TENANT_CLAIM": "org"}
    assert load(env).issuers[0].tenant_claim == "team"


def test_client_id_may_replace_aud() -> None:
    assert load(issuers({**ISSUER, "audience_claim": "client_id"})).issuers[0].audience_claim == (
        "client_id"
    )


def test_several_audiences_are_kept() -> None:
    cfg = load(issuers({**ISSUER, "audiences": ["a", "b"]}))
    assert cfg.issuers[0].audiences == frozenset({"a", "b"})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{", "AIGW_JWT_ISSUERS must be a JSON list ("),
        ('{"issuer": "https://i"}', "AIGW_JWT_ISSUERS must be a JSON list"),
        ('"[]"', "AIGW_JWT_ISSUERS must be a JSON list"),
        ("[1]", "AIGW_JWT_ISSUERS[0] must be an object"),
        ('[{"a": 1, "a": 2}]', "AIGW_JWT_ISSUERS must be a JSON list ("),
        ('[{"issuer": "\ud800"}]', "AIGW_JWT_ISSUERS must be a JSON list ("),
    ],
)
def test_issuers_that_are_not_a_list_of_objects_are_refused(raw: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        load({**BASE, "AIGW_JWT_ISSUERS": raw})
    assert str(err.value).startswith(message)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"issuer": DROP}, "AIGW_JWT_ISSUERS[1].issuer is required"),
        ({"issuer": ""}, "AIGW_JWT_ISSUERS[1].issuer is required"),
        ({"issuer": 1}, "AIGW_JWT_ISSUERS[1].issuer is required"),
        ({"jwks_uri": DROP}, "AIGW_JWT_ISSUERS[1].jwks_uri is required"),
        ({"jwks_uri": ""}, "AIGW_JWT_ISSUERS[1].jwks_uri is required"),
        ({"jwks_uri": ["https://i/jwks"]}, "AIGW_JWT_ISSUERS[1].jwks_uri is required"),
        ({"audiences": DROP}, "AIGW_JWT_ISSUERS[1].audiences must be a non-empty list of strings"),
        ({"audiences": "api"}, "AIGW_JWT_ISSUERS[1].audiences must be a non-empty list of strings"),
        ({"audiences": []}, "AIGW_JWT_ISSUERS[1].audiences must be a non-empty list of strings"),
        (
            {"audiences": ["api", 1]},
            "AIGW_JWT_ISSUERS[1].audiences must be a non-empty list of strings",
        ),
        (
            {"audiences": ["api", ""]},
            "AIGW_JWT_ISSUERS[1].audiences must be a non-empty list of strings",
        ),
        ({"audience_claim": "azp"}, "AIGW_JWT_ISSUERS[1].audience_claim must be aud or client_id"),
        ({"audience_claim": None}, "AIGW_JWT_ISSUERS[1].audience_claim must be aud or client_id"),
        ({"tenant_claim": ""}, "AIGW_JWT_ISSUERS[1].tenant_claim must be a string"),
        ({"tenant_claim": None}, "AIGW_JWT_ISSUERS[1].tenant_claim must be a string"),
        ({"tenant_claim": 7}, "AIGW_JWT_ISSUERS[1].tenant_claim must be a string"),
    ],
)
def test_a_bad_issuer_entry_is_refused_by_position(change: dict[str, Any], message: str) -> None:
    bad = {k: v for k, v in {**ISSUER, **change}.items() if v is not DROP}
    with pytest.raises(ConfigError) as err:
        load(issuers(ISSUER, bad))
    assert str(err.value) == message


# ------------------------------------------------------------ settings reach the cache


def test_the_jwks_settings_reach_the_jwks_cache() -> None:
    from authorizer.core import jwks_cache_for

    cfg = load(
        {
            **BASE,
            "AIGW_JWKS_CACHE_SECONDS": "11",
            "AIGW_JWKS_TIMEOUT_SECONDS": "3.5",
            "AIGW_JWKS_FAILURE_CACHE_SECONDS": "12",
            "AIGW_JWKS_STALE_IF_ERROR_SECONDS": "13",
        }
    )
    cache = jwks_cache_for(cfg)
    assert (
        cache.ttl_seconds,
        cache.timeout_seconds,
        cache.failure_cache_seconds,
        cache.stale_if_error_seconds,
    ) == (11.0, 3.5, 12.0, 13.0)


def test_the_fetch_timeout_is_the_configured_one() -> None:
    from authorizer.core import jwks_cache_for

    timeouts: list[float] = []

    def fetcher(url: str, timeout: float) -> dict[str, Any]:
        timeouts.append(timeout)
        return {}

    cache = jwks_cache_for(load({**BASE, "AIGW_JWKS_TIMEOUT_SECONDS": "3.5"}), fetcher=fetcher)
    assert cache.get_key("https://i/jwks", "k1") is None
    assert timeouts == [3.5]
