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
from authorizer.core import Authorizer, AuthRequest
from authorizer.jwks import JwksCache
from authorizer.store import KeyRecord, StoreUnavailable, TenantRecord

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
    hits: int = 0
    url: str = ""


@pytest.fixture
def jwks_server(rsa_key: SigningKey, ec_key: SigningKey) -> Iterator[JwksServer]:
    state = JwksServer(keys=[rsa_key.jwk(), ec_key.jwk()])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits += 1
            if state.drop:
                self.close_connection = True
                return
            body = json.dumps({"keys": state.keys}).encode()
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
