"""Helpers and fixtures for the authorizer tests: keys, tokens, a JWKS server on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from authorizer import apikeys
from authorizer.config import Config, Issuer
from authorizer.core import Authorizer, AuthRequest, jwks_cache_for
from authorizer.jwks import JwksCache
from authorizer.store import KeyRecord, StoreUnavailable, TenantRecord

# Wycheproof vectors checked in this run, by file: {"valid": n, "invalid": n, ...}.
WYCHEPROOF_COUNTS = pytest.StashKey[dict[str, dict[str, int]]]()

STAGE = "dev"
ISSUER = "https://issuer.test/realm"
AUDIENCE = "aigw-api"
METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/POST/v1/chat/completions"
BASE_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_b64u(value: int, size: int | None = None) -> str:
    length = size or (value.bit_length() + 7) // 8
    return b64u(value.to_bytes(length, "big"))


@dataclass
class SigningKey:
    kid: str
    alg: str
    private: Any

    def jwk(self) -> dict[str, str]:
        pub = self.private.public_key().public_numbers()
        if self.alg == "RS256":
            return {
                "kty": "RSA",
                "kid": self.kid,
                "use": "sig",
                "alg": "RS256",
                "n": int_b64u(pub.n),
                "e": int_b64u(pub.e),
            }
        return {
            "kty": "EC",
            "kid": self.kid,
            "crv": "P-256",
            "use": "sig",
            "x": int_b64u(pub.x, 32),
            "y": int_b64u(pub.y, 32),
        }

    def sign(self, data: bytes) -> bytes:
        if self.alg == "RS256":
            return self.private.sign(data, padding.PKCS1v15(), hashes.SHA256())
        r, s = decode_dss_signature(self.private.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def make_token(
    key: SigningKey, claims: dict[str, Any], header: dict[str, Any] | None = None
) -> str:
    hdr = {"alg": key.alg, "typ": "JWT", "kid": key.kid} if header is None else header
    signing_input = f"{b64u(json.dumps(hdr).encode())}.{b64u(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64u(key.sign(signing_input.encode()))}"


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-1",
        "tenant": "acme",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture(scope="session")
def rsa_key() -> SigningKey:
    return SigningKey(
        "rsa-1", "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )


@pytest.fixture(scope="session")
def ec_key() -> SigningKey:
    return SigningKey("ec-1", "ES256", ec.generate_private_key(ec.SECP256R1()))


@dataclass
class JwksServer:
    """A JWKS endpoint on 127.0.0.1 whose key set and availability tests can change."""

    keys: list[dict[str, str]] = field(default_factory=list)
    status: int = 200
    drop: bool = False  # close the connection without answering
    body: bytes | None = None  # a raw document instead of {"keys": keys}
    raw_response: bytes | None = None  # raw bytes instead of an HTTP response
    hits: int = 0
    accept: str | None = None  # the Accept header of the last request
    url: str = ""


@pytest.fixture
def jwks_server(rsa_key: SigningKey, ec_key: SigningKey) -> Iterator[JwksServer]:
    state = JwksServer(keys=[rsa_key.jwk(), ec_key.jwk()])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits += 1
            state.accept = self.headers.get("Accept")
            if state.drop:
                self.close_connection = True
                return
            if state.raw_response is not None:
                self.wfile.write(state.raw_response)
                self.close_connection = True
                return
            body = json.dumps({"keys": state.keys}).encode() if state.body is None else state.body
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class MemoryStore:
    """In-memory stand-in for the DynamoDB tables (the DynamoDB store has its own tests)."""

    def __init__(self) -> None:
        self.keys: dict[str, KeyRecord] = {}
        self.tenants: dict[str, TenantRecord] = {}
        self.down = False

    def get_key(self, key_id: str) -> KeyRecord | None:
        if self.down:
            raise StoreUnavailable("keys: down")
        return self.keys.get(key_id)

    def get_tenant(self, tenant_id: str) -> TenantRecord | None:
        if self.down:
            raise StoreUnavailable("tenants: down")
        return self.tenants.get(tenant_id)

    def add_tenant(self, tenant_id: str = "acme", **kw: Any) -> TenantRecord:
        rec = TenantRecord(
            tenant_id=tenant_id,
            tier=kw.get("tier", "standard"),
            status=kw.get("status", "active"),
            allowed_models=tuple(kw.get("allowed_models", ("gpt-4o-mini", "claude-haiku"))),
            allowed_routes=tuple(kw.get("allowed_routes", ())),
            usage_key_value=kw.get("usage_key_value", f"usage-{tenant_id}-0123456789abcdef"),
        )
        self.tenants[tenant_id] = rec
        return rec

    def issue_key(self, tenant_id: str = "acme", stage: str = STAGE, **kw: Any) -> str:
        alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        key_id = "".join(secrets.choice(alphabet) for _ in range(16))
        secret = "".join(secrets.choice(alphabet) for _ in range(43))
        self.keys[key_id] = KeyRecord(
            key_id=key_id,
            tenant_id=tenant_id,
            stage=kw.get("record_stage", stage),
            secret_hash=apikeys.hash_secret(stage, key_id, secret),
            hash_alg=apikeys.HASH_ALG,
            status=kw.get("status", "active"),
            expires_at=kw.get("expires_at"),
        )
        return f"aigw-{stage}-{key_id}-{secret}"


@pytest.fixture
def store() -> MemoryStore:
    s = MemoryStore()
    s.add_tenant("acme")
    return s


@pytest.fixture
def config(jwks_server: JwksServer) -> Config:
    return Config(
        stage=STAGE,
        tenants_table="tenants",
        keys_table="keys",
        issuers=(Issuer(ISSUER, jwks_server.url, frozenset({AUDIENCE})),),
        leeway_seconds=30,
    )


@pytest.fixture
def authz(config: Config, store: MemoryStore) -> Authorizer:
    return Authorizer(
        config, store, JwksCache(ttl_seconds=300, min_refresh_seconds=30, timeout_seconds=2)
    )


def bearer(value: str) -> AuthRequest:
    return AuthRequest(method_arn=METHOD_ARN, headers={"authorization": f"Bearer {value}"})


# ------------------------------------------------------- fake clock, fetcher, handler
# The tests below drive the real Lambda entry point with an Authorizer whose JWKS
# fetcher and clock are fakes: no HTTP server, no sleeping.

NOW = 1_800_000_000  # a fixed "current time" (2027-01-15)
FAKE_JWKS_URL = "https://issuer.test/.well-known/jwks.json"


class FakeClock:
    def __init__(self, now: float = NOW) -> None:
        self.now = float(now)

    def __call__(self) -> float:
        return self.now


class FakeFetcher:
    """Returns the keys it holds, or raises JwksUnavailable while ``down``."""

    def __init__(self, *keys: SigningKey) -> None:
        self.keys = list(keys)
        self.down = False
        self.calls = 0

    def __call__(self, url: str, timeout: float) -> dict[str, Any]:
        from authorizer.jose import parse_jwk
        from authorizer.jwks import JwksUnavailable

        self.calls += 1
        if self.down:
            raise JwksUnavailable("JWKS endpoint answered 503")
        return {k.kid: parse_jwk(k.jwk()) for k in self.keys}


def fake_authorizer(
    store: MemoryStore, fetcher: FakeFetcher, clock: FakeClock, leeway: float = 30, **config: Any
) -> Authorizer:
    cfg = Config(
        stage=STAGE,
        tenants_table="tenants",
        keys_table="keys",
        issuers=(Issuer(ISSUER, FAKE_JWKS_URL, frozenset({AUDIENCE})),),
        leeway_seconds=leeway,
        **config,
    )
    return Authorizer(cfg, store, jwks_cache_for(cfg, fetcher=fetcher, clock=clock), clock=clock)


def fixed_claims(now: float = NOW, **overrides: Any) -> dict[str, Any]:
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-1",
        "tenant": "acme",
        "iat": int(now),
        "nbf": int(now),
        "exp": int(now) + 600,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def raw_token(key: SigningKey, header_json: str, payload_json: str) -> str:
    """A token signed by ``key`` over header and payload given as raw JSON text."""
    signing_input = f"{b64u(header_json.encode())}.{b64u(payload_json.encode())}"
    return f"{signing_input}.{b64u(key.sign(signing_input.encode()))}"


def handler_outcome(authz: Authorizer, headers: dict[str, str]) -> str:
    """Run the Lambda entry point; "allow", "deny" or "unauthorized".

    Any other exception propagates: for a malformed credential that is the bug under test.
    """
    from authorizer import handler as handler_mod

    saved = handler_mod._AUTHORIZER
    handler_mod._AUTHORIZER = authz
    try:
        response = handler_mod.handler(
            {"type": "REQUEST", "methodArn": METHOD_ARN, "headers": headers}, None
        )
    except Exception as exc:
        if type(exc) is Exception and str(exc) == "Unauthorized":
            return "unauthorized"
        raise
    finally:
        handler_mod._AUTHORIZER = saved
    effect = response["policyDocument"]["Statement"][0]["Effect"]
    assert effect in ("Allow", "Deny"), response
    if effect == "Allow":
        assert response["usageIdentifierKey"]
        return "allow"
    assert "usageIdentifierKey" not in response
    return "deny"


def bearer_outcome(authz: Authorizer, token: str) -> str:
    return handler_outcome(authz, {"Authorization": f"Bearer {token}"})
