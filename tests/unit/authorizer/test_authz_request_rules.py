"""From the request to the credential: which header carries it (docs/identity.md, "How a
request is authorized"), the stage read from API Gateway's methodArn
(``arn:<partition>:execute-api:<region>:<account>:<api id>/<stage>/<method>/<path>``),
which kind of credential it is, and the one log line written per decision."""

from __future__ import annotations

import json
import time

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
)

from authorizer.config import Config
from authorizer.core import (
    MAX_CREDENTIAL_LENGTH,
    Authorizer,
    AuthRequest,
    Decision,
    extract_credential,
    method_arn_stage,
)
from authorizer.jose import looks_like_jwt

NOT_BEARER = "authorization header is not a bearer credential"

# --------------------------------------------------------------- extract_credential


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"authorization": "Bearer tok"}, ("tok", None)),
        ({"authorization": "bearer tok"}, ("tok", None)),  # RFC 7235: scheme is case-insensitive
        ({"authorization": "BEARER tok"}, ("tok", None)),
        # RFC 7235 section 2.1: the scheme and the credentials are separated by 1*SP.
        ({"authorization": "Bearer   tok"}, ("tok", None)),
        ({"authorization": "  Bearer tok  "}, ("tok", None)),
        ({"x-api-key": "key"}, ("key", None)),
        ({"x-api-key": "  key "}, ("key", None)),
        ({"authorization": "Bearer same", "x-api-key": "same"}, ("same", None)),
        ({"authorization": "Bearer same", "x-api-key": " same "}, ("same", None)),
    ],
)
def test_the_credential_is_taken_from_either_header(
    headers: dict[str, str], expected: tuple[str, None]
) -> None:
    assert extract_credential(headers) == expected


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({}, "no credential"),
        ({"x-api-key": ""}, "no credential"),
        ({"x-api-key": "   "}, "no credential"),
        ({"other": "Bearer tok"}, "no credential"),
        ({"authorization": "Basic dXNlcjpwYXNz"}, NOT_BEARER),
        ({"authorization": "Bearer"}, NOT_BEARER),
        ({"authorization": "Bearer    "}, NOT_BEARER),
        ({"authorization": "tok"}, NOT_BEARER),
        ({"authorization": "Bearertok x"}, NOT_BEARER),
        # A bad Authorization header is not rescued by a good x-api-key.
        ({"authorization": "Basic x", "x-api-key": "key"}, NOT_BEARER),
        (
            {"authorization": "Bearer one", "x-api-key": "two"},
            "conflicting credentials in authorization and x-api-key",
        ),
    ],
)
def test_what_is_not_one_credential_is_named(headers: dict[str, str], problem: str) -> None:
    assert extract_credential(headers) == (None, problem)


def test_an_empty_x_api_key_beside_a_bearer_does_not_conflict() -> None:
    assert extract_credential({"authorization": "Bearer tok", "x-api-key": ""}) == ("tok", None)


def test_the_credential_limit_is_8192_characters_inclusive() -> None:
    assert MAX_CREDENTIAL_LENGTH == 8192
    at_limit, over = "a" * 8192, "a" * 8193
    assert extract_credential({"authorization": f"Bearer {at_limit}"}) == (at_limit, None)
    assert extract_credential({"x-api-key": at_limit}) == (at_limit, None)
    assert extract_credential({"authorization": f"Bearer {over}"}) == (
        None,
        "credential too large",
    )
    assert extract_credential({"x-api-key": over}) == (None, "credential too large")


# ----------------------------------------------------------------- method_arn_stage


@pytest.mark.parametrize(
    ("arn", "stage"),
    [
        (METHOD_ARN, "dev"),
        ("arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/", "prod"),
        ("arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v2/*/v1/models", "v2"),
        ("arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:api1/gov/POST/x", "gov"),
        ("arn:aws-cn:execute-api:cn-north-1:123456789012:api1/cn/POST", "cn"),
    ],
)
def test_the_stage_is_the_segment_after_the_api_id(arn: str, stage: str) -> None:
    assert method_arn_stage(arn) == stage


