"""The AWS calls of ``aigw release``: promote and roll back through the APIs, read the
canary's metrics and alarms.

Stage canaries follow API Gateway's documented operations: promotion copies the canary's
deployment to the stage (``copy /canarySettings/deploymentId -> /deploymentId``, traffic
to 0) and then turns the canary off (``remove /canarySettings``); a rollback only turns it
off, so the stage keeps its base deployment. No deployment is ever deleted here: the next
``terraform apply`` deletes the ones no stage serves any more (ADR 0140).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from aigw.release.decide import Sample


@dataclass(frozen=True)
class Target:
    """What the environment's ``release`` output names."""

    rest_api_id: str | None
    rest_api_name: str | None
    stage_name: str | None
    llm_function_name: str | None
    llm_alias_name: str | None
    canary_stage_metrics: str | None
    alarm_names: tuple[str, ...]

    @classmethod
    def from_outputs(cls, release: dict[str, Any]) -> Target:
        return cls(
            rest_api_id=release.get("rest_api_id"),
            rest_api_name=release.get("rest_api_name"),
            stage_name=release.get("stage_name"),
            llm_function_name=release.get("llm_function_name"),
            llm_alias_name=release.get("llm_alias_name"),
            canary_stage_metrics=release.get("canary_stage_metrics")
            or (f"{release['stage_name']}/Canary" if release.get("stage_name") else None),
            alarm_names=tuple(release.get("alarm_names") or ()),
        )


def promote_stage(apigw: Any, t: Target) -> list[str]:
    """Move the stage to its canary's deployment, then turn the canary off."""
    stage = apigw.get_stage(restApiId=t.rest_api_id, stageName=t.stage_name)
    canary = stage.get("canarySettings")
    if not canary:
        return [f"stage {t.stage_name}: no canary to promote"]
    apigw.update_stage(
        restApiId=t.rest_api_id,
        stageName=t.stage_name,
        patchOperations=[
            {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "0.0"},
            {"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"},
        ],
    )
    apigw.update_stage(
        restApiId=t.rest_api_id,
        stageName=t.stage_name,
        patchOperations=[{"op": "remove", "path": "/canarySettings"}],
    )
    return [f"stage {t.stage_name}: now serves deployment {canary.get('deploymentId')}; canary off"]


def rollback_stage(apigw: Any, t: Target) -> list[str]:
    """Turn the canary off: the stage keeps serving its base deployment."""
    stage = apigw.get_stage(restApiId=t.rest_api_id, stageName=t.stage_name)
    if not stage.get("canarySettings"):
        return [f"stage {t.stage_name}: no canary to roll back"]
    apigw.update_stage(
        restApiId=t.rest_api_id,
        stageName=t.stage_name,
        patchOperations=[{"op": "remove", "path": "/canarySettings"}],
    )
    return [f"stage {t.stage_name}: canary off; serves deployment {stage.get('deploymentId')}"]


def _alias(lam: Any, t: Target) -> tuple[str, dict[str, float]]:
    alias = lam.get_alias(FunctionName=t.llm_function_name, Name=t.llm_alias_name)
    weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    return alias["FunctionVersion"], dict(weights)


def promote_alias(lam: Any, t: Target) -> list[str]:
    """Point the alias at the canary version, with no routing left."""
    stable, weights = _alias(lam, t)
    if not weights:
        return [f"alias {t.llm_alias_name}: no canary to promote (serves version {stable})"]
    if len(weights) != 1:
        raise RuntimeError(f"alias {t.llm_alias_name} routes to several versions: {weights}")
    (canary,) = weights
    lam.update_alias(
        FunctionName=t.llm_function_name,
        Name=t.llm_alias_name,
        FunctionVersion=canary,
        RoutingConfig={"AdditionalVersionWeights": {}},
    )
    return [f"alias {t.llm_alias_name}: version {stable} -> {canary}; routing cleared"]


