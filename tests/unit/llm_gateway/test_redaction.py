"""The redaction modes of the request log line, as docs/llm-gateway.md states them:
``metadata`` → ``{"chars": n}``; ``hash`` → plus ``sha256``; ``full`` → plus ``text`` with
e-mail addresses, phone/card numbers, IP addresses, bearer tokens and API keys masked;
for the prompt and the completion alike. Expected values are literals (digests from
``sha256sum``), not the helpers under test."""

from __future__ import annotations

import hashlib
import json

import pytest
from llm_helpers import base_config, make_gateway, post

from aigw_shared import jsonlog

PII = (
    "Mail jane.doe@example.org or call +1 (415) 555-0100 from 10.0.12.7, "
    "card 4242 4242 4242 4242, key AKIAABCDEFGHIJKLMNOP, sk-proj-abcdefghijklmnopqrstuv "
    "and Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y today."
)
PII_MASKED = (
    "Mail [EMAIL] or call [PHONE] from [IP], card [CARD], key [AWS_KEY], [API_KEY] "
    "and Authorization: Bearer [TOKEN] today."
)


def test_metadata_mode_is_the_size_alone() -> None:
    assert jsonlog.redact(PII, "metadata") == {"chars": 208}


def test_hash_mode_is_the_size_and_the_sha256_of_the_utf8_text() -> None:
    assert jsonlog.redact("same", "hash") == {
        "chars": 4,
        "sha256": "0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5",
    }
    # Characters, not bytes, are counted; the digest is of the UTF-8 bytes.
    assert jsonlog.redact("héllo", "hash") == {
        "chars": 5,
        "sha256": "3c48591d8d098a4538f5e013dfcf406e948eac4d3277b10bf614e295d6068179",
    }


def test_full_mode_masks_every_documented_kind_and_keeps_the_rest() -> None:
    assert jsonlog.redact(PII, "full") == {"chars": 208, "text": PII_MASKED}


@pytest.mark.parametrize("mode", jsonlog.REDACTION_MODES)
def test_no_text_is_zero_characters_in_every_mode(mode: str) -> None:
    assert jsonlog.redact(None, mode) == {"chars": 0}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("mode", ["metadata", "hash", "full"])
def test_the_request_line_redacts_prompt_and_completion_per_mode(mode: str, stream: bool) -> None:
    gw, cap = make_gateway(base_config(logging={"redaction": mode}))
    prompt = "write to bob@example.com"
    resp = post(
        gw,
        "/v1/chat/completions",
        {"model": "chat", "stream": stream, "messages": [{"role": "user", "content": prompt}]},
    )
    assert resp.status == 200
    if stream:
        events = [e[6:] for e in resp.read_all().decode().split("\n\n") if e.startswith("data: {")]
        completion = "".join(
            c["delta"].get("content") or "" for e in events for c in json.loads(e)["choices"]
        )
    else:
        completion = json.loads(resp.body)["choices"][0]["message"]["content"]
    assert "bob@example.com" in completion  # the mock echoes the prompt
    line = cap.logs[-1]
    assert line["msg"] == "request" and line["redaction"] == mode
    expected = {
        "metadata": (
            {"chars": len(prompt)},
            {"chars": len(completion)},
        ),
        "hash": (
            {"chars": len(prompt), "sha256": _sha(prompt)},
            {"chars": len(completion), "sha256": _sha(completion)},
        ),
        "full": (
            {"chars": len(prompt), "text": "write to [EMAIL]"},
            {"chars": len(completion), "text": completion.replace("bob@example.com", "[EMAIL]")},
        ),
    }[mode]
    assert (line["prompt"], line["completion"]) == expected
    assert "bob@example.com" not in json.dumps(cap.logs)
