"""The exact shape of the authorizer's CloudWatch EMF lines (a failed JWKS fetch) and the
API-key hash, a fixed format that tooling/aigw/tenancy/keyformat.py writes and this side reads."""

from __future__ import annotations

import json
import time

import pytest

from authorizer import apikeys
from authorizer.jwks import JwksCache, JwksUnavailable


def _fail(url: str, timeout: float) -> dict:
    raise JwksUnavailable("JWKS endpoint answered 503")


def failure_line(url: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    with pytest.raises(JwksUnavailable):
        JwksCache(fetcher=_fail).get_key(url, "k1")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    return lines[0]


def test_a_failed_fetch_writes_one_emf_line(capsys: pytest.CaptureFixture[str]) -> None:
    before = int(time.time() * 1000)
    record = json.loads(failure_line("https://issuer.test/jwks", capsys))
    after = int(time.time() * 1000)
    stamp = record["_aws"].pop("Timestamp")
    assert before <= stamp <= after  # milliseconds since the epoch, as EMF requires
    assert record == {
        "_aws": {
            "CloudWatchMetrics": [
                {
                    "Namespace": "aigw",
                    "Dimensions": [["JwksHost"]],
                    "Metrics": [{"Name": "JwksFetchFailures", "Unit": "Count"}],
                }
            ]
        },
        "logger": "aigw.authorizer",
        "JwksHost": "issuer.test",
        "JwksFetchFailures": 1,
        "reason": "JWKS endpoint answered 503",
    }


def test_the_emf_line_has_its_keys_sorted(capsys: pytest.CaptureFixture[str]) -> None:
    line = failure_line("https://issuer.test/jwks", capsys)
    assert line == json.dumps(json.loads(line), sort_keys=True)


def test_a_url_without_a_host_has_an_empty_host_dimension(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert json.loads(failure_line("file:///etc/jwks.json", capsys))["JwksHost"] == ""


def test_the_key_hash_is_sha256_over_the_nul_separated_parts() -> None:
    # sha256(b"aigw-api-key-v1\0dev\0AbCdEfGhIjKlMnOp\0" + b"S" * 43), computed once.
    assert apikeys.hash_secret("dev", "AbCdEfGhIjKlMnOp", "S" * 43) == (
        "cd48f15669b13c8092fc42c29a3ea4a579b85f7d0e90d14cfc5a4723238e4341"
    )
