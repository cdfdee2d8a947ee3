"""Request normalisation and response parsing: plain functions, bytes in, bytes/values out.

Requests
  The client sends JSON (any value) or CSV (``Content-Type: text/csv``). The body is
  converted to what the endpoint accepts:

  - JSON endpoint: JSON is forwarded (compacted); CSV becomes ``{"instances": rows}``.
  - CSV endpoint: CSV is forwarded (checked as UTF-8); JSON must be
    ``{"instances": rows}`` (or ``"inputs"``), rows being lists of scalars or one flat
    list of scalars (a single row).

Responses
  ``parse_output`` turns the endpoint's answer into a JSON value: parsed JSON, CSV rows
  (numbers as numbers; a one-column result flattened), text, or base64 for anything
  that is not text (images, audio, octet streams).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re

from aigw_shared.errors import ApiError, invalid_request

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
MAX_CSV_ROWS = 100_000


def media_type(header: str | None) -> str:
    """``text/csv; charset=utf-8`` → ``text/csv``; empty → ``application/json``."""
    if not header:
        return "application/json"
    return header.split(";", 1)[0].strip().lower() or "application/json"


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid_request("The request body is not valid UTF-8.", code="invalid_body") from None


def _scalar(value: Any, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and value != value:  # NaN
            raise invalid_request(f"{where} is NaN; use a number or null.", param="instances")
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return value
    raise invalid_request(
        f"{where} must be a number, string, boolean or null, not {type(value).__name__}.",
        param="instances",
        code="invalid_instances",
    )


def rows_from_json(doc: Any) -> list[list[str]]:
    """The rows of ``{"instances": [...]}`` (or ``"inputs"``) as lists of CSV fields."""
    if not isinstance(doc, dict):
        raise invalid_request(
            'A CSV endpoint takes {"instances": [[...], ...]} or a text/csv body.',
            param="instances",
            code="invalid_instances",
        )
    key = "instances" if "instances" in doc else "inputs" if "inputs" in doc else None
    rows = doc.get(key) if key else None
    if not isinstance(rows, list) or not rows:
        raise invalid_request(
            '"instances" must be a non-empty list of rows (lists of numbers or strings).',
            param="instances",
            code="invalid_instances",
        )
    if len(rows) > MAX_CSV_ROWS:
        raise invalid_request(f'"instances" has more than {MAX_CSV_ROWS} rows.', param="instances")
    if not any(isinstance(r, list) for r in rows):
        rows = [rows]  # one flat row of scalars
    out: list[list[str]] = []
    for i, row in enumerate(rows):
        if not isinstance(row, list) or not row:
            raise invalid_request(
                f"instances[{i}] must be a non-empty list of values.",
                param="instances",
                code="invalid_instances",
            )
        out.append([_scalar(v, f"instances[{i}][{j}]") for j, v in enumerate(row)])
    return out


def rows_to_csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _typed(field: str) -> Any:
    text = field.strip()
    if _NUMBER.match(text):
        number = float(text)
        if number.is_integer() and re.match(r"^[+-]?\d+$", text):
            return int(text)
        return number
    return field


def csv_rows(text: str) -> list[list[Any]]:
    """CSV text as rows of values (numbers parsed), blank lines skipped."""
    rows: list[list[Any]] = []
    try:
        for row in csv.reader(io.StringIO(text)):
            if row and any(f.strip() for f in row):
                rows.append([_typed(f) for f in row])
                if len(rows) > MAX_CSV_ROWS:
                    raise ValueError("too many rows")
    except (csv.Error, ValueError):
        raise invalid_request("The CSV body could not be parsed.", code="invalid_csv") from None
    return rows


def normalise_request(body: bytes, client_type: str, endpoint_type: str) -> bytes:
    """The body to send to an endpoint that accepts ``endpoint_type``."""
    if not body.strip():
        raise invalid_request("The request body is empty.", code="invalid_body")
    if client_type not in ("application/json", "text/csv"):
        raise invalid_request(
            f"Unsupported Content-Type {client_type!r}: send application/json or text/csv.",
            code="unsupported_media_type",
        )
    text = _decode(body)
    if client_type == "text/csv":
        rows = csv_rows(text)
        if not rows:
            raise invalid_request("The CSV body has no rows.", code="invalid_csv")
        if endpoint_type == "text/csv":
            return body
        return json.dumps({"instances": rows}, separators=(",", ":")).encode("utf-8")
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise invalid_request("The request body is not valid JSON.", code="invalid_json") from None
    if endpoint_type == "text/csv":
        return rows_to_csv(rows_from_json(doc))
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def parse_output(body: bytes, content_type: str | None) -> tuple[Any, str | None]:
    """(value, encoding) for an endpoint answer; encoding is "base64" for binary bodies."""
    kind = media_type(content_type)
    textual = kind.startswith("text/") or kind.endswith(("json", "jsonlines", "+xml"))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        textual = False
    if not textual:
        return base64.b64encode(body).decode("ascii"), "base64"
    if kind == "application/json" or kind.endswith("+json") or kind == "application/jsonlines":
        try:
            return json.loads(text), None
        except (ValueError, RecursionError):
            if kind == "application/jsonlines":
                lines = [ln for ln in text.splitlines() if ln.strip()]
                try:
                    return [json.loads(ln) for ln in lines], None
                except (ValueError, RecursionError):
                    pass
            return text, None
    if kind == "text/csv":
        try:
            rows = csv_rows(text)
        except ApiError:  # not CSV after all: keep the text
            return text, None
        if rows and all(len(r) == 1 for r in rows):
            return [r[0] for r in rows], None
        return rows, None
    return text, None
