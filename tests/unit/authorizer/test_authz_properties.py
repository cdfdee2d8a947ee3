"""Properties of the Lambda entry point over untrusted input: it never raises anything
but ``Exception("Unauthorized")`` and never allows what the documented rules refuse.

Inputs: arbitrary credential text, arbitrary bytes in each token segment (signed with
the real key, so they reach the parsers), and arbitrary JSON values, written as raw JSON
text so they include what ``json.dumps`` cannot produce (``NaN``, ``Infinity``,
``1e400``, integers past the int/str conversion limit), in each claim and each header
field of an otherwise valid, correctly signed token.
"""

from __future__ import annotations

import json
import math
from typing import Any, NamedTuple

import pytest
from authz_fixtures import (
    AUDIENCE,
    ISSUER,
    NOW,
    FakeClock,
    FakeFetcher,
    MemoryStore,
    SigningKey,
    b64u,
    bearer_outcome,
    fake_authorizer,
    handler_outcome,
    raw_token,
)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from authorizer.core import Authorizer

LEEWAY = 30
MAX_DATE = 253_402_300_799  # docs/identity.md: time claims lie in 0..9999-12-31T23:59:59Z
MAX_TOKEN = 8192
MAX_HEADER_SEGMENT = 1024
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Json(NamedTuple):
    """A JSON text, the value a conforming reader sees, and whether the authorizer must
    refuse the document it appears in whatever the field (non-finite or over-long
    numbers)."""

    text: str
    value: Any
    poison: bool


def _leaf(text: str, value: Any = None, poison: bool = False) -> Json:
    return Json(text, value, poison)


def _int(i: int) -> Json:
    return Json(str(i), i, len(str(abs(i))) > 64)


def _float(f: float) -> Json:
    return Json(json.dumps(f), f, False)


def _string(s: str) -> Json:
    return Json(json.dumps(s), s, False)


SPECIAL_STRINGS = [
    ISSUER,
    AUDIENCE,
    "RS256",
    "ES256",
    "none",
    "HS256",
    "rsa-1",
    "ec-1",
    "acme",
    "JWT",
    "at+JWT",
    "application/jwt",
    "",
    "ACME",
    "acme\x00",
]

LEAVES = st.one_of(
    st.sampled_from([_leaf("null"), _leaf("true", True), _leaf("false", False)]),
    st.sampled_from(
        [_leaf(t, poison=True) for t in ("NaN", "Infinity", "-Infinity", "1e400", "-1E999")]
    ),
    st.integers(min_value=NOW - 3 * LEEWAY, max_value=NOW + 3 * LEEWAY).map(_int),
    st.integers(min_value=-(10**70), max_value=10**70).map(_int),
    st.sampled_from([0, -1, MAX_DATE, MAX_DATE + 1, 2**53, 2**63, 2**64]).map(_int),
    st.integers(min_value=4290, max_value=4500).map(
        lambda n: _leaf("9" * n, poison=True)  # past CPython's int/str conversion limit
    ),
    st.floats(allow_nan=False, allow_infinity=False).map(_float),
    st.floats(min_value=NOW - 3 * LEEWAY, max_value=NOW + 3 * LEEWAY).map(_float),
    st.text(max_size=20).map(_string),
    st.sampled_from(SPECIAL_STRINGS).map(_string),
)


def _array(items: list[Json]) -> Json:
    return Json(
        "[" + ",".join(i.text for i in items) + "]",
        [i.value for i in items],
        any(i.poison for i in items),
    )


def _object(members: dict[str, Json]) -> Json:
    return Json(
        "{" + ",".join(f"{json.dumps(k)}:{v.text}" for k, v in members.items()) + "}",
        {k: v.value for k, v in members.items()},
        any(v.poison for v in members.values()),
    )


JSON_VALUES = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=4).map(_array),
        st.dictionaries(st.text(max_size=6), children, max_size=4).map(_object),
    ),
    max_leaves=12,
)


# ------------------------------------------------------------------- the oracle
# What docs/identity.md says about each field, written independently of the code.


def _is_number(v: Any) -> bool:
    return type(v) in (int, float) and math.isfinite(v) and 0 <= v <= MAX_DATE


def _claim_ok(name: str, v: Any) -> bool:
    if name == "iss":
        return v == ISSUER
    if name == "aud":
        return v == AUDIENCE or (isinstance(v, list) and AUDIENCE in v)
    if name == "exp":
        return _is_number(v) and NOW < v + LEEWAY
    if name == "nbf":
        return v is None or (_is_number(v) and NOW + LEEWAY >= v)
    if name == "iat":
        return _is_number(v) and v <= NOW + LEEWAY
    return True  # sub and claims the authorizer does not read


def _header_ok(name: str, v: Any) -> bool:
    if name == "alg":
        return v == "RS256"
    if name == "kid":
        return v == "rsa-1"
    if name == "typ":
        return v is None or (
            isinstance(v, str)
            and v.lower() in ("jwt", "at+jwt", "application/jwt", "application/at+jwt")
        )
    if name in ("crit", "jku", "jwk", "x5u", "x5c"):
        return False  # refused whatever their value
    return True


