"""``aigw release`` end to end through the parser, with the environment's outputs and the
AWS clients replaced (botocore Stubber: every request is checked against the API model
and any call not expected fails the test)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber

from aigw import cli, envs
from aigw.release import cli as release_cli

KEY = "a" * 40 + "." + "b" * 40
OUTPUTS = {
    "release": {
        "rest_api_id": "api1",
        "rest_api_name": "aigw-dev",
        "stage_name": "dev",
        "deployment_key": KEY,
        "llm_function_name": "aigw-dev-llm",
        "llm_alias_name": "live",
        "llm_function_version": "7",
        "canary_stage_metrics": "dev/Canary",
        "alarm_names": ["aigw-dev-canary-5xx-rate"],
    }
}


def _client(name):
    return boto3.client(
        name, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    env = tmp_path / "envs" / "dev"
    env.mkdir(parents=True)
    (env / "main.tf").write_text("")
    monkeypatch.setattr(envs, "outputs", lambda root, name, tf=None: OUTPUTS)
    clients = {n: _client(n) for n in ("apigateway", "lambda", "cloudwatch")}
    monkeypatch.setattr(release_cli, "_clients", lambda args, root: clients)
    stubs = {n: Stubber(c) for n, c in clients.items()}
    for s in stubs.values():
        s.activate()
    yield tmp_path, env / "release.auto.tfvars.json", stubs
    for s in stubs.values():
        s.assert_no_pending_responses()
        s.deactivate()


def run(root, *argv) -> int:
    return cli.main(["--root", str(root), "release", *argv])


def _expect_rollback(stubs):
    stubs["apigateway"].add_response(
        "get_stage",
        {"deploymentId": "base1", "canarySettings": {"deploymentId": "new1"}},
        {"restApiId": "api1", "stageName": "dev"},
    )
    stubs["apigateway"].add_response(
        "update_stage",
        {},
        {
            "restApiId": "api1",
            "stageName": "dev",
            "patchOperations": [{"op": "remove", "path": "/canarySettings"}],
        },
    )
    stubs["lambda"].add_response(
        "get_alias",
        {"FunctionVersion": "7", "RoutingConfig": {"AdditionalVersionWeights": {"8": 0.1}}},
        {"FunctionName": "aigw-dev-llm", "Name": "live"},
    )
    stubs["lambda"].add_response(
        "update_alias",
        {},
        {
            "FunctionName": "aigw-dev-llm",
            "Name": "live",
            "FunctionVersion": "7",
            "RoutingConfig": {"AdditionalVersionWeights": {}},
        },
    )


def test_start_writes_the_record_pinned_to_the_outputs(checkout, capsys):
    root, record, _ = checkout
    assert run(root, "start", "--env", "dev", "--percent", "10", "--llm-weight", "0.1") == 0
    release = json.loads(record.read_text())["release"]
    assert release["stage_canary"]["base_deployment_key"] == KEY
    assert release["llm_canary"] == {"stable_version": "7", "weight": 0.1}
    assert "make plan ENV=dev" in capsys.readouterr().out


def test_bad_start_is_a_clear_error_and_writes_nothing(checkout, capsys):
    root, record, _ = checkout
    assert run(root, "start", "--env", "dev", "--percent", "150") == 1
    assert "between 0 and 100" in capsys.readouterr().err
    assert not record.exists()


def test_watch_rolls_back_and_exits_2_when_an_alarm_fires(checkout, capsys):
    root, record, stubs = checkout
    assert run(root, "start", "--env", "dev", "--percent", "10", "--llm-weight", "0.1") == 0
    stubs["cloudwatch"].add_response(
        "describe_alarms",
        {"MetricAlarms": [{"AlarmName": "aigw-dev-canary-5xx-rate", "StateValue": "ALARM"}]},
        {
            "AlarmNames": ["aigw-dev-canary-5xx-rate"],
            "AlarmTypes": ["MetricAlarm", "CompositeAlarm"],
        },
    )
    _expect_rollback(stubs)
    code = run(root, "watch", "--env", "dev", "--for", "5m", "--interval", "30s")
    assert code == release_cli.ROLLED_BACK_EXIT == 2
    release = json.loads(record.read_text())["release"]
    assert release["rolled_back"] is True
    assert "rolling back" in capsys.readouterr().out


def test_watch_without_alarms_says_they_are_opt_in(checkout, capsys, monkeypatch):
    root, _, _ = checkout
    quiet = {"release": {**OUTPUTS["release"], "alarm_names": []}}
    monkeypatch.setattr(envs, "outputs", lambda root, name, tf=None: quiet)
    assert run(root, "start", "--env", "dev", "--percent", "10") == 0
    assert run(root, "watch", "--env", "dev", "--for", "1m") == 1
    assert "opt-in" in capsys.readouterr().err


def test_promote_clears_the_record_after_the_api_calls(checkout):
    root, record, stubs = checkout
    assert run(root, "start", "--env", "dev", "--llm-weight", "0.2") == 0
    stubs["lambda"].add_response(
        "get_alias",
        {"FunctionVersion": "7", "RoutingConfig": {"AdditionalVersionWeights": {"8": 0.2}}},
        {"FunctionName": "aigw-dev-llm", "Name": "live"},
    )
    stubs["lambda"].add_response(
        "update_alias",
        {},
        {
            "FunctionName": "aigw-dev-llm",
            "Name": "live",
            "FunctionVersion": "8",
            "RoutingConfig": {"AdditionalVersionWeights": {}},
        },
    )
    assert run(root, "promote", "--env", "dev") == 0
    assert json.loads(record.read_text()) == {"release": {}}
    # Nothing left to promote: refused before any AWS call (no stubbed response is used).
    assert run(root, "promote", "--env", "dev") == 1


def test_an_aws_error_is_reported_not_raised(checkout, capsys):
    root, record, stubs = checkout
    assert run(root, "start", "--env", "dev", "--percent", "10") == 0
    stubs["apigateway"].add_client_error(
        "get_stage", "NotFoundException", "Invalid stage identifier"
    )
    assert run(root, "rollback", "--env", "dev") == 1
    assert "AWS call failed" in capsys.readouterr().err
    assert "rolled_back" not in json.loads(record.read_text())["release"]


def test_status_shows_both_sides_and_fails_when_the_canary_is_worse(checkout, capsys):
    root, _, stubs = checkout
    assert run(root, "start", "--env", "dev", "--percent", "10") == 0
    stubs["cloudwatch"].add_response(
        "get_metric_data",
        {
            "MetricDataResults": [
                {"Id": "base_count", "Values": [900.0]},
                {"Id": "base_errors", "Values": [1.0]},
                {"Id": "base_p99", "Values": [300.0]},
                {"Id": "canary_count", "Values": [100.0]},
                {"Id": "canary_errors", "Values": [9.0]},
                {"Id": "canary_p99", "Values": [320.0]},
            ]
        },
    )
    assert run(root, "status", "--env", "dev", "--minutes", "15") == 1
    out = capsys.readouterr().out
    assert "stage base" in out and "stage canary" in out and "9.00%" in out
    assert "stage: failing" in out
