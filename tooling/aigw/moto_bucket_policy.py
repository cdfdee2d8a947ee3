"""Sandbox correction ``bucket_policy_conditions``: S3 bucket policies evaluated with their
``Condition`` blocks and ``NotResource``, for the requests of the sandbox.

moto 5.2.5 checks a bucket's policy on object requests (PutObject, GetObject,
DeleteObject…) but treats any statement with a ``Condition`` as matching every request
and denying it, and ignores ``NotResource``. A TLS-only bucket (``Deny`` when
``aws:SecureTransport`` is false) thus refuses every object request, pre-signed PUTs and
Terraform's ``force_destroy`` included, while the policy AWS evaluates refuses none of the
TLS requests AWS's endpoints serve.

The sandbox stands in for AWS's HTTPS endpoints: its requests are evaluated as AWS
evaluates a TLS 1.3 request (``aws:SecureTransport`` = ``true``, ``s3:TlsVersion`` =
``1.3``), with the IAM policy evaluation logic (AWS IAM User Guide, "Policy evaluation
logic", "IAM JSON policy elements: Condition operators"): a statement applies when its
principal is ``*`` (as moto, which only considers those), its ``Action`` (or
``NotAction``) and ``Resource`` (or ``NotResource``) match and every condition holds; an
applying ``Deny`` denies, an applying ``Allow`` permits. Operators: ``Bool``,
``String{Equals,NotEquals,Like,NotLike}``, ``Numeric{Equals,NotEquals,LessThan,
LessThanEquals,GreaterThan,GreaterThanEquals}``, each with ``…IfExists``; a key the
sandbox does not know is absent (only ``…IfExists`` and negated operators hold then). A
condition this module cannot evaluate (another operator) fails closed: it holds for a
``Deny`` and not for an ``Allow``.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable
from typing import Any

# The request context of every sandbox request: AWS's endpoints are HTTPS (TLS 1.2+).
SANDBOX_REQUEST_CONTEXT = {"aws:securetransport": "true", "s3:tlsversion": "1.3"}

DENIED, PERMITTED, NEUTRAL = "DENIED", "PERMITTED", "NEUTRAL"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _matches(patterns: Any, value: str, case_sensitive: bool = True) -> bool:
    for pattern in _as_list(patterns):
        p, v = (str(pattern), value) if case_sensitive else (str(pattern).lower(), value.lower())
        if fnmatch.fnmatchcase(v, p):
            return True
    return False


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


_NUMERIC: dict[str, Callable[[float, float], bool]] = {
    "NumericEquals": lambda a, b: a == b,
    "NumericNotEquals": lambda a, b: a != b,
    "NumericLessThan": lambda a, b: a < b,
    "NumericLessThanEquals": lambda a, b: a <= b,
    "NumericGreaterThan": lambda a, b: a > b,
    "NumericGreaterThanEquals": lambda a, b: a >= b,
}
_NEGATED = {"StringNotEquals", "StringNotLike", "NumericNotEquals"}


def _condition_holds(
    operator: str, key: str, expected: Any, context: dict[str, str]
) -> bool | None:
    """Whether one condition holds for ``context``; None when it cannot be evaluated."""
    if_exists = operator.endswith("IfExists")
    base = operator[: -len("IfExists")] if if_exists else operator
    actual = context.get(key.lower())
    if actual is None:
        if base in {"Bool", "StringEquals", "StringNotEquals", "StringLike", "StringNotLike"} | set(
            _NUMERIC
        ):
            return if_exists or base in _NEGATED
        return None
    wanted = [str(v) for v in _as_list(expected)]
    if base == "Bool":
        return actual.lower() in {w.lower() for w in wanted}
    if base == "StringEquals":
        return actual in wanted
    if base == "StringNotEquals":
        return actual not in wanted
    if base == "StringLike":
        return any(fnmatch.fnmatchcase(actual, w) for w in wanted)
    if base == "StringNotLike":
        return not any(fnmatch.fnmatchcase(actual, w) for w in wanted)
    if base in _NUMERIC:
        a = _number(actual)
        numbers = [n for w in wanted if (n := _number(w)) is not None]
        if a is None or not numbers:
            return None
        compare = _NUMERIC[base]
        if base == "NumericNotEquals":
            return all(compare(a, n) for n in numbers)
        return any(compare(a, n) for n in numbers)
    return None


def _conditions_hold(statement: dict[str, Any], context: dict[str, str]) -> bool:
    deny = statement.get("Effect") == "Deny"
    for operator, block in (statement.get("Condition") or {}).items():
        for key, expected in (block or {}).items():
            held = _condition_holds(str(operator), str(key), expected, context)
            if held is None:
                held = deny  # fail closed
            if not held:
                return False
    return True


def _principal_is_anyone(principal: Any) -> bool:
    return principal == "*" or (
        isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))
    )


def permission(
    policy: str | bytes, action: str, resource: str, context: dict[str, str] | None = None
) -> str:
    """DENIED, PERMITTED or NEUTRAL: what ``policy`` says of ``action`` on ``resource``."""
    context = SANDBOX_REQUEST_CONTEXT if context is None else context
    doc = json.loads(policy)
    permitted = False
    for st in _as_list(doc.get("Statement") or []):
        if not isinstance(st, dict) or not _principal_is_anyone(st.get("Principal")):
            continue
        if "NotAction" in st:
            if _matches(st["NotAction"], action, case_sensitive=False):
                continue
        elif not _matches(st.get("Action", []), action, case_sensitive=False):
            continue
        if "NotResource" in st:
            if _matches(st["NotResource"], resource):
                continue
        elif not _matches(st.get("Resource", []), resource):
            continue
        if not _conditions_hold(st, context):
            continue
        if st.get("Effect") == "Deny":
            return DENIED
        permitted = True
    return PERMITTED if permitted else NEUTRAL


def install() -> str:
    """Replace moto's ``FakeBucket.get_permission`` (the correction's name)."""
    from moto.iam.access_control import PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        return PermissionResult[permission(self.policy, action, resource)]

    FakeBucket.get_permission = get_permission
    return "bucket_policy_conditions"