def _valid_claims() -> dict[str, Any]:
    return {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "u",
        "tenant": "acme",
        "iat": NOW,
        "nbf": NOW,
        "exp": NOW + 600,
    }


def _with_member(members: dict[str, Any], name: str, value: Json) -> str:
    """JSON object text with ``name`` set to the raw ``value`` text."""
    rest = {k: v for k, v in members.items() if k != name}
    body = json.dumps(rest)
    return body[:-1] + f", {json.dumps(name)}: {value.text}}}"


def _authorizer(rsa_key: SigningKey) -> Authorizer:
    store = MemoryStore()
    store.add_tenant("acme")
    return fake_authorizer(store, FakeFetcher(rsa_key), FakeClock(NOW), leeway=LEEWAY)


def _size_ok(token: str) -> bool:
    return len(token) <= MAX_TOKEN and len(token.split(".")[0]) <= MAX_HEADER_SEGMENT


CLAIMS = ["iss", "aud", "exp", "nbf", "iat", "tenant", "sub", "x-other"]
HEADERS = ["alg", "kid", "typ", "crit", "jku", "jwk", "x5u", "x5c", "x-other"]


@pytest.mark.parametrize("claim", CLAIMS)
@PROPERTY
@given(value=JSON_VALUES)
@example(value=_leaf("NaN", poison=True))
@example(value=_leaf("1" + "0" * 4400, poison=True))
@example(value=_leaf("1e400", poison=True))
@example(value=_int(10**65))
def test_any_json_value_in_a_claim(rsa_key: SigningKey, claim: str, value: Json) -> None:
    header = json.dumps({"alg": "RS256", "kid": rsa_key.kid, "typ": "JWT"})
    token = raw_token(rsa_key, header, _with_member(_valid_claims(), claim, value))
    outcome = bearer_outcome(_authorizer(rsa_key), token)
    if value.poison or not _size_ok(token) or not _claim_ok(claim, value.value):
        expected = "unauthorized"
    elif claim == "tenant":
        expected = "allow" if value.value == "acme" else "deny"
    else:
        expected = "allow"
    assert outcome == expected, (claim, value.text[:200])


@pytest.mark.parametrize("field", HEADERS)
@PROPERTY
@given(value=JSON_VALUES)
@example(value=_leaf("Infinity", poison=True))
@example(value=_string("RS256"))
def test_any_json_value_in_a_header_field(rsa_key: SigningKey, field: str, value: Json) -> None:
    header = _with_member({"alg": "RS256", "kid": rsa_key.kid, "typ": "JWT"}, field, value)
    token = raw_token(rsa_key, header, json.dumps(_valid_claims()))
    outcome = bearer_outcome(_authorizer(rsa_key), token)
    if value.poison or not _size_ok(token) or not _header_ok(field, value.value):
        expected = "unauthorized"
    else:
        expected = "allow"
    assert outcome == expected, (field, value.text[:200])


@PROPERTY
@given(payload=JSON_VALUES)
def test_any_json_document_as_the_payload(rsa_key: SigningKey, payload: Json) -> None:
    """Whole payloads of any shape: only a valid claim set may be allowed."""
    header = json.dumps({"alg": "RS256", "kid": rsa_key.kid})
    outcome = bearer_outcome(_authorizer(rsa_key), raw_token(rsa_key, header, payload.text))
    value = payload.value
    valid = (
        not payload.poison
        and isinstance(value, dict)
        and all(_claim_ok(c, value.get(c)) for c in ("iss", "aud", "exp", "nbf", "iat"))
    )
    assert outcome in (("allow", "deny") if valid else ("unauthorized",))


SEGMENT = st.binary(max_size=300)


@PROPERTY
@given(header=SEGMENT, payload=SEGMENT, signature=SEGMENT, signed=st.booleans())
def test_arbitrary_segment_bytes(
    rsa_key: SigningKey, header: bytes, payload: bytes, signature: bytes, signed: bool
) -> None:
    """Bytes in each segment (a header that starts like JSON so the token looks like a
    JWT); when ``signed``, a real signature over them, so the bytes reach every parser."""
    json_like = b'{"' + header
    signing_input = f"{b64u(json_like)}.{b64u(payload)}"
    sig = rsa_key.sign(signing_input.encode()) if signed else signature
    token = f"{signing_input}.{b64u(sig)}"
    assert bearer_outcome(_authorizer(rsa_key), token) == "unauthorized"


@PROPERTY
@given(
    text=st.text(max_size=400)
    | st.text(alphabet="eyJ0123456789abcdefABCDEF_-.=+/ ", max_size=400)
    | st.text(max_size=40).map(lambda t: "aigw-dev-" + t),
    where=st.sampled_from(["bearer", "x-api-key", "authorization"]),
)
def test_arbitrary_credential_text(rsa_key: SigningKey, text: str, where: str) -> None:
    headers = {
        "bearer": {"Authorization": f"Bearer {text}"},
        "x-api-key": {"x-api-key": text},
        "authorization": {"Authorization": text},
    }[where]
    assert handler_outcome(_authorizer(rsa_key), headers) == "unauthorized"
