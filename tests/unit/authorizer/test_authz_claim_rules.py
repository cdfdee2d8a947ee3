"""jose.check_claims on its own: issuer, audience (aud or client_id), and the exp / nbf /
iat boundaries with leeway (RFC 7519, 4.1.4-4.1.6). A fractional leeway and clock tell
``+`` from ``-`` and ``<`` from ``<=`` at each boundary."""

from __future__ import annotations

from typing import Any

import pytest

from authorizer.jose import MAX_NUMERIC_DATE, TokenInvalid, check_claims

NOW = 1_800_000_000.0
LEEWAY = 30.0
AUDS = frozenset({"api", "api-2"})


def claims(**overrides: Any) -> dict[str, Any]:
    base = {"iss": "https://i", "aud": "api", "iat": NOW, "nbf": NOW, "exp": NOW + 600}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def check(c: dict[str, Any], now: float = NOW, audience_claim: str = "aud") -> None:
    check_claims(
        c, issuer="https://i", audiences=AUDS, audience_claim=audience_claim, now=now, leeway=LEEWAY
    )


def reason(c: dict[str, Any], now: float = NOW, audience_claim: str = "aud") -> str:
    try:
        check(c, now, audience_claim)
    except TokenInvalid as exc:
        return str(exc)
    return "valid"


def test_a_token_with_every_claim_right_is_valid() -> None:
    assert reason(claims()) == "valid"


@pytest.mark.parametrize("iss", [None, "https://j", "https://i/", "HTTPS://I", ["https://i"]])
def test_the_issuer_must_be_the_configured_one(iss: Any) -> None:
    assert reason(claims(iss=iss)) == "wrong issuer"


@pytest.mark.parametrize("aud", ["api", "api-2", ["other", "api"], ["api"]])
def test_an_audience_of_the_issuer_is_accepted(aud: Any) -> None:
    assert reason(claims(aud=aud)) == "valid"


@pytest.mark.parametrize("aud", [None, "other", [], ["other"], [1, None], {"api": 1}, "API", 1])
def test_any_other_audience_is_refused(aud: Any) -> None:
    assert reason(claims(aud=aud)) == "wrong audience"


def test_with_client_id_the_audience_is_read_from_it() -> None:
    assert reason(claims(aud=None, client_id="api"), audience_claim="client_id") == "valid"


def test_with_client_id_an_aud_claim_does_not_count() -> None:
    c = claims(aud="api", client_id="other")
    assert reason(c, audience_claim="client_id") == "wrong audience"


@pytest.mark.parametrize("name", ["exp", "iat"])
def test_exp_and_iat_are_required(name: str) -> None:
    assert reason(claims(**{name: None})) == f"claim {name} missing"


def test_nbf_is_optional() -> None:
    assert reason(claims(nbf=None)) == "valid"


@pytest.mark.parametrize("name", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", [True, False, "1800000000", [NOW], {"t": NOW}])
def test_a_time_claim_must_be_a_number(name: str, value: Any) -> None:
    assert reason(claims(**{name: value})) == f"claim {name} is not a number"


@pytest.mark.parametrize("name", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", [-1, -0.5, MAX_NUMERIC_DATE + 1, 10**400, float("nan")])
def test_a_time_claim_must_be_in_range(name: str, value: Any) -> None:
    assert reason(claims(**{name: value})) == f"claim {name} is out of range"


def test_the_range_includes_zero() -> None:
    assert reason(claims(iat=0, nbf=0)) == "valid"


def test_the_range_includes_its_upper_end() -> None:
    assert reason(claims(exp=MAX_NUMERIC_DATE)) == "valid"


def test_integer_and_fractional_times_are_read() -> None:
    assert reason(claims(iat=int(NOW), nbf=int(NOW), exp=int(NOW) + 1)) == "valid"


# exp: valid while now < exp + leeway.
@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (NOW + 600 + LEEWAY - 0.5, "valid"),
        (NOW + 600 + LEEWAY, "token expired"),
        (NOW + 600 + LEEWAY + 0.5, "token expired"),
    ],
)
def test_exp_with_leeway(now: float, expected: str) -> None:
    assert reason(claims(iat=now, nbf=None), now=now) == expected


def test_exp_a_little_in_the_past_is_within_leeway() -> None:
    assert reason(claims(exp=NOW - LEEWAY + 0.5)) == "valid"


# nbf: valid from now + leeway >= nbf.
@pytest.mark.parametrize(
    ("nbf", "expected"),
    [
        (NOW + LEEWAY - 0.5, "valid"),
        (NOW + LEEWAY, "valid"),
        (NOW + LEEWAY + 0.5, "token not yet valid"),
    ],
)
def test_nbf_with_leeway(nbf: float, expected: str) -> None:
    assert reason(claims(nbf=nbf, iat=NOW)) == expected


# iat: refused when iat > now + leeway.
@pytest.mark.parametrize(
    ("iat", "expected"),
    [
        (NOW + LEEWAY - 0.5, "valid"),
        (NOW + LEEWAY, "valid"),
        (NOW + LEEWAY + 0.5, "token issued in the future"),
    ],
)
def test_iat_with_leeway(iat: float, expected: str) -> None:
    assert reason(claims(iat=iat, nbf=None)) == expected


def test_an_old_iat_is_accepted() -> None:
    assert reason(claims(iat=1.0)) == "valid"


def test_expiry_is_checked_before_nbf_and_iat() -> None:
    c = claims(exp=NOW - 100, nbf=NOW + 100, iat=NOW + 100)
    assert reason(c) == "token expired"


def test_nbf_is_checked_before_iat() -> None:
    assert reason(claims(nbf=NOW + 100, iat=NOW + 100)) == "token not yet valid"


def test_zero_leeway_makes_exp_exact() -> None:
    c = claims(exp=NOW)
    with pytest.raises(TokenInvalid, match=r"^token expired$"):
        check_claims(c, issuer="https://i", audiences=AUDS, audience_claim="aud", now=NOW, leeway=0)
