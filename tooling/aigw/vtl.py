"""API Gateway's mapping-template variables, rendered the way a REST API renders them.

Two renderers, because API Gateway has two:

- :func:`render` — integration request/response **mapping templates**. API Gateway runs
  them through Velocity 1.7; here the maintained ``airspeed`` engine runs them, with the
  variables API Gateway documents ("API Gateway mapping template and access logging
  variable reference"): ``$input`` (``body``, ``json(x)``, ``path(x)``, ``params()``,
  ``params(x)``), ``$util`` (``escapeJavaScript``, ``parseJson``, ``urlEncode``,
  ``urlDecode``, ``base64Encode``, ``base64Decode``), ``$context`` and ``$stageVariables``.
- :func:`gateway_response` — **gateway response** templates. API Gateway does *not* run
  these through Velocity: it performs simple variable substitution of ``$context.*``,
  ``$stageVariables.*`` and ``method.request.*`` values, as they are, and nothing else
  (no ``$util``, no directives). A value is escaped only where the variable itself is
  defined as quoted (``$context.error.messageString``, the message as a JSON string).

Where airspeed and Velocity 1.7 differ in something the templates rely on, this module
makes airspeed behave like Velocity (see :func:`_velocity_string_literals`).

``airspeed`` and ``jsonpath-ng`` come with the ``test`` extra and are imported by
:func:`render` on first use (``ModuleNotFoundError`` names the missing one);
:func:`gateway_response` needs neither.
"""

from __future__ import annotations

import base64
import json
import re
import time
import urllib.parse
from collections.abc import Mapping
from functools import cache
from typing import Any

# -- the engine -------------------------------------------------------------------------------


@cache
def _airspeed() -> Any:
    """airspeed, imported on first use and made to read string literals as Velocity 1.7."""
    import airspeed

    _velocity_string_literals(airspeed)
    # airspeed looks up Java-style methods (size, keySet, …) by exact class.
    methods = airspeed.__dict__["__additional_methods__"]
    methods[JavaMap] = {**methods[dict], "keySet": lambda m: JavaList(m.keys())}
    methods[JavaList] = methods[list]
    return airspeed


class JavaMap(dict):
    """A JSON object as API Gateway's JSONPath hands it to Velocity (prints ``{a=1}``)."""

    def __str__(self) -> str:
        return "{" + ", ".join(f"{k}={_java_text(v)}" for k, v in self.items()) + "}"


class JavaList(list):
    """A JSON array as Velocity sees it (prints ``[a, 1]``)."""

    def __str__(self) -> str:
        return "[" + ", ".join(_java_text(v) for v in self) + "]"


class JavaBool:
    """A JSON boolean: prints ``true``/``false`` and compares equal to Velocity's literals."""

    def __init__(self, value: bool) -> None:
        self.value = value

    def __bool__(self) -> bool:
        return self.value

    def __eq__(self, other: object) -> bool:
        return self.value == (other.value if isinstance(other, JavaBool) else other)

    def __hash__(self) -> int:
        return hash(self.value)

    def __str__(self) -> str:
        return "true" if self.value else "false"


def _java_text(value: object) -> str:
    return "null" if value is None else str(value)


def _java(value: object) -> object:
    """JSON values as the Java objects Velocity prints and compares."""
    if isinstance(value, bool):
        return JavaBool(value)
    if isinstance(value, dict):
        return JavaMap((k, _java(v)) for k, v in value.items())
    if isinstance(value, list):
        return JavaList(_java(v) for v in value)
    return value


def _velocity_string_literals(airspeed: Any) -> None:
    """Velocity 1.7 keeps backslashes in string literals; airspeed unescapes ``\\\\``, ``\\n``….

    API Gateway's documented idiom ``$util.escapeJavaScript(x).replaceAll("\\\\'", "'")``
    depends on it: the regex must be the four characters ``\\\\'`` (a backslash, then a
    quote). The only escape Velocity 1.7 knows in a literal is the doubled quote.
    """
    airspeed.StringLiteral.STRING = re.compile(r"'((?:''|[^'])*)'", re.S)
    airspeed.StringLiteral.ESCAPED_CHAR = re.compile(r"'(')")
    airspeed.InterpolatedStringLiteral.STRING = re.compile(r'"((?:""|[^"])*)"', re.S)
    airspeed.InterpolatedStringLiteral.ESCAPED_CHAR = re.compile(r'"(")')


