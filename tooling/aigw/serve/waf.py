"""The stage's web ACL (WAFv2), as far as it can be evaluated without AWS.

Serve reads the web ACL associated with the stage from the sandbox
(``GetWebACLForResource`` on the stage ARN) and applies, in priority order:

- **size constraints on the body** (the project's ``body-size-*`` rules): the body
  inspected is the first ``RequestBody`` inspection-limit bytes (16 KB by default for API
  Gateway); a larger body is handled by the rule's ``OversizeHandling`` (``MATCH``,
  ``NO_MATCH``, ``CONTINUE`` = inspect what fits);
- **byte matches on the URI path** (the route-family rules), **labels** the web ACL's own
  rules add (``RuleLabels``, matched by ``LabelMatchStatement``) and ``And`` / ``Or`` /
  ``Not`` of these, so a rule such as "body larger than N on the llm family" is applied
  as written;
- **rate-based rules** keyed by client IP or by a header (``CUSTOM_KEYS``): more than
  ``Limit`` requests in the ``EvaluationWindowSec`` window blocks the key.

A blocked request gets the rule's custom response (status and the ACL's custom
response body) or, without one, API Gateway's ``WAF_FILTERED`` gateway response (403).
**Managed rule groups** (AWS's rule sets), IP sets and geo matches are not evaluated
locally, nor are rules that match the labels managed groups add
(``awswaf:managed:...``): they are listed at start-up as AWS-only
(:attr:`WebAcl.not_emulated`).
"""

from __future__ import annotations

import collections
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aigw.serve.events import Incoming
from aigw.serve.integrations import Result

DEFAULT_INSPECTION_LIMIT = 16 * 1024  # API Gateway's default body inspection limit
_LIMITS = {"KB_16": 16 * 1024, "KB_32": 32 * 1024, "KB_48": 48 * 1024, "KB_64": 64 * 1024}
_OPS = {
    "GT": lambda a, b: a > b,
    "GE": lambda a, b: a >= b,
    "LT": lambda a, b: a < b,
    "LE": lambda a, b: a <= b,
    "EQ": lambda a, b: a == b,
    "NE": lambda a, b: a != b,
}


Matcher = Callable[[Incoming, set[str]], bool]  # the request and the labels added so far


@dataclass
class _Rule:
    name: str
    priority: int
    action: str  # Block | Allow | Count
    matches: Matcher
    status: int | None = None
    body_key: str | None = None
    labels: list[str] = field(default_factory=list)


@dataclass
class WebAcl:
    name: str
    rules: list[_Rule]
    responses: Mapping[str, Mapping[str, Any]]  # custom response bodies
    refuse: Callable[[str, str, Incoming], Result]
    not_emulated: list[str] = field(default_factory=list)
    emulated: list[str] = field(default_factory=list)

    def inspect(self, inc: Incoming) -> Result | None:
        """The blocking answer for ``inc``, or None to let it through."""
        labels: set[str] = set()
        for rule in self.rules:
            if not rule.matches(inc, labels):
                continue
            labels.update(rule.labels)
            if rule.action == "Allow":
                return None
            if rule.action != "Block":
                continue
            if rule.status is None:
                return self.refuse("WAF_FILTERED", "Forbidden", inc)
            body = self.responses.get(rule.body_key or "") or {}
            ctype = {"APPLICATION_JSON": "application/json", "TEXT_HTML": "text/html"}.get(
                str(body.get("ContentType")), "text/plain"
            )
            return Result(
                rule.status, {"content-type": ctype}, str(body.get("Content", "")).encode()
            )
        return None


class _Rate:
    """More than ``limit`` requests per key in the sliding ``window`` seconds."""

    def __init__(self, limit: int, window: float, header: str | None, clock: Callable[[], float]):
        self.limit, self.window, self.header, self.clock = limit, window, header, clock
        self.seen: dict[str, collections.deque[float]] = {}
        self.lock = threading.Lock()

    def __call__(self, inc: Incoming, labels: set[str] | None = None) -> bool:
        key = inc.header(self.header) if self.header else inc.source_ip
        if key is None:
            return False  # WAF does not count requests without the custom key
        now = self.clock()
        with self.lock:
            q = self.seen.setdefault(key, collections.deque())
            while q and q[0] <= now - self.window:
                q.popleft()
            q.append(now)
            return len(q) > self.limit


def _size(stmt: Mapping[str, Any], inspection_limit: int) -> Matcher | None:
    field_to_match = stmt.get("FieldToMatch") or {}
    if "Body" not in field_to_match:
        return None
    oversize = str((field_to_match.get("Body") or {}).get("OversizeHandling", "CONTINUE"))
    op, size = _OPS.get(str(stmt.get("ComparisonOperator"))), int(stmt.get("Size", 0))
    if op is None:
        return None

    def matches(inc: Incoming, labels: set[str]) -> bool:
        length = len(inc.body)
        if length > inspection_limit:
            if oversize == "MATCH":
                return True
            if oversize == "NO_MATCH":
                return False
            length = inspection_limit
        return op(length, size)

    return matches


_POSITIONS: dict[str, Callable[[str, str], bool]] = {
    "EXACTLY": lambda value, s: value == s,
    "STARTS_WITH": str.startswith,
    "ENDS_WITH": str.endswith,
    "CONTAINS": lambda value, s: s in value,
}
_TRANSFORMS: dict[str, Callable[[str], str]] = {
    "NONE": lambda v: v,
    "LOWERCASE": str.lower,
    "URL_DECODE": urllib.parse.unquote,
}


