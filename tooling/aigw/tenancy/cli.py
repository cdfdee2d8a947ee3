"""The ``aigw tenants|keys|usage`` command groups over the tenancy library."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from aigw.tenancy.keys import create_key, list_keys, revoke_key, rotate_key
from aigw.tenancy.store import Tenancy, TenancyError
from aigw.tenancy.tenants import (
    create_tenant,
    ensure_usage_key,
    get_tenant,
    list_tenants,
    public_tenant,
    set_tenant_status,
)
from aigw.tenancy.usage import show_usage


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _context(args: argparse.Namespace) -> Tenancy:
    tenants = args.tenants_table or os.environ.get("AIGW_TENANTS_TABLE")
    keys = args.keys_table or os.environ.get("AIGW_KEYS_TABLE")
    if not tenants or not keys:
        raise TenancyError(
            "pass --tenants-table and --keys-table (or set AIGW_TENANTS_TABLE/AIGW_KEYS_TABLE)"
        )
    return Tenancy.connect(
        tenants_table=tenants,
        keys_table=keys,
        region=args.tenancy_region or getattr(args, "region", None),
        profile=args.tenancy_profile or getattr(args, "profile", None),
        endpoint_url=args.tenancy_endpoint_url or getattr(args, "endpoint_url", None),
    )


def _print(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=True) + "\n")


def _plan_args(args: argparse.Namespace) -> dict[str, str | None]:
    return {
        "plan_id": args.usage_plan_id,
        "prefix": args.usage_plan_prefix or os.environ.get("AIGW_USAGE_PLAN_PREFIX"),
    }


def _stage(args: argparse.Namespace) -> str:
    stage = args.stage or os.environ.get("AIGW_STAGE")
    if not stage:
        raise TenancyError("pass --stage (or set AIGW_STAGE): keys are bound to one stage")
    return stage


def _cmd_tenants_create(args: argparse.Namespace) -> None:
    t = _context(args)
    create_tenant(
        t,
        args.name,
        tier=args.tier,
        allowed_models=_split(args.models),
        allowed_routes=_split(args.routes),
        display_name=args.display_name,
    )
    plan = _plan_args(args)
    if plan["plan_id"] or plan["prefix"]:
        ensure_usage_key(t, args.name, **plan)
    _print(public_tenant(get_tenant(t, args.name)))


def _cmd_tenants_list(args: argparse.Namespace) -> None:
    _print(list_tenants(_context(args)))


def _cmd_tenants_show(args: argparse.Namespace) -> None:
    _print(public_tenant(get_tenant(_context(args), args.name)))


def _cmd_tenants_disable(args: argparse.Namespace) -> None:
    _print(set_tenant_status(_context(args), args.name, "disabled"))


def _cmd_tenants_enable(args: argparse.Namespace) -> None:
    _print(set_tenant_status(_context(args), args.name, "active"))


def _cmd_tenants_update(args: argparse.Namespace) -> None:
    from aigw.tenancy.lifecycle import update_tenant

    _print(
        update_tenant(
            _context(args),
            args.name,
            tier=args.tier,
            allowed_models=None if args.models is None else _split(args.models),
            status=args.status,
            **_plan_args(args),
        )
    )


def _cmd_tenants_delete(args: argparse.Namespace) -> None:
    from aigw.tenancy.lifecycle import delete_tenant

    if not args.yes:
        raise TenancyError(
            f"deleting tenant {args.name!r} revokes all its keys and cannot be undone: "
            "pass --yes (its usage stays in the usage table)"
        )
    _print(delete_tenant(_context(args), args.name))


def _cmd_keys_create(args: argparse.Namespace) -> None:
    from aigw.tenancy.keys import expiry_of

    result = create_key(
        _context(args),
        args.tenant,
        stage=_stage(args),
        label=args.label,
        expires_at=None if args.expires is None else expiry_of(args.expires),
        **_plan_args(args),
    )
    _print(result)
    sys.stderr.write("Store this key now: it is shown once and only its hash is kept.\n")


def _cmd_keys_list(args: argparse.Namespace) -> None:
    _print(list_keys(_context(args), args.tenant))


def _cmd_keys_revoke(args: argparse.Namespace) -> None:
    _print(revoke_key(_context(args), args.key_id))


def _cmd_keys_rotate(args: argparse.Namespace) -> None:
    result = rotate_key(
        _context(args),
        args.key_id,
        overlap_seconds=int(args.overlap_hours * 3600),
        label=args.label,
        **_plan_args(args),
    )
    _print(result)
    sys.stderr.write("Store the new key now: it is shown once and only its hash is kept.\n")


def _cmd_usage_show(args: argparse.Namespace) -> None:
    table = args.usage_table or os.environ.get("AIGW_USAGE_TABLE")
    if not table:
        raise TenancyError("pass --usage-table (or set AIGW_USAGE_TABLE)")
    t = _context(args)
    _print(show_usage(t, table, args.tenant, args.period))


def _env_table(args: argparse.Namespace) -> str | None:
    """The usage table of ``--env`` (its ``cli_environment`` output), if one is named."""
    if not getattr(args, "env", None):
        return None
    from aigw import envs
    from aigw.commands.common import root_of
    from aigw.terraform import TerraformError

    try:
        values = envs.outputs(root_of(args), args.env)
    except (envs.EnvError, TerraformError) as exc:
        raise TenancyError(f"cannot read the outputs of env {args.env!r}: {exc}") from exc
    cli_env = values.get("cli_environment")
    table = cli_env.get("AIGW_USAGE_TABLE") if isinstance(cli_env, dict) else None
    if not table:
        raise TenancyError(f"env {args.env!r} has no cli_environment.AIGW_USAGE_TABLE output")
    return str(table)


def _cmd_usage_report(args: argparse.Namespace) -> None:
    from aigw.tenancy.report import parse_day, usage_report
    from aigw.tenancy.report_render import render

    start, end = parse_day(args.from_day, "--from"), parse_day(args.to_day, "--to")
    table = args.usage_table or _env_table(args) or os.environ.get("AIGW_USAGE_TABLE")
    if not table:
        raise TenancyError("pass --env, --usage-table or set AIGW_USAGE_TABLE")
    t = Tenancy.connect(
        tenants_table=args.tenants_table or os.environ.get("AIGW_TENANTS_TABLE") or "",
        keys_table=args.keys_table or os.environ.get("AIGW_KEYS_TABLE") or "",
        region=args.tenancy_region or getattr(args, "region", None),
        profile=args.tenancy_profile or getattr(args, "profile", None),
        endpoint_url=args.tenancy_endpoint_url or getattr(args, "endpoint_url", None),
    )
    rows = usage_report(t, table, start, end, args.tenant)
    who = f"tenant {args.tenant}" if args.tenant else "all tenants"
    title = f"aigw usage {args.env or table}: {who}, {start} to {end}"
    text = render(rows, args.format, title)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


def _runner(fn: Callable[[argparse.Namespace], None]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            fn(args)
        except TenancyError as exc:
            sys.stderr.write(f"error: {exc}\n")
            return 2
        except (BotoCoreError, ClientError) as exc:
            sys.stderr.write(f"error: AWS call failed: {exc}\n")
            return 1
        return 0

    return run


def _common(usage_plan: bool = False) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("AWS")
    g.add_argument("--region", dest="tenancy_region", help="AWS region (default: AWS_REGION)")
    g.add_argument("--profile", dest="tenancy_profile", help="AWS profile")
    g.add_argument(
        "--endpoint-url",
        dest="tenancy_endpoint_url",
        help="AWS endpoint, e.g. the local sandbox (default: AWS_ENDPOINT_URL)",
    )
    g.add_argument("--tenants-table", help="tenants table (default: AIGW_TENANTS_TABLE)")
    g.add_argument("--keys-table", help="keys table (default: AIGW_KEYS_TABLE)")
    if usage_plan:
        g.add_argument("--usage-plan-id", help="usage plan of the tenant's tier")
        g.add_argument(
            "--usage-plan-prefix",
            help="find the plan named <prefix>-<tier> (default: AIGW_USAGE_PLAN_PREFIX)",
        )
    return p


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``tenants``, ``keys`` and ``usage`` command groups.

    Each leaf command sets ``func``: call ``args.func(args)``; it returns the exit code
    (0 ok, 2 user error with a message on stderr, 1 AWS failure).
    """
    common = _common()
    with_plan = _common(usage_plan=True)

    tenants = subparsers.add_parser("tenants", help="manage tenants").add_subparsers(
        dest="tenants_command", required=True
    )
    p = tenants.add_parser("create", parents=[with_plan], help="create a tenant")
    p.add_argument("name", help="tenant name (its identity): lowercase letters, digits, '-'")
    p.add_argument("--tier", required=True, help="tier; its usage plan is <prefix>-<tier>")
    p.add_argument("--models", required=True, help="comma-separated model names the tenant may use")
    p.add_argument(
        "--routes", help="comma-separated 'METHOD /path' the tenant may call (default: all)"
    )
    p.add_argument("--display-name", help="human-readable name")
    p.set_defaults(func=_runner(_cmd_tenants_create))
    p = tenants.add_parser(
        "update", parents=[with_plan], help="change a tenant's tier, models or status"
    )
    p.add_argument("name")
    p.add_argument("--tier", help="new tier; moves its API key to the plan <prefix>-<tier>")
    p.add_argument("--models", help="comma-separated model names (replaces the list)")
    p.add_argument("--status", choices=("active", "disabled"))
    p.set_defaults(func=_runner(_cmd_tenants_update))
    p = tenants.add_parser(
        "delete", parents=[common], help="delete a tenant: keys revoked, usage kept"
    )
    p.add_argument("name")
    p.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    p.set_defaults(func=_runner(_cmd_tenants_delete))
    p = tenants.add_parser("list", parents=[common], help="list tenants")
    p.set_defaults(func=_runner(_cmd_tenants_list))
    for name, fn, text in (
        ("show", _cmd_tenants_show, "show a tenant"),
        ("disable", _cmd_tenants_disable, "disable a tenant (all its keys and tokens are denied)"),
        ("enable", _cmd_tenants_enable, "re-enable a disabled tenant"),
    ):
        p = tenants.add_parser(name, parents=[common], help=text)
        p.add_argument("name")
        p.set_defaults(func=_runner(fn))

    keys = subparsers.add_parser("keys", help="manage API keys").add_subparsers(
        dest="keys_command", required=True
    )
    p = keys.add_parser("create", parents=[with_plan], help="issue a key (printed once)")
    p.add_argument("--tenant", required=True)
    p.add_argument("--stage", help="stage the key is valid for (default: AIGW_STAGE)")
    p.add_argument("--label", help="free-text label")
    p.add_argument("--expires", help="YYYY-MM-DD: the key stops working at 00:00 UTC that day")
    p.set_defaults(func=_runner(_cmd_keys_create))
    p = keys.add_parser("list", parents=[common], help="list a tenant's keys (no secrets)")
    p.add_argument("--tenant", required=True)
    p.set_defaults(func=_runner(_cmd_keys_list))
    p = keys.add_parser("revoke", parents=[common], help="revoke a key immediately")
    p.add_argument("key_id")
    p.set_defaults(func=_runner(_cmd_keys_revoke))
    p = keys.add_parser(
        "rotate", parents=[with_plan], help="issue a successor; old key expires after the overlap"
    )
    p.add_argument("key_id")
    p.add_argument(
        "--overlap-hours",
        type=float,
        default=24.0,
        help="how long the old key keeps working (default 24)",
    )
    p.add_argument("--label", help="label of the new key (default: the old key's)")
    p.set_defaults(func=_runner(_cmd_keys_rotate))

    usage = subparsers.add_parser("usage", help="token usage").add_subparsers(
        dest="usage_command", required=True
    )
    p = usage.add_parser("show", parents=[common], help="token usage of a tenant per period")
    p.add_argument("--tenant", required=True)
    p.add_argument("--period", help="period or period prefix, e.g. 2026-11")
    p.add_argument(
        "--usage-table", help="the LLM gateway's usage table (default: AIGW_USAGE_TABLE)"
    )
    p.set_defaults(func=_runner(_cmd_usage_show))
    p = usage.add_parser(
        "report",
        parents=[common],
        help="tokens, requests and cost by tenant, model and day (chargeback)",
    )
    p.add_argument("--env", help="read the usage table from this env's cli_environment output")
    p.add_argument("--from", dest="from_day", required=True, help="first day, YYYY-MM-DD (UTC)")
    p.add_argument("--to", dest="to_day", required=True, help="last day, YYYY-MM-DD (UTC)")
    p.add_argument("--tenant", help="one tenant only")
    p.add_argument("--format", choices=("table", "csv", "json", "html"), default="table")
    p.add_argument("--output", help="write to this file instead of stdout")
    p.add_argument(
        "--usage-table",
        help="the LLM gateway's usage table (default: from --env, AIGW_USAGE_TABLE)",
    )
    p.set_defaults(func=_runner(_cmd_usage_report))
