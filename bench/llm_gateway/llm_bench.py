"""LLM gateway benchmarks: cold start, per-request overhead, package size.

Everything runs in this process or in fresh child interpreters on this machine, side
by side with its baselines, against loopback fakes of the upstreams (the fakes of
``tests/e2e/aigw_fakes.py``): a fake OpenAI-compatible server, a fake Bedrock runtime,
and a fake Parameters and Secrets extension.

Baselines that need third-party packages (FastAPI + Mangum + pydantic + httpx, and
litellm) run in a separate interpreter, ``.venv-bench`` (override with
``AIGW_BENCH_PYTHON``), so they never touch the project venv or a Lambda package. When
it is missing, those rows say "not measured".

Cold start = time inside a fresh interpreter from the first line of the script to a
parsed first chat completion: imports, config, client creation, one request.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "lambda_src"))
sys.path.insert(0, str(ROOT / "tooling"))

import dialects_bench  # noqa: E402
from aigw_fakes import FakeBedrock, FakeExtension, FakeOpenAI  # noqa: E402

BEDROCK_MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
MESSAGES = [{"role": "user", "content": "Say hello"}]
TARGET_PACKAGE_BYTES = 200 * 1024


def _bench_python() -> str | None:
    explicit = os.environ.get("AIGW_BENCH_PYTHON")
    if explicit:
        return explicit
    candidate = ROOT / ".venv-bench" / "bin" / "python"
    return str(candidate) if candidate.exists() else None


def _config(openai_url: str, bedrock_url: str) -> dict[str, Any]:
    return {
        "version": 1,
        "providers": {
            "oai": {
                "type": "openai",
                "base_url": openai_url + "/v1",
                "api_key_secret_arn": "arn:bench:secret",
            },
            "br": {"type": "bedrock", "region": "us-east-1", "endpoint_url": bedrock_url},
            "mock": {"type": "mock"},
        },
        "models": {
            "gpt": {"targets": [{"provider": "oai", "model": "ok"}]},
            "claude": {"targets": [{"provider": "br", "model": BEDROCK_MODEL}]},
            "mock": {"targets": [{"provider": "mock", "model": "echo"}]},
        },
        "metrics": {"enabled": True},
    }


# --------------------------------------------------------------------------- cold start

_PRELUDE = "import time\n_t0 = time.perf_counter()\n"
_EPILOGUE = "\nprint(json.dumps({'ms': (time.perf_counter() - _t0) * 1000}))\n"

_EVENT = """
event = {{"resource": "/v1/chat/completions", "path": "/v1/chat/completions",
          "httpMethod": "POST", "headers": {{"content-type": "application/json"}},
          "body": json.dumps({{"model": "{model}", "messages": [{{"role": "user",
                              "content": "Say hello"}}]}}),
          "requestContext": {{"requestId": "bench", "authorizer": {{"tenant": "bench",
                             "allowed_models": "*"}}}}}}
"""

SCRIPTS: dict[str, str] = {
    "floor_stdlib_http": """
import json, http.client, urllib.parse
u = urllib.parse.urlsplit(OPENAI_URL)
c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
c.request("POST", "/v1/chat/completions", json.dumps({"model": "ok", "messages": [
    {"role": "user", "content": "Say hello"}]}), {"content-type": "application/json"})
doc = json.loads(c.getresponse().read())
assert doc["choices"][0]["message"]["content"]
""",
    "gateway_openai": "import json, sys\n"
    + _EVENT.format(model="gpt")
    + """
from llm_gateway import handler
out = handler.handler(event, None)
assert out["statusCode"] == 200, out
assert "boto3" not in sys.modules and "botocore" not in sys.modules
""",
    "floor_boto3_client": """
import json
import boto3
client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=BEDROCK_URL)
""",
    "floor_boto3_converse": """
import json
import boto3
client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=BEDROCK_URL)
r = client.converse(modelId=BEDROCK_MODEL, messages=[{"role": "user", "content": [
    {"text": "Say hello"}]}])
assert r["output"]["message"]["content"][0]["text"]
""",
    "gateway_bedrock": "import json\n"
    + _EVENT.format(model="claude")
    + """