# -- $util ------------------------------------------------------------------------------------


def escape_javascript(text: object) -> str:
    """``$util.escapeJavaScript``: Apache Commons Lang's JavaScript string escaping.

    ``'`` becomes ``\\'`` (not valid JSON: templates undo it with ``replaceAll``), ``"``,
    ``\\`` and ``/`` are backslash-escaped, ``\\b \\t \\n \\f \\r`` use their short forms,
    other control characters and everything above U+007F become ``\\uXXXX`` (upper-case
    hex; characters outside the BMP as their two UTF-16 surrogates).
    """
    short = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
    out: list[str] = []
    for ch in str(text):
        code = ord(ch)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}")
        elif code > 0x7F:
            out.append(f"\\u{code:04X}")
        elif ch in short:
            out.append(short[ch])
        elif code < 0x20:
            out.append(f"\\u{code:04X}")
        elif ch in "'\"\\/":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


class Util:
    """``$util`` (method names are Velocity's)."""

    def escapeJavaScript(self, text: object) -> str:
        return escape_javascript(text)

    def parseJson(self, text: object) -> Any:
        return _java(json.loads(str(text)))

    def urlEncode(self, text: object) -> str:
        # java.net.URLEncoder (UTF-8): space is "+", only A-Z a-z 0-9 . - * _ stay as they are.
        return urllib.parse.quote_plus(str(text), safe="*").replace("~", "%7E")

    def urlDecode(self, text: object) -> str:
        return urllib.parse.unquote_plus(str(text), errors="strict")

    def base64Encode(self, text: object) -> str:
        return base64.b64encode(str(text).encode()).decode("ascii")

    def base64Decode(self, text: object) -> str:
        return base64.b64decode(str(text), validate=True).decode()


# -- $input -----------------------------------------------------------------------------------

_MISSING = object()


class BodyNotJson(ValueError):
    """``$input.json``/``$input.path`` over a payload that is not JSON.

    API Gateway answers such a request 400 ("Could not parse request body into json"),
    not a configuration error: the payload, not the template, is at fault.
    """


