"""Running one request over a model's targets, with the tenant's quota held meanwhile.

Every endpoint that calls an upstream goes through :func:`run_targets`: it reserves the
estimated tokens and, where USD budgets apply, their most expensive cost (a 429
``insufficient_quota`` or ``budget_exceeded`` when the tenant has none left), lets the
router try the targets (order or weights, fallback, in-place retries of throttled calls,
the request deadline), records the attempts on the outcome, and settles the reservation
at zero when every target failed. On success the endpoint settles the returned
:class:`Run` with the tokens the answer used; a stream settles when it ends.
"""

from __future__ import annotations

from aigw_shared.errors import SERVER, ApiError
from aigw_shared.records import record
from llm_gateway.metering import estimate_cost
from llm_gateway.routing import AllTargetsFailed

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from llm_gateway.config_types import ModelConfig, Target
    from llm_gateway.context import Context
    from llm_gateway.providers.base import Provider
    from llm_gateway.quotas import QuotaStore, Reservation

    Call = Callable[[Provider, Target, float], Any]


class Run:
    """A target's answer (``value``) and the quota reservations it still holds."""

    __slots__ = ("_ctx", "_hold", "_store", "target", "value")

    def __init__(
        self,
        ctx: Context,
        value: Any,
        target: Target,
        store: QuotaStore | None,
        hold: Hold | None,
    ) -> None:
        self._ctx = ctx
        self.value = value
        self.target = target
        self._store = store
        self._hold = hold

    @property
    def reserved(self) -> int:
        """The tokens held (0 without quotas): the charge when usage never arrives."""
        res = self._hold.tokens if self._hold is not None else None
        return res.tokens if res is not None else 0

    def settle(self, tokens: int) -> None:
        """Replace the reservations by ``tokens`` and the answer's cost (its usage at the
        target's price; the reserved cost when no usage arrived), and add the answer to the
        tenant's chargeback item of the day and model."""
        hold = self._hold
        if hold is None or self._store is None:
            return
        from llm_gateway.quotas import to_micro_usd

        usage = self._ctx.out.usage
        price = self._ctx.cfg.prices.get(self.target.model)
        micro = to_micro_usd(estimate_cost(usage, price)) if usage else hold.micro_usd
        settle(self._ctx, self._store, hold, tokens, micro)
        ctx = self._ctx
        try:
            self._store.record_usage(
                ctx.identity.tenant,
                ctx.out.model or "",
                int((usage or {}).get("prompt_tokens") or 0),
                int((usage or {}).get("completion_tokens") or 0),
                micro,
            )
        except Exception as exc:  # noqa: BLE001 - the answer is already decided
            ctx.gateway.logger.error("usage_record_failed", error=type(exc).__name__)


@record
class Hold:
    """What one request holds: its token reservation and its USD reservations."""

    tokens: Reservation | None
    spend: tuple[Reservation, ...] = ()
    micro_usd: int = 0


def settle(
    ctx: Context, store: QuotaStore | None, hold: Hold | None, tokens: int, micro_usd: int
) -> None:
    """Replace the reservations by ``tokens`` and ``micro_usd`` (best effort: the answer
    is decided)."""
    if store is None or hold is None:
        return
    try:
        if hold.tokens is not None:
            store.reconcile(hold.tokens, tokens)
        for res in hold.spend:
            store.reconcile(res, micro_usd)
    except Exception as exc:  # noqa: BLE001 - the answer is already decided
        ctx.gateway.logger.error("quota_reconcile_failed", error=type(exc).__name__)


def max_cost(ctx: Context, model: ModelConfig, tokens: int) -> int:
    """Micro-USD that ``tokens`` can cost at most on any of the model's targets (every
    token at the target's dearest rate); a 500 when a target has no price."""
    from llm_gateway.quotas import to_micro_usd

    most = 0.0
    for t in model.targets:
        price = ctx.cfg.prices.get(t.model)
        if price is None:
            if ctx.cfg.providers[t.provider].type == "mock":
                continue
            raise ApiError(
                500,
                f"Model '{model.alias}' has no price for target '{t.model}'; "
                "its USD budget cannot be enforced.",
                SERVER,
                "price_missing",
            )
        rates = (price.input_per_1m, price.output_per_1m, price.cache_write_per_1m or 0.0)
        most = max(most, *rates)
    return to_micro_usd(tokens * most / 1_000_000)


def reserve(
    ctx: Context, model: ModelConfig, estimate: int
) -> tuple[QuotaStore | None, Hold | None]:
    store = ctx.gateway.quota_store(ctx.cfg)
    if store is None:
        return None, None
    ident = ctx.identity
    try:
        res = store.reserve(ident.tenant, ident.tier, estimate)
        if not store.usd_limits(ident.tenant, ident.tier, model.alias):
            return store, Hold(res)
        try:
            micro = max_cost(ctx, model, estimate)
            spend = store.reserve_usd(ident.tenant, ident.tier, model.alias, micro)
        except ApiError:
            if res is not None:
                store.reconcile(res, 0)
            raise
        return store, Hold(res, tuple(spend), micro)
    except ApiError as err:
        ctx.out.quota_rejected = err.code in ("insufficient_quota", "budget_exceeded")
        raise


def run_targets(ctx: Context, model: ModelConfig, call: Call, estimate: int) -> Run:
    """``call(provider, target, seconds)`` through the router with ``estimate`` tokens
    (and their most expensive cost, where USD budgets apply) reserved; raises the error
    to answer when every target failed."""
    store, hold = reserve(ctx, model, estimate)
    gw, cfg, out = ctx.gateway, ctx.cfg, ctx.out
    providers = cfg.providers
    try:
        result = gw.router(cfg).run(
            model,
            lambda t, left: call(gw.provider(providers[t.provider]), t, left),
            ctx.deadline,
        )
    except AllTargetsFailed as exc:
        out.attempts = exc.attempts
        settle(ctx, store, hold, 0, 0)
        raise exc.error from None
    out.attempts, out.target = result.attempts, result.target
    out.provider = result.target.provider
    return Run(ctx, result.value, result.target, store, hold)
