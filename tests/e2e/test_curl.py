"""curl against the gateway core (streaming and errors), and what the gateway logs."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import openai
import pytest
from aigw_fakes import UPSTREAM_KEY

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl not installed")


def curl(url: str, body: dict, key: str = "sk-acme") -> tuple[int, str]:
    out = subprocess.run(
        [
            "curl",
            "-sS",
            "-N",
            "--max-time",
            "20",
            "-w",
            "\n%{http_code}",
            "-X",
            "POST",
            url,
            "-H",
            f"Authorization: Bearer {key}",
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            json.dumps(body),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    text, _, code = out.stdout.rpartition("\n")
    return int(code), text


def test_curl_streams_server_sent_events(gateway_url: str) -> None:
    code, text = curl(
        gateway_url + "/chat/completions",
        {"model": "claude", "stream": True, "messages": [{"role": "user", "content": "hi"}]},
    )
    assert code == 200
    events = [line[len("data: ") :] for line in text.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    assert json.loads(events[0])["object"] == "chat.completion.chunk"


def test_curl_gets_openai_error_bodies(gateway_url: str) -> None:
    code, text = curl(gateway_url + "/chat/completions", {"model": "gpt"})
    assert code == 400
    assert json.loads(text)["error"]["param"] == "messages"


def test_secrets_and_prompts_never_reach_the_logs(
    gateway_url: str, gateway_logs: io.StringIO
) -> None:
    client = openai.OpenAI(base_url=gateway_url, api_key="sk-acme", max_retries=0)
    client.chat.completions.create(
        model="gpt", messages=[{"role": "user", "content": "my confidential prompt"}]
    )
    logged = gateway_logs.getvalue()
    assert '"msg":"request"' in logged
    assert UPSTREAM_KEY not in logged
    assert "sk-acme" not in logged
    assert "confidential" not in logged
