"""``aigw cache flush --env ENV``: empty the stage cache of an environment's API.

API Gateway's FlushStageCache, with the REST API id and stage read from the env's outputs
(``rest_api_id``, ``stage_name``, ``stage_cache``) as the other env commands read them.
The local sandbox (moto) does not implement FlushStageCache: ``aigw serve`` keeps its own
emulated cache, flushed with SIGUSR1 (docs/caching.md).
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable, Mapping
from typing import Any

from aigw.commands.common import fail, root_of

_INVOKE_URL = re.compile(r"^https://[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com")


class CacheError(Exception):
    """A refusal worth one line: the env has no API, no stage cache, or is the sandbox."""


def flush_target(outputs: Mapping[str, Any], env: str) -> tuple[str, str, str | None]:
    """(rest_api_id, stage, region or None) of ``env`` from its outputs."""
    api_id = outputs.get("rest_api_id")
    if not isinstance(api_id, str) or not api_id:
        raise CacheError(f"env {env!r} has no rest_api_id output: is it applied?")
    stage = outputs.get("stage_name")
    if not isinstance(stage, str) or not stage:
        cli_env = outputs.get("cli_environment")
        stage = cli_env.get("AIGW_STAGE") if isinstance(cli_env, Mapping) else None
    if not isinstance(stage, str) or not stage:
        raise CacheError(f"env {env!r} has no stage_name output (nor cli_environment.AIGW_STAGE)")
    cache = outputs.get("stage_cache")
    if isinstance(cache, Mapping) and not cache.get("enabled"):
        raise CacheError(
            f"env {env!r} has no stage cache: no route has cache enabled "
            "(stage_cache.services in its tfvars)"
        )
    url = outputs.get("stage_invoke_url")
    m = _INVOKE_URL.match(url) if isinstance(url, str) else None
    return api_id, stage, m.group(1) if m else None


def flush(client: Any, rest_api_id: str, stage: str) -> None:
    """FlushStageCache: every entry of the stage's cache is gone when it returns."""
    client.flush_stage_cache(restApiId=rest_api_id, stageName=stage)


def _client(region: str | None, profile: str | None) -> Any:
    import boto3

    return boto3.Session(profile_name=profile, region_name=region).client("apigateway")


def cmd_cache_flush(
    args: argparse.Namespace,
    client_factory: Callable[[str | None, str | None], Any] = _client,
) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from aigw import envs
    from aigw.terraform import TerraformError

    if args.env == envs.LOCAL_ENV:
        return fail(
            "the local sandbox does not implement FlushStageCache; `aigw serve` emulates the "
            "stage cache: flush it with `kill -USR1 <serve pid>` (docs/caching.md)",
            2,
        )
    try:
        api_id, stage, region = flush_target(envs.outputs(root_of(args), args.env), args.env)
        client = client_factory(args.region or region or os.environ.get("AWS_REGION"), args.profile)
        flush(client, api_id, stage)
    except CacheError as exc:
        return fail(str(exc), 2)
    except (envs.EnvError, TerraformError) as exc:
        return fail(f"cannot read the outputs of env {args.env!r}: {exc}", 2)
    except (BotoCoreError, ClientError) as exc:
        return fail(f"FlushStageCache failed: {exc}")
    print(f"flushed the stage cache of {api_id}/{stage} ({args.env})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = subparsers.add_parser("cache", help="the API Gateway stage cache of an environment")
    sub = c.add_subparsers(dest="cache_action", required=True)
    f = sub.add_parser(
        "flush", help="flush the stage cache (FlushStageCache) of an applied environment"
    )
    f.add_argument("--env", required=True, help="environment in envs/ (dev, staging, prod)")
    f.add_argument("--region", help="AWS region (default: the stage's, else AWS_REGION)")
    f.add_argument("--profile", help="AWS profile")
    f.set_defaults(func=cmd_cache_flush)