@pytest.mark.parametrize(
    "arn",
    [
        "",
        "*",
        "arn:aws:lambda:us-east-1:123456789012:function:f",
        "arn:aws:execute-api:us-east-1:12345678901:abc123/dev/POST/x",  # 11-digit account
        "arn:aws:execute-api:us-east-1:123456789012:abc123",  # no stage
        "arn:aws:execute-api:us-east-1:123456789012:abc123//POST/x",  # empty stage
        "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/post/x",  # method in lower case
    ],
)
def test_what_is_not_a_method_arn_has_no_stage(arn: str) -> None:
    assert method_arn_stage(arn) is None


# ------------------------------------------------------------------ the decision


@pytest.fixture
def parts(rsa_key: SigningKey) -> tuple[Authorizer, MemoryStore, FakeClock]:
    store, clock = MemoryStore(), FakeClock()
    store.add_tenant("acme")
    return fake_authorizer(store, FakeFetcher(rsa_key), clock), store, clock


def decide(authz: Authorizer, headers: dict[str, str], arn: str = METHOD_ARN) -> Decision:
    return authz.authorize(AuthRequest(arn, headers))


def outcome(authz: Authorizer, headers: dict[str, str], arn: str = METHOD_ARN) -> tuple[str, str]:
    d = decide(authz, headers, arn)
    return d.effect, d.reason


def test_a_request_without_a_method_arn_stage_is_unauthorized(
    parts: tuple[Authorizer, MemoryStore, FakeClock],
) -> None:
    authz, store, _ = parts
    key = store.issue_key("acme")
    assert outcome(authz, {"x-api-key": key}, "not-an-arn") == (
        "unauthorized",
        "method ARN not recognised",
    )


def test_a_request_for_another_stage_is_unauthorized(
    parts: tuple[Authorizer, MemoryStore, FakeClock],
) -> None:
    authz, store, _ = parts
    key = store.issue_key("acme")
    prod = METHOD_ARN.replace("/dev/", "/prod/")
    assert outcome(authz, {"x-api-key": key}, prod) == (
        "unauthorized",
        "request stage differs from the authorizer stage",
    )
    assert outcome(authz, {"x-api-key": key}) == ("allow", "ok")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "no credential"),
        ({"authorization": "Basic dXNlcjpwYXNz"}, NOT_BEARER),
        (
            {"authorization": "Bearer a", "x-api-key": "b"},
            "conflicting credentials in authorization and x-api-key",
        ),
        ({"x-api-key": "x" * 8193}, "credential too large"),
    ],
)
def test_the_credential_problem_is_the_reason(
    parts: tuple[Authorizer, MemoryStore, FakeClock], headers: dict[str, str], reason: str
) -> None:
    assert outcome(parts[0], headers) == ("unauthorized", reason)


@pytest.mark.parametrize(
    "credential",
    [
        "sk-proj-0123456789",  # an OpenAI key sent to the gateway by mistake
        "aigw",
        "aigwdev0123",
        "eyJhbGciOiJSUzI1NiJ9",  # base64url JSON, but not three segments
        "eyJ.a.b.c",
        "a.b.c",  # three segments, but not a JSON object header
        "EYJ.a.b",
        "eyj.a.b",
    ],
)
def test_a_credential_of_neither_kind_is_unauthorized(
    parts: tuple[Authorizer, MemoryStore, FakeClock], credential: str
) -> None:
    assert not looks_like_jwt(credential)
    assert outcome(parts[0], {"authorization": f"Bearer {credential}"}) == (
        "unauthorized",
        "credential is neither an aigw key nor a JWT",
    )


def test_a_compact_jws_goes_to_the_jwt_rules(
    parts: tuple[Authorizer, MemoryStore, FakeClock], rsa_key: SigningKey
) -> None:
    authz = parts[0]
    assert looks_like_jwt("eyJ.a.b")
    assert outcome(authz, {"authorization": "Bearer eyJ.a.b"}) == (
        "unauthorized",
        "jwt: segment is not canonical base64url",
    )
    token = make_token(rsa_key, fixed_claims())
    d = decide(authz, {"authorization": f"Bearer {token}"})
    assert (d.effect, d.context["auth_method"], d.context["subject"]) == ("allow", "jwt", "user-1")
    assert d.resources == ["arn:aws:execute-api:us-east-1:123456789012:abc123/dev/*/*"]