class Input:
    """``$input``: the method request payload and parameters."""

    def __init__(self, body: str, params: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.body = body
        given = params or {}
        self._params = {k: dict(given.get(k) or {}) for k in ("path", "querystring", "header")}

    def _select(self, expression: str) -> object:
        if not isinstance(expression, str) or not expression.startswith("$"):
            raise ValueError(f"not a JSONPath expression: {expression!r}")
        try:
            document = json.loads(self.body) if self.body.strip() else {}
        except ValueError as exc:
            raise BodyNotJson(str(exc)) from None
        from jsonpath_ng import parse

        matches = [m.value for m in parse(expression).find(document)]
        if not matches:
            return _MISSING
        indefinite = any(token in expression for token in ("*", "?(", "..", ",", ":"))
        return matches if indefinite else matches[0]

    def path(self, expression: str) -> object:
        """The value at a JSONPath expression, as template objects (null when absent)."""
        value = self._select(expression)
        return None if value is _MISSING else _java(value)

    def json(self, expression: str) -> str:
        """The value at a JSONPath expression as a JSON string (``null`` when absent)."""
        value = self._select(expression)
        return json.dumps(
            None if value is _MISSING else value, separators=(",", ":"), ensure_ascii=False
        )

    def params(self, name: str | None = None) -> object:
        """All parameters by location, or one by name (path, then query string, then header)."""
        if name is None:
            return self._params
        for where in ("path", "querystring"):
            if name in self._params[where]:
                return self._params[where][name]
        for header, value in self._params["header"].items():
            if header.lower() == name.lower():
                return value
        return ""


# -- $context ---------------------------------------------------------------------------------


def context(
    *,
    request_id: str = "c0ffee00-0000-4000-8000-000000000000",
    stage: str = "v1",
    http_method: str = "POST",
    resource_path: str = "/",
    api_id: str = "abc123defg",
    account_id: str = "123456789012",
    region: str = "us-east-1",
    source_ip: str = "192.0.2.1",
    user_agent: str = "",
    api_key: str | None = None,
    authorizer: Mapping[str, object] | None = None,
    error: Mapping[str, str] | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """A ``$context`` map with the documented names.

    ``authorizer`` values are stringified as API Gateway does (``1`` → ``"1"``, ``True``
    → ``"true"``). ``error`` takes ``message``, ``responseType`` and
    ``validationErrorString``; ``messageString`` is derived: the message as a quoted,
    escaped JSON string.
    """
    at = time.time() if now is None else now
    domain = f"{api_id}.execute-api.{region}.amazonaws.com"
    err = dict(error or {})
    message = err.get("message", "")
    return {
        "accountId": account_id,
        "apiId": api_id,
        "authorizer": {
            k: (json.dumps(v) if isinstance(v, bool) else str(v))
            for k, v in (authorizer or {}).items()
        },
        "awsEndpointRequestId": request_id,
        "domainName": domain,
        "domainPrefix": api_id,
        "error": {
            "message": message,
            "messageString": json.dumps(message, ensure_ascii=False),
            "responseType": err.get("responseType", ""),
            "validationErrorString": err.get("validationErrorString", ""),
        },
        "extendedRequestId": request_id,
        "httpMethod": http_method,
        "identity": {
            "accountId": None,
            "apiKey": api_key,
            "apiKeyId": None,
            "caller": None,
            "sourceIp": source_ip,
            "user": None,
            "userAgent": user_agent,
            "userArn": None,
        },
        "path": f"/{stage}{resource_path}",
        "protocol": "HTTP/1.1",
        "requestId": request_id,
        "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(at)),
        "requestTimeEpoch": int(at * 1000),
        "resourceId": "res123",
        "resourcePath": resource_path,
        "stage": stage,
    }


# -- the renderers ----------------------------------------------------------------------------


def render(
    template: str,
    body: str = "",
    *,
    params: Mapping[str, Mapping[str, str]] | None = None,
    context_vars: Mapping[str, Any] | None = None,
    stage_variables: Mapping[str, str] | None = None,
) -> str:
    """A mapping template rendered with Velocity (airspeed) and API Gateway's variables."""
    namespace = {
        "input": Input(body, params),
        "util": Util(),
        "context": dict(context_vars if context_vars is not None else context()),
        "stageVariables": dict(stage_variables or {}),
    }
    return _airspeed().Template(template).merge(namespace)


_SUBSTITUTION = re.compile(r"\$(context|stageVariables)((?:\.[A-Za-z0-9_]+)+)")


def _lookup(root: Mapping[str, Any], names: list[str]) -> object:
    value: object = root
    for name in names:
        if not isinstance(value, Mapping) or name not in value:
            return _MISSING
        value = value[name]
    return value


def gateway_response(
    template: str,
    context_vars: Mapping[str, Any],
    stage_variables: Mapping[str, str] | None = None,
) -> str:
    """A gateway response template: simple substitution, values inserted as they are.

    The longest ``$context.a.b`` / ``$stageVariables.x`` name that exists is replaced by its
    value (null as an empty string); anything else — ``$util…``, ``#if`` — stays literal,
    as API Gateway leaves it.
    """
    roots = {"context": context_vars, "stageVariables": stage_variables or {}}

    def substitute(m: re.Match[str]) -> str:
        names = m.group(2).split(".")[1:]
        for end in range(len(names), 0, -1):
            value = _lookup(roots[m.group(1)], names[:end])
            if value is not _MISSING and not isinstance(value, Mapping):
                rest = "".join("." + n for n in names[end:])
                return ("" if value is None else str(value)) + rest
        return m.group(0)

    return _SUBSTITUTION.sub(substitute, template)
