"""Functions: the deployed Lambda packages, run in-process with their own environment.

A function is chosen by its ``Handler`` in the sandbox. Each entry of
:data:`FUNCTION_PACKAGES` builds the package's core from the function's environment
variables and explicit sandbox clients (never ``os.environ``), and returns the callable
an ``aws_proxy`` route runs. A handler without an entry is not run locally (its routes
answer 501 naming it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from aigw.serve.environment import AwsClients
from aigw.serve.integrations import Integration, Result
from aigw.serve.responses import ServeError


def llm_integration(
    env: Mapping[str, str],
    clients: AwsClients,
    log: Callable[[str], None],
) -> Integration:
    """The LLM gateway core with the function's own configuration (no ``os.environ``)."""
    from aigw_shared import params
    from aigw_shared.http_event import request_from_event
    from llm_gateway.config import ConfigError, parse_config
    from llm_gateway.core import Gateway

    name = env.get("AIGW_CONFIG_PARAMETER")
    path = env.get("AIGW_CONFIG_FILE")
    if not name and not path:
        raise ServeError("the LLM function has neither AIGW_CONFIG_PARAMETER nor AIGW_CONFIG_FILE")
    ssm = clients.client("ssm")

    def load(_key: str) -> Any:
        if path:
            text = params.read_file(path)
        else:
            text = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
        try:
            doc = json.loads(text)
        except ValueError:
            raise ConfigError("the config document is not valid JSON") from None
        return parse_config(doc)

    cache = params.TtlCache(load, float(env.get("AIGW_CONFIG_TTL_SECONDS", "60") or 60))
    sign_uploads_for_the_sandbox(env, clients)
    gateway = Gateway(
        lambda: cache.get("config"),
        log_sink=log,
        metrics_sink=log,
        quota_client=clients.client("dynamodb"),
        environ=env,
    )

    def run(event: dict[str, Any], timeout_ms: float) -> Result:
        req = request_from_event(event)
        resp = gateway.handle_request(req, remaining_ms=timeout_ms)
        return Result(
            resp.status, dict(resp.headers), resp.body, resp.stream, req.auth.get("tenant", "-")
        )

    return run


def sign_uploads_for_the_sandbox(env: Mapping[str, str], clients: AwsClients) -> None:
    """With uploads on, ``POST /v1/uploads`` signs its PUT URLs for the sandbox's S3.

    The function builds its S3 client from the process environment (in Lambda: the
    service's endpoint and the role's session); here the client is the sandbox's, so the
    URL a client receives points at the sandbox's bucket (path style, 127.0.0.1)."""
    from llm_gateway import uploads

    try:
        cfg = uploads.settings(env)
    except Exception:  # noqa: BLE001 - the gateway answers its own 503 for this config
        return
    if cfg is None:
        return
    import boto3
    from botocore.config import Config

    creds = clients.credentials()
    uploads.use_s3_client(
        cfg.region,
        boto3.client(
            "s3",
            endpoint_url=clients.endpoint,
            region_name=cfg.region or clients.region,
            aws_access_key_id=creds.access_key,
            aws_secret_access_key=creds.secret_key,
            config=Config(signature_version="s3v4"),
        ),
    )


def sagemaker_proxy_integration(
    env: Mapping[str, str],
    clients: AwsClients,
    log: Callable[[str], None],
) -> Integration:
    """The SageMaker proxy with the function's own routes, calling the sandbox's runtime."""
    from aigw_shared import errors
    from aigw_shared.http_event import error_response, request_from_event, response_to_proxy
    from sagemaker_proxy import config as config_mod
    from sagemaker_proxy import runtime
    from sagemaker_proxy.core import Proxy

    try:
        cfg = config_mod.load(dict(env))
    except config_mod.ConfigError as exc:
        raise ServeError(f"the SageMaker proxy function's configuration: {exc}") from None
    invoker = runtime.BotoInvoker(cfg.read_timeout_seconds, clients.client("sagemaker-runtime"))
    proxy = Proxy(cfg, invoker)

    def run(event: dict[str, Any], timeout_ms: float) -> Result:
        try:
            req = request_from_event(event)
            out = response_to_proxy(proxy.handle(req))
        except errors.ApiError as err:
            out = error_response(err)
        return proxy_result(out)

    return run


def proxy_result(out: Mapping[str, Any]) -> Result:
    """A Lambda proxy integration result (``statusCode``, ``headers``, ``body``) as a Result."""
    import base64

    body = str(out.get("body") or "")
    raw = base64.b64decode(body) if out.get("isBase64Encoded") else body.encode("utf-8")
    headers = {str(k): str(v) for k, v in (out.get("headers") or {}).items()}
    for k, values in (out.get("multiValueHeaders") or {}).items():
        headers[str(k)] = ", ".join(str(v) for v in values)
    return Result(int(out.get("statusCode") or 200), headers, raw)


def authorizer_invoker(
    env: Mapping[str, str], clients: AwsClients
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The deployed authorizer code, configured from the function's environment."""
    from authorizer import config as config_mod
    from authorizer.core import Authorizer, AuthRequest
    from authorizer.handler import headers_of, to_response
    from authorizer.store import DynamoStore

    cfg = config_mod.load(dict(env))
    core = Authorizer(
        cfg, DynamoStore(cfg.tenants_table, cfg.keys_table, client=clients.client("dynamodb"))
    )

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        method_arn = event.get("methodArn")
        if not isinstance(method_arn, str):
            raise Exception("Unauthorized")
        decision = core.authorize(AuthRequest(method_arn=method_arn, headers=headers_of(event)))
        return to_response(decision, method_arn)

    return invoke


# Handler string -> builder of the in-process runner, from (environment, clients, log).
FUNCTION_PACKAGES: dict[
    str, Callable[[Mapping[str, str], AwsClients, Callable[[str], None]], Integration]
] = {
    "llm_gateway.handler.handler": llm_integration,
    "sagemaker_proxy.handler.handler": sagemaker_proxy_integration,
}
AUTHORIZER_HANDLER = "authorizer.handler.handler"