def test_an_aigw_prefixed_credential_goes_to_the_key_rules(
    parts: tuple[Authorizer, MemoryStore, FakeClock],
) -> None:
    authz, store, _ = parts
    assert outcome(authz, {"x-api-key": "aigw-dev-short"}) == ("unauthorized", "malformed aigw key")
    key = store.issue_key("acme")
    d = decide(authz, {"x-api-key": key})
    key_id = key.split("-")[2]
    assert (d.effect, d.principal_id, d.context["key_id"]) == ("allow", f"acme/{key_id}", key_id)
    assert d.resources == ["arn:aws:execute-api:us-east-1:123456789012:abc123/dev/*/*"]


# -------------------------------------------------------------- the default parts


def test_the_default_clock_is_the_wall_clock(rsa_key: SigningKey) -> None:
    store = MemoryStore()
    store.add_tenant("acme")
    authz = Authorizer(Config(stage="dev", tenants_table="t", keys_table="k"), store)
    expired = store.issue_key("acme", expires_at=time.time() - 60)
    valid = store.issue_key("acme", expires_at=time.time() + 3600)
    assert outcome(authz, {"x-api-key": expired}) == ("unauthorized", "key expired")
    assert outcome(authz, {"x-api-key": valid}) == ("allow", "ok")


def test_the_default_jwks_cache_takes_the_configured_lifetimes() -> None:
    cfg = Config(
        stage="dev",
        tenants_table="t",
        keys_table="k",
        jwks_cache_seconds=120,
        jwks_timeout_seconds=1.5,
        jwks_failure_cache_seconds=7,
        jwks_stale_if_error_seconds=900,
    )
    jwks = Authorizer(cfg, MemoryStore()).jwks
    assert (
        jwks.ttl_seconds,
        jwks.timeout_seconds,
        jwks.failure_cache_seconds,
        jwks.stale_if_error_seconds,
    ) == (120, 1.5, 7, 900)


def test_a_given_jwks_cache_is_used_as_it_is(rsa_key: SigningKey) -> None:
    fetcher = FakeFetcher(rsa_key)
    authz = fake_authorizer(MemoryStore(), fetcher, FakeClock())
    authz.store.add_tenant("acme")  # type: ignore[attr-defined]
    token = make_token(rsa_key, fixed_claims())
    assert outcome(authz, {"authorization": f"Bearer {token}"}) == ("allow", "ok")
    assert fetcher.calls == 1


# -------------------------------------------------------------------- the log line


def log_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    out = capsys.readouterr().out
    assert out.endswith("\n")
    return out.splitlines()


def test_an_allow_is_logged_with_tenant_key_and_method(
    parts: tuple[Authorizer, MemoryStore, FakeClock], capsys: pytest.CaptureFixture[str]
) -> None:
    authz, store, _ = parts
    key = store.issue_key("acme")
    capsys.readouterr()
    decide(authz, {"x-api-key": key})
    (line,) = log_lines(capsys)
    record = {
        "auth_method": "api_key",
        "decision": "allow",
        "key_id": key.split("-")[2],
        "logger": "aigw.authorizer",
        "reason": "ok",
        "tenant": "acme",
    }
    assert json.loads(line) == record
    # One line of JSON with its keys in sorted order, so lines are stable to compare.
    assert list(json.loads(line)) == sorted(record)
    assert key.split("-")[3] not in line  # never the secret


def test_a_refusal_without_an_identity_logs_empty_fields(
    parts: tuple[Authorizer, MemoryStore, FakeClock], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    decide(parts[0], {"authorization": "Bearer secret-1", "x-api-key": "secret-2"})
    (line,) = log_lines(capsys)
    assert json.loads(line) == {
        "auth_method": "",
        "decision": "unauthorized",
        "key_id": "",
        "logger": "aigw.authorizer",
        "reason": "conflicting credentials in authorization and x-api-key",
        "tenant": "",
    }
    assert "secret" not in line


def test_a_jwt_allow_logs_the_tenant_and_no_key_id(
    parts: tuple[Authorizer, MemoryStore, FakeClock],
    rsa_key: SigningKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token = make_token(rsa_key, fixed_claims())
    capsys.readouterr()
    decide(parts[0], {"authorization": f"Bearer {token}"})
    (line,) = log_lines(capsys)
    assert json.loads(line) == {
        "auth_method": "jwt",
        "decision": "allow",
        "key_id": "",
        "logger": "aigw.authorizer",
        "reason": "ok",
        "tenant": "acme",
    }
