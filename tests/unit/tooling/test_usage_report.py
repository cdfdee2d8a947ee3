"""``aigw usage report``: chargeback rows from the usage table the gateway writes
(``usage#<tenant>#<day>#<alias>``), against moto's DynamoDB in process. Expected totals
are worked out by hand from the seeded items."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from aigw.tenancy import Tenancy, TenancyError
from aigw.tenancy.cli import register
from aigw.tenancy.report import usage_report
from aigw.tenancy.report_render import render

TABLE = "aigw-llm-usage"

# (tenant, day, model, requests, input, output, micro-USD) as the gateway adds them up
SEED = [
    ("acme", "2026-11-01", "claude", 10, 1000, 500, 10_500),
    ("acme", "2026-11-01", "embed", 4, 800, 0, 16),
    ("acme", "2026-11-02", "claude", 2, 300, 100, 2_400),
    ("beta", "2026-11-02", "claude", 1, 50, 20, 450),
    ("beta", "2026-11-03", "claude", 5, 100, 100, 1_800),  # after --to below
    ("acme", "2026-10-31", "claude", 7, 70, 70, 1_260),  # before --from below
]


@pytest.fixture
def ctx(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tenancy]:
    from moto import mock_aws

    for k, v in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        t = Tenancy.connect(tenants_table="", keys_table="", region="us-east-1")
        t.dynamodb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
        for tenant, day, model, req, inp, out, micro in SEED:
            t.dynamodb.put_item(
                TableName=TABLE,
                Item={
                    "pk": {"S": f"usage#{tenant}#{day}#{model}"},
                    "tenant": {"S": tenant},
                    "day": {"S": day},
                    "model": {"S": model},
                    "requests": {"N": str(req)},
                    "input_tokens": {"N": str(inp)},
                    "output_tokens": {"N": str(out)},
                    "cost_micro_usd": {"N": str(micro)},
                },
            )
        # budget items of the same table are not usage
        t.dynamodb.put_item(
            TableName=TABLE, Item={"pk": {"S": "quota#acme#2026-11"}, "used": {"N": "999"}}
        )
        t.dynamodb.put_item(
            TableName=TABLE, Item={"pk": {"S": "spend#acme#2026-11"}, "used": {"N": "999"}}
        )
        yield t


def report(t: Tenancy, tenant: str | None = None) -> list[dict[str, Any]]:
    return usage_report(t, TABLE, date(2026, 11, 1), date(2026, 11, 2), tenant)


def test_rows_by_day_tenant_and_model_within_the_range(ctx: Tenancy) -> None:
    assert report(ctx) == [
        {"day": "2026-11-01", "tenant": "acme", "model": "claude", "requests": 10,
         "input_tokens": 1000, "output_tokens": 500, "cost_usd": 0.0105},
        {"day": "2026-11-01", "tenant": "acme", "model": "embed", "requests": 4,
         "input_tokens": 800, "output_tokens": 0, "cost_usd": 0.000016},
        {"day": "2026-11-02", "tenant": "acme", "model": "claude", "requests": 2,
         "input_tokens": 300, "output_tokens": 100, "cost_usd": 0.0024},
        {"day": "2026-11-02", "tenant": "beta", "model": "claude", "requests": 1,
         "input_tokens": 50, "output_tokens": 20, "cost_usd": 0.00045},
    ]  # fmt: skip


def test_one_tenant(ctx: Tenancy) -> None:
    rows = report(ctx, "beta")
    assert [(r["day"], r["requests"], r["cost_usd"]) for r in rows] == [("2026-11-02", 1, 0.00045)]


def test_csv_totals_match_hand_sums(ctx: Tenancy) -> None:
    rows = list(csv.DictReader(io.StringIO(render(report(ctx), "csv", "t"))))
    assert len(rows) == 4
    assert sum(int(r["requests"]) for r in rows) == 10 + 4 + 2 + 1
    assert sum(int(r["input_tokens"]) for r in rows) == 1000 + 800 + 300 + 50
    # 10,500 + 16 + 2,400 + 450 micro-dollars
    assert round(sum(float(r["cost_usd"]) for r in rows), 6) == 0.013366


def test_table_has_a_total_line(ctx: Tenancy) -> None:
    last = render(report(ctx), "table", "t").splitlines()[-1].split()
    assert last == ["total", "17", "2150", "620", "0.013366"]


def test_html_is_one_file_with_an_inline_svg_chart(ctx: Tenancy) -> None:
    page = render(report(ctx), "html", "November")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert "<script" not in page and not re.search(r"(src|href)=\"(https?:)?//", page)
    lines = re.findall(r'<polyline [^>]*points="([^"]+)"', page)
    assert len(lines) == 2  # one line per tenant
    # acme's line has a point per day (2), beta's too (0 on the day it had no usage)
    assert all(len(pts.split()) == 2 for pts in lines)


def test_rejects_bad_dates(ctx: Tenancy) -> None:
    with pytest.raises(TenancyError):
        usage_report(ctx, TABLE, date(2026, 11, 2), date(2026, 11, 1))


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aigw")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_cli_json(ctx: Tenancy, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["usage", "report", "--usage-table", TABLE, "--from", "2026-11-01"]
    assert _cli([*argv, "--to", "2026-11-02", "--format", "json", "--tenant", "acme"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [r["model"] for r in doc["rows"]] == ["claude", "embed", "claude"]


def test_cli_refuses_a_malformed_date(ctx: Tenancy, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["usage", "report", "--usage-table", TABLE, "--from", "2026-11-1", "--to", "x"]
    assert _cli(argv) == 2
    assert "--from must be a date YYYY-MM-DD" in capsys.readouterr().err