def _byte_match(stmt: Mapping[str, Any]) -> Matcher | None:
    """A byte match on the URI path (other fields are AWS-only here)."""
    if "UriPath" not in (stmt.get("FieldToMatch") or {}):
        return None
    position = _POSITIONS.get(str(stmt.get("PositionalConstraint")))
    steps = sorted(stmt.get("TextTransformations") or [], key=lambda t: int(t.get("Priority", 0)))
    transforms = [_TRANSFORMS.get(str(t.get("Type"))) for t in steps]
    raw = stmt.get("SearchString", b"")
    search = raw.decode("utf-8", "replace") if isinstance(raw, bytes | bytearray) else str(raw)
    if position is None or any(t is None for t in transforms):
        return None

    def matches(inc: Incoming, labels: set[str]) -> bool:
        value = inc.path
        for t in transforms:
            value = t(value)  # type: ignore[misc]
        return position(value, search)

    return matches


def _label(stmt: Mapping[str, Any]) -> Matcher | None:
    """A label added by a rule of this web ACL (managed groups' labels are AWS-only)."""
    key, scope = str(stmt.get("Key", "")), str(stmt.get("Scope", "LABEL"))
    if not key or key.startswith("awswaf:"):
        return None
    if scope == "NAMESPACE":
        return lambda inc, labels: any(label.startswith(key) for label in labels)
    return lambda inc, labels: key in labels


def _statement(stmt: Mapping[str, Any], inspection_limit: int) -> Matcher | None:
    """The matcher of a (nested) statement, or None when part of it is AWS-only."""
    if "SizeConstraintStatement" in stmt:
        return _size(stmt["SizeConstraintStatement"], inspection_limit)
    if "ByteMatchStatement" in stmt:
        return _byte_match(stmt["ByteMatchStatement"])
    if "LabelMatchStatement" in stmt:
        return _label(stmt["LabelMatchStatement"])
    if "NotStatement" in stmt:
        inner = _statement((stmt["NotStatement"] or {}).get("Statement") or {}, inspection_limit)
        return None if inner is None else (lambda inc, labels: not inner(inc, labels))
    for kind, combine in (("AndStatement", all), ("OrStatement", any)):
        if kind in stmt:
            parts = [
                _statement(s, inspection_limit) for s in (stmt[kind] or {}).get("Statements") or []
            ]
            if not parts or any(p is None for p in parts):
                return None
            return lambda inc, labels, ps=parts, c=combine: c(p(inc, labels) for p in ps)  # type: ignore[misc]
    return None


def web_acl_from(
    acl: Mapping[str, Any],
    refuse: Callable[[str, str, Incoming], Result],
    clock: Callable[[], float] = time.time,
) -> WebAcl:
    """The emulated part of a WAFv2 ``WebACL`` document."""
    limits = (acl.get("AssociationConfig") or {}).get("RequestBody") or {}
    inspection = DEFAULT_INSPECTION_LIMIT
    for conf in limits.values():
        inspection = _LIMITS.get(str(conf.get("DefaultSizeInspectionLimit")), inspection)
    rules: list[_Rule] = []
    web = WebAcl(str(acl.get("Name", "")), rules, acl.get("CustomResponseBodies") or {}, refuse)
    for rule in sorted(acl.get("Rules") or [], key=lambda r: int(r.get("Priority", 0))):
        name, stmt = str(rule.get("Name")), rule.get("Statement") or {}
        matcher: Matcher | None = None
        if "RateBasedStatement" in stmt:
            r = stmt["RateBasedStatement"]
            header = None
            if r.get("AggregateKeyType") == "CUSTOM_KEYS":
                keys = r.get("CustomKeys") or []
                header = (keys[0].get("Header") or {}).get("Name") if keys else None
                if header is None:
                    matcher = None
            if r.get("AggregateKeyType") in ("IP", "CUSTOM_KEYS") and (
                header or r.get("AggregateKeyType") == "IP"
            ):
                window = float(r.get("EvaluationWindowSec", 300))
                matcher = _Rate(int(r["Limit"]), window, header, clock)
        else:
            matcher = _statement(stmt, inspection)
        if matcher is None:
            kind = next(iter(stmt), "statement")
            web.not_emulated.append(f"{name} ({kind}: AWS-only)")
            continue
        action = rule.get("Action") or {}
        kind = next(iter(action), "Count")
        custom = (action.get(kind) or {}).get("CustomResponse") or {}
        rules.append(
            _Rule(
                name,
                int(rule.get("Priority", 0)),
                kind,
                matcher,
                int(custom["ResponseCode"]) if custom.get("ResponseCode") else None,
                custom.get("CustomResponseBodyKey"),
                [str(label.get("Name")) for label in rule.get("RuleLabels") or []],
            )
        )
        web.emulated.append(name)
    return web


def load_web_acl(
    wafv2: Any, stage_arn: str, refuse: Callable[[str, str, Incoming], Result]
) -> WebAcl | None:
    """The stage's web ACL from the sandbox, or None when none is associated."""
    try:
        acl = wafv2.get_web_acl_for_resource(ResourceArn=stage_arn).get("WebACL")
    except Exception:  # noqa: BLE001 - no association (or no WAF in the sandbox): no ACL
        return None
    return web_acl_from(acl, refuse) if acl else None
