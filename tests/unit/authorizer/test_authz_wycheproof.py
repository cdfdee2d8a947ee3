"""Every Project Wycheproof vector for ES256 (P-256/SHA-256, raw r||s) and RS256
(PKCS#1 v1.5/SHA-256, 2048-8192 bits) against the authorizer's verifier.

Keys go through the authorizer's JWK parser (the path JWKS keys take). ``valid`` must
verify, ``invalid`` must be rejected; ``acceptable`` vectors are decided by the
project's documented choice below and asserted like the others. Vectors:
tests/vectors/wycheproof/ (source, commit and licence in its README).
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from authz_fixtures import WYCHEPROOF_COUNTS

from authorizer.jose import parse_jwk
from authorizer.signatures import (
    EcPublicKey,
    RsaPublicKey,
    ecdsa_p256_sha256_verify,
    rsa_pkcs1v15_sha256_verify,
)

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "wycheproof"
RSA_FILES = [f"rsa_signature_{bits}_sha256_test.json" for bits in (2048, 3072, 4096, 8192)]
ECDSA_FILE = "ecdsa_secp256r1_sha256_p1363_test.json"

# "acceptable" vectors and the project's answer. MissingNull: a DigestInfo without the
# NULL algorithm parameter. The verifier compares the whole encoded message with the
# one RFC 8017 (section 9.2, note 1) spells out, which has the NULL, so it refuses.
ACCEPTABLE = {frozenset({"MissingNull"}): False}


def _load(name: str) -> dict[str, Any]:
    return json.loads((VECTORS / name).read_text())


def _expected(test: dict[str, Any]) -> bool:
    if test["result"] == "valid":
        return True
    if test["result"] == "invalid":
        return False
    flags = frozenset(test["flags"])
    assert flags in ACCEPTABLE, f"tcId {test['tcId']}: no documented choice for {sorted(flags)}"
    return ACCEPTABLE[flags]


def _check_file(name: str, verify: Any, key_of: Any) -> Counter[str]:
    doc = _load(name)
    counts: Counter[str] = Counter()
    wrong = []
    for group in doc["testGroups"]:
        key = key_of(group)
        for test in group["tests"]:
            msg, sig = bytes.fromhex(test["msg"]), bytes.fromhex(test["sig"])
            if verify(key, msg, sig) != _expected(test):
                wrong.append((test["tcId"], test["result"], test["comment"]))
            counts[test["result"]] += 1
    assert not wrong, f"{name}: verifier disagrees with {len(wrong)} vectors: {wrong[:10]}"
    assert sum(counts.values()) == doc["numberOfTests"]  # nothing skipped
    return counts


def _rsa_key(group: dict[str, Any]) -> RsaPublicKey:
    jwk = parse_jwk(group["keyJwk"])
    assert isinstance(jwk.key, RsaPublicKey) and jwk.alg == "RS256"
    assert jwk.key.n.bit_length() == group["keySize"]
    return jwk.key


def _ec_key(group: dict[str, Any]) -> EcPublicKey:
    """From the hex coordinates (every group has them; not every group has a JWK)."""
    x, y = (int(group["publicKey"][c], 16).to_bytes(32, "big") for c in ("wx", "wy"))
    jwk = {"kty": "EC", "crv": "P-256", "kid": "wycheproof", "x": _b64u(x), "y": _b64u(y)}
    if "publicKeyJwk" in group:
        assert {k: group["publicKeyJwk"][k] for k in ("x", "y")} == {"x": jwk["x"], "y": jwk["y"]}
    parsed = parse_jwk(jwk)
    assert isinstance(parsed.key, EcPublicKey) and parsed.alg == "ES256"
    return parsed.key


def _b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _report(config: pytest.Config, name: str, counts: Counter[str]) -> None:
    """Counts for the terminal summary (see conftest.py)."""
    config.stash.setdefault(WYCHEPROOF_COUNTS, {})[name] = dict(counts)


@pytest.mark.parametrize("name", RSA_FILES)
def test_every_rsa_pkcs1v15_sha256_vector(name: str, pytestconfig: pytest.Config) -> None:
    counts = _check_file(name, rsa_pkcs1v15_sha256_verify, _rsa_key)
    _report(pytestconfig, name, counts)
    assert counts["valid"] >= 7 and counts["invalid"] >= 249 and counts["acceptable"] == 1


def test_every_ecdsa_p256_sha256_p1363_vector(pytestconfig: pytest.Config) -> None:
    counts = _check_file(ECDSA_FILE, ecdsa_p256_sha256_verify, _ec_key)
    _report(pytestconfig, ECDSA_FILE, counts)
    assert counts == Counter({"valid": 173, "invalid": 89})


def test_the_vendored_files_are_the_documented_set() -> None:
    """Each vendored file is checked above, and each checked file is vendored."""
    assert sorted(p.name for p in VECTORS.glob("*.json")) == sorted([*RSA_FILES, ECDSA_FILE])
    readme = (VECTORS / "README.md").read_text()
    for name in (*RSA_FILES, ECDSA_FILE):
        assert name in readme
        assert _load(name)["schema"] in (
            "rsassa_pkcs1_verify_schema_v1.json",
            "ecdsa_p1363_verify_schema_v1.json",
        )
