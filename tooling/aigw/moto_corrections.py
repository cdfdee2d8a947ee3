"""Sandbox corrections: named fixes to moto's API Gateway (and S3) backend so the sandbox answers
as AWS does where moto diverges in a way that makes an apply fail or drift.

Each correction replaces one small moto method and follows a published AWS contract:

- ``method_settings_paths`` (UpdateStage, Stage.methodSettings): a method-setting patch
  path is ``/{key}/{setting}`` where ``{setting}`` is one of the documented two-segment
  names (``caching/enabled``, ``throttling/rateLimit`` …) and ``{key}`` is everything
  before it, kept verbatim as the ``methodSettings`` key (``*/*``, ``~1v1~1chat/POST``,
  also an unescaped ``v1/chat/POST``); ``remove /{key}`` drops that key. moto splits the
  path at its first three ``/`` and drops (or misfiles) any resource path with more than
  one segment. (AWS API reference: UpdateStage, PatchOperation, Stage.methodSettings.)
- ``binary_media_types_paths`` (UpdateRestApi): ``add``/``remove``/``replace
  /binaryMediaTypes/{type}`` name the type in the path, JSON-pointer escaped
  (``audio~1mpeg``); ``replace`` puts ``value`` in its place. moto reads ``value`` for
  ``add``/``remove``. (API Gateway Developer Guide, "Enabling binary support using the
  API Gateway REST API".)
- ``create_rest_api_binary_media_types`` (CreateRestApi): the request's
  ``binaryMediaTypes`` list is kept on the new API; moto's handler drops it. (API
  reference: CreateRestApi, request body ``binaryMediaTypes``.)
- ``stage_canary_settings`` (UpdateStage, Stage.canarySettings): ``replace
  /canarySettings/{deploymentId,percentTraffic,useStageCache}`` and
  ``/canarySettings/stageVariableOverrides/{name}`` set the canary (``remove`` of an
  override drops it), ``remove
  /canarySettings`` drops it, ``copy`` from ``/canarySettings/deploymentId`` to
  ``/deploymentId`` (and from ``/canarySettings/stageVariableOverrides`` to
  ``/variables``) promotes it; GetStage returns ``canarySettings``. moto drops the canary
  and applies ``/canarySettings/deploymentId`` to the stage's own deployment (it matches
  paths by substring). (Developer Guide, "Create a canary release deployment", "Promote a
  canary release"; API reference: Stage, CanarySettings.)
- ``create_stage_canary_settings`` (CreateStage): the request's ``canarySettings`` are
  kept on the new stage; moto's handler drops them. (API reference: CreateStage.)
- ``usage_plan_api_stages`` (UpdateUsagePlan): ``remove /apiStages`` with value
  ``{apiId}:{stage}`` removes that API stage from the plan, per-method throttles and all.
  moto compares the stored entry, which carries its ``throttle`` map, with a bare
  ``{apiId, stage}`` and fails (HTTP 500) for any stage that has per-method throttles, so
  a plan with per-route throttles could not be destroyed. (API reference: UpdateUsagePlan,
  PatchOperation; UsagePlan.apiStages.)

- ``bucket_policy_conditions`` (S3 object requests): bucket policies evaluated with
  their conditions for a TLS request, as the sandbox stands in for AWS's HTTPS endpoints
  (:mod:`aigw.moto_bucket_policy`).

They are written against one moto version (``MOTO_VERSION``): :func:`apply` refuses any
other, so a moto upgrade re-checks each correction instead of patching code it was not
written for. ``python -m aigw.moto_serial`` (``aigw sandbox up``, the test fixtures)
applies them before moto's server starts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MOTO_VERSION = "5.2.5"

# The two-segment method setting names of UpdateStage, as moto maps them.
_SETTING_NAMES = (
    "metrics/enabled",
    "logging/loglevel",
    "logging/dataTrace",
    "throttling/burstLimit",
    "throttling/rateLimit",
    "caching/enabled",
    "caching/ttlInSeconds",
    "caching/dataEncrypted",
    "caching/requireAuthorizationForCacheControl",
    "caching/unauthorizedCacheControlHeaderStrategy",
)
_CANARY = "/canarySettings"
_OVERRIDES = _CANARY + "/stageVariableOverrides/"
_APPLIED: list[str] = []


class CorrectionError(RuntimeError):
    """The installed moto is not the version the corrections were written for."""


def _unescape(segment: str) -> str:
    """A JSON-pointer reference token (RFC 6901): ``~1`` is ``/``, ``~0`` is ``~``."""
    return segment.replace("~1", "/").replace("~0", "~")


def _split_method_setting(path: str) -> tuple[str, str] | None:
    """``/{key}/{setting}`` -> (key, setting) when ``path`` names a method setting."""
    for name in _SETTING_NAMES:
        suffix = "/" + name
        if path.endswith(suffix) and path.startswith("/"):
            key = path[1 : -len(suffix)]
            if "/" in key:  # {resource_path}/{http_method}, at least
                return key, name
    return None


def _is_method_key(stage: Any, path: str) -> bool:
    return path.startswith("/") and path[1:] in stage.method_settings


def method_settings_paths(original: Callable[..., Any]) -> Callable[..., Any]:
    """Stage.apply_operations filing method settings under the whole key before the name."""

    def apply_operations(self: Any, patch_operations: list[dict[str, Any]]) -> Any:
        from moto.apigateway.exceptions import BadRequestException

        for op in patch_operations:
            path = op.get("path", "")
            parsed = _split_method_setting(path)
            if op.get("op") == "replace" and parsed is not None:
                self._patch_method_setting(parsed[0], parsed[1], op.get("value", ""))
            elif op.get("op") == "remove" and path.count("/") >= 2 and "variables/" not in path:
                if not _is_method_key(self, path):
                    raise BadRequestException(
                        f"Cannot remove method setting {path[1:]} because there is no "
                        "method setting for this method"
                    )
                del self.method_settings[path[1:]]
            else:
                original(self, [op])
        return self

    return apply_operations


def binary_media_types_paths(original: Callable[..., Any]) -> Callable[..., Any]:
    """RestAPI.apply_patch_operations reading the media type from the escaped path."""
    prefix = "/binaryMediaTypes/"

    def apply_patch_operations(self: Any, patch_operations: list[dict[str, Any]]) -> None:
        from moto.apigateway.exceptions import BadRequestException

        for op in patch_operations:
            path = op.get("path", "")
            if not path.startswith(prefix):
                original(self, [op])
                continue
            media_type = _unescape(path[len(prefix) :])
            kind = op.get("op")
            if kind == "add":
                if media_type not in self.binaryMediaTypes:
                    self.binaryMediaTypes.append(media_type)
            elif kind in ("remove", "replace"):
                if media_type not in self.binaryMediaTypes:
                    raise BadRequestException(f"Invalid patch path {path}")
                index = self.binaryMediaTypes.index(media_type)
                if kind == "remove":
                    del self.binaryMediaTypes[index]
                else:
                    self.binaryMediaTypes[index] = op.get("value", "")
            else:
                raise BadRequestException(f"Invalid patch operation {kind} for path {path}")

    return apply_patch_operations


def _keeping_request_field(
    name: str, store: Callable[[Any, dict[str, Any], Any], dict[str, Any]]
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A create handler that, after moto's, stores the request's ``name`` field with
    ``store(handler, created, value)`` (which returns the answer to send instead)."""

    def correct(original: Callable[..., Any]) -> Callable[..., Any]:
        def handler(self: Any) -> Any:
            import json

            status, headers, body = original(self)
            value = self._get_param(name)
            if status in (200, 201) and value:
                body = json.dumps(store(self, json.loads(body), value))
            return status, headers, body

        return handler

    return correct