from llm_gateway import handler
out = handler.handler(event, None)
assert out["statusCode"] == 200, out
""",
}

BASELINE_SCRIPTS: dict[str, str] = {
    "fastapi_mangum_httpx": """
import json
import httpx
from fastapi import FastAPI
from mangum import Mangum
from pydantic import BaseModel

class Msg(BaseModel):
    role: str
    content: str

class Chat(BaseModel):
    model: str
    messages: list[Msg]

app = FastAPI()
http = httpx.Client(base_url=OPENAI_URL + "/v1", timeout=10)

@app.post("/v1/chat/completions")
def chat(req: Chat) -> dict:
    r = http.post("/chat/completions", json={"model": "ok",
                  "messages": [m.model_dump() for m in req.messages]})
    return r.json()

handler = Mangum(app, lifespan="off")
"""
    + _EVENT.format(model="gpt")
    + """
event.update({"multiValueHeaders": {}, "queryStringParameters": None,
              "multiValueQueryStringParameters": None, "isBase64Encoded": False,
              "pathParameters": None, "stageVariables": None})
event["requestContext"].update({"resourcePath": "/v1/chat/completions", "stage": "v1",
                                "httpMethod": "POST", "path": "/v1/chat/completions",
                                "identity": {"sourceIp": "127.0.0.1"}})
class Ctx: aws_request_id = "bench"
out = handler(event, Ctx())
assert out["statusCode"] == 200, out
""",
    "fastapi_mangum_boto3": """
import json
import boto3
from fastapi import FastAPI
from mangum import Mangum
from pydantic import BaseModel

class Msg(BaseModel):
    role: str
    content: str

class Chat(BaseModel):
    model: str
    messages: list[Msg]

app = FastAPI()
client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=BEDROCK_URL)

@app.post("/v1/chat/completions")
def chat(req: Chat) -> dict:
    r = client.converse(modelId=BEDROCK_MODEL, messages=[
        {"role": m.role, "content": [{"text": m.content}]} for m in req.messages])
    return {"choices": [{"index": 0, "message": {"role": "assistant",
            "content": r["output"]["message"]["content"][0]["text"]}}]}

handler = Mangum(app, lifespan="off")
"""
    + _EVENT.format(model="claude")
    + """
event.update({"multiValueHeaders": {}, "queryStringParameters": None,
              "multiValueQueryStringParameters": None, "isBase64Encoded": False,
              "pathParameters": None, "stageVariables": None})
event["requestContext"].update({"resourcePath": "/v1/chat/completions", "stage": "v1",
                                "httpMethod": "POST", "path": "/v1/chat/completions",
                                "identity": {"sourceIp": "127.0.0.1"}})
class Ctx: aws_request_id = "bench"
out = handler(event, Ctx())
assert out["statusCode"] == 200, out
""",
    "litellm": """
import json
import litellm
r = litellm.completion(model="openai/ok", api_base=OPENAI_URL + "/v1", api_key="sk-bench",
                       messages=[{"role": "user", "content": "Say hello"}])
