"""Token budgets per tenant and period in DynamoDB.

Item: ``pk = "quota#<tenant>#<period>"`` (string hash key), ``used`` (number, tokens),
``expires_at`` (number, epoch seconds, the table's TTL attribute).

Before calling a provider the gateway *reserves* an estimate with one conditional
``UpdateItem`` (``ADD used :n`` if ``used <= limit - n``), so concurrent requests
cannot overspend; afterwards it *reconciles* with the real usage (``ADD used :delta``,
negative deltas refund). A failed call refunds the whole reservation.

USD budgets (ADR 0126) take the same path on their own items, in micro-USD:
``pk = "spend#<tenant>#<period>"`` for the tenant and ``spend#<tenant>#<period>#<model>``
for a tenant's budget on one model alias. A refused USD reservation is a 429 with code
``budget_exceeded``.

Every settled answer also adds to one chargeback item per tenant, UTC day and model
alias: ``pk = "usage#<tenant>#<YYYY-MM-DD>#<alias>"`` with ``tenant``, ``day`` and
``model`` (strings) and ``requests``, ``input_tokens``, ``output_tokens`` and
``cost_micro_usd`` (numbers). These items have no TTL: ``aigw usage report`` reads them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from aigw_shared import aws, errors
from aigw_shared.records import record
from llm_gateway.config import QuotaConfig

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@record
class Reservation:
    pk: str
    tokens: int


def period_id(period: str, now: float) -> tuple[str, int]:
    """The period key and the epoch second when it ends (UTC)."""
    import calendar  # lazy: only when quotas are on

    t = time.gmtime(now)
    if period == "day":
        end = calendar.timegm((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0)) + 86400
        return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}", end
    year, month = (t.tm_year + 1, 1) if t.tm_mon == 12 else (t.tm_year, t.tm_mon + 1)
    return f"{t.tm_year:04d}-{t.tm_mon:02d}", calendar.timegm((year, month, 1, 0, 0, 0))


def _exhausted(tenant: str) -> errors.ApiError:
    return errors.ApiError(
        429,
        f"Tenant '{tenant}' has exhausted its token budget for the current period.",
        errors.INSUFFICIENT_QUOTA,
        "insufficient_quota",
    )


BUDGET_EXCEEDED = "budget_exceeded"


def _over_budget(tenant: str, model: str | None) -> errors.ApiError:
    on = f" for model '{model}'" if model else ""
    return errors.ApiError(
        429,
        f"Tenant '{tenant}' has exhausted its USD budget{on} for the current period.",
        errors.INSUFFICIENT_QUOTA,
        BUDGET_EXCEEDED,
    )


def _unavailable() -> errors.ApiError:
    return errors.ApiError(
        503, "The token quota service is unavailable.", errors.SERVER, "quota_unavailable"
    )


def to_micro_usd(usd: float) -> int:
    """USD as whole micro-dollars, rounded up (budgets and charges are stored so)."""
    import math

    return math.ceil(round(usd * 1_000_000, 6))


class QuotaStore:
    def __init__(
        self, config: QuotaConfig, client: Any = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.config = config
        self._client = client
        self._lock = threading.Lock()
        self.clock = clock

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = aws.client("dynamodb", read_timeout=2, attempts=2)
            return self._client

    def limit_for(self, tenant: str, tier: str | None) -> int | None:
        if tenant in self.config.tenants:
            return self.config.tenants[tenant]
        if tier and tier in self.config.tiers:
            return self.config.tiers[tier]
        return self.config.default_tokens

    def reserve(self, tenant: str, tier: str | None, tokens: int) -> Reservation | None:
        """Reserve ``tokens`` or raise a 429 ``insufficient_quota``; None when unlimited."""
        limit = self.limit_for(tenant, tier)
        if limit is None:
            return None
        period, ends = period_id(self.config.period, self.clock())
        return self._take(f"quota#{tenant}#{period}", tokens, limit, ends, _exhausted(tenant))

    def usd_limits(self, tenant: str, tier: str | None, model: str) -> list[tuple[str, int]]:
        """The USD budgets that apply, as ``(pk suffix, limit in micro-USD)``: the tenant's
        (tenant override, then tier, then default) and its budget on ``model``."""
        c = self.config
        out: list[tuple[str, int]] = []
        usd = c.usd_tenants.get(tenant)
        if usd is None and tier:
            usd = c.usd_tiers.get(tier)
        if usd is None:
            usd = c.usd_default
        if usd is not None:
            out.append(("", to_micro_usd(usd)))
        per_model = c.usd_models.get(tenant, {}).get(model)
        if per_model is not None:
            out.append((f"#{model}", to_micro_usd(per_model)))
        return out

    def reserve_usd(
        self, tenant: str, tier: str | None, model: str, micro_usd: int
    ) -> list[Reservation]:
        """Reserve ``micro_usd`` on every USD budget of the tenant (and model), or raise a
        429 ``budget_exceeded`` having refunded what was already taken."""
        period, ends = period_id(self.config.period, self.clock())
        taken: list[Reservation] = []
        try:
            for suffix, limit in self.usd_limits(tenant, tier, model):
                refusal = _over_budget(tenant, model if suffix else None)
                pk = f"spend#{tenant}#{period}{suffix}"
                taken.append(self._take(pk, micro_usd, limit, ends, refusal))
        except errors.ApiError:
            for res in taken:
                self.reconcile(res, 0)
            raise
        return taken

    def _take(
        self, pk: str, amount: int, limit: int, ends: int, refusal: errors.ApiError
    ) -> Reservation:
        """``ADD used :n`` unless that would take ``used`` above ``limit`` (atomic)."""
        if amount > limit:
            raise refusal
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.update_item(
                TableName=self.config.table_name,
                Key={"pk": {"S": pk}},
                UpdateExpression="ADD used :n SET expires_at = if_not_exists(expires_at, :exp)",
                ConditionExpression="attribute_not_exists(used) OR used <= :max",
                ExpressionAttributeValues={
                    ":n": {"N": str(amount)},
                    ":max": {"N": str(limit - amount)},
                    ":exp": {"N": str(ends + 35 * 86400)},
                },
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise refusal from None
            raise _unavailable() from None
        except BotoCoreError:
            raise _unavailable() from None
        return Reservation(pk, amount)

    def record_usage(
        self, tenant: str, model: str, input_tokens: int, output_tokens: int, micro_usd: int
    ) -> None:
        """Add one answer to the tenant's chargeback item of the day and model."""
        t = time.gmtime(self.clock())
        day = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
        self.client.update_item(
            TableName=self.config.table_name,
            Key={"pk": {"S": f"usage#{tenant}#{day}#{model}"}},
            UpdateExpression=(
                "SET tenant = :t, #d = :d, model = :m "
                "ADD requests :one, input_tokens :i, output_tokens :o, cost_micro_usd :c"
            ),
            ExpressionAttributeNames={"#d": "day"},
            ExpressionAttributeValues={
                ":t": {"S": tenant},
                ":d": {"S": day},
                ":m": {"S": model},
                ":one": {"N": "1"},
                ":i": {"N": str(input_tokens)},
                ":o": {"N": str(output_tokens)},
                ":c": {"N": str(micro_usd)},
            },
        )

    def reconcile(self, reservation: Reservation, actual_tokens: int) -> None:
        """Replace the reservation by the real usage (refunds when it was smaller)."""
        delta = actual_tokens - reservation.tokens
        if delta == 0:
            return
        self.client.update_item(
            TableName=self.config.table_name,
            Key={"pk": {"S": reservation.pk}},
            UpdateExpression="ADD used :d",
            ExpressionAttributeValues={":d": {"N": str(delta)}},
        )

    def used(self, tenant: str) -> int:
        period, _ = period_id(self.config.period, self.clock())
        item = self.client.get_item(
            TableName=self.config.table_name,
            Key={"pk": {"S": f"quota#{tenant}#{period}"}},
            ConsistentRead=True,
        ).get("Item")
        return int(item["used"]["N"]) if item else 0