def _store_binary_media_types(handler: Any, created: dict[str, Any], types: Any) -> dict:
    rest_api = handler.backend.get_rest_api(created["id"])
    rest_api.binaryMediaTypes = list(types)
    return rest_api.to_dict()


# APIGatewayResponse.create_rest_api keeping the request's ``binaryMediaTypes``.
create_rest_api_binary_media_types = _keeping_request_field(
    "binaryMediaTypes", _store_binary_media_types
)


def _canary_value(name: str, value: str) -> Any:
    if name == "percentTraffic":
        return float(value)
    if name == "useStageCache":
        return value.lower() == "true"
    return value


def stage_canary_settings(original: Callable[..., Any]) -> Callable[..., Any]:
    """Stage.apply_operations keeping canarySettings and promoting by ``copy``."""

    def apply_operations(self: Any, patch_operations: list[dict[str, Any]]) -> Any:
        from moto.apigateway.exceptions import BadRequestException

        for op in patch_operations:
            path, kind = op.get("path", ""), op.get("op")
            canary = getattr(self, "canary_settings", None)
            if path == _CANARY and kind == "remove":
                self.canary_settings = None
            elif path.startswith(_OVERRIDES) and kind == "remove":
                overrides = dict((canary or {}).get("stageVariableOverrides") or {})
                overrides.pop(_unescape(path[len(_OVERRIDES) :]), None)
                self.canary_settings = {**(canary or {}), "stageVariableOverrides": overrides}
            elif path.startswith(_CANARY + "/") and kind == "replace":
                canary = dict(canary or {})
                name = path[len(_CANARY) + 1 :]
                if name.startswith("stageVariableOverrides/"):
                    overrides = dict(canary.get("stageVariableOverrides") or {})
                    overrides[_unescape(name.split("/", 1)[1])] = op.get("value", "")
                    canary["stageVariableOverrides"] = overrides
                elif name in ("deploymentId", "percentTraffic", "useStageCache"):
                    canary[name] = _canary_value(name, op.get("value", ""))
                else:
                    raise BadRequestException(f"Invalid patch path {path}")
                self.canary_settings = canary
            elif kind == "copy" and op.get("from", "").startswith(_CANARY):
                if not canary:
                    raise BadRequestException("Canary settings are not enabled on the stage")
                source = op["from"]
                if source == _CANARY + "/deploymentId" and path == "/deploymentId":
                    self.deployment_id = canary.get("deploymentId")
                elif source == _CANARY + "/stageVariableOverrides" and path == "/variables":
                    self.variables.update(canary.get("stageVariableOverrides") or {})
                else:
                    raise BadRequestException(f"Invalid copy from {source} to {path}")
            else:
                original(self, [op])
        return self

    return apply_operations


