"""The sandbox corrections (aigw.moto_corrections) against the sandbox's moto server, driven
with boto3 the way Terraform's provider and `aigw release` drive API Gateway."""

from __future__ import annotations

import pytest

from aigw import moto_corrections

pytestmark = pytest.mark.sandbox


@pytest.fixture
def stage(staged_api):
    return staged_api


def _settings(apigw, api) -> dict:
    return apigw.get_stage(restApiId=api, stageName="dev")["methodSettings"]


@pytest.mark.parametrize(
    "key",
    [
        "v1/cached/translate/GET",  # what the provider sends for method_path "v1/…/GET"
        "~1v1~1cached~1translate/GET",  # the resource path escaped as a JSON pointer
        "*/*",
    ],
)
def test_method_settings_are_filed_under_the_whole_key(stage, key):
    apigw, api, _ = stage
    apigw.update_stage(
        restApiId=api,
        stageName="dev",
        patchOperations=[
            {"op": "replace", "path": f"/{key}/caching/enabled", "value": "true"},
            {"op": "replace", "path": f"/{key}/caching/ttlInSeconds", "value": "120"},
            {"op": "replace", "path": f"/{key}/throttling/rateLimit", "value": "5.000000"},
        ],
    )
    settings = _settings(apigw, api)
    assert list(settings) == [key]
    assert settings[key]["cachingEnabled"] is True
    assert settings[key]["cacheTtlInSeconds"] == 120
    assert settings[key]["throttlingRateLimit"] == 5.0


def test_removing_a_method_setting_drops_its_key(stage):
    apigw, api, _ = stage
    ops = [
        {"op": "replace", "path": f"/{k}/metrics/enabled", "value": "true"}
        for k in ("*/*", "v1/chat/completions/POST")
    ]
    apigw.update_stage(restApiId=api, stageName="dev", patchOperations=ops)
    apigw.update_stage(
        restApiId=api,
        stageName="dev",
        patchOperations=[{"op": "remove", "path": "/v1/chat/completions/POST"}],
    )
    assert list(_settings(apigw, api)) == ["*/*"]
    with pytest.raises(apigw.exceptions.BadRequestException, match="no method setting"):
        apigw.update_stage(
            restApiId=api,
            stageName="dev",
            patchOperations=[{"op": "remove", "path": "/v1/chat/completions/POST"}],
        )


def test_binary_media_types_are_named_by_the_escaped_path(stage):
    apigw, api, _ = stage

    def patch(*ops):
        return apigw.update_rest_api(restApiId=api, patchOperations=list(ops))

    patch(
        {"op": "add", "path": "/binaryMediaTypes/audio~1mpeg"},
        {"op": "add", "path": "/binaryMediaTypes/audio~1ogg"},
        {"op": "add", "path": "/binaryMediaTypes/*~1*"},
    )
    assert apigw.get_rest_api(restApiId=api)["binaryMediaTypes"] == [
        "audio/mpeg",
        "audio/ogg",
        "*/*",
    ]
    patch(
        {"op": "replace", "path": "/binaryMediaTypes/audio~1ogg", "value": "audio/pcm"},
        {"op": "remove", "path": "/binaryMediaTypes/*~1*"},
    )
    assert apigw.get_rest_api(restApiId=api)["binaryMediaTypes"] == ["audio/mpeg", "audio/pcm"]


def test_create_rest_api_keeps_binary_media_types(aws_env):
    import boto3

    apigw = boto3.client("apigateway")
    api = apigw.create_rest_api(name="aigw-binary", binaryMediaTypes=["audio/mpeg"])
    try:
        assert api["binaryMediaTypes"] == ["audio/mpeg"]
        got = apigw.get_rest_api(restApiId=api["id"])
        assert got["binaryMediaTypes"] == ["audio/mpeg"]
    finally:
        apigw.delete_rest_api(restApiId=api["id"])


def test_stage_canary_is_kept_updated_promoted_and_removed(stage):
    apigw, api, base = stage
    canary = apigw.create_deployment(restApiId=api)["id"]

    def patch(*ops):
        apigw.update_stage(restApiId=api, stageName="dev", patchOperations=list(ops))
        return apigw.get_stage(restApiId=api, stageName="dev")

    got = patch(
        {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "10"},
        {"op": "replace", "path": "/canarySettings/deploymentId", "value": canary},
        {"op": "replace", "path": "/canarySettings/useStageCache", "value": "false"},
    )
    assert got["deploymentId"] == base  # the stage keeps serving its own deployment
    assert got["canarySettings"] == {
        "deploymentId": canary,
        "percentTraffic": 10.0,
        "useStageCache": False,
    }

    got = patch(
        {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "25.5"},
        {"op": "replace", "path": "/canarySettings/stageVariableOverrides/model", "value": "v2"},
    )
    assert got["canarySettings"]["percentTraffic"] == 25.5
    assert got["canarySettings"]["stageVariableOverrides"] == {"model": "v2"}
    assert got["deploymentId"] == base
    got = patch(
        {"op": "replace", "path": "/canarySettings/stageVariableOverrides/tier", "value": "x"},
        {"op": "remove", "path": "/canarySettings/stageVariableOverrides/tier"},
    )
    assert got["canarySettings"]["stageVariableOverrides"] == {"model": "v2"}

    # Promote (Developer Guide, "Promote a canary release"): the stage takes the canary's
    # deployment and variables, traffic goes to 0, the canary stays until removed.
    got = patch(
        {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "0.0"},
        {"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"},
        {"op": "copy", "from": "/canarySettings/stageVariableOverrides", "path": "/variables"},
    )
    assert got["deploymentId"] == canary
    assert got["variables"] == {"model": "v2"}
    assert got["canarySettings"]["percentTraffic"] == 0.0

    got = patch({"op": "remove", "path": "/canarySettings"})
    assert "canarySettings" not in got
    assert got["deploymentId"] == canary


