"""``aigw serve``: the command, its startup banner and its output."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

from aigw.serve.integrations import Binding, integration_type
from aigw.serve.loader import load_plane
from aigw.serve.plane import DataPlane
from aigw.serve.responses import ServeError
from aigw.serve.server import DEFAULT_HOST, DEFAULT_PORT, LocalServer


def banner(server: LocalServer, plane: DataPlane, env_name: str) -> str:
    """The startup text: URL, routes table and ready-to-paste client snippets."""
    url = server.url
    rows = []
    for b in plane.bindings:
        r = b.route
        auth = ",".join(r.security) or "NONE"
        target = integration_type(r.integration_type).target(b)
        rows.append((r.method, r.template, auth, target))
    widths = [
        max(len(x[i]) for x in [("METHOD", "PATH", "AUTH", "TARGET"), *rows]) for i in range(3)
    ]
    lines = [
        f"aigw serve: env {env_name} (API {plane.stage.rest_api_id}, stage {plane.stage.stage})"
    ]
    lines.append(f"listening on {url}   (OpenAI base URL: {url}/v1)")
    lines.append("")
    for row in [("METHOD", "PATH", "AUTH", "TARGET"), *rows]:
        lines.append(
            "  " + "  ".join(c.ljust(widths[i]) if i < 3 else c for i, c in enumerate(row))
        )
    lines += ["", *emulation(plane)]
    exports = " ".join(f"{k}={v}" for k, v in sorted(plane.cli_environment.items()))
    lines += [
        "",
        "Create a tenant and a key (the key is printed once):",
        f"  export AWS_ENDPOINT_URL={plane.endpoint} "
        f"AWS_DEFAULT_REGION={plane.stage.region} AWS_ACCESS_KEY_ID=sandbox "
        f"AWS_SECRET_ACCESS_KEY=sandbox {exports}",
        "  .venv/bin/python -m aigw tenants create acme --tier standard --models '*'",
        "  export AIGW_KEY=$(.venv/bin/python -m aigw keys create --tenant acme "
        "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"key\"])')",
        "",
        "curl:",
        f'  curl -sS {url}/v1/models -H "Authorization: Bearer $AIGW_KEY"',
        "",
        "openai (Python):",
        "  import os",
        "  from openai import OpenAI",
        f'  client = OpenAI(base_url="{url}/v1", api_key=os.environ["AIGW_KEY"])',
        "  print([m.id for m in client.models.list()])",
        "",
        *(f"warning: {w}" for w in plane.warnings),
        "Ctrl-C stops the server.",
    ]
    return "\n".join(lines)


def route_notes(plane: DataPlane, binding: Binding) -> list[str]:
    """What of one route is emulated partly or not at all (empty: all of it)."""
    route, notes = binding.route, []
    schemes = (plane.doc.get("components") or {}).get("securitySchemes") or {}
    for name in route.security:
        scheme = schemes.get(name) or {}
        if scheme.get("x-amazon-apigateway-authtype") == "awsSigv4":
            notes.append("AWS_IAM: SigV4 header required, signature not verified")
        elif scheme.get("type") == "apiKey" and plane.usage_plans is None:
            notes.append("usage plan: not enforced (plans not read)")
    policy = plane.stage_cache.policy(route)
    if policy is not None:
        keys = ", ".join(p.split(".", 2)[2] for p in policy.key_parameters) or "none"
        notes.append(
            f"stage cache: emulated (TTL {policy.ttl_seconds:g} s, keys {keys}; "
            "Cache-Control: max-age=0 as a caller without execute-api:InvalidateCache)"
        )
    elif route.integration.get("cacheNamespace"):
        notes.append(
            "stage cache: not emulated (the root's stage_cache output lists no such route)"
        )
    if binding.integration is None and binding.send is None:
        notes.append(f"integration: not run locally ({binding.reason or 'no sandbox'})")
    return notes


def emulation(plane: DataPlane) -> list[str]:
    """What is emulated locally and what is not: per route, then the stage."""
    out = ["Emulated here / not (docs/serve.md):"]
    for b in plane.bindings:
        for note in route_notes(plane, b):
            out.append(f"  {b.route.method} {b.route.template}: {note}")
    services = plane.services
    for service, fake in sorted((getattr(services, "fakes", None) or {}).items()):
        out.append(f"  fake: {service} is a local fake ({fake}), not the AWS service")
    if plane.usage_plans is not None:
        n = len(plane.usage_plans.plans)
        out.append(f"  usage plans: {n} plan(s) of this stage, throttling and quotas enforced")
    else:
        out.append("  usage plans: not read, throttling and quotas NOT enforced")
    acl = plane.web_acl
    if acl is None:
        out.append("  WAF: no web ACL associated with the stage")
    else:
        out.append(f"  WAF {acl.name}: emulated rules: {', '.join(acl.emulated) or 'none'}")
        for rule in acl.not_emulated:
            out.append(f"  WAF {acl.name}: not emulated: {rule}")
    n = len(plane.stage_cache.policies)
    if n:
        out.append(
            f"  stage cache: {n} cached method(s) emulated (TTL, cache keys); "
            f"flush: kill -USR1 {os.getpid()}"
        )
    out.append(
        "  AWS-only: cache cluster size and its eviction, canary, CloudWatch/X-Ray, "
        "the account-level throttle, mutual TLS, custom domains"
    )
    return out


def _writer(stream: IO[str]) -> Callable[[str], None]:
    lock = threading.Lock()

    def write(line: str) -> None:
        with lock:
            stream.write(line.rstrip("\n") + "\n")
            stream.flush()

    return write


# ----------------------------------------------------------------------------- CLI


def _sandbox_endpoint(state_dir: Path) -> str:
    from aigw.sandbox import Sandbox

    status = Sandbox(state_dir).status()
    if not status.running:
        raise ServeError(
            f"the sandbox is not running ({status.detail}); start it with: make sandbox-up "
            "(then make apply ENV=local if it was restarted)"
        )
    return status.endpoint


def cmd_serve(args: argparse.Namespace) -> int:
    from aigw.paths import project_root, state_dir

    out = _writer(sys.stdout)
    try:
        root = project_root()
        sdir = state_dir(root)
        if args.env != "local" and not args.state_file:
            raise ServeError(
                f"aigw serve runs the local data plane of the 'local' env only, not {args.env!r}"
            )
        lambda_src = root / "lambda_src"
        if str(lambda_src) not in sys.path:
            sys.path.insert(0, str(lambda_src))
        endpoint = _sandbox_endpoint(sdir)
        backends = {}
        for spec in args.vpc_link_backend or []:
            link, sep, url = spec.partition("=")
            if not sep or not url.startswith("http://"):
                raise ServeError(
                    f"--vpc-link-backend {spec!r}: expected CONNECTION_ID=http://127.0.0.1:PORT "
                    "(or *=URL for every VPC link)"
                )
            backends[link] = url
        plane = load_plane(
            sdir,
            args.env,
            endpoint,
            out if args.function_logs else (lambda _l: None),
            manifest_path=root / "dist" / "manifest.json",
            state_file=Path(args.state_file) if args.state_file else None,
            vpc_link_backends=backends,
        )
        server = LocalServer(plane, args.host, args.port, access_log=out)
    except ServeError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    out(banner(server, plane, args.env))

    def flush_cache(_signum: int, _frame: object) -> None:
        out(f"aigw serve: stage cache flushed ({plane.stage_cache.flush()} entries)")

    signal.signal(signal.SIGUSR1, flush_cache)
    server.serve_until_signal()
    out("aigw serve: stopped")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``aigw serve``."""
    p = subparsers.add_parser(
        "serve", help="run the local data plane of an applied env (127.0.0.1)"
    )
    p.add_argument("--env", default="local", help="the applied env to serve (default: local)")
    p.add_argument("--host", default=DEFAULT_HOST, help="loopback address (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default: 8080)")
    p.add_argument(
        "--function-logs",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="print the functions' JSON log and metric lines (default: on)",
    )
    p.add_argument(
        "--state-file",
        help="serve another applied root's state (outputs openapi_document, rest_api_id, "
        "stage_name), e.g. a module example composed with gateway-core",
    )
    p.add_argument(
        "--vpc-link-backend",
        action="append",
        metavar="ID=URL",
        help="the loopback URL standing in for VPC link ID's load balancer (* = every link)",
    )
    p.set_defaults(func=cmd_serve)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aigw")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["serve", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))
