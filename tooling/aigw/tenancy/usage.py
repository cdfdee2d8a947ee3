"""Token usage of a tenant, read from the LLM gateway's usage table."""

from __future__ import annotations

from typing import Any

from aigw.tenancy.store import MAX_PAGES, Tenancy, TenancyError, dynamodb_call, from_item
from aigw.tenancy.tenants import validate_tenant_id


def show_usage(
    t: Tenancy, usage_table: str, tenant_id: str, period: str | None = None
) -> list[dict[str, Any]]:
    """Token usage of a tenant per period, as the LLM gateway meters it.

    The gateway's usage table (modules/llm-route, docs/llm-gateway.md) has one item per
    tenant and period: ``pk = "quota#<tenant>#<period>"`` (period ``YYYY-MM`` or
    ``YYYY-MM-DD``), ``used`` (tokens) and ``expires_at``. ``period`` may be a prefix
    (``2026`` or ``2026-11``).
    """
    validate_tenant_id(tenant_id)
    prefix = f"quota#{tenant_id}#"
    out: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    for _ in range(MAX_PAGES):
        kwargs: dict[str, Any] = {
            "FilterExpression": "begins_with(pk, :p)",
            "ExpressionAttributeValues": {":p": {"S": prefix + (period or "")}},
        }
        if start:
            kwargs["ExclusiveStartKey"] = start
        try:
            resp = dynamodb_call(t, "scan", usage_table, **kwargs)
        except TenancyError as exc:
            raise TenancyError(
                f"usage table {usage_table!r} not found in {t.region}: pass --usage-table "
                "(AIGW_USAGE_TABLE), the table of modules/llm-route"
            ) from exc
        for raw in resp.get("Items", []):
            item = from_item(raw)
            out.append(
                {
                    "tenant": tenant_id,
                    "period": str(item["pk"])[len(prefix) :],
                    "used_tokens": int(item.get("used", 0)),
                }
            )
        start = resp.get("LastEvaluatedKey")
        if not start:
            return sorted(out, key=lambda r: r["period"])
    raise TenancyError("usage scan returned too many pages; pass --period")
