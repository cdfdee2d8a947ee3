"""aigw API key format and hashing.

A key reads ``aigw-<stage>-<key id>-<secret>``:

* ``stage``  - 1-16 lowercase letters/digits; the environment the key was issued for;
* ``key id`` - 16 base62 characters; the DynamoDB partition key, not secret;
* ``secret`` - 43 base62 characters encoding 32 random bytes (256 bits).

Only ``sha256("aigw-api-key-v1" NUL stage NUL key_id NUL secret)`` is stored. A fast
hash is enough because the secret is uniformly random with 256 bits of entropy: no
dictionary or brute-force attack on the stored hash is feasible, so a slow password
hash (bcrypt, scrypt, Argon2) would only add latency to every authorization. Binding
the stage and key id into the hashed message means a key record copied to another
stage or another key id never verifies.

tooling/aigw/tenancy/keyformat.py issues keys in this format; the round-trip tests prove both
sides agree.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

HASH_ALG = "sha256-v1"
PREFIX = "aigw"
KEY_PATTERN = re.compile(r"^aigw-([a-z0-9]{1,16})-([0-9A-Za-z]{16})-([0-9A-Za-z]{43})$")
MAX_KEY_LENGTH = 5 + 16 + 1 + 16 + 1 + 43


@dataclass(frozen=True)
class ParsedKey:
    stage: str
    key_id: str
    secret: str


def parse_key(value: str) -> ParsedKey | None:
    """Split a presented key into its parts; None if it is not an aigw key."""
    if len(value) > MAX_KEY_LENGTH:
        return None
    m = KEY_PATTERN.match(value)
    if not m:
        return None
    return ParsedKey(stage=m.group(1), key_id=m.group(2), secret=m.group(3))


def hash_secret(stage: str, key_id: str, secret: str) -> str:
    msg = b"\x00".join((b"aigw-api-key-v1", stage.encode(), key_id.encode(), secret.encode()))
    return hashlib.sha256(msg).hexdigest()


def secret_matches(parsed: ParsedKey, stored_hash: str) -> bool:
    """Constant-time comparison of the presented secret against the stored hash."""
    computed = hash_secret(parsed.stage, parsed.key_id, parsed.secret)
    return hmac.compare_digest(computed.encode(), stored_hash.encode())
