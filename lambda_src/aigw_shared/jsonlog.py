"""One-line JSON logging and redaction helpers.

Redaction modes for user content (prompts, completions):

- ``metadata`` (default): no text at all, only sizes;
- ``hash``: a SHA-256 of the text (correlate identical prompts without storing them);
- ``full``: the text with PII masked (e-mail addresses, phone and card numbers, IP
  addresses, bearer tokens, AWS access keys and ``sk-`` style keys).

Secrets never reach these helpers: callers log metadata about credentials, not values.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

REDACTION_MODES = ("metadata", "hash", "full")

_PII_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}"), "Bearer [TOKEN]"),
    (re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), "[AWS_KEY]"),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{16,}\b"), "[API_KEY]"),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "[EMAIL]"),
    (re.compile(r"\b(?:\d[ -]?){13,19}\b"), "[CARD]"),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"), "[IP]"),
    (re.compile(r"(?<!\w)\+?\d[\d ().-]{7,}\d\b"), "[PHONE]"),
]


def mask_pii(text: str) -> str:
    """``text`` with the PII patterns above replaced by placeholders."""
    for pattern, repl in _PII_PATTERNS:
        text = pattern.sub(repl, text)
    return text


def sha256_hex(text: str) -> str:
    import hashlib  # lazy: only the hash redaction mode needs it

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def redact(text: str | None, mode: str) -> dict[str, Any]:
    """How ``text`` appears in a log line under ``mode``."""
    if text is None:
        return {"chars": 0}
    if mode == "full":
        return {"chars": len(text), "text": mask_pii(text)}
    if mode == "hash":
        return {"chars": len(text), "sha256": sha256_hex(text)}
    return {"chars": len(text)}


def _default_sink(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class JsonLogger:
    """Writes one JSON object per line to ``sink`` (stdout by default: CloudWatch Logs)."""

    def __init__(self, service: str, sink: Callable[[str], None] | None = None) -> None:
        self.service = service
        self.sink = sink or _default_sink

    def log(self, level: str, msg: str, **fields: Any) -> None:
        record = {
            "ts": round(time.time(), 3),
            "level": level,
            "service": self.service,
            "msg": msg,
            **fields,
        }
        self.sink(json.dumps(record, ensure_ascii=False, default=str, separators=(",", ":")))

    def info(self, msg: str, **fields: Any) -> None:
        self.log("info", msg, **fields)

    def warning(self, msg: str, **fields: Any) -> None:
        self.log("warning", msg, **fields)

    def error(self, msg: str, **fields: Any) -> None:
        self.log("error", msg, **fields)
