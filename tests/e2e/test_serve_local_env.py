"""`aigw serve` against the session's `envs/local` apply (the ``local_env`` fixture,
tests/integration/local_env.py: a private sandbox, shared with
tests/integration/test_make_apply_local.py and scheduled on one pytest-xdist worker):
creates a tenant and keys with the CLI, starts `aigw serve` as a process and drives it
with the official openai SDK and curl."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator

import openai
import pytest
from local_env import LocalEnv
from serve_process import ServeProcess, openai_client

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]


@pytest.fixture(scope="module")
def tenant_key(local_env: LocalEnv) -> str:
    local_env.aigw("tenants", "create", "acme", "--tier", "standard", "--models", "mock-chat")
    return local_env.aigw("keys", "create", "--tenant", "acme")["key"]


@pytest.fixture(scope="module")
def server(local_env: LocalEnv, tenant_key: str) -> Iterator[ServeProcess]:
    srv = ServeProcess(local_env)
    try:
        yield srv
    finally:
        srv.stop()


def test_startup_output_lists_routes_and_snippets(server: ServeProcess) -> None:
    out = server.output()
    assert f"listening on {server.url}" in out
    for path in ("/v1/chat/completions", "/v1/embeddings", "/v1/models", "/v1/prompts/summarise"):
        assert path in out
    assert "keys create --tenant acme" in out
    assert f'OpenAI(base_url="{server.url}/v1"' in out
    assert "curl -sS" in out
    assert "warning:" not in out  # the sandbox runs the build of this checkout


def test_openai_sdk_chat_through_the_authorizer(server: ServeProcess, tenant_key: str) -> None:
    reply = openai_client(server, tenant_key).chat.completions.create(
        model="mock-chat", messages=[{"role": "user", "content": "hello serve"}]
    )
    assert reply.choices[0].message.content.endswith("hello serve")
    assert reply.usage.total_tokens > 0


def test_openai_sdk_streams(server: ServeProcess, tenant_key: str) -> None:
    stream = openai_client(server, tenant_key).chat.completions.create(
        model="mock-chat", messages=[{"role": "user", "content": "one two three"}], stream=True
    )
    chunks = list(stream)
    assert len(chunks) > 2
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.endswith("one two three")
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_openai_sdk_retrieves_a_model(server: ServeProcess, tenant_key: str) -> None:
    client = openai_client(server, tenant_key)
    assert client.models.retrieve("mock-chat").id == "mock-chat"
    with pytest.raises(openai.NotFoundError) as info:
        client.models.retrieve("mock-embed")  # configured, but not allowed for acme
    assert info.value.body["code"] == "model_not_found"


def test_openai_sdk_lists_only_the_tenants_models(server: ServeProcess, tenant_key: str) -> None:
    assert [m.id for m in openai_client(server, tenant_key).models.list()] == ["mock-chat"]


def test_prompt_template_route(server: ServeProcess, tenant_key: str) -> None:
    client = openai_client(server, tenant_key)
    reply = client.post(
        "/prompts/summarise",
        body={"variables": {"text": "the quick brown fox"}},
        cast_to=object,
    )
    assert reply["object"] == "chat.completion"
    assert "the quick brown fox" in reply["choices"][0]["message"]["content"]


def test_model_outside_the_allow_list_is_404(server: ServeProcess, tenant_key: str) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        openai_client(server, tenant_key).embeddings.create(model="mock-embed", input="x")
    assert info.value.body["code"] == "model_not_found"


# What the mock provider answers for "a" and "b" (8 dimensions from the SHA-256 of the
# text): the gateway, the Lambda proxy and `aigw serve` must hand them over unchanged.
MOCK_EMBEDDINGS = {
    "a": [-0.85542, 0.583896, 0.399956, -0.391719, 0.94481, -0.10698, 0.042709, 0.463163],
    "b": [-0.821041, -0.419152, -0.20851, -0.588322, -0.996254, -0.420507, 0.366652, 0.226581],
}


def test_embeddings_for_an_allowed_tenant(local_env: LocalEnv, server: ServeProcess) -> None:
    local_env.aigw("tenants", "create", "embedder", "--tier", "premium", "--models", "*")
    key = local_env.aigw("keys", "create", "--tenant", "embedder")["key"]
    raw = openai_client(server, key).embeddings.with_raw_response.create(
        model="mock-embed", input=["a", "b"], encoding_format="float"
    )
    reply = raw.parse()
    assert reply.object == "list" and reply.model == "mock-embed"
    assert [d.index for d in reply.data] == [0, 1]
    assert reply.data[0].embedding == pytest.approx(MOCK_EMBEDDINGS["a"], abs=1e-6)
    assert reply.data[1].embedding == pytest.approx(MOCK_EMBEDDINGS["b"], abs=1e-6)
    assert reply.usage.prompt_tokens == 2 and reply.usage.total_tokens == 2  # 1 per input
    line = server.access_line(raw.headers["x-amzn-requestid"])
    assert line.startswith("POST /v1/embeddings 200 ") and " tenant=embedder " in line


def test_missing_key_is_401_with_an_openai_body(server: ServeProcess) -> None:
    req = urllib.request.Request(server.url + "/v1/models")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10)
    assert info.value.code == 401
    assert json.loads(info.value.read())["error"]["code"] == "invalid_api_key"


def test_wrong_key_is_401_for_the_sdk(server: ServeProcess) -> None:
    with pytest.raises(openai.AuthenticationError) as info:
        openai_client(server, "aigw-v1-notakey").models.list()
    assert info.value.status_code == 401
    assert info.value.code == "invalid_api_key" and info.value.type == "invalid_request_error"
    # The authorizer refused it: the function never ran, so no tenant is on the line.
    line = server.access_line(info.value.response.headers["x-amzn-requestid"])
    assert line.startswith("GET /v1/models 401 ") and " tenant=- " in line


def test_revoked_key_is_401(local_env: LocalEnv, server: ServeProcess) -> None:
    # Two keys issued alike; one is revoked before first use (the authorizer caches
    # decisions per key for its TTL, as API Gateway does, so a used key would stay
    # allowed until the cache entry expires).
    kept = local_env.aigw("keys", "create", "--tenant", "acme")
    issued = local_env.aigw("keys", "create", "--tenant", "acme")
    local_env.aigw("keys", "revoke", issued["key_id"])
    raw = openai_client(server, kept["key"]).models.with_raw_response.list()
    assert [m.id for m in raw.parse()] == ["mock-chat"]
    with pytest.raises(openai.AuthenticationError) as info:
        openai_client(server, issued["key"]).models.list()
    assert info.value.status_code == 401
    assert info.value.code == "invalid_api_key" and info.value.type == "invalid_request_error"
    allowed = server.access_line(raw.headers["x-amzn-requestid"])
    refused = server.access_line(info.value.response.headers["x-amzn-requestid"])
    assert allowed.startswith("GET /v1/models 200 ") and " tenant=acme " in allowed
    assert refused.startswith("GET /v1/models 401 ") and " tenant=- " in refused, (
        "the function must not run"
    )
    assert issued["key"] not in server.output()


def test_curl_streams_and_gets_validation_errors(server: ServeProcess, tenant_key: str) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl not installed")

    def curl(body: str) -> tuple[int, str]:
        out = subprocess.run(
            [
                *("curl", "-sS", "-N", "--max-time", "20", "-w", "\n%{http_code}"),
                *(server.url + "/v1/chat/completions", "-H", f"Authorization: Bearer {tenant_key}"),
                *("-H", "Content-Type: application/json", "--data-binary", body),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        text, _, code = out.stdout.rpartition("\n")
        return int(code), text

    code, text = curl(
        json.dumps(
            {"model": "mock-chat", "stream": True, "messages": [{"role": "user", "content": "x"}]}
        )
    )
    assert code == 200
    events = [ln[6:] for ln in text.splitlines() if ln.startswith("data: ")]
    assert events[-1] == "[DONE]" and json.loads(events[0])["object"] == "chat.completion.chunk"

    code, text = curl('{"model": ')
    assert code == 400 and json.loads(text)["error"]["code"] == "invalid_request_body"
    code, text = curl('{"model": "mock-chat"}')
    # API Gateway's gateway response carries $context.error.messageString only: the
    # validator's detail (which names `messages`) never reaches the client (ADR 0033).
    error = json.loads(text)["error"]
    assert code == 400 and error["code"] == "invalid_request_body"
    assert error["message"] == "Invalid request body"


def test_request_log_lines_name_the_tenant_not_the_key(
    server: ServeProcess, tenant_key: str
) -> None:
    raw = openai_client(server, tenant_key).chat.completions.with_raw_response.create(
        model="mock-chat", messages=[{"role": "user", "content": "confidential words"}]
    )
    line = server.access_line(raw.headers["x-amzn-requestid"])
    assert line.startswith("POST /v1/chat/completions 200 ") and " tenant=acme " in line
    out = server.output()
    assert tenant_key not in out
    assert "confidential words" not in out


def test_sigterm_stops_the_server_gracefully(local_env: LocalEnv, tenant_key: str) -> None:
    srv = ServeProcess(local_env)
    assert srv.stop() == 0
    assert "aigw serve: stopped" in srv.output()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", srv.port)) != 0
