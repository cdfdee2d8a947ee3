"""Running one request over a model's targets, with the tenant's quota held meanwhile.

Every endpoint that calls an upstream goes through :func:`run_targets`: it reserves the
estimated tokens (a 429 ``insufficient_quota`` when the tenant has none left), lets the
router try the targets (order or weights, fallback, in-place retries of throttled calls,
the request deadline), records the attempts on the outcome, and settles the reservation
at zero when every target failed. On success the endpoint settles the returned
:class:`Run` with the tokens the answer used; a stream settles when it ends.
"""

from __future__ import annotations

from aigw_shared.errors import ApiError
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
    """A target's answer (``value``) and the quota reservation it still holds."""

    __slots__ = ("_ctx", "_res", "_store", "target", "value")

    def __init__(
        self,
        ctx: Context,
        value: Any,
        target: Target,
        store: QuotaStore | None,
        res: Reservation | None,
    ) -> None:
        self._ctx = ctx
        self.value = value
        self.target = target
        self._store = store
        self._res = res

    @property
    def reserved(self) -> int:
        """The tokens held (0 without quotas): the charge when usage never arrives."""
        return self._res.tokens if self._res is not None else 0

    def settle(self, tokens: int) -> None:
        if self._res is not None:
            settle(self._ctx, self._store, self._res, tokens)


def settle(ctx: Context, store: QuotaStore | None, res: Reservation | None, tokens: int) -> None:
    """Replace the reservation by ``tokens`` (best effort: the answer is decided)."""
    if store is None or res is None:
        return
    try:
        store.reconcile(res, tokens)
    except Exception as exc:  # noqa: BLE001 - the answer is already decided
        ctx.gateway.logger.error("quota_reconcile_failed", error=type(exc).__name__)


def reserve(ctx: Context, estimate: int) -> tuple[QuotaStore | None, Reservation | None]:
    store = ctx.gateway.quota_store(ctx.cfg)
    if store is None:
        return None, None
    try:
        return store, store.reserve(ctx.identity.tenant, ctx.identity.tier, estimate)
    except ApiError as err:
        ctx.out.quota_rejected = err.code == "insufficient_quota"
        raise


def run_targets(ctx: Context, model: ModelConfig, call: Call, estimate: int) -> Run:
    """``call(provider, target, seconds)`` through the router with ``estimate`` tokens
    reserved; raises the error to answer when every target failed."""
    store, res = reserve(ctx, estimate)
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
        settle(ctx, store, res, 0)
        raise exc.error from None
    out.attempts, out.target = result.attempts, result.target
    out.provider = result.target.provider
    return Run(ctx, result.value, result.target, store, res)
