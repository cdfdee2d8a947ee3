"""`aigw cache flush --env ENV`: FlushStageCache on the env's REST API and stage.

moto does not implement FlushStageCache, so the AWS call is checked with botocore's
Stubber against the real apigateway service model (the request must validate against it).
"""

from __future__ import annotations

import argparse
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from aigw import envs
from aigw.commands import cache

OUTPUTS: dict[str, Any] = {
    "rest_api_id": "a1b2c3d4e5",
    "stage_name": "prod",
    "stage_invoke_url": "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod",
    "stage_cache": {"enabled": True, "cluster_size": "0.5", "routes": {}},
}


def _args(env: str = "prod", region: str | None = None) -> argparse.Namespace:
    return argparse.Namespace(env=env, region=region, profile=None, root=None)


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch):
    client = boto3.client(
        "apigateway",
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with Stubber(client) as stub:
        made: list[tuple[str | None, str | None]] = []

        def factory(region: str | None, profile: str | None) -> Any:
            made.append((region, profile))
            return client

        yield stub, factory, made
        stub.assert_no_pending_responses()


def test_flush_calls_flush_stage_cache_on_the_envs_api_and_stage(
    monkeypatch: pytest.MonkeyPatch, stubbed, capsys: pytest.CaptureFixture[str]
) -> None:
    stub, factory, made = stubbed
    monkeypatch.setattr(envs, "outputs", lambda root, name, tf=None: dict(OUTPUTS))
    stub.add_response("flush_stage_cache", {}, {"restApiId": "a1b2c3d4e5", "stageName": "prod"})
    assert cache.cmd_cache_flush(_args(), factory) == 0
    assert made == [("eu-west-1", None)]  # the stage's region, from its invoke URL
    assert "flushed the stage cache of a1b2c3d4e5/prod (prod)" in capsys.readouterr().out


def test_the_stage_falls_back_to_cli_environment_and_region_to_the_flag(
    monkeypatch: pytest.MonkeyPatch, stubbed
) -> None:
    stub, factory, made = stubbed
    outputs = {"rest_api_id": "x9", "cli_environment": {"AIGW_STAGE": "staging"}}
    monkeypatch.setattr(envs, "outputs", lambda root, name, tf=None: outputs)
    stub.add_response("flush_stage_cache", {}, {"restApiId": "x9", "stageName": "staging"})
    assert cache.cmd_cache_flush(_args("staging", "us-west-2"), factory) == 0
    assert made == [("us-west-2", None)]


def test_an_aws_error_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, stubbed, capsys: pytest.CaptureFixture[str]
) -> None:
    stub, factory, _ = stubbed
    monkeypatch.setattr(envs, "outputs", lambda root, name, tf=None: dict(OUTPUTS))
    stub.add_client_error(
        "flush_stage_cache", "NotFoundException", "Invalid stage identifier specified"
    )
    assert cache.cmd_cache_flush(_args(), factory) == 1
    err = capsys.readouterr().err
    assert err.startswith("aigw: error: FlushStageCache failed:")
    assert "Invalid stage identifier specified" in err


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        ({}, "env 'prod' has no rest_api_id output: is it applied?"),
        ({"rest_api_id": "a1"}, "env 'prod' has no stage_name output"),
        (
            {**OUTPUTS, "stage_cache": {"enabled": False, "routes": {}}},
            "env 'prod' has no stage cache: no route has cache enabled",
        ),
    ],
)
def test_refusals_name_what_is_missing_and_call_nothing(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    outputs: dict[str, Any],
    message: str,
) -> None:
    monkeypatch.setattr(envs, "outputs", lambda root, name, tf=None: outputs)

    def no_client(region: str | None, profile: str | None) -> Any:
        raise AssertionError("no AWS call for a refused flush")

    assert cache.cmd_cache_flush(_args(), no_client) == 2
    assert message in capsys.readouterr().err


def test_the_local_sandbox_is_refused_with_the_serve_flush(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def no_client(region: str | None, profile: str | None) -> Any:
        raise AssertionError("no AWS call for the sandbox")

    assert cache.cmd_cache_flush(_args("local"), no_client) == 2
    err = capsys.readouterr().err
    assert "does not implement FlushStageCache" in err and "kill -USR1" in err


def test_the_sandbox_really_lacks_flush_stage_cache() -> None:
    """Why the local env is refused: if moto gains FlushStageCache, this fails and the
    command (and docs/caching.md) should use it."""
    from moto.apigateway.responses import APIGatewayResponse

    assert not any("flush" in name.lower() for name in dir(APIGatewayResponse))
