"""Numbers from outside: bounded JSON numbers in tokens and JWKS documents, and time
claims that are finite NumericDates in 0..9999-12-31. Every bad value is a 401 (token)
or a fail-closed JwksUnavailable (document), never an escaping exception."""

from __future__ import annotations

import json

import pytest
from authz_fixtures import (
    NOW,
    FakeClock,
    FakeFetcher,
    JwksServer,
    MemoryStore,
    SigningKey,
    bearer,
    bearer_outcome,
    fake_authorizer,
    fixed_claims,
    raw_token,
)

from authorizer import strictjson
from authorizer.config import Config
from authorizer.core import Authorizer, AuthorizerUnavailable
from authorizer.jwks import JwksCache, JwksUnavailable, fetch_jwks

MAX_NUMERIC_DATE = 253_402_300_799  # 9999-12-31T23:59:59Z, the documented bound
HUGE_INT = "1" + "0" * 4400  # past CPython's int/str conversion limit (4300 digits)


def _payload_with(name: str, literal: str) -> str:
    """The valid claims with ``name`` set to a raw JSON literal."""
    body = json.dumps(fixed_claims(**{name: None}))
    return body[:-1] + f', "{name}": {literal}}}'


def _header_with(key: SigningKey, name: str, literal: str) -> str:
    return json.dumps({"alg": key.alg, "kid": key.kid})[:-1] + f', "{name}": {literal}}}'


@pytest.fixture
def authz(store: MemoryStore, rsa_key: SigningKey) -> Authorizer:
    return fake_authorizer(store, FakeFetcher(rsa_key), FakeClock(NOW))


@pytest.mark.parametrize(
    ("where", "name", "literal"),
    [
        ("payload", "exp", str(NOW + 600)),
        ("payload", "x-unrelated", "12345678901234567890"),
        ("payload", "x-unrelated", "-1.5e300"),
        ("header", "x-unrelated", "1.5"),
    ],
)
def test_the_control_token_with_ordinary_numbers_is_allowed(
    authz: Authorizer, rsa_key: SigningKey, where: str, name: str, literal: str
) -> None:
    """The control for every case below: the same construction with a good number."""
    header = json.dumps({"alg": "RS256", "kid": rsa_key.kid})
    payload = json.dumps(fixed_claims())
    if where == "payload":
        payload = _payload_with(name, literal)
    else:
        header = _header_with(rsa_key, name, literal)
    assert bearer_outcome(authz, raw_token(rsa_key, header, payload)) == "allow"


@pytest.mark.parametrize(
    ("claim", "literal"),
    [
        ("exp", HUGE_INT),  # ValueError from the parser
        ("x-unrelated", HUGE_INT),
        ("x-unrelated", "-" + HUGE_INT),
        ("exp", "NaN"),  # never expires
        ("exp", "Infinity"),
        ("exp", "1e400"),  # parses to inf
        ("exp", "1" + "0" * 400),  # OverflowError in float()
        ("exp", "1e19"),  # finite but beyond 9999-12-31
        ("exp", str(MAX_NUMERIC_DATE + 1)),
        ("exp", "true"),
        ("exp", '"1800000600"'),
        ("exp", "null"),
        ("exp", "[1800000600]"),
        ("nbf", "NaN"),  # skips the check
        ("nbf", "-Infinity"),
        ("nbf", "-1"),
        ("nbf", "1e400"),
        ("iat", "NaN"),
        ("iat", "1" + "0" * 400),
        ("iat", "-1e400"),
        ("iat", "-0.5"),
        ("iat", "false"),
        ("iat", "null"),
        ("x-unrelated", "[NaN]"),
        ("x-unrelated", '{"deep": -Infinity}'),
    ],
)
def test_bad_numbers_in_the_payload_are_a_401(
    authz: Authorizer, rsa_key: SigningKey, claim: str, literal: str
) -> None:
    header = json.dumps({"alg": "RS256", "kid": rsa_key.kid})
    token = raw_token(rsa_key, header, _payload_with(claim, literal))
    assert len(token) <= 8192  # the literal reaches the parser, not the size check
    assert bearer_outcome(authz, token) == "unauthorized"


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "1" + "0" * 65])
def test_bad_numbers_in_the_header_are_a_401(
    authz: Authorizer, rsa_key: SigningKey, literal: str
) -> None:
    token = raw_token(rsa_key, _header_with(rsa_key, "x", literal), json.dumps(fixed_claims()))
    assert bearer_outcome(authz, token) == "unauthorized"


def test_deep_nesting_in_the_payload_is_a_401(authz: Authorizer, rsa_key: SigningKey) -> None:
    header = json.dumps({"alg": "RS256", "kid": rsa_key.kid})
    token = raw_token(rsa_key, header, _payload_with("x", "[" * 3000 + "]" * 3000))
    assert bearer_outcome(authz, token) == "unauthorized"


