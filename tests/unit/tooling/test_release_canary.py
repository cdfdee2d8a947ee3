"""``aigw release``: the record's transitions, the verdict on metrics, the bounded watch,
and the API calls of promote/rollback (botocore Stubber checks each request against the
service model; the sandbox does not implement stage canaries, see docs/releases.md)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber
from hypothesis import given
from hypothesis import strategies as st

from aigw.release import aws
from aigw.release.decide import Sample, Thresholds, decide
from aigw.release.record import (
    ReleaseError,
    StartRequest,
    promoted,
    read_record,
    rolled_back,
    start,
    write_record,
)
from aigw.release.watch import MAX_POLLS, max_polls, parse_duration, watch

KEY_A = "a" * 40 + "." + "b" * 40
KEY_B = "c" * 40 + "." + "b" * 40
OUTPUTS = {"deployment_key": KEY_A, "llm_function_version": "7"}
ALARMS = {"alarms": {"enabled": True}}


def req(percent=10.0, llm=None, **kw) -> StartRequest:
    return StartRequest(percent, kw.get("overrides", {}), kw.get("cache", False), llm)


# -- the record ------------------------------------------------------------------------


def test_start_pins_the_stage_and_the_alias_to_what_they_serve_now():
    new = start(ALARMS, OUTPUTS, req(10, 0.2, overrides={"lambdaAlias": "live"}))
    assert new["stage_canary"] == {
        "percent_traffic": 10,
        "base_deployment_key": KEY_A,
        "stage_variable_overrides": {"lambdaAlias": "live"},
        "use_stage_cache": False,
    }
    assert new["llm_canary"] == {"stable_version": "7", "weight": 0.2}
    assert new["alarms"] == {"enabled": True}  # the alarm settings survive every transition


def test_start_after_a_rollback_keeps_the_rolled_back_base_and_stable_version():
    # After a rollback the function's last published version is the failed canary (8) and
    # the stage's deployment_key output is still the base: the new release must pin those.
    failed = rolled_back(
        start({}, {"deployment_key": KEY_A, "llm_function_version": "7"}, req(5, 0.1))
    )
    new = start(failed, {"deployment_key": KEY_B, "llm_function_version": "8"}, req(5, 0.1))
    assert new["stage_canary"]["base_deployment_key"] == KEY_A
    assert new["llm_canary"]["stable_version"] == "7"
    assert "rolled_back" not in new


def test_start_refuses_while_a_release_runs():
    running = start({}, OUTPUTS, req())
    with pytest.raises(ReleaseError, match="already in progress"):
        start(running, OUTPUTS, req())


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (req(None, None), "nothing to release"),
        (req(101), "between 0 and 100"),
        (req(-1), "between 0 and 100"),
        (req(None, 1.0), "strictly between 0 and 1"),
        (req(None, 0.0), "strictly between 0 and 1"),
    ],
)
def test_start_refuses_bad_values(request_, message):
    with pytest.raises(ReleaseError, match=message):
        start({}, OUTPUTS, request_)


def test_start_needs_an_applied_environment():
    with pytest.raises(ReleaseError, match="deployment_key"):
        start({}, {}, req(10))
    with pytest.raises(ReleaseError, match="published version"):
        start({}, {"llm_function_version": "$LATEST"}, req(None, 0.1))


def test_promote_and_rollback_transitions():
    running = start(ALARMS, OUTPUTS, req(10, 0.1))
    assert promoted(running) == ALARMS
    back = rolled_back(running)
    assert back["rolled_back"] is True and back["stage_canary"] == running["stage_canary"]
    for done in (ALARMS, back):
        with pytest.raises(ReleaseError, match="no release in progress"):
            promoted(done)
        with pytest.raises(ReleaseError, match="no release in progress"):
            rolled_back(done)


def test_record_file_round_trip_and_bad_json(tmp_path):
    assert read_record(tmp_path) == {}
    path = write_record(tmp_path, {"rolled_back": False})
    assert path.name == "release.auto.tfvars.json"
    assert json.loads(path.read_text()) == {"release": {"rolled_back": False}}
    path.write_text("{not json")
    with pytest.raises(ReleaseError, match="not JSON"):
        read_record(tmp_path)
    path.write_text('{"release": []}')
    with pytest.raises(ReleaseError, match="must hold"):
        read_record(tmp_path)


# -- the verdict ---------------------------------------------------------------------


def test_too_few_canary_requests_is_no_verdict():
    v = decide(Sample(1000, 0, 100), Sample(10, 10, 100), Thresholds(min_requests=50))
    assert v.state == "insufficient-data"


def test_canary_worse_than_the_base_fails_with_reasons():
    v = decide(Sample(1000, 5, 200), Sample(100, 4, 200))  # 0.5 % vs 4 %
    assert v.state == "failing"
    assert any("exceeds the base" in r for r in v.reasons)


def test_absolute_error_limit_applies_even_when_the_base_is_as_bad():
    v = decide(Sample(1000, 100, 200), Sample(100, 10, 200))  # both 10 %
    assert v.state == "failing" and any("above the limit" in r for r in v.reasons)


def test_latency_regression_fails():
    v = decide(Sample(1000, 0, 200), Sample(100, 0, 400))
    assert v.state == "failing" and any("p99" in r for r in v.reasons)


def test_equal_canary_is_healthy():
    assert decide(Sample(1000, 5, 200), Sample(100, 0, 210)).state == "healthy"


@given(
    st.floats(0, 1e6),
    st.floats(0, 1e6),
    st.floats(0, 1e6),
    st.floats(0, 1e6),
    st.none() | st.floats(0, 1e5),
    st.none() | st.floats(0, 1e5),
)
def test_decide_never_raises(br, be, cr, ce, bp, cp):
    v = decide(Sample(br, min(be, br), bp), Sample(cr, min(ce, cr), cp))
    assert v.state in {"healthy", "failing", "insufficient-data"}
    assert (v.state == "failing") == bool(v.reasons) or v.state == "insufficient-data"


# -- the bounded watch -------------------------------------------------------------------


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.sleeps.append(s)
        self.now += s


def test_watch_polls_until_the_duration_and_never_sleeps_past_it():
    clock = FakeClock()
    calls = []

    def states(names):
        calls.append(clock.now)
        return {n: "OK" for n in names}

    result = watch(states, ["a", "b"], 600, 30, sleep=clock.sleep, clock=clock)
    assert result.fired == ()
    assert result.polls == max_polls(600, 30) == 21
    assert calls[0] == 0 and calls[-1] == 600
    assert clock.now == 600 and sum(clock.sleeps) == 600


def test_watch_stops_at_the_first_alarm():
    clock = FakeClock()
    seq = iter([{"a": "OK", "b": "INSUFFICIENT_DATA"}, {"a": "OK", "b": "ALARM"}])
    result = watch(lambda n: next(seq), ["a", "b"], 600, 30, sleep=clock.sleep, clock=clock)
    assert result.fired == ("b",) and result.polls == 2 and clock.now == 30


def test_watch_is_bounded_in_count_even_with_a_tiny_interval():
    clock = FakeClock()
    result = watch(lambda n: {"a": "OK"}, ["a"], 3600, 0.001, sleep=clock.sleep, clock=clock)
    assert result.polls == MAX_POLLS


def test_watch_fails_loudly_on_a_missing_alarm():
    with pytest.raises(LookupError, match="not found: b"):
        watch(lambda n: {"a": "OK"}, ["a", "b"], 60, 10, sleep=lambda s: None)


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("10m", 600), ("1h", 3600)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "m", "-1m", "0", "ten", "nan", "infm"])
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError):
        parse_duration(text)


# -- the API calls (request shapes checked against the service model) ---------------------

TARGET = aws.Target("api1", "aigw-dev", "dev", "aigw-dev-llm", "live", "dev/Canary", ("x",))


def client(name):
    return boto3.client(
        name, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )


def test_promote_stage_copies_the_canary_deployment_then_turns_the_canary_off():
    apigw = client("apigateway")
    with Stubber(apigw) as stub:
        stub.add_response(
            "get_stage",
            {
                "deploymentId": "base1",
                "canarySettings": {"deploymentId": "new1", "percentTraffic": 10.0},
            },
            {"restApiId": "api1", "stageName": "dev"},
        )
        stub.add_response(
            "update_stage",
            {"deploymentId": "new1"},
            {
                "restApiId": "api1",
                "stageName": "dev",
                "patchOperations": [
                    {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "0.0"},
                    {"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"},
                ],
            },
        )
        stub.add_response(
            "update_stage",
            {"deploymentId": "new1"},
            {
                "restApiId": "api1",
                "stageName": "dev",
                "patchOperations": [{"op": "remove", "path": "/canarySettings"}],
            },
        )
        lines = aws.promote_stage(apigw, TARGET)
        stub.assert_no_pending_responses()
    assert "new1" in lines[0]


def test_rollback_stage_only_removes_the_canary_and_deletes_no_deployment():
    apigw = client("apigateway")
    with Stubber(apigw) as stub:
        stub.add_response(
            "get_stage",
            {"deploymentId": "base1", "canarySettings": {"deploymentId": "new1"}},
            {"restApiId": "api1", "stageName": "dev"},
        )
        stub.add_response(
            "update_stage",
            {"deploymentId": "base1"},
            {
                "restApiId": "api1",
                "stageName": "dev",
                "patchOperations": [{"op": "remove", "path": "/canarySettings"}],
            },
        )
        lines = aws.rollback_stage(apigw, TARGET)
        stub.assert_no_pending_responses()  # any other call (DeleteDeployment) would fail
    assert "base1" in lines[0]


def test_stage_without_a_canary_is_left_alone():
    apigw = client("apigateway")
    with Stubber(apigw) as stub:
        stub.add_response(
            "get_stage", {"deploymentId": "base1"}, {"restApiId": "api1", "stageName": "dev"}
        )
        assert "no canary" in aws.rollback_stage(apigw, TARGET)[0]
        stub.add_response(
            "get_stage", {"deploymentId": "base1"}, {"restApiId": "api1", "stageName": "dev"}
        )
        assert "no canary" in aws.promote_stage(apigw, TARGET)[0]


def test_stage_and_alias_queries_name_the_canary_dimensions():
    stage = {q["Id"]: q["MetricStat"]["Metric"] for q in aws.stage_queries(TARGET, 60)}
    dims = {d["Name"]: d["Value"] for d in stage["canary_errors"]["Dimensions"]}
    assert dims == {"ApiName": "aigw-dev", "Stage": "dev/Canary"}
    assert stage["canary_errors"]["MetricName"] == "5XXError"
    alias = {q["Id"]: q["MetricStat"]["Metric"] for q in aws.alias_queries(TARGET, "7", "8", 60)}
    dims = {d["Name"]: d["Value"] for d in alias["canary_errors"]["Dimensions"]}
    assert dims == {
        "FunctionName": "aigw-dev-llm",
        "Resource": "aigw-dev-llm:live",
        "ExecutedVersion": "8",
    }


def test_samples_sum_counts_and_take_the_worst_p99():
    cw = client("cloudwatch")
    queries = aws.stage_queries(TARGET, 60)
    with Stubber(cw) as stub:
        stub.add_response(
            "get_metric_data",
            {
                "MetricDataResults": [
                    {"Id": "base_count", "Values": [500.0, 500.0]},
                    {"Id": "base_errors", "Values": [1.0, 1.0]},
                    {"Id": "base_p99", "Values": [200.0, 250.0]},
                    {"Id": "canary_count", "Values": [60.0, 40.0]},
                    {"Id": "canary_errors", "Values": [5.0]},
                    {"Id": "canary_p99", "Values": []},
                ]
            },
        )
        base, canary = aws.samples(cw, queries, 15)
    assert base == Sample(1000.0, 2.0, 250.0)
    assert canary == Sample(100.0, 5.0, None) and canary.error_rate == 0.05
