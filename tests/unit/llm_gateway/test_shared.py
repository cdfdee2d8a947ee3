"""The shared runtime helpers: errors, redaction and the TTL cache."""

from __future__ import annotations

import json

import pytest

from aigw_shared import errors, jsonlog, params


def test_api_error_body_has_the_openai_shape() -> None:
    err = errors.invalid_request("bad", "messages[0].role")
    assert json.loads(err.body_bytes()) == {
        "error": {
            "message": "bad",
            "type": "invalid_request_error",
            "code": "invalid_value",
            "param": "messages[0].role",
        }
    }
    assert err.status == 400


def test_internal_error_carries_no_detail() -> None:
    assert (
        errors.internal_error().body()["error"]["message"] == "The gateway hit an internal error."
    )


@pytest.mark.parametrize(
    ("text", "hidden", "mark"),
    [
        ("write to jane.doe@example.org", "jane.doe", "[EMAIL]"),
        ("call +1 (415) 555-0100 now", "555-0100", "[PHONE]"),
        ("card 4242-4242-4242-4242", "4242", "[CARD]"),
        ("key AKIAABCDEFGHIJKLMNOP", "AKIAABCDEFGHIJKLMNOP", "[AWS_KEY]"),
        ("use sk-proj-abcdefghijklmnopqrstuv", "sk-proj", "[API_KEY]"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y", "eyJhbGci", "[TOKEN]"),
        ("from 10.0.12.7", "10.0.12.7", "[IP]"),
    ],
)
def test_full_mode_masks_pii(text: str, hidden: str, mark: str) -> None:
    masked = jsonlog.redact(text, "full")["text"]
    assert hidden not in masked and mark in masked


def test_metadata_mode_keeps_only_size() -> None:
    assert jsonlog.redact("secret words", "metadata") == {"chars": 12}


def test_hash_mode_is_stable_and_textless() -> None:
    a, b = jsonlog.redact("same", "hash"), jsonlog.redact("same", "hash")
    assert a == b and "text" not in a and len(a["sha256"]) == 64


def test_logger_writes_one_json_line() -> None:
    lines: list[str] = []
    jsonlog.JsonLogger("svc", lines.append).info("hello", n=1)
    assert len(lines) == 1 and json.loads(lines[0])["n"] == 1


def test_ttl_cache_serves_stale_value_when_refresh_fails() -> None:
    now = [0.0]
    calls = {"n": 0}

    def loader(key: str) -> str:
        calls["n"] += 1
        if calls["n"] > 1:
            raise params.ParamsError("down")
        return "v1"

    cache = params.TtlCache(loader, ttl=10, clock=lambda: now[0], retry_after=5)
    assert cache.get("k") == "v1"
    now[0] = 11
    assert cache.get("k") == "v1" and cache.last_error == "down"
    now[0] = 12  # within retry_after: no new load
    cache.get("k")
    assert calls["n"] == 2


def test_extension_endpoint_must_be_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGW_EXTENSION_ENDPOINT", "file:///etc/passwd")
    monkeypatch.delenv("AIGW_CONFIG_SOURCE", raising=False)
    with pytest.raises(params.ParamsError, match="http://"):
        params.read_secret("x")
