"""Decoding a compact JWS before any key is involved: base64url (RFC 4648 section 5, used
unpadded by RFC 7515 section 2), the JOSE header rules of RFC 7515 section 4.1 as
docs/identity.md ("JWT rules") restricts them, and the strict JSON parser behind both.

Expected values come from the RFCs (test vectors of RFC 4648 section 10, the example
token of RFC 7515 appendix A.1) or are worked out by hand in the comments, never by
encoding with the code under test.
"""

from __future__ import annotations

import json

import pytest
from authz_fixtures import b64u

from authorizer import strictjson
from authorizer.jose import (
    MAX_HEADER_BYTES,
    MAX_TOKEN_BYTES,
    TokenInvalid,
    b64url_decode,
    decode_unverified,
)

ALGS = frozenset({"RS256", "ES256"})

# ------------------------------------------------------------------------ base64url


@pytest.mark.parametrize(
    ("segment", "raw"),
    [
        # RFC 4648 section 10 test vectors, without their "=" padding.
        ("", b""),
        ("Zg", b"f"),
        ("Zm8", b"fo"),
        ("Zm9v", b"foo"),
        ("Zm9vYg", b"foob"),
        ("Zm9vYmE", b"fooba"),
        ("Zm9vYmFy", b"foobar"),
        # "foobar" is three whole groups, so "b" appends its own two characters.
        ("Zm9vYmFyYg", b"foobarb"),
        # RFC 4648 section 5: 62 is "-" and 63 is "_" (bits 111110 111110 111111 111111).
        ("--__", b"\xfb\xef\xff"),
        # 0x000017: the last six bits are 23, "X".
        ("AAAX", b"\x00\x00\x17"),
    ],
)
def test_base64url_decodes_the_rfc_vectors(segment: str, raw: bytes) -> None:
    assert b64url_decode(segment) == raw


@pytest.mark.parametrize(
    "segment",
    [
        "Zg==",  # padding: RFC 7515 section 2 drops it
        "Zm8=",
        "ab+/",  # the standard alphabet's 62 and 63
        "Zm 9v",
        "Zm9vY",  # 5 characters: no length of bytes encodes to 4n + 1 characters
        "Z",
        "Zm9vYmFyY",
    ],
)
def test_base64url_refuses_what_is_not_unpadded_base64url(segment: str) -> None:
    with pytest.raises(TokenInvalid) as exc:
        b64url_decode(segment)
    assert str(exc.value) == "segment is not base64url"


@pytest.mark.parametrize(
    "segment",
    [
        "Zh",  # Z=011001 h=100001: 0x66 ("f") and four trailing bits 0001
        "Zm9",  # Z m 9 = 011001 100110 111101: "fo" and two trailing bits 01
        "Zm9vYh",
    ],
)
def test_base64url_refuses_set_trailing_bits(segment: str) -> None:
    with pytest.raises(TokenInvalid) as exc:
        b64url_decode(segment)
    assert str(exc.value) == "segment is not canonical base64url"


@pytest.mark.parametrize("segment", ["Zm9\n", "Zg\n", "Zm9v\n"])
def test_a_segment_with_a_trailing_newline_is_refused(segment: str) -> None:
    # Python's "$" also matches before a final newline, and the decoder drops characters
    # outside the alphabet. "Zm9\n" (4 characters, no padding added) and "Zg\n" ("=" added)
    # leave "Zm9" and "Zg=": neither is whole groups of four, which the decoder refuses;
    # "Zm9v\n" has five characters.
    with pytest.raises(TokenInvalid) as exc:
        b64url_decode(segment)
    assert str(exc.value) == "segment is not base64url"


# --------------------------------------------------------------------- JOSE header

# RFC 7515 appendix A.1: the header {"typ":"JWT",\r\n "alg":"HS256"} and the JWT claims
# set of RFC 7519 section 3.1, as the RFC encodes them.
RFC_HEADER_HS256 = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
RFC_PAYLOAD = (
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
)
RFC_SIGNATURE = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
SIG = b64u(b"signature bytes")


def seg(obj: object) -> str:
    return b64u(json.dumps(obj, separators=(",", ":")).encode())


