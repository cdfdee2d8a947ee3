"""Authorizer benchmark: cold init, warm key auth, warm JWT auth (JWKS cache hit and miss).

Interface of bench/run.py: ``run(repeats) -> dict`` and ``markdown(results) -> str``.
Standalone: ``.venv/bin/python bench/authorizer/authorizer_bench.py``.

The store is in memory, so the figures are the authorizer's own CPU cost; a DynamoDB
GetItem (two per uncached call) adds its network latency on top in AWS. The JWKS server
runs on 127.0.0.1. Baseline for signature checks: the same tokens verified by the
`cryptography` package (native OpenSSL), which the Lambda deliberately does not ship.
Needs `cryptography` (a test/bench dependency).
"""

from __future__ import annotations

import base64
import json
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "lambda_src"))

from authorizer import apikeys  # noqa: E402
from authorizer.config import Config, Issuer  # noqa: E402
from authorizer.core import Authorizer, AuthRequest  # noqa: E402
from authorizer.jwks import JwksCache  # noqa: E402
from authorizer.store import KeyRecord, TenantRecord  # noqa: E402

ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/bench/POST/v1/chat/completions"
ISSUER = "https://issuer.bench/"
CALLS = 200


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class _Store:
    def __init__(self) -> None:
        self.keys: dict[str, KeyRecord] = {}
        self.tenant = TenantRecord("acme", "standard", "active", ("m1",), (), "usage-key-value")

    def get_key(self, key_id: str) -> KeyRecord | None:
        return self.keys.get(key_id)

    def get_tenant(self, tenant_id: str) -> TenantRecord | None:
        return self.tenant if tenant_id == "acme" else None


def _keys() -> tuple[Any, Any]:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    return (
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        ec.generate_private_key(ec.SECP256R1()),
    )


def _jwk(kid: str, private: Any) -> dict[str, str]:
    pub = private.public_key().public_numbers()
    if hasattr(pub, "n"):
        n = pub.n.to_bytes((pub.n.bit_length() + 7) // 8, "big")
        return {"kty": "RSA", "kid": kid, "n": _b64u(n), "e": _b64u(pub.e.to_bytes(3, "big"))}
    return {
        "kty": "EC",
        "kid": kid,
        "crv": "P-256",
        "x": _b64u(pub.x.to_bytes(32, "big")),
        "y": _b64u(pub.y.to_bytes(32, "big")),
    }


def _token(kid: str, alg: str, private: Any) -> str:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": "bench",
        "tenant": "acme",
        "sub": "u",
        "iat": now,
        "exp": now + 3600,
    }
    head = _b64u(json.dumps({"alg": alg, "kid": kid}).encode())
    body = _b64u(json.dumps(claims).encode())
    data = f"{head}.{body}".encode()
    if alg == "RS256":
        sig = private.sign(data, padding.PKCS1v15(), hashes.SHA256())
    else:
        r, s = decode_dss_signature(private.sign(data, ec.ECDSA(hashes.SHA256())))
        sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"{head}.{body}.{_b64u(sig)}"


def _median_ms(fn: Any, calls: int) -> float:
    samples = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def _cold_init(repeats: int) -> dict[str, float]:
    code = (
        "import time; t=time.perf_counter(); import authorizer.handler; "
        "print((time.perf_counter()-t)*1000)"
    )
    base = "import time; t=time.perf_counter(); import boto3; print((time.perf_counter()-t)*1000)"
    env_path = str(ROOT / "lambda_src")
    out: dict[str, list[float]] = {"import_handler_ms": [], "import_boto3_ms": []}
    for _ in range(repeats):
        for key, src in (("import_handler_ms", code), ("import_boto3_ms", base)):
            res = subprocess.run(
                [sys.executable, "-c", src],
                capture_output=True,
                text=True,
                timeout=60,
                env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
                check=True,
            )
            out[key].append(float(res.stdout.strip()))
    return {k: statistics.median(v) for k, v in out.items()}


