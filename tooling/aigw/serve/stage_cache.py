"""The stage cache as API Gateway keeps it for methods that enable caching (ADR 0143).

A method is cached when gateway-core rendered it so: the applied root's ``stage_cache``
output lists the cached routes (method path, TTL) and the document's integration carries
``cacheNamespace`` and ``cacheKeyParameters``. An entry is keyed by the namespace and the
values of the key parameters (``method.request.querystring|header|path.<name>``), nothing
else: two requests that agree on those share the answer, which is why the AI service
routes key on the caller's credential headers too. Lookups happen after the authorizer,
the API key and the request validator, as on AWS; an entry lives ``ttl_seconds``.

``Cache-Control: max-age=0`` asks to invalidate the entry. Authorization is required for
that (CKV_AIGW_27) and no local caller can hold ``execute-api:InvalidateCache`` (SigV4
signatures are not verified here, authorizer callers never get the action), so the
method's ``unauthorized_cache_control_header_strategy`` decides: FAIL_WITH_403 refuses,
the SUCCEED_* strategies answer from the cache (the warning header AWS adds is not
emulated). :meth:`StageCache.flush` empties the cache (``aigw serve`` on SIGUSR1).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from aigw.serve.events import Incoming
from aigw.serve.integrations import Result
from aigw.serve.routes import Route

Clock = Callable[[], float]
_PARAM = re.compile(r"^method\.request\.(querystring|header|path)\.(.+)$")
# API Gateway's largest cacheable answer.
MAX_ENTRY_BYTES = 1048576
FAIL_WITH_403 = "FAIL_WITH_403"


@dataclass(frozen=True)
class CachePolicy:
    """How one method is cached: its namespace, key parameters, TTL and strategy."""

    namespace: str
    key_parameters: tuple[str, ...]
    ttl_seconds: float
    strategy: str = FAIL_WITH_403


def method_path(route: Route) -> str:
    """The stage's method-settings key of ``route``: ``~1v1~1ai~1translate/GET`` (slashes
    of the resource path escaped as ``~1``, as API Gateway's GetStage returns it)."""
    return f"{route.template.replace('/', '~1')}/{route.method}"


def policies_from(
    routes: list[Route], stage_cache: Mapping[str, Any] | None
) -> dict[str, CachePolicy]:
    """Method path -> policy for every route the ``stage_cache`` output lists as cached."""
    if not isinstance(stage_cache, Mapping) or not stage_cache.get("enabled"):
        return {}
    strategy = str(stage_cache.get("unauthorized_cache_control_header_strategy") or FAIL_WITH_403)
    cached = {
        str(spec.get("method_path")): spec
        for spec in (stage_cache.get("routes") or {}).values()
        if isinstance(spec, Mapping)
    }
    out: dict[str, CachePolicy] = {}
    for route in routes:
        spec = cached.get(method_path(route))
        if spec is None:
            continue
        ttl = float(spec.get("ttl_seconds") or 0)
        if ttl <= 0:  # TTL 0 disables caching
            continue
        integ = route.integration
        out[method_path(route)] = CachePolicy(
            namespace=str(integ.get("cacheNamespace") or method_path(route)),
            key_parameters=tuple(str(p) for p in integ.get("cacheKeyParameters") or ()),
            ttl_seconds=ttl,
            strategy=strategy,
        )
    return out


def parameter_value(inc: Incoming, path_params: Mapping[str, str], parameter: str) -> str | None:
    """The value of ``method.request.<where>.<name>`` in ``inc`` (None when absent)."""
    m = _PARAM.match(parameter)
    if m is None:
        return None
    where, name = m.groups()
    if where == "header":
        return inc.header(name)
    if where == "path":
        return path_params.get(name)
    value = None
    for k, v in inc.query:  # the last value, as method.request.querystring.<name> holds it
        if k == name:
            value = v
    return value


def cache_key(
    policy: CachePolicy, inc: Incoming, path_params: Mapping[str, str]
) -> tuple[Any, ...]:
    """The entry's key: the namespace and each key parameter's value (absent = None)."""
    return (
        policy.namespace,
        tuple((p, parameter_value(inc, path_params, p)) for p in policy.key_parameters),
    )


def asks_invalidation(inc: Incoming) -> bool:
    """``Cache-Control: max-age=0`` (the one directive API Gateway treats as invalidation)."""
    value = inc.header("cache-control") or ""
    return any(d.strip().lower() == "max-age=0" for d in value.split(","))


class StageCache:
    """Entries per key until their TTL passes; thread-safe; ``flush`` empties it."""

    def __init__(self, policies: Mapping[str, CachePolicy], clock: Clock = time.monotonic):
        self.policies = dict(policies)
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[tuple[Any, ...], tuple[float, Result]] = {}

    def policy(self, route: Route) -> CachePolicy | None:
        return self.policies.get(method_path(route))

    def get(self, key: tuple[Any, ...]) -> Result | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            expires, result = found
            if self._clock() >= expires:
                del self._entries[key]
                return None
            return result

    def put(self, key: tuple[Any, ...], policy: CachePolicy, result: Result) -> bool:
        """Keep ``result`` for the policy's TTL; streams and answers over 1 MB are not kept."""
        if result.stream is not None or len(result.body) > MAX_ENTRY_BYTES:
            return False
        with self._lock:
            self._entries[key] = (self._clock() + policy.ttl_seconds, result)
        return True

    def flush(self) -> int:
        """Drop every entry (FlushStageCache); the number dropped."""
        with self._lock:
            n = len(self._entries)
            self._entries.clear()
        return n

    def __len__(self) -> int:
        return len(self._entries)

    def serve(
        self,
        route: Route,
        inc: Incoming,
        path_params: Mapping[str, str],
        tenant: str,
        invoke: Callable[[], Result],
        refuse: Callable[[str, str], Result],
    ) -> Result:
        """The answer of a cached ``route``: from the cache (HIT) or ``invoke()`` (MISS)."""
        policy = self.policy(route)
        if policy is None:
            return invoke()
        if asks_invalidation(inc) and policy.strategy == FAIL_WITH_403:
            result = refuse("ACCESS_DENIED", "User is not authorized to invalidate the cache")
            return replace(result, tenant=tenant)
        key = cache_key(policy, inc, path_params)
        hit = self.get(key)
        if hit is not None:
            return replace(hit, tenant=tenant, cache="HIT")
        result = invoke()
        self.put(key, policy, result)
        return replace(result, cache="MISS")