def reason(token: str, algorithms: frozenset[str] = ALGS) -> str:
    try:
        decode_unverified(token, algorithms)
    except TokenInvalid as exc:
        return str(exc)
    return "valid"


def header_token(header: object, payload: str = RFC_PAYLOAD) -> str:
    return f"{seg(header)}.{payload}.{SIG}"


def test_the_rfc_example_payload_decodes_to_its_claims() -> None:
    header = {"alg": "RS256", "kid": "k1", "typ": "JWT"}
    h64 = seg(header)
    token = decode_unverified(f"{h64}.{RFC_PAYLOAD}.{RFC_SIGNATURE}", ALGS)
    assert token.header == header
    assert token.payload == {
        "iss": "joe",
        "exp": 1300819380,
        "http://example.com/is_root": True,
    }
    # JWS signing input (RFC 7515 section 5.1): ASCII(header64 "." payload64).
    assert token.signing_input == f"{h64}.{RFC_PAYLOAD}".encode()
    # The HMAC value the RFC lists as octets.
    assert token.signature == bytes(
        [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186,
         22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121]
    )  # fmt: skip
    assert (token.kid, token.alg) == ("k1", "RS256")


def test_the_rfc_example_is_refused_for_its_hmac_algorithm() -> None:
    token = f"{RFC_HEADER_HS256}.{RFC_PAYLOAD}.{RFC_SIGNATURE}"
    assert reason(token) == "algorithm 'HS256' not allowed"
    # Not even a caller that lists it can enable an algorithm without a code path.
    assert reason(token, frozenset({"HS256"})) == "algorithm 'HS256' not allowed"


def test_an_algorithm_the_caller_did_not_allow_is_refused() -> None:
    es256 = header_token({"alg": "ES256", "kid": "k1"})
    assert reason(es256, frozenset({"RS256"})) == "algorithm 'ES256' not allowed"
    assert reason(es256, frozenset({"ES256"})) == "valid"


@pytest.mark.parametrize("alg", [None, 256, ["RS256"], {"RS256": 1}])
def test_an_alg_that_is_not_a_string_is_refused(alg: object) -> None:
    header = {"kid": "k1"} if alg is None else {"alg": alg, "kid": "k1"}
    assert reason(header_token(header)) == f"algorithm {alg!r:.40} not allowed"


@pytest.mark.parametrize("member", ["jku", "x5u", "jwk", "x5c"])
def test_each_header_that_names_a_key_is_refused_on_its_own(member: str) -> None:
    header = {"alg": "RS256", "kid": "k1", member: "https://attacker.test/k"}
    assert reason(header_token(header)) == "embedded or remote keys in the header are not accepted"


def test_critical_extensions_are_refused() -> None:
    header = {"alg": "RS256", "kid": "k1", "crit": ["exp"], "exp": 1}
    assert reason(header_token(header)) == "critical header extensions are not supported"


@pytest.mark.parametrize("typ", ["JWT", "jwt", "at+jwt", "application/jwt", "application/AT+JWT"])
def test_the_jwt_media_types_are_accepted_in_any_case(typ: str) -> None:
    # RFC 7515 section 4.1.9 with RFC 2045's case-insensitive media types.
    assert reason(header_token({"alg": "RS256", "kid": "k1", "typ": typ})) == "valid"


@pytest.mark.parametrize("typ", ["JOSE", "JOSE+JSON", "dpop+jwt", "", 1, ["JWT"]])
def test_other_types_are_refused(typ: object) -> None:
    assert reason(header_token({"alg": "RS256", "kid": "k1", "typ": typ})) == "unexpected typ"


def test_a_header_without_typ_is_accepted() -> None:
    assert reason(header_token({"alg": "ES256", "kid": "k1"})) == "valid"


def test_header_and_payload_problems_name_the_segment() -> None:
    good = seg({"alg": "RS256", "kid": "k1"})
    assert reason(f"{b64u(b'[1]')}.{RFC_PAYLOAD}.{SIG}") == "header is not a JSON object"
    assert reason(f"{good}.{b64u(b'[1]')}.{SIG}") == "payload is not a JSON object"
    assert reason(f"{good}.{b64u(b'{')}.{SIG}") == "payload is not acceptable JSON: not JSON"
    assert reason(f"{b64u(b'{')}.{RFC_PAYLOAD}.{SIG}") == "header is not acceptable JSON: not JSON"


