"""Chargeback: tokens, requests and cost by tenant, model alias and UTC day, read from the
LLM gateway's usage table (the ``usage#<tenant>#<day>#<alias>`` items, docs/cost.md)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from aigw.tenancy.store import Tenancy, TenancyError
from aigw.tenancy.tenants import _scan, validate_tenant_id

FIELDS = ("day", "tenant", "model", "requests", "input_tokens", "output_tokens", "cost_usd")


def parse_day(value: str, flag: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise TenancyError(f"{flag} must be a date YYYY-MM-DD, got {value!r}") from None


def usage_report(
    t: Tenancy, usage_table: str, start: date, end: date, tenant: str | None = None
) -> list[dict[str, Any]]:
    """One row per (day, tenant, model) from ``start`` to ``end`` inclusive, sorted; cost
    in USD (the table keeps whole micro-dollars)."""
    if end < start:
        raise TenancyError(f"--to {end} is before --from {start}")
    if tenant is not None:
        validate_tenant_id(tenant)
    names = {"#d": "day"}
    values: dict[str, Any] = {
        ":p": {"S": f"usage#{tenant}#" if tenant else "usage#"},
        ":from": {"S": start.isoformat()},
        ":to": {"S": end.isoformat()},
    }
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    items = _scan(
        t,
        usage_table,
        FilterExpression="begins_with(pk, :p) AND #d BETWEEN :from AND :to",
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
    )
    try:
        for item in items:
            key = (str(item["day"]), str(item["tenant"]), str(item["model"]))
            row = rows.setdefault(
                key,
                {"day": key[0], "tenant": key[1], "model": key[2], "requests": 0,
                 "input_tokens": 0, "output_tokens": 0, "cost_micro_usd": 0},
            )  # fmt: skip
            for f in ("requests", "input_tokens", "output_tokens", "cost_micro_usd"):
                row[f] += int(item.get(f, 0))
    except TenancyError as exc:
        raise TenancyError(
            f"usage table {usage_table!r}: {exc}; pass --env or --usage-table "
            "(AIGW_USAGE_TABLE), the table of modules/llm-route"
        ) from exc
    out = []
    for key in sorted(rows):
        row = rows[key]
        micro = row.pop("cost_micro_usd")
        out.append({**row, "cost_usd": micro / 1_000_000})
    return out


def totals(rows: list[dict[str, Any]], by: str) -> dict[str, dict[str, float]]:
    """Requests, tokens and cost summed by one field (``day``, ``tenant`` or ``model``)."""
    out: dict[str, dict[str, float]] = {}
    for r in rows:
        acc = out.setdefault(
            r[by], {"requests": 0, "input_tokens": 0, "output_tokens": 0, "cost_usd": 0.0}
        )
        for f in acc:
            acc[f] += r[f]
    for acc in out.values():
        acc["cost_usd"] = round(acc["cost_usd"], 6)
    return dict(sorted(out.items()))
