"""``aigw release start|status|promote|rollback|watch --env ENV``."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from aigw.release import aws
from aigw.release.decide import Sample, Thresholds, decide
from aigw.release.record import (
    ReleaseError,
    StartRequest,
    in_progress,
    promoted,
    read_record,
    rolled_back,
    start,
    write_record,
)
from aigw.release.watch import parse_duration, watch

ROLLED_BACK_EXIT = 2


def _env_region(env_dir: Path) -> str | None:
    tfvars = env_dir / "terraform.tfvars"
    if tfvars.is_file():
        found = re.search(r'^\s*region\s*=\s*"([^"]+)"', tfvars.read_text(), re.MULTILINE)
        if found:
            return found.group(1)
    return None


def _clients(args: argparse.Namespace, root: Path) -> dict[str, Any]:
    import boto3

    from aigw import envs

    endpoint = args.endpoint_url
    region = args.region
    key: dict[str, str] = {}
    if args.env == envs.LOCAL_ENV:
        endpoint = endpoint or envs._sandbox_endpoint(root)
        region = region or "us-east-1"
        key = {"aws_access_key_id": "sandbox", "aws_secret_access_key": "sandbox"}
    session = boto3.Session(
        profile_name=args.profile, region_name=region or _env_region(envs.env_dir(root, args.env))
    )
    return {
        name: session.client(name, endpoint_url=endpoint, **key)
        for name in ("apigateway", "lambda", "cloudwatch")
    }


def _target(args: argparse.Namespace, root: Path) -> aws.Target:
    from aigw import envs

    release = envs.outputs(root, args.env, args.tf).get("release")
    if not isinstance(release, dict):
        raise ReleaseError(
            f"envs/{args.env} has no `release` output: apply it with this version first"
        )
    return aws.Target.from_outputs(release)


def _terraform(args: argparse.Namespace, root: Path) -> None:
    """Plan (and with --apply, apply) the environment so Terraform adopts the record."""
    from aigw import envs

    if not args.apply:
        print(
            f"Next: `make plan ENV={args.env}`, review, `make apply ENV={args.env}` "
            "(or rerun with --apply)."
        )
        return
    if args.env == envs.LOCAL_ENV:
        envs.apply(root, args.env, args.tf)
        return
    envs.plan(root, args.env, args.tf)
    envs.apply(root, args.env, args.tf)


def _overrides(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise ReleaseError(
                f"--stage-variable takes NAME=VALUE (NAME: A-Z a-z 0-9 _), got {pair!r}"
            )
        out[name] = value
    return out


def cmd_start(args: argparse.Namespace, root: Path, env_dir: Path) -> int:
    from aigw import envs

    release = read_record(env_dir)
    outputs = envs.outputs(root, args.env, args.tf).get("release") or {}
    req = StartRequest(
        percent_traffic=args.percent,
        stage_variable_overrides=_overrides(args.stage_variable),
        use_stage_cache=args.use_stage_cache,
        llm_weight=args.llm_weight,
    )
    path = write_record(env_dir, start(release, outputs, req))
    print(f"release started: {path}")
    _terraform(args, root)
    return 0


def _act(args: argparse.Namespace, root: Path, stage_fn: Any, alias_fn: Any) -> list[str]:
    release = read_record(root / "envs" / args.env)
    t = _target(args, root)
    c = _clients(args, root)
    lines = []
    if release.get("stage_canary"):
        lines += stage_fn(c["apigateway"], t)
    if release.get("llm_canary"):
        lines += alias_fn(c["lambda"], t)
    return lines


def cmd_promote(args: argparse.Namespace, root: Path, env_dir: Path) -> int:
    release = read_record(env_dir)
    new = promoted(release)  # refuses before any call when nothing is in progress
    for line in _act(args, root, aws.promote_stage, aws.promote_alias):
        print(line)
    print(f"release promoted: {write_record(env_dir, new)}")
    _terraform(args, root)
    return 0


def rollback(args: argparse.Namespace, root: Path, env_dir: Path) -> list[str]:
    release = read_record(env_dir)
    new = rolled_back(release)
    lines = _act(args, root, aws.rollback_stage, aws.rollback_alias)
    lines.append(f"release rolled back: {write_record(env_dir, new)}")
    return lines


def cmd_rollback(args: argparse.Namespace, root: Path, env_dir: Path) -> int:
    for line in rollback(args, root, env_dir):
        print(line)
    _terraform(args, root)
    return 0


def _row(name: str, s: Sample) -> str:
    rate = "-" if s.error_rate is None else f"{s.error_rate:.2%}"
    p99 = "-" if s.p99_ms is None else f"{s.p99_ms:.0f}"
    return f"{name:<16}{s.requests:>10.0f}{s.errors:>10.0f}{rate:>10}{p99:>12}"


def cmd_status(args: argparse.Namespace, root: Path, env_dir: Path) -> int:
    release = read_record(env_dir)
    state = (
        "rolled back"
        if release.get("rolled_back")
        else "in progress"
        if in_progress(release)
        else "steady state"
    )
    print(f"release of {args.env}: {state}")
    if not in_progress(release):
        return 0
    t = _target(args, root)
    c = _clients(args, root)
    period = 60
    thresholds = Thresholds(min_requests=args.min_requests)
    print(f"{'':<16}{'requests':>10}{'errors':>10}{'err rate':>10}{'p99 ms':>12}")
    worst = 0
    if release.get("stage_canary"):
        base, canary = aws.samples(c["cloudwatch"], aws.stage_queries(t, period), args.minutes)
        print(_row("stage base", base))
        print(_row("stage canary", canary))
        v = decide(base, canary, thresholds)
        print(f"stage: {v.state}" + "".join(f"\n  - {r}" for r in v.reasons))
        worst = max(worst, v.state == "failing")
    if release.get("llm_canary"):
        stable, weights = aws._alias(c["lambda"], t)
        for version in weights:
            queries = aws.alias_queries(t, stable, version, period)
            base, canary = aws.samples(c["cloudwatch"], queries, args.minutes)
            print(_row(f"llm v{stable}", base))
            print(_row(f"llm v{version}", canary))
            v = decide(base, canary, thresholds)
            print(f"llm: {v.state}" + "".join(f"\n  - {r}" for r in v.reasons))
            worst = max(worst, v.state == "failing")
    return 1 if worst else 0


def cmd_watch(args: argparse.Namespace, root: Path, env_dir: Path) -> int:
    release = read_record(env_dir)
    if not in_progress(release):
        raise ReleaseError("no release in progress to watch")
    t = _target(args, root)
    names = tuple(args.alarm) or t.alarm_names
    if not names:
        raise ReleaseError(
            "no alarms to watch: the canary alarms are opt-in (release.alarms.enabled = true, "
            "then apply), or name alarms with --alarm"
        )
    c = _clients(args, root)
    result = watch(
        lambda n: aws.alarm_states(c["cloudwatch"], n),
        names,
        parse_duration(args.duration),
        parse_duration(args.interval),
        report=lambda line: print(line, flush=True),
    )
    if result.fired:
        print(f"alarm(s) in ALARM: {', '.join(result.fired)}: rolling back", flush=True)
        for line in rollback(args, root, env_dir):
            print(line)
        _terraform(args, root)
        return ROLLED_BACK_EXIT
    print(f"no alarm fired in {result.elapsed_seconds:.0f}s ({result.polls} polls)")
    if args.promote_on_success:
        return cmd_promote(args, root, env_dir)
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from aigw import envs
    from aigw.commands.common import fail, root_of
    from aigw.terraform import TerraformError

    root = root_of(args)
    try:
        env_dir = envs.env_dir(root, args.env)
        return int(args.release_func(args, root, env_dir) or 0)
    except (ReleaseError, envs.EnvError, TerraformError, ValueError, LookupError) as exc:
        return fail(str(exc))
    except Exception as exc:  # botocore ClientError / EndpointConnectionError
        if type(exc).__module__.startswith("botocore"):
            return fail(f"AWS call failed: {exc}")
        raise


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "release",
        help="canary releases of an environment (start, status, promote, rollback, watch)",
        description=(
            "Canary releases of the stage and of the LLM function's `live` alias. The release "
            "in progress lives in envs/<env>/release.auto.tfvars.json (Terraform's variable "
            "`release`); promote and rollback act through the AWS APIs at once and update "
            "that file so the next plan agrees (docs/releases.md)."
        ),
    )
    actions = parser.add_subparsers(dest="release_action", required=True)

    def common(p: argparse.ArgumentParser, terraform: bool = False) -> None:
        p.add_argument("--env", required=True, help="environment (envs/<env>)")
        p.add_argument("--tf", help="terraform binary (default: $TF or terraform)")
        p.add_argument("--region", help="AWS region (default: the env's tfvars region)")
        p.add_argument("--profile", help="AWS profile")
        p.add_argument("--endpoint-url", help="AWS endpoint (default: the sandbox for local)")
        if terraform:
            p.add_argument(
                "--apply",
                action="store_true",
                help="plan and apply the environment after writing the record "
                "(non-local envs ask for confirmation, or CI=true AUTO_APPROVE=1)",
            )
        p.set_defaults(func=cmd_release)

    p = actions.add_parser("start", help="start a stage canary and/or an LLM alias canary")
    common(p, terraform=True)
    p.add_argument(
        "--percent", type=float, help="share of the stage's requests for the canary (0-100)"
    )
    p.add_argument(
        "--stage-variable",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="stage variable override for the canary (repeatable)",
    )
    p.add_argument("--use-stage-cache", action="store_true", help="the canary uses the stage cache")
    p.add_argument(
        "--llm-weight", type=float, help="share of the LLM alias's invocations for the new version"
    )
    p.set_defaults(release_func=cmd_start)

    p = actions.add_parser("status", help="canary vs base: requests, error rate, p99 latency")
    common(p)
    p.add_argument("--minutes", type=int, default=15, help="window (default 15)")
    p.add_argument(
        "--min-requests", type=int, default=50, help="canary requests needed for a verdict"
    )
    p.set_defaults(release_func=cmd_status)

    p = actions.add_parser("promote", help="the canary becomes the stage's / alias's target")
    common(p, terraform=True)
    p.set_defaults(release_func=cmd_promote)

    p = actions.add_parser("rollback", help="turn the canary off; base and stable version stay")
    common(p, terraform=True)
    p.set_defaults(release_func=cmd_rollback)

    p = actions.add_parser(
        "watch", help="poll the canary alarms; roll back (exit 2) when one fires"
    )
    common(p, terraform=True)
    p.add_argument("--for", dest="duration", default="10m", help="how long to watch (e.g. 10m)")
    p.add_argument("--interval", default="30s", help="time between polls (e.g. 30s)")
    p.add_argument("--alarm", action="append", default=[], help="alarm name (default: the env's)")
    p.add_argument("--promote-on-success", action="store_true", help="promote when no alarm fired")
    p.set_defaults(release_func=cmd_watch)