def _store_canary_settings(handler: Any, created: dict[str, Any], canary: Any) -> dict:
    stage = handler.backend.get_stage(handler.path.split("/")[2], created["stageName"])
    names = ("deploymentId", "percentTraffic", "stageVariableOverrides", "useStageCache")
    stage.canary_settings = {k: canary[k] for k in names if k in canary}
    return stage.to_json()


# APIGatewayResponse.create_stage keeping the request's ``canarySettings``.
create_stage_canary_settings = _keeping_request_field("canarySettings", _store_canary_settings)


def _with_canary(original: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def to_json(self: Any) -> dict[str, Any]:
        out = original(self)
        canary = getattr(self, "canary_settings", None)
        if canary:
            out["canarySettings"] = dict(canary)
        return out

    return to_json


def usage_plan_api_stages(original: Callable[..., Any]) -> Callable[..., Any]:
    """UsagePlan.apply_patch_operations removing an API stage whatever its throttles."""

    def apply_patch_operations(self: Any, patch_operations: list[dict[str, Any]]) -> None:
        from moto.apigateway.exceptions import BadRequestException

        for op in patch_operations:
            if op.get("op") != "remove" or op.get("path") != "/apiStages":
                original(self, [op])
                continue
            api_id, _, stage = str(op.get("value", "")).partition(":")
            kept = [
                s for s in self.api_stages if (s.get("apiId"), s.get("stage")) != (api_id, stage)
            ]
            if len(kept) == len(self.api_stages):
                raise BadRequestException(f"Invalid API stage {op.get('value')} in the usage plan")
            self.api_stages[:] = kept

    return apply_patch_operations


def apply() -> list[str]:
    """Install every correction into moto's API Gateway backend (once); their names."""
    import moto
    from moto.apigateway import models, responses

    if moto.__version__ != MOTO_VERSION:
        raise CorrectionError(
            f"the sandbox corrections (aigw.moto_corrections) were written for moto "
            f"{MOTO_VERSION}, not {moto.__version__}: re-check each against the new moto "
            "(tests/unit/tooling/test_moto_corrections.py), then update MOTO_VERSION"
        )
    if _APPLIED:
        return list(_APPLIED)
    stage, rest_api = models.Stage, models.RestAPI
    stage.apply_operations = stage_canary_settings(method_settings_paths(stage.apply_operations))
    stage.to_json = _with_canary(stage.to_json)
    rest_api.apply_patch_operations = binary_media_types_paths(rest_api.apply_patch_operations)
    handler = responses.APIGatewayResponse
    handler.create_rest_api = create_rest_api_binary_media_types(handler.create_rest_api)
    handler.create_stage = create_stage_canary_settings(handler.create_stage)
    models.UsagePlan.apply_patch_operations = usage_plan_api_stages(
        models.UsagePlan.apply_patch_operations
    )
    from aigw import moto_bucket_policy

    _APPLIED.extend(
        [
            moto_bucket_policy.install(),
            "method_settings_paths",
            "binary_media_types_paths",
            "create_rest_api_binary_media_types",
            "stage_canary_settings",
            "create_stage_canary_settings",
            "usage_plan_api_stages",
        ]
    )
    return list(_APPLIED)