def test_time_claims_at_the_bounds_are_accepted(authz: Authorizer, rsa_key: SigningKey) -> None:
    header = json.dumps({"alg": "RS256", "kid": rsa_key.kid})
    ok = {"exp": MAX_NUMERIC_DATE, "nbf": 0, "iat": 0.0}
    assert bearer_outcome(authz, raw_token(rsa_key, header, json.dumps(fixed_claims(**ok)))) == (
        "allow"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"NaN", "NaN"),
        (b"[Infinity]", "Infinity"),
        (b"-Infinity", "-Infinity"),
        (b"1e400", "out of range"),
        (b"-1e400", "out of range"),
        (HUGE_INT.encode(), "64 digits"),
        (("9" * 65).encode(), "64 digits"),
        (b"[" * 100_000 + b"]" * 100_000, "nested"),
        (b'{"a": 1, "a": 2}', "duplicate"),
        (b"\xff", "UTF-8"),
        ('{"a": 1}'.encode("utf-16"), "UTF-8"),
        (b"{", "not JSON"),
    ],
)
def test_strict_json_refuses_with_one_exception_type(text: bytes, message: str) -> None:
    with pytest.raises(strictjson.JsonRejected, match=message):
        strictjson.loads(text)


def test_strict_json_keeps_ordinary_values() -> None:
    doc = b'{"a": [1, -2, 3.5, -0.25, 1e308, "x", true, null], "b": {"c": %s}}' % (b"9" * 64)
    assert strictjson.loads(doc) == {
        "a": [1, -2, 3.5, -0.25, 1e308, "x", True, None],
        "b": {"c": int("9" * 64)},
    }
    assert strictjson.loads(b'{"a": 1, "a": 2}', reject_duplicates=False) == {"a": 2}


@pytest.mark.parametrize(
    "body",
    [
        b'{"keys": [], "x": NaN}',
        b'{"keys": [{"kty": "RSA", "kid": "k", "n": "AQAB", "e": "AQAB", "x": Infinity}]}',
        b'{"keys": [], "x": 1e400}',
        b'{"keys": [], "x": ' + HUGE_INT.encode() + b"}",
        b'{"keys": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        '{"keys": []}'.encode("utf-16"),
        b"not json",
    ],
)
def test_a_bad_jwks_document_is_jwks_unavailable(jwks_server: JwksServer, body: bytes) -> None:
    jwks_server.body = body
    with pytest.raises(JwksUnavailable):
        fetch_jwks(jwks_server.url, 2)


@pytest.mark.parametrize(
    "raw",
    [
        b"HTTP/1.1 abc Broken\r\n\r\n",  # BadStatusLine
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{",  # IncompleteRead
        b"HTTP/1.1 200 OK\r\n" + b"X: " + b"a" * 70_000 + b"\r\n\r\n",  # LineTooLong
    ],
)
def test_a_broken_http_answer_is_jwks_unavailable(jwks_server: JwksServer, raw: bytes) -> None:
    jwks_server.raw_response = raw
    with pytest.raises(JwksUnavailable):
        fetch_jwks(jwks_server.url, 2)


@pytest.fixture
def authz_http(config: Config, store: MemoryStore) -> Authorizer:
    return Authorizer(config, store, JwksCache(), clock=FakeClock(NOW))


def test_a_bad_jwks_document_fails_closed_through_the_authorizer(
    authz_http: Authorizer, jwks_server: JwksServer, rsa_key: SigningKey
) -> None:
    jwks_server.body = b'{"keys": [], "x": ' + HUGE_INT.encode() + b"}"
    header = json.dumps({"alg": "RS256", "kid": rsa_key.kid})
    token = raw_token(rsa_key, header, json.dumps(fixed_claims()))
    with pytest.raises(AuthorizerUnavailable):
        authz_http.authorize(bearer(token))


@pytest.mark.parametrize(
    "header",
    [
        json.dumps({"alg": "A" * 700, "kid": "rsa-1"}),
        '{"alg": "RS256", "kid": "rsa-1", "K": 1, "K": 2}'.replace("K", "k" * 300),
    ],
)
def test_refusal_reasons_quote_at_most_a_short_prefix_of_token_text(
    authz: Authorizer, rsa_key: SigningKey, header: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The decision log quotes header text in its reason; a long value stays out of it."""
    token = raw_token(rsa_key, header, json.dumps(fixed_claims()))
    assert bearer_outcome(authz, token) == "unauthorized"
    (line,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert line["decision"] == "unauthorized" and len(line["reason"]) < 120, line["reason"]
