"""The API key format and its stored hash.

Both must match ``lambda_src/authorizer/apikeys.py``; the round-trip tests issue keys here
and verify them with the authorizer.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from aigw.tenancy.store import TenancyError

KEY_PREFIX = "aigw"
HASH_ALG = "sha256-v1"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_STAGE = re.compile(r"^[a-z0-9]{1,16}$")


def _base62(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, rem = divmod(n, 62)
        out.append(_BASE62[rem])
    if n:
        raise ValueError("value does not fit")
    return "".join(reversed(out))


def generate_key(stage: str) -> tuple[str, str, str]:
    """A new key for ``stage``: (full key, key id, secret). The secret carries 256 bits."""
    if not _STAGE.match(stage):
        raise TenancyError("stage must be 1-16 lowercase letters or digits")
    key_id = "".join(secrets.choice(_BASE62) for _ in range(16))
    secret = _base62(int.from_bytes(secrets.token_bytes(32), "big"), 43)
    return f"{KEY_PREFIX}-{stage}-{key_id}-{secret}", key_id, secret


def hash_secret(stage: str, key_id: str, secret: str) -> str:
    msg = b"\x00".join((b"aigw-api-key-v1", stage.encode(), key_id.encode(), secret.encode()))
    return hashlib.sha256(msg).hexdigest()