def test_create_stage_keeps_canary_settings(stage):
    apigw, api, base = stage
    canary = apigw.create_deployment(restApiId=api)["id"]
    created = apigw.create_stage(
        restApiId=api,
        stageName="canaried",
        deploymentId=base,
        canarySettings={"deploymentId": canary, "percentTraffic": 5.0},
    )
    assert created["canarySettings"] == {"deploymentId": canary, "percentTraffic": 5.0}
    got = apigw.get_stage(restApiId=api, stageName="canaried")
    assert (got["deploymentId"], got["canarySettings"]["deploymentId"]) == (base, canary)


def test_promoting_without_a_canary_is_refused(stage):
    apigw, api, _ = stage
    with pytest.raises(apigw.exceptions.BadRequestException, match="Canary"):
        apigw.update_stage(
            restApiId=api,
            stageName="dev",
            patchOperations=[
                {"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"}
            ],
        )


def test_other_stage_patches_still_reach_moto(stage):
    apigw, api, _ = stage
    got = apigw.update_stage(
        restApiId=api,
        stageName="dev",
        patchOperations=[
            {"op": "replace", "path": "/description", "value": "d"},
            {"op": "replace", "path": "/variables/k", "value": "v"},
            {"op": "replace", "path": "/tracingEnabled", "value": "true"},
        ],
    )
    assert (got["description"], got["variables"], got["tracingEnabled"]) == ("d", {"k": "v"}, True)


def test_the_corrections_refuse_another_moto_version(monkeypatch):
    import moto

    monkeypatch.setattr(moto, "__version__", "5.2.6")
    with pytest.raises(moto_corrections.CorrectionError, match=r"5\.2\.5, not 5\.2\.6"):
        moto_corrections.apply()


def test_the_pinned_version_is_the_installed_moto():
    import moto

    assert moto.__version__ == moto_corrections.MOTO_VERSION


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/~1v1~1a/GET/caching/enabled", ("~1v1~1a/GET", "caching/enabled")),
        ("/v1/a/b/POST/throttling/burstLimit", ("v1/a/b/POST", "throttling/burstLimit")),
        ("/*/*/logging/loglevel", ("*/*", "logging/loglevel")),
        ("/caching/enabled", None),
        ("/GET/caching/enabled", None),
        ("/v1/GET/caching/bogus", None),
    ],
)
def test_method_setting_paths_split_at_the_setting_name(path, expected):
    assert moto_corrections._split_method_setting(path) == expected


def test_the_sandbox_refuses_to_start_on_another_moto_version(monkeypatch):
    import moto

    from aigw import moto_serial

    monkeypatch.setattr(moto, "__version__", "6.0.0")
    started = []
    monkeypatch.setattr(moto_serial._server, "main", lambda argv: started.append(argv))
    with pytest.raises(SystemExit, match=r"written for moto 5\.2\.5, not 6\.0\.0"):
        moto_serial.main(["-p", "0"])
    assert started == []


def test_a_usage_plan_stage_with_per_method_throttles_can_be_removed(stage):
    apigw, api, _ = stage
    plan = apigw.create_usage_plan(
        name="aigw-throttled-plan",
        throttle={"rateLimit": 10, "burstLimit": 20},
        apiStages=[
            {"apiId": api, "stage": "dev", "throttle": {"/GET": {"rateLimit": 1, "burstLimit": 2}}}
        ],
    )["id"]
    try:
        stages = apigw.get_usage_plan(usagePlanId=plan)["apiStages"]
        assert stages[0]["throttle"] == {"/GET": {"rateLimit": 1.0, "burstLimit": 2}}
        apigw.update_usage_plan(
            usagePlanId=plan,
            patchOperations=[{"op": "remove", "path": "/apiStages", "value": f"{api}:dev"}],
        )
        assert apigw.get_usage_plan(usagePlanId=plan).get("apiStages", []) == []
        with pytest.raises(apigw.exceptions.BadRequestException):
            apigw.update_usage_plan(
                usagePlanId=plan,
                patchOperations=[{"op": "remove", "path": "/apiStages", "value": f"{api}:dev"}],
            )
    finally:
        apigw.delete_usage_plan(usagePlanId=plan)
