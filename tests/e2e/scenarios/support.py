"""What the users' scenarios share: one `aigw serve` of the shared `envs/local` apply, a
tenant and key per scenario, plain-HTTP and curl clients, and readers of the records a
request leaves in serve's output (its access-log line, the LLM function's EMF metric
lines and JSON request log)."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from local_env import LocalEnv
from serve_process import ServeProcess

ACCESS_LINE = re.compile(
    r"^(?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) (?P<ms>\d+)ms "
    r"tenant=(?P<tenant>\S+) cache=(?P<cache>HIT|MISS|-) request_id=(?P<request_id>\S+)$"
)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def request_id(self) -> str:
        return self.headers["x-amzn-requestid"]


class Scenarios:
    """`aigw serve` of the env, and the env's CLI for tenants and keys."""

    def __init__(self, env: LocalEnv, serve: ServeProcess) -> None:
        self.env = env
        self.serve = serve

    def tenant(self, name: str, tier: str = "standard") -> tuple[str, str]:
        """A new tenant of ``tier`` (``name`` made unique to this serve) and a key of its
        own: (tenant, key)."""
        tenant = f"{name}-{self.serve.port}"
        self.env.aigw("tenants", "create", tenant, "--tier", tier, "--models", "*")
        return tenant, self.key(tenant)["key"]

    def key(self, tenant: str) -> dict[str, Any]:
        return self.env.aigw("keys", "create", "--tenant", tenant)

    def request(
        self, method: str, path: str, body: Any = None, key: str | None = None, **headers: str
    ) -> Answer:
        """One request with urllib; the key as a Bearer token, as OpenAI clients send it."""
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers.setdefault("content-type", "application/json")
        if key:
            headers["authorization"] = f"Bearer {key}"
        req = urllib.request.Request(
            self.serve.url + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return Answer(resp.status, _lower(resp.headers.items()), resp.read())
        except urllib.error.HTTPError as err:
            return Answer(err.code, _lower(err.headers.items()), err.read())

    def curl(self, path: str, body: bytes, key: str, content_type: str) -> Answer:
        """POST with the `curl` command line tool (headers and body as curl reports them)."""
        proc = subprocess.run(
            [
                *("curl", "-sS", "-D", "-", "-X", "POST", self.serve.url + path),
                *("-H", f"Authorization: Bearer {key}", "-H", f"Content-Type: {content_type}"),
                *("--data-binary", "@-"),
            ],
            input=body,
            capture_output=True,
            timeout=60,
            check=True,
        )
        head, _, payload = proc.stdout.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = _lower(ln.split(":", 1) for ln in lines[1:] if ":" in ln)
        return Answer(status, {k: v.strip() for k, v in headers.items()}, payload)

    def access(self, answer: Answer | str) -> dict[str, str]:
        """The fields of the access-log line of a request (an answer or its request id)."""
        rid = answer if isinstance(answer, str) else answer.request_id
        line = self.serve.access_line(rid)
        m = ACCESS_LINE.match(line)
        assert m, f"not an access-log line: {line!r}"
        return m.groupdict()

    def function_records(self, tenant: str, kind: str, wait_for: int = 1) -> list[dict[str, Any]]:
        """The LLM function's JSON lines for ``tenant``: ``metrics`` (EMF, dimension Tenant)
        or ``log`` (its ``request`` log line), or ``any`` JSON line of any function;
        waits, bounded, for ``wait_for`` of them."""
        deadline = time.monotonic() + 10
        while True:
            found = []
            for line in self.serve.output().splitlines():
                start = line.find("{")
                if start < 0:
                    continue
                try:
                    doc = json.loads(line[start:])
                except ValueError:
                    continue
                if not isinstance(doc, dict):
                    continue
                if kind == "any" and "_aws" not in doc:
                    found.append(doc)
                elif kind == "metrics" and "_aws" in doc and doc.get("Tenant") == tenant:
                    found.append(doc)
                elif kind == "log" and doc.get("msg") == "request" and doc.get("tenant") == tenant:
                    found.append(doc)
            if len(found) >= wait_for or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def _lower(items: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in items}


def assert_openai_error(answer: Answer, status: int, code: str | None = None) -> dict[str, Any]:
    """An OpenAI-shaped error body: {"error": {"message", "type", "code", "param"}}."""
    assert answer.status == status, (answer.status, answer.body)
    assert answer.headers["content-type"].startswith("application/json")
    error = answer.json()["error"]
    assert {"message", "type", "code"} <= set(error), error
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


def queue_model_answers(env: Any, *answers: tuple[str, str]) -> None:
    """The next SageMaker InvokeEndpoint answers of the sandbox, (body, content type) each.

    The sandbox's endpoint runs no model: moto answers a fixed text unless told what the
    model says (its ``/moto-api/static/sagemaker/endpoint-results`` queue), which stands in
    for the model so the route's templates handle a real prediction.
    """
    doc = {"results": [{"Body": body, "ContentType": ctype} for body, ctype in answers]}
    req = urllib.request.Request(
        f"{env.endpoint}/moto-api/static/sagemaker/endpoint-results",
        data=json.dumps(doc).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status in (200, 201), resp.status
