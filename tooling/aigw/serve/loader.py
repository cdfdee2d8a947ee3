"""Build the data plane of an applied env: its OpenAPI document and the sandbox's functions."""

from __future__ import annotations

import contextlib
import importlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from aigw.serve.auth import LocalAuthorizer
from aigw.serve.environment import AwsClients, check_code, read_outputs
from aigw.serve.events import Stage
from aigw.serve.functions import AUTHORIZER_HANDLER, FUNCTION_PACKAGES, authorizer_invoker
from aigw.serve.integrations import Function, Services, integration_type
from aigw.serve.plane import DataPlane
from aigw.serve.responses import ServeError
from aigw.serve.routes import LAMBDA_ARN, Route, routes_from_openapi
from aigw.serve.stage_cache import StageCache, policies_from
from aigw.serve.usage_plans import UsagePlans, load_usage_plans
from aigw.serve.waf import load_web_acl


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
    *,
    state_file: Path | None = None,
    vpc_link_backends: Mapping[str, str] | None = None,
    fakes: list[Any] | None = None,
) -> DataPlane:
    """Build the data plane of an applied env from its state and the sandbox.

    ``state_file`` serves another applied root (a module example composed with
    gateway-core, say) instead of ``<state>/state/<env>.tfstate``. Local fakes started
    for services the sandbox lacks are appended to ``fakes`` (the caller stops them).
    """
    manifest: dict[str, Any] = {}
    if manifest_path is not None:
        with contextlib.suppress(OSError, ValueError):
            manifest = json.loads(manifest_path.read_text())
    warnings: list[str] = []
    outputs = read_outputs(state_dir, env_name, state_file)
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

    services = _services(clients, doc, routes, vpc_link_backends or {}, fakes)
    try:
        services.stage_variables = dict(
            clients.client("apigateway")
            .get_stage(restApiId=stage.rest_api_id, stageName=stage.stage)
            .get("variables")
            or {}
        )
    except Exception as exc:  # noqa: BLE001 - reported: templates then see no stage variables
        warnings.append(f"stage variables not read from the sandbox ({type(exc).__name__})")
    bindings = [integration_type(r.integration_type).bind(r, function, services) for r in routes]

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
    plane = DataPlane(
        doc,
        stage,
        bindings,
        authorizers,
        stage_cache=StageCache(policies_from(routes, outputs.get("stage_cache"))),
    )
    apigw = clients.client("apigateway")
    api_id, stage_name = stage.rest_api_id, stage.stage
    try:
        plans, keys = load_usage_plans(apigw, api_id, stage_name)
        plane.usage_plans = UsagePlans(
            plans, keys, reload=lambda: load_usage_plans(apigw, api_id, stage_name)
        )
    except Exception as exc:  # noqa: BLE001 - reported, not fatal: the routes still answer
        warnings.append(f"usage plans not read from the sandbox ({type(exc).__name__})")
    stage_arn = f"arn:aws:apigateway:{region}::/restapis/{api_id}/stages/{stage_name}"
    plane.web_acl = load_web_acl(
        clients.client("wafv2"), stage_arn, lambda k, m, inc: plane.refuse(k, m, inc)
    )
    plane.services = services
    plane.endpoint = endpoint
    plane.warnings = warnings
    plane.cli_environment = {
        str(k): str(v) for k, v in (outputs.get("cli_environment") or {}).items()
    }
    return plane


def _role_credentials(clients: AwsClients) -> Callable[[str | None], Any]:
    """Credentials of an integration role, assumed in the sandbox (cached until expiry)."""
    import datetime

    from botocore.credentials import Credentials

    cache: dict[str | None, tuple[Any, Any]] = {}

    def credentials(role_arn: str | None) -> Any:
        hit = cache.get(role_arn)
        now = datetime.datetime.now(datetime.UTC)
        if hit is not None and hit[1] > now + datetime.timedelta(minutes=1):
            return hit[0]
        if not role_arn:
            creds = clients.credentials()  # no role: the sandbox's own credentials
            expires = now + datetime.timedelta(days=1)
        else:
            c = clients.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="aigw-serve")[
                "Credentials"
            ]
            creds = Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
            expires = c["Expiration"]
        cache[role_arn] = (creds, expires)
        return creds

    return credentials


# Services the sandbox lacks or answers with canned values: their local fake (module, class).
LOCAL_FAKES = {
    "translate": ("aigw.serve.fakes.translate", "FakeTranslate"),
    "comprehend": ("aigw.serve.fakes.comprehend", "FakeComprehend"),
    # DetectModerationLabels here; the other calls read their S3 object, then the sandbox.
    "rekognition": ("aigw.serve.fakes.rekognition", "FakeRekognition"),
}


def _services(
    clients: AwsClients,
    doc: Mapping[str, Any],
    routes: list[Route],
    backends: Mapping[str, str],
    fakes: list[Any] | None,
) -> Services:
    """Where non-Lambda integrations go: the sandbox, local fakes, VPC link back ends."""
    from aigw.serve.integrations.aws import parse_service_uri

    services = Services(
        clients.endpoint,
        clients.region,
        _role_credentials(clients),
        binary_media_types=list(doc.get("x-amazon-apigateway-binary-media-types") or []),
        backends=dict(backends),
    )
    wanted = {
        s.service for r in routes if r.integration_type == "aws" if (s := parse_service_uri(r.uri))
    }
    for service, (module, name) in LOCAL_FAKES.items():
        if service not in wanted:
            continue
        cls = getattr(importlib.import_module(module), name)
        # A fake that reads the sandbox (S3 objects) or passes calls on to it learns its URL.
        kwargs = {"sandbox": clients.endpoint} if getattr(cls, "reads_sandbox", False) else {}
        fake = cls(**kwargs).start()
        if fakes is not None:
            fakes.append(fake)
        services.endpoints[service] = fake.url
        note = getattr(cls, "note", "")
        services.fakes[service] = f"{module} at {fake.url}" + (f"; {note}" if note else "")
    return services
