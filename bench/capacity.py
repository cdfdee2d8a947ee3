"""Capacity and cost on paper, from published AWS prices and limits (docs/capacity.md).

Usage: ``.venv/bin/python bench/capacity.py`` prints the figures (Markdown);
``--write docs/capacity.md`` replaces the generated block of the doc; ``--check
docs/capacity.md`` exits 1 when the doc's block differs from what this prints.

Every input is in :data:`INPUTS` with its source and the date it was read; the
environments' sizing comes from envs/*/terraform.tfvars (module defaults otherwise) and
the Bedrock token prices from modules/llm-route's price table (dated, sourced inside).
Nothing here is measured: these are the bounds AWS's numbers put on the design.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRICE_TABLE = ROOT / "modules/llm-route/prices/bedrock-2026-11-30.json"
BEGIN, END = "<!-- capacity:begin (bench/capacity.py) -->", "<!-- capacity:end -->"

# name: (value, unit, source, date read). Published figures for us-east-1 unless noted.
INPUTS: dict[str, tuple[float, str, str, str]] = {
    "lambda_concurrency_quota": (1000, "concurrent executions per account and Region (default)",
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html", "2026-11-30"),
    "lambda_unreserved_minimum": (100, "executions Lambda keeps unreserved",
        "Lambda API Reference, PutFunctionConcurrency (ADR 0093)", "2026-11-30"),
    "lambda_arm_gb_second": (0.0000133334, "USD per GB-second, arm64, first 7.5 billion GB-s",
        "https://aws.amazon.com/lambda/pricing/ (as quoted by "
        "cloudchipr.com/blog/aws-lambda-pricing)", "2026-11-30"),
    "lambda_request_per_million": (0.20, "USD per million requests",
        "https://aws.amazon.com/lambda/pricing/", "2026-11-30"),
    "apigw_rest_per_million": (3.50, "USD per million REST API calls, first 333 million a month",
        "https://aws.amazon.com/api-gateway/pricing/", "2026-11-30"),
    "apigw_account_rps": (10000, "requests per second per account and Region (default)",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html", "2026-11-30"),
    "apigw_account_burst": (5000, "burst requests per account and Region",
        "https://aws.amazon.com/about-aws/whats-new/2017/06/amazon-api-gateway-increases-account-level-throttle-limits-to-10000-requests-per-second-rps/",
        "2026-11-30"),
    "fargate_arm_vcpu_hour": (0.03238, "USD per vCPU-hour, Linux/ARM",
        "https://aws.amazon.com/fargate/pricing/ (as quoted by vantage.sh/blog/fargate-pricing)",
        "2026-11-30"),
    "fargate_arm_gb_hour": (0.00356, "USD per GB-hour, Linux/ARM",
        "https://aws.amazon.com/fargate/pricing/ (as quoted by vantage.sh/blog/fargate-pricing)",
        "2026-11-30"),
    "nlb_hour": (0.0225, "USD per Network Load Balancer hour (LCUs not counted)",
        "https://aws.amazon.com/elasticloadbalancing/pricing/ (not re-read: verify)", "2026-11-30"),
    # Our assumptions, not AWS figures: change them to your measurements.
    "ttft_seconds": (0.6, "seconds to the first token (assumption)", "assumption", "-"),
    "output_tokens_per_second": (50, "streamed output tokens per second (assumption)",
        "assumption", "-"),
    "fargate_task_vcpu": (1, "vCPU per gateway task (assumption)", "assumption", "-"),
    "fargate_task_gb": (2, "GB per gateway task (assumption)", "assumption", "-"),
    "fargate_streams_per_task": (200, "concurrent streams one task serves (assumption)",
        "assumption", "-"),
    "fargate_min_tasks": (2, "tasks kept running for availability (assumption)", "assumption",
        "-"),
    "hours_per_month": (730, "hours per month", "AWS pricing convention", "-"),
}  # fmt: skip

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
TOKEN_SIZES = [(500, 200), (2000, 500), (8000, 1000)]
RATES = [10, 50, 100, 500]
DURATIONS = [2, 20]
ENV_DEFAULTS = {"memory_size": 512, "timeout": 300, "reserved": None, "provisioned": 0}


def v(name: str) -> float:
    return INPUTS[name][0]


def _plain(value: object) -> object:
    """python-hcl2 keeps the quotes of strings."""
    return value.strip('"') if isinstance(value, str) else value


def env_sizing(root: Path = ROOT) -> dict[str, dict[str, object]]:
    """Memory, timeout, reserved and provisioned concurrency of the LLM gateway per env."""
    import hcl2

    out: dict[str, dict[str, object]] = {}
    for tfvars in sorted(root.glob("envs/*/terraform.tfvars")):
        with tfvars.open() as fh:
            llm = hcl2.load(fh).get("llm", {})
        out[tfvars.parent.name] = {
            "memory_size": _plain(llm.get("memory_size", ENV_DEFAULTS["memory_size"])),
            "timeout": _plain(llm.get("timeout", ENV_DEFAULTS["timeout"])),
            "reserved": _plain(llm.get("reserved_concurrent_executions")),
            "provisioned": _plain(llm.get("provisioned_concurrent_executions", 0)),
        }
    return out


def duration(output_tokens: int) -> float:
    return v("ttft_seconds") + output_tokens / v("output_tokens_per_second")


def lambda_cost_per_request(memory_mb: float, seconds: float) -> float:
    return (
        memory_mb / 1024 * seconds * v("lambda_arm_gb_second")
        + v("lambda_request_per_million") / 1e6
    )


def fargate_month(rps: float, seconds: float) -> float:
    tasks = max(v("fargate_min_tasks"), math.ceil(rps * seconds / v("fargate_streams_per_task")))
    task_hour = v("fargate_task_vcpu") * v("fargate_arm_vcpu_hour") + v("fargate_task_gb") * v(
        "fargate_arm_gb_hour"
    )
    return (tasks * task_hour + v("nlb_hour")) * v("hours_per_month")


def lambda_month(rps: float, seconds: float, memory_mb: float) -> float:
    return rps * v("hours_per_month") * 3600 * lambda_cost_per_request(memory_mb, seconds)


def break_even_rps(seconds: float, memory_mb: float) -> float:
    """The lowest sustained rate (0.01 rps steps) at which Fargate costs no more."""
    rps = 0.01
    while lambda_month(rps, seconds, memory_mb) < fargate_month(rps, seconds):
        rps = round(rps + 0.01, 2)
    return rps


def _money(x: float) -> str:
    return f"${x:,.2f}"


def report(root: Path = ROOT) -> str:
    price = json.loads(PRICE_TABLE.read_text())["regions"]["us-east-1"][MODEL]
    quota = int(v("lambda_concurrency_quota"))
    lines = [BEGIN, "", "### Inputs", "", "| Input | Value | Source (read) |", "|---|---|---|"]
    for name, (value, unit, source, read) in INPUTS.items():
        lines.append(f"| `{name}` | {value:g} {unit} | {source} ({read}) |")
    lines += [
        f"| Bedrock `{MODEL}` | ${price['input_per_1m']:g} / ${price['output_per_1m']:g} per "
        "million input / output tokens | modules/llm-route/prices/bedrock-2026-11-30.json |",
        "",
        "### Concurrency = requests per second × mean answer duration",
        "",
        "| Requests/s | Answer (s) | Concurrent executions | Share of the default quota |",
        "|---|---|---|---|",
    ]
    for rps in RATES:
        for d in DURATIONS:
            c = rps * d
            flag = " (over: throttled)" if c > quota else ""
            lines.append(f"| {rps} | {d} | {c:,} | {100 * c / quota:.0f} %{flag} |")
    usable = quota - int(v("lambda_unreserved_minimum"))
    lines += [
        "",
        f"With the default quota of {quota:,}, 20-second streams top out at "
        f"{quota // 20} requests per second; API Gateway's account throttle "
        f"({int(v('apigw_account_rps')):,} rps, burst {int(v('apigw_account_burst')):,}) is "
        f"{int(v('apigw_account_rps')) // (quota // 20)} times higher. At most {usable:,} "
        "executions can be reserved for functions (Lambda keeps "
        f"{int(v('lambda_unreserved_minimum'))} unreserved).",
        "",
        "### Environments (envs/*/terraform.tfvars; module defaults where unset)",
        "",
        "| Env | Memory (MB) | Timeout (s) | Reserved | Provisioned "
        "| 20-s streams/s before throttling |",
        "|---|---|---|---|---|---|",
    ]
    for env, s in env_sizing(root).items():
        cap = s["reserved"] if s["reserved"] is not None else quota
        lines.append(
            f"| {env} | {s['memory_size']} | {s['timeout']} | "
            f"{s['reserved'] if s['reserved'] is not None else 'none (account pool)'} | "
            f"{s['provisioned']} | {int(cap) / 20:g} |"
        )
    memory = 512
    lines += [
        "",
        f"### Cost per million requests ({memory} MB arm64 function, `{MODEL}`)",
        "",
        "| Input / output tokens | Answer (s) | Lambda | API Gateway REST | Bedrock | Total |",
        "|---|---|---|---|---|---|",
    ]
    for tin, tout in TOKEN_SIZES:
        d = duration(tout)
        lam = lambda_cost_per_request(memory, d) * 1e6
        api = v("apigw_rest_per_million")
        bed = tin * price["input_per_1m"] + tout * price["output_per_1m"]
        lines.append(
            f"| {tin:,} / {tout:,} | {d:.1f} | {_money(lam)} | {_money(api)} | "
            f"{_money(bed)} | {_money(lam + api + bed)} |"
        )
    d = duration(TOKEN_SIZES[1][1])
    lines += [
        "",
        f"### Lambda or a container behind the VPC link ({d:.1f}-s streams, {memory} MB)",
        "",
        "API Gateway costs the same either way; the table compares the function with "
        f"Fargate tasks ({v('fargate_task_vcpu'):g} vCPU, {v('fargate_task_gb'):g} GB, "
        f"{int(v('fargate_streams_per_task'))} streams each, at least "
        f"{int(v('fargate_min_tasks'))}) plus the Network Load Balancer the VPC link needs.",
        "",
        "| Sustained requests/s | Lambda per month | Fargate + NLB per month |",
        "|---|---|---|",
    ]
    for rps in (0.1, 1, 10, 100):
        lines.append(
            f"| {rps:g} | {_money(lambda_month(rps, d, memory))} | "
            f"{_money(fargate_month(rps, d))} |"
        )
    lines += [
        "",
        f"Fargate costs no more than Lambda from **{break_even_rps(d, memory):g} requests per "
        "second** sustained: a streamed answer bills Lambda for every second it waits on the "
        "model, a task serves many streams at once.",
        "",
        END,
    ]
    return "\n".join(lines) + "\n"


def _block(text: str) -> str:
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < 0:
        raise SystemExit(f"capacity: markers {BEGIN!r} … {END!r} not found")
    return text[start : end + len(END)] + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = p.add_mutually_exclusive_group()
    g.add_argument("--write", type=Path, help="replace the generated block of this doc")
    g.add_argument("--check", type=Path, help="exit 1 when this doc's block is stale")
    args = p.parse_args(argv)
    text = report()
    if args.write:
        doc = args.write.read_text()
        args.write.write_text(doc.replace(_block(doc), text))
    elif args.check:
        if _block(args.check.read_text()) != text:
            sys.stderr.write(f"{args.check} is stale: run bench/capacity.py --write {args.check}\n")
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