def test_each_segment_must_be_base64url() -> None:
    good = seg({"alg": "RS256", "kid": "k1"})
    assert reason(f"Zg=.{RFC_PAYLOAD}.{SIG}") == "segment is not base64url"
    assert reason(f"{good}.Zh.{SIG}") == "segment is not canonical base64url"
    assert reason(f"{good}.{RFC_PAYLOAD}.Zh") == "segment is not canonical base64url"


def _sized_token(length: int) -> str:
    """A structurally valid token of exactly ``length`` characters (signature padded)."""
    for kid_len in range(1, 5):
        head = f"{seg({'alg': 'RS256', 'kid': 'k' * kid_len})}.{RFC_PAYLOAD}."
        sig_len = length - len(head)
        if sig_len % 4 != 1:  # "A" * n is canonical base64url unless n = 4k + 1
            return head + "A" * sig_len
    raise AssertionError("unreachable")


def test_the_token_limit_is_8192_characters_inclusive() -> None:
    assert MAX_TOKEN_BYTES == 8192  # docs/identity.md: token <= 8192 characters
    at_limit, over = _sized_token(8192), _sized_token(8193)
    assert (len(at_limit), len(over)) == (8192, 8193)
    assert reason(at_limit) == "valid"
    assert reason(over) == "token too large"


def _header_of(encoded_length: int) -> str:
    # 3 bytes -> 4 characters: a header of 3n bytes encodes to exactly 4n characters.
    assert encoded_length % 4 == 0
    size = encoded_length // 4 * 3
    skeleton = {"alg": "RS256", "kid": "k1", "x-pad": ""}
    pad = size - len(json.dumps(skeleton, separators=(",", ":")))
    text = json.dumps({**skeleton, "x-pad": "p" * pad}, separators=(",", ":"))
    assert len(text) == size
    return b64u(text.encode())


def test_the_header_limit_is_1024_characters_inclusive() -> None:
    assert MAX_HEADER_BYTES == 1024  # docs/identity.md: header segment <= 1024 characters
    at_limit = _header_of(1024)
    over = _header_of(1028)
    assert (len(at_limit), len(over)) == (1024, 1028)
    assert reason(f"{at_limit}.{RFC_PAYLOAD}.{SIG}") == "valid"
    assert reason(f"{over}.{RFC_PAYLOAD}.{SIG}") == "header too large"


# ------------------------------------------------------------------- strict JSON


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"a": "\xff"}', "not UTF-8"),
        (b'{"a": 1', "not JSON"),
        (b"", "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a": NaN}', "non-standard JSON literal NaN"),
        (b'{"a": -Infinity}', "non-standard JSON literal -Infinity"),
        (b'{"a": 1e400}', "number out of range"),
        (b'{"a": 1' + b"0" * 64 + b"}", "integer longer than 64 digits"),
        (b'{"a": 1, "a": 1}', "duplicate member 'a'"),
    ],
)
def test_strict_json_refuses_with_one_exception_and_a_reason(raw: bytes, message: str) -> None:
    with pytest.raises(strictjson.JsonRejected) as exc:
        strictjson.loads(raw)
    assert str(exc.value) == message


def test_strict_json_reads_utf8_and_plain_numbers() -> None:
    raw = '{"name": "Zoë", "n": -12, "x": 0.5, "big": 1e308, "list": [true, null]}'.encode()
    assert strictjson.loads(raw) == {
        "name": "Zoë",
        "n": -12,
        "x": 0.5,
        "big": 1e308,
        "list": [True, None],
    }
    assert strictjson.loads(b'{"a": 1' + b"0" * 63 + b"}") == {"a": 10**63}


def test_duplicates_are_kept_last_only_when_asked() -> None:
    assert strictjson.loads(b'{"k": 1, "k": 2}', reject_duplicates=False) == {"k": 2}
    with pytest.raises(strictjson.JsonRejected):
        strictjson.loads(b'{"k": 1, "k": 2}', reject_duplicates=True)