def rollback_alias(lam: Any, t: Target) -> list[str]:
    """Keep the alias on its stable version, with no routing to the canary."""
    stable, weights = _alias(lam, t)
    if not weights:
        return [f"alias {t.llm_alias_name}: no canary to roll back (serves version {stable})"]
    lam.update_alias(
        FunctionName=t.llm_function_name,
        Name=t.llm_alias_name,
        FunctionVersion=stable,
        RoutingConfig={"AdditionalVersionWeights": {}},
    )
    return [f"alias {t.llm_alias_name}: routing to {', '.join(weights)} removed; serves {stable}"]


def alarm_states(cloudwatch: Any, names: list[str] | tuple[str, ...]) -> dict[str, str]:
    """StateValue per alarm name (metric and composite alarms)."""
    states: dict[str, str] = {}
    for page in cloudwatch.get_paginator("describe_alarms").paginate(
        AlarmNames=list(names), AlarmTypes=["MetricAlarm", "CompositeAlarm"]
    ):
        for alarm in page.get("MetricAlarms", []) + page.get("CompositeAlarms", []):
            states[alarm["AlarmName"]] = alarm["StateValue"]
    return states


def _metric(i: str, ns: str, name: str, dims: dict[str, str], stat: str, period: int) -> dict:
    return {
        "Id": i,
        "MetricStat": {
            "Metric": {
                "Namespace": ns,
                "MetricName": name,
                "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
            },
            "Period": period,
            "Stat": stat,
        },
        "ReturnData": True,
    }


def stage_queries(t: Target, period: int) -> list[dict]:
    """Requests, 5XX and p99 latency of the stage (base) and of its canary."""
    out = []
    for side, stage in (("base", t.stage_name), ("canary", t.canary_stage_metrics)):
        dims = {"ApiName": str(t.rest_api_name), "Stage": str(stage)}
        out += [
            _metric(f"{side}_count", "AWS/ApiGateway", "Count", dims, "Sum", period),
            _metric(f"{side}_errors", "AWS/ApiGateway", "5XXError", dims, "Sum", period),
            _metric(f"{side}_p99", "AWS/ApiGateway", "Latency", dims, "p99", period),
        ]
    return out


def alias_queries(t: Target, stable: str, canary: str, period: int) -> list[dict]:
    """Invocations, errors and p99 duration per version invoked through the alias."""
    out = []
    for side, version in (("base", stable), ("canary", canary)):
        dims = {
            "FunctionName": str(t.llm_function_name),
            "Resource": f"{t.llm_function_name}:{t.llm_alias_name}",
            "ExecutedVersion": version,
        }
        out += [
            _metric(f"{side}_count", "AWS/Lambda", "Invocations", dims, "Sum", period),
            _metric(f"{side}_errors", "AWS/Lambda", "Errors", dims, "Sum", period),
            _metric(f"{side}_p99", "AWS/Lambda", "Duration", dims, "p99", period),
        ]
    return out


def samples(
    cloudwatch: Any, queries: list[dict], minutes: int, now: dt.datetime | None = None
) -> tuple[Sample, Sample]:
    """(base, canary) over the last ``minutes``: sums of counts, the worst p99 period."""
    end = now or dt.datetime.now(dt.UTC)
    start = end - dt.timedelta(minutes=minutes)
    values: dict[str, list[float]] = {q["Id"]: [] for q in queries}
    for page in cloudwatch.get_paginator("get_metric_data").paginate(
        MetricDataQueries=queries, StartTime=start, EndTime=end
    ):
        for result in page.get("MetricDataResults", []):
            values[result["Id"]].extend(result.get("Values", []))

    def side(name: str) -> Sample:
        p99 = values.get(f"{name}_p99") or []
        return Sample(
            requests=sum(values.get(f"{name}_count") or []),
            errors=sum(values.get(f"{name}_errors") or []),
            p99_ms=max(p99) if p99 else None,
        )

    return side("base"), side("canary")