assert r.choices[0].message.content
""",
}


def _run_script(python: str, body: str, env: dict[str, str], consts: dict[str, str]) -> float:
    header = "".join(f"{k} = {v!r}\n" for k, v in consts.items())
    code = _PRELUDE + header + body + _EPILOGUE
    out = subprocess.run(
        [python, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"benchmark script failed:\n{out.stderr[-2000:]}")
    return float(json.loads(out.stdout.strip().splitlines()[-1])["ms"])


def cold_start(
    repeats: int, openai_url: str, bedrock_url: str, ext_url: str, cfg_name: str
) -> dict[str, Any]:
    consts = {"OPENAI_URL": openai_url, "BEDROCK_URL": bedrock_url, "BEDROCK_MODEL": BEDROCK_MODEL}
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT / "lambda_src"),
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench-token",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AIGW_CONFIG_PARAMETER": cfg_name,
        "AIGW_EXTENSION_ENDPOINT": ext_url,
        "HOME": tempfile.gettempdir(),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "LITELLM_LOG": "ERROR",
    }
    samples: dict[str, list[float]] = {k: [] for k in SCRIPTS}
    bench_py = _bench_python()
    if bench_py:
        samples.update({k: [] for k in BASELINE_SCRIPTS})
    for _ in range(repeats):  # interleaved, so drift hits every variant alike
        for name, body in SCRIPTS.items():
            samples[name].append(_run_script(sys.executable, body, env, consts))
        if bench_py:
            for name, body in BASELINE_SCRIPTS.items():
                samples[name].append(_run_script(bench_py, body, env, consts))
    return {k: statistics.median(v) for k, v in samples.items()}


# --------------------------------------------------------------------------- overhead


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def request_overhead(n: int, openai_url: str, cfg_doc: dict[str, Any]) -> dict[str, Any]:
    import http.client
    import urllib.parse

    from llm_gateway.config import parse_config
    from llm_gateway.core import Gateway

    cfg = parse_config(cfg_doc)
    gw = Gateway(lambda: cfg, log_sink=lambda _: None, metrics_sink=lambda _: None)
    body = json.dumps({"model": "gpt", "messages": MESSAGES}).encode()
    mock_body = json.dumps({"model": "mock", "messages": MESSAGES}).encode()
    auth = {"tenant": "bench", "allowed_models": "*"}
    u = urllib.parse.urlsplit(openai_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    direct_payload = json.dumps({"model": "ok", "messages": MESSAGES})

    def direct() -> None:
        conn.request(
            "POST", "/v1/chat/completions", direct_payload, {"content-type": "application/json"}
        )
        json.loads(conn.getresponse().read())

    def via_gateway() -> None:
        resp = gw.handle("POST", "/v1/chat/completions", {}, body, auth)
        assert resp.status == 200, resp.body

    def core_only() -> None:
        resp = gw.handle("POST", "/v1/chat/completions", {}, mock_body, auth)
        assert resp.status == 200

    for _ in range(50):  # warm up
        direct()
        via_gateway()
        core_only()
    d, g, c = [], [], []
    for _ in range(n):
        for fn, bucket in ((direct, d), (via_gateway, g), (core_only, c)):
            t = time.perf_counter()
            fn()
            bucket.append((time.perf_counter() - t) * 1000)
    conn.close()
    return {
        "n": n,
        "direct_p50_ms": _pct(d, 0.5),
        "direct_p99_ms": _pct(d, 0.99),
        "gateway_p50_ms": _pct(g, 0.5),
        "gateway_p99_ms": _pct(g, 0.99),
        "overhead_p50_ms": _pct(g, 0.5) - _pct(d, 0.5),
        "overhead_p99_ms": _pct(g, 0.99) - _pct(d, 0.99),
        "core_mock_p50_ms": _pct(c, 0.5),
        "core_mock_p99_ms": _pct(c, 0.99),
    }


_LITELLM_OVERHEAD = """
import json, time, http.client, urllib.parse
import litellm
u = urllib.parse.urlsplit(OPENAI_URL)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
payload = json.dumps({"model": "ok", "messages": [{"role": "user", "content": "Say hello"}]})
def direct():
    conn.request("POST", "/v1/chat/completions", payload, {"content-type": "application/json"})
    json.loads(conn.getresponse().read())
def via():
    litellm.completion(model="openai/ok", api_base=OPENAI_URL + "/v1", api_key="sk-bench",
                       messages=[{"role": "user", "content": "Say hello"}])
for _ in range(20):
    direct(); via()
d, g = [], []
for _ in range(N):
    for fn, b in ((direct, d), (via, g)):
        t = time.perf_counter(); fn(); b.append((time.perf_counter() - t) * 1000)
d.sort(); g.sort()
p = lambda v, q: v[min(len(v) - 1, int(round(q * (len(v) - 1))))]
print(json.dumps({"ms": 0, "overhead_p50_ms": p(g, .5) - p(d, .5),
                  "overhead_p99_ms": p(g, .99) - p(d, .99)}))