def run(repeats: int = 5) -> dict[str, Any]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding

    rsa_priv, ec_priv = _keys()
    jwks = {"keys": [_jwk("r", rsa_priv), _jwk("e", ec_priv)]}
    body = json.dumps(jwks).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
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
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/jwks"
        cfg = Config(
            stage="bench",
            tenants_table="t",
            keys_table="k",
            issuers=(Issuer(ISSUER, url, frozenset({"bench"})),),
        )
        store = _Store()
        key_id = "A" * 16
        secret = "B" * 43
        store.keys[key_id] = KeyRecord(
            key_id,
            "acme",
            "bench",
            apikeys.hash_secret("bench", key_id, secret),
            apikeys.HASH_ALG,
            "active",
            None,
        )
        api_key = f"aigw-bench-{key_id}-{secret}"
        warm = Authorizer(cfg, store, JwksCache(ttl_seconds=3600))
        cold_jwks = Authorizer(cfg, store, JwksCache(ttl_seconds=0))
        rs = _token("r", "RS256", rsa_priv)
        es = _token("e", "ES256", ec_priv)
        req = {
            name: AuthRequest(ARN, {"authorization": f"Bearer {tok}"})
            for name, tok in (("key", api_key), ("rs", rs), ("es", es))
        }
        import contextlib
        import io

        results: dict[str, Any] = {"calls": CALLS}
        with contextlib.redirect_stdout(io.StringIO()):
            for name, authz, request in (
                ("key_warm_ms", warm, req["key"]),
                ("jwt_rs256_cache_hit_ms", warm, req["rs"]),
                ("jwt_es256_cache_hit_ms", warm, req["es"]),
                ("jwt_rs256_cache_miss_ms", cold_jwks, req["rs"]),
            ):
                assert authz.authorize(request).effect == "allow"
                results[name] = min(
                    _median_ms(lambda a=authz, r=request: a.authorize(r), CALLS)
                    for _ in range(repeats)
                )
        # Baselines: native verification of the same signatures.
        h, p, s = rs.split(".")
        sig = base64.urlsafe_b64decode(s + "==")
        rsa_pub = rsa_priv.public_key()
        results["baseline_rs256_native_ms"] = _median_ms(
            lambda: rsa_pub.verify(sig, f"{h}.{p}".encode(), padding.PKCS1v15(), hashes.SHA256()),
            CALLS,
        )
        from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

        h, p, s = es.split(".")
        raw = base64.urlsafe_b64decode(s + "==")
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        ec_pub = ec_priv.public_key()
        results["baseline_es256_native_ms"] = _median_ms(
            lambda: ec_pub.verify(der, f"{h}.{p}".encode(), ec.ECDSA(hashes.SHA256())), CALLS
        )
        results.update(_cold_init(repeats))
        return results
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def markdown(r: dict[str, Any]) -> str:
    return f"""## Authorizer (`lambda_src/authorizer`)

Median per call over {r["calls"]} calls (best of the repeats); in-memory tenant/key store,
so DynamoDB latency (two strongly consistent GetItem per uncached call) is not included.
JWKS served on 127.0.0.1. Baselines: the same signatures verified by `cryptography`
(native OpenSSL, not shipped in the Lambda). Cold init is measured in a fresh
interpreter; boto3 is imported lazily on the first table lookup, so its import time is
listed separately.

| measure | value |
|---|---|
| cold init: `import authorizer.handler` | {r["import_handler_ms"]:.1f} ms |
| cold init, first lookup: `import boto3` (lazy) | {r["import_boto3_ms"]:.1f} ms |
| warm: aigw API key | {r["key_warm_ms"]:.3f} ms |
| warm: JWT RS256, JWKS cache hit | {r["jwt_rs256_cache_hit_ms"]:.3f} ms |
| warm: JWT ES256, JWKS cache hit | {r["jwt_es256_cache_hit_ms"]:.3f} ms |
| warm: JWT RS256, JWKS cache miss (fetch from loopback) | {r["jwt_rs256_cache_miss_ms"]:.3f} ms |
| baseline: RS256 verify, `cryptography` | {r["baseline_rs256_native_ms"]:.3f} ms |
| baseline: ES256 verify, `cryptography` | {r["baseline_es256_native_ms"]:.3f} ms |
"""


if __name__ == "__main__":
    sys.stdout.write(markdown(run(repeats=3)))
