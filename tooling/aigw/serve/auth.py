"""The REQUEST authorizer: run, cache per identity source, evaluate the policy."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aigw.serve.events import Incoming, Stage, build_authorizer_event
from aigw.serve.routes import Route

_IDENTITY_HEADER = "method.request.header."
_IDENTITY_QUERY = "method.request.querystring."


@dataclass
class AuthOutcome:
    allowed: bool
    kind: str = ""  # gateway response type when refused
    message: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    usage_key: str | None = None


def _arn_matches(pattern: str, arn: str) -> bool:
    rx = "".join(".*" if c == "*" else ("." if c == "?" else re.escape(c)) for c in pattern)
    return re.fullmatch(rx, arn) is not None


def evaluate_policy(policy: Mapping[str, Any], method_arn: str) -> bool:
    """IAM evaluation for ``execute-api:Invoke``: an explicit Deny wins, then any Allow."""
    statements = (policy.get("policyDocument") or {}).get("Statement") or []
    if isinstance(statements, Mapping):
        statements = [statements]
    allowed = False
    for st in statements:
        resources = st.get("Resource") or []
        resources = [resources] if isinstance(resources, str) else resources
        actions = st.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        if not any(a in ("execute-api:Invoke", "execute-api:*", "*") for a in actions):
            continue
        if any(_arn_matches(r, method_arn) for r in resources):
            if st.get("Effect") == "Deny":
                return False
            if st.get("Effect") == "Allow":
                allowed = True
    return allowed


class LocalAuthorizer:
    """Runs a REQUEST authorizer callable and caches its policy per identity source."""

    def __init__(
        self,
        name: str,
        invoke: Callable[[dict[str, Any]], dict[str, Any]],
        identity_sources: list[str],
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 10_000,
    ) -> None:
        self.name = name
        self.invoke = invoke
        self.identity_sources = identity_sources
        self.ttl = ttl_seconds
        self.clock = clock
        self.max_entries = max_entries
        self._cache: dict[tuple[str, ...], tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.invocations = 0

    def _identity(self, inc: Incoming) -> tuple[str, ...] | None:
        values = []
        for source in self.identity_sources:
            if source.startswith(_IDENTITY_HEADER):
                value = inc.header(source[len(_IDENTITY_HEADER) :])
            elif source.startswith(_IDENTITY_QUERY):
                name = source[len(_IDENTITY_QUERY) :]
                value = next((v for k, v in inc.query if k == name), None)
            else:
                value = None
            if not value:
                return None
            values.append(value)
        return tuple(values)

    def authorize(self, inc: Incoming, route: Route, stage: Stage) -> AuthOutcome:
        identity = self._identity(inc)
        if identity is None:
            # API Gateway refuses without calling the function when a source is missing.
            return AuthOutcome(False, "UNAUTHORIZED", "Unauthorized")
        now = self.clock()
        policy = None
        if self.ttl > 0:
            with self._lock:
                hit = self._cache.get(identity)
            if hit is not None and hit[0] > now:
                policy = hit[1]
        if policy is None:
            event = build_authorizer_event(inc, route, stage)
            self.invocations += 1
            try:
                policy = self.invoke(event)
            except Exception as exc:  # noqa: BLE001 - the outcome mirrors API Gateway's
                if str(exc) == "Unauthorized":
                    return AuthOutcome(False, "UNAUTHORIZED", "Unauthorized")
                return AuthOutcome(False, "AUTHORIZER_FAILURE", "Internal server error")
            if not isinstance(policy, Mapping) or "policyDocument" not in policy:
                return AuthOutcome(False, "AUTHORIZER_CONFIGURATION_ERROR", "Internal server error")
            if self.ttl > 0:
                with self._lock:
                    if len(self._cache) >= self.max_entries:
                        self._cache.clear()
                    self._cache[identity] = (now + self.ttl, policy)
        if not evaluate_policy(policy, stage.method_arn(inc.method, inc.path)):
            return AuthOutcome(
                False, "ACCESS_DENIED", "User is not authorized to access this resource"
            )
        context = {
            k: v
            for k, v in (policy.get("context") or {}).items()
            if isinstance(v, (str, int, float, bool))
        }
        context["principalId"] = str(policy.get("principalId") or "")
        return AuthOutcome(True, context=context, usage_key=policy.get("usageIdentifierKey"))
