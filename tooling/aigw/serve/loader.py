"""Build the data plane of an applied env: its OpenAPI document and the sandbox's functions."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from aigw.serve.auth import LocalAuthorizer
from aigw.serve.environment import AwsClients, check_code, read_outputs
from aigw.serve.events import Stage
from aigw.serve.functions import AUTHORIZER_HANDLER, FUNCTION_PACKAGES, authorizer_invoker
from aigw.serve.integrations import Function, integration_type
from aigw.serve.plane import DataPlane
from aigw.serve.responses import ServeError
from aigw.serve.routes import LAMBDA_ARN, routes_from_openapi


def _function_configuration(lam: Any, arn: str, what: str, env_name: str) -> Mapping[str, Any]:
    m = LAMBDA_ARN.search(arn)
    if m is None:
        raise ServeError(f"{what}: no Lambda function in {arn!r}")
    kwargs = {"FunctionName": m.group("name")}
    if m.group("qualifier"):
        kwargs["Qualifier"] = m.group("qualifier")
    try:
        return lam.get_function_configuration(**kwargs)
    except Exception as exc:  # noqa: BLE001 - reported with the function's name
        raise ServeError(
            f"{what} {m.group('name')} is not in the sandbox ({type(exc).__name__}); "
            f"re-run: make apply ENV={env_name}"
        ) from None


def _environment(cfg: Mapping[str, Any]) -> dict[str, str]:
    return dict((cfg.get("Environment") or {}).get("Variables") or {})


def load_plane(
    state_dir: Path,
    env_name: str,
    endpoint: str,
    log: Callable[[str], None],
    manifest_path: Path | None = None,
) -> DataPlane:
    """Build the data plane of an applied env from its state and the sandbox."""
    manifest: dict[str, Any] = {}
    if manifest_path is not None:
        with contextlib.suppress(OSError, ValueError):
            manifest = json.loads(manifest_path.read_text())
    warnings: list[str] = []
    outputs = read_outputs(state_dir, env_name)
    raw_doc = outputs["openapi_document"]
    doc = json.loads(raw_doc) if isinstance(raw_doc, str) else raw_doc
    routes = routes_from_openapi(doc)
    region, account = "us-east-1", "123456789012"
    for r in routes:
        m = LAMBDA_ARN.search(r.uri)
        if m:
            region, account = m.group("region"), m.group("account")
            break
    clients = AwsClients(endpoint, region)
    lam = clients.client("lambda")
    stage = Stage(str(outputs["rest_api_id"]), str(outputs["stage_name"]), region, account)

    functions: dict[str, Function] = {}

    def function(arn: str) -> Function:
        if arn not in functions:
            cfg = _function_configuration(lam, arn, "function", env_name)
            handler = cfg.get("Handler", "")
            build = FUNCTION_PACKAGES.get(handler)
            if build is not None:
                functions[arn] = Function(cfg, build(_environment(cfg), clients, log))
            elif handler == AUTHORIZER_HANDLER:
                functions[arn] = Function(cfg, None, "the authorizer is not a route integration")
            else:
                functions[arn] = Function(
                    cfg,
                    None,
                    f"the local data plane does not run the function package of handler "
                    f"{handler!r}",
                )
            check_code(cfg, handler, manifest, warnings)
        return functions[arn]

    bindings = [integration_type(r.integration_type).bind(r, function) for r in routes]

    authorizers: dict[str, LocalAuthorizer] = {}
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    for name, scheme in schemes.items():
        spec = scheme.get("x-amazon-apigateway-authorizer")
        if not spec:
            continue
        if str(spec.get("type", "")).lower() != "request":
            raise ServeError(f"authorizer {name}: only REQUEST authorizers are supported")
        if LAMBDA_ARN.search(str(spec.get("authorizerUri", ""))) is None:
            raise ServeError(f"authorizer {name}: no Lambda function in authorizerUri")
        cfg = _function_configuration(
            lam, str(spec["authorizerUri"]), "authorizer function", env_name
        )
        if cfg.get("Handler") != AUTHORIZER_HANDLER:
            raise ServeError(f"authorizer {name}: unsupported handler {cfg.get('Handler')!r}")
        sources = [s.strip() for s in str(spec.get("identitySource", "")).split(",") if s.strip()]
        authorizers[name] = LocalAuthorizer(
            name,
            authorizer_invoker(_environment(cfg), clients),
            sources,
            float(spec.get("authorizerResultTtlInSeconds", 300)),
        )
    plane = DataPlane(doc, stage, bindings, authorizers)
    plane.endpoint = endpoint
    plane.warnings = warnings
    plane.cli_environment = {
        str(k): str(v) for k, v in (outputs.get("cli_environment") or {}).items()
    }
    return plane