"""


def litellm_overhead(n: int, openai_url: str) -> dict[str, Any] | None:
    py = _bench_python()
    if not py:
        return None
    code = f"N = {n}\nOPENAI_URL = {openai_url!r}\n" + _LITELLM_OVERHEAD
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": tempfile.gettempdir(),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "LITELLM_LOG": "ERROR",
    }
    out = subprocess.run(
        [py, "-c", code], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"litellm overhead script failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def quota_overhead(n: int, cfg_doc: dict[str, Any]) -> dict[str, Any] | None:
    """Extra cost of the quota path (reserve + reconcile) against the moto sandbox."""
    try:
        import boto3

        from aigw.sandbox import Sandbox
    except ImportError:
        return None
    from llm_gateway.config import parse_config
    from llm_gateway.core import Gateway

    with tempfile.TemporaryDirectory() as tmp:
        box = Sandbox(state_dir=Path(tmp), port=0)
        box.up()
        try:
            os.environ.update(
                {
                    "AWS_ENDPOINT_URL": box.endpoint,
                    "AWS_ACCESS_KEY_ID": "x",
                    "AWS_SECRET_ACCESS_KEY": "x",
                    "AWS_DEFAULT_REGION": "us-east-1",
                }
            )
            boto3.client("dynamodb").create_table(
                TableName="bench-usage",
                BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            )
            plain = parse_config(cfg_doc)
            quota = parse_config(
                {
                    **cfg_doc,
                    "quotas": {
                        "enabled": True,
                        "table_name": "bench-usage",
                        "default_tokens": 10**12,
                    },
                }
            )
            gws = {
                name: Gateway(lambda c=c: c, log_sink=lambda _: None, metrics_sink=lambda _: None)
                for name, c in (("plain", plain), ("quota", quota))
            }
            body = json.dumps({"model": "mock", "messages": MESSAGES}).encode()
            auth = {"tenant": "bench", "allowed_models": "*"}
            samples: dict[str, list[float]] = {"plain": [], "quota": []}
            for i in range(n + 20):
                for name, gw in gws.items():
                    t = time.perf_counter()
                    assert gw.handle("POST", "/v1/chat/completions", {}, body, auth).status == 200
                    if i >= 20:
                        samples[name].append((time.perf_counter() - t) * 1000)
        finally:
            box.down()
    return {
        "n": n,
        "extra_p50_ms": _pct(samples["quota"], 0.5) - _pct(samples["plain"], 0.5),
        "extra_p99_ms": _pct(samples["quota"], 0.99) - _pct(samples["plain"], 0.99),
    }


# --------------------------------------------------------------------------- size


def package_size() -> int:
    from aigw.packaging import BuildConfig, build_all

    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        cfg = BuildConfig(src_dir=ROOT / "lambda_src", dist_dir=t / "dist", cache_dir=t / "cache")
        report = build_all(cfg, t)
        return next(p.size for p in report.packages if p.name == "llm_gateway")


# --------------------------------------------------------------------------- entry points


def run(repeats: int = 5, requests: int = 1000) -> dict[str, Any]:
    with FakeOpenAI() as oai, FakeBedrock() as br, FakeExtension(token="bench-token") as ext:  # noqa: S106
        doc = _config(oai.url, br.url)
        ext.parameters["/bench/config"] = json.dumps(doc)
        ext.secrets["arn:bench:secret"] = "sk-bench"
        cold = cold_start(max(repeats, 3), oai.url, br.url, ext.url, "/bench/config")
        os.environ.update({"AIGW_EXTENSION_ENDPOINT": ext.url, "AWS_SESSION_TOKEN": "bench-token"})
        overhead = request_overhead(requests, oai.url, doc)
        lite = litellm_overhead(max(100, requests // 5), oai.url)
        dialects = dialects_bench.dialect_overhead(max(200, requests // 2), oai.url, doc)
    quota = quota_overhead(max(100, requests // 5), doc)
    stored = dialects_bench.stored_turn_cost(max(100, requests // 5), doc)
    return {
        "dialects": dialects,
        "stored_turn": stored,
        "cold_start_ms": cold,
        "overhead": overhead,
        "litellm_overhead": lite,
        "quota_overhead": quota,
        "package_bytes": package_size(),
        "repeats": max(repeats, 3),
    }


def _fmt(v: float | None) -> str:
    return "not measured" if v is None else f"{v:.1f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "not measured" if a is None or b is None else f"{a / b:.2f}"


def markdown(r: dict[str, Any]) -> str:
    cs = r["cold_start_ms"]
    g = cs.get
    oh, lite, quota = r["overhead"], r["litellm_overhead"], r["quota_overhead"]
    boto_floor = g("floor_boto3_converse")
    own_bedrock = g("gateway_bedrock") - boto_floor if boto_floor else None
    lines = [
        "## LLM gateway",
        "",
        "`bench/llm_gateway/llm_bench.py` (`.venv/bin/python bench/llm_gateway/llm_bench.py`"
        f" or `make bench`); cold starts are medians of {r['repeats']} fresh "
        "interpreters (imports, config through the fake extension, clients, one chat "
        "completion against a loopback fake upstream). Baselines with third-party "
        "packages run from `.venv-bench`.",
        "",
        "| Cold start to first response | ms |",
        "|---|---|",
        *(
            f"| {name} | {_fmt(g(name))} |"
            for name in [
                "floor_stdlib_http",
                "gateway_openai",
                "fastapi_mangum_httpx",
                "floor_boto3_client",
                "floor_boto3_converse",
                "gateway_bedrock",
                "fastapi_mangum_boto3",
                "litellm",
            ]
        ),
        "",
        "| Goal | Measured | Target |",
        "|---|---|---|",
        f"| OpenAI-compatible: gateway / FastAPI+Mangum+httpx | "
        f"{_ratio(g('gateway_openai'), g('fastapi_mangum_httpx'))} | ≤ 0.20 |",
        f"| Bedrock: gateway / FastAPI+Mangum+boto3 | "
        f"{_ratio(g('gateway_bedrock'), g('fastapi_mangum_boto3'))} | ≤ 0.60 |",
        f"| Bedrock: gateway / litellm | {_ratio(g('gateway_bedrock'), g('litellm'))} | ≤ 0.10 |",
        f"| Bedrock: own code over boto3 floor (import + client + one converse) | "
        f"{_ratio(own_bedrock, boto_floor)} | ≤ 0.15 |",
        f"| Per-request overhead p50 (ms, vs direct http.client) | "
        f"{oh['overhead_p50_ms']:.3f} | ≤ 1 |",
        f"| Per-request overhead p99 (ms; the larger of gateway p99 − direct p99 and the "
        f"core-only p99) | {max(oh['overhead_p99_ms'], oh['core_mock_p99_ms']):.3f} | ≤ 3 |",
        f"| litellm overhead p50 / gateway overhead p50 | "
        f"{_ratio(lite['overhead_p50_ms'] if lite else None, oh['overhead_p50_ms'])} | ≥ 3 |",
        f"| llm_gateway zip size (bytes) | {r['package_bytes']} | ≤ {TARGET_PACKAGE_BYTES} |",
        "",
        f"Per-request figures: {oh['n']} interleaved requests; direct p50 "
        f"{oh['direct_p50_ms']:.3f} ms / p99 {oh['direct_p99_ms']:.3f} ms, through the "
        f"gateway p50 {oh['gateway_p50_ms']:.3f} / p99 {oh['gateway_p99_ms']:.3f} ms; the "
        f"core alone with the mock provider p50 {oh['core_mock_p50_ms']:.3f} / p99 "
        f"{oh['core_mock_p99_ms']:.3f} ms. litellm overhead: "
        + (
            f"p50 {lite['overhead_p50_ms']:.3f} / p99 {lite['overhead_p99_ms']:.3f} ms."
            if lite
            else "not measured."
        )
        + " Quota path (reserve + reconcile against the moto sandbox, so it measures moto "
        "more than DynamoDB): "
        + (
            f"+{quota['extra_p50_ms']:.3f} ms p50 / +{quota['extra_p99_ms']:.3f} ms p99."
            if quota
            else "not measured."
        ),
        *dialects_bench.markdown(r["dialects"], r["stored_turn"]),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    result = run(repeats=int(os.environ.get("AIGW_BENCH_REPEATS", "5")))
    print(json.dumps(result, indent=2))
    print(markdown(result))
