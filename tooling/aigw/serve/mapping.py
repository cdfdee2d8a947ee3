"""Non-proxy integration mapping: API Gateway's request and response side of ``aws`` / ``http``.

One integration request and its answer go through the steps API Gateway documents
("Set up data transformations", "Content type conversions", "integration responses"):

1. **Request template** by the request's ``Content-Type`` (``application/json`` when
   absent); without one, ``passthroughBehavior`` decides: ``WHEN_NO_MATCH`` passes the
   body through, ``WHEN_NO_TEMPLATES`` passes it through only when the integration has no
   template at all, ``NEVER`` refuses with 415 ``Unsupported Media Type``.
2. **Content handling** of the request: a payload whose content type is one of the API's
   binary media types is binary; ``CONVERT_TO_TEXT`` base64-encodes it (then the template
   applies), ``CONVERT_TO_BINARY`` base64-decodes a text payload after its template.
3. **Request parameters** ``integration.request.header|querystring|path.X`` from static
   values (``'v'``) or ``method.request.header|querystring|path.Y``.
4. **Integration response** selected by ``selectionPattern``: for ``aws`` and ``http``
   back ends the regex is matched against the back end's HTTP status code (Java
   ``String.matches``: the whole code); ``default`` catches the rest.
5. **Response template** by the request's ``Accept`` (else ``application/json``, else the
   first one), rendered with ``$input`` over the integration response body when that is
   text; the response's ``contentHandling`` (or, without one, a binary ``Accept``) turns
   a binary answer into base64 text or a text answer into bytes, as API Gateway's
   content type conversion table says; ``responseParameters`` set static headers and
   copy ``integration.response.header.X``.

Templates run in :func:`aigw.vtl.render` — the engine the mapping-template unit tests use.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aigw import vtl
from aigw.serve.events import Incoming, Stage
from aigw.serve.routes import Route

DEFAULT_CONTENT_TYPE = "application/json"


class MappingError(Exception):
    """The integration cannot be mapped; ``kind`` is the gateway response (or a status)."""

    def __init__(self, kind: str, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status


@dataclass
class IntegrationRequest:
    """What goes to the back end after the request mapping."""

    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    query: list[tuple[str, str]] = field(default_factory=list)
    path: dict[str, str] = field(default_factory=dict)


@dataclass
class MethodResponse:
    status: int
    headers: dict[str, str]
    body: bytes


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def is_binary_media(content_type: str | None, binary_media_types: list[str]) -> bool:
    """API Gateway's binary media type match (``image/*`` and ``*/*`` wildcards)."""
    media = _media_type(content_type)
    return bool(media) and any(fnmatch.fnmatch(media, t.lower()) for t in binary_media_types)


def method_params(inc: Incoming, path_params: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """``$input.params()``: path, querystring and header maps (the last value wins)."""
    return {
        "path": dict(path_params),
        "querystring": dict(inc.query),
        "header": dict(inc.headers),
    }


def template_context(
    inc: Incoming,
    route: Route,
    stage: Stage,
    authorizer: Mapping[str, Any] | None,
    api_key: str | None = None,
) -> dict[str, Any]:
    """``$context`` for one request (the documented names, this request's values)."""
    return vtl.context(
        request_id=inc.request_id,
        stage=stage.stage,
        http_method=inc.method,
        resource_path=route.template,
        api_id=stage.rest_api_id,
        account_id=stage.account_id,
        region=stage.region,
        source_ip=inc.source_ip,
        user_agent=inc.header("user-agent") or "",
        api_key=api_key,
        authorizer=authorizer,
    )


def _select_template(templates: Mapping[str, str], content_type: str) -> str | None:
    for key, template in templates.items():
        if key.lower() == content_type:
            return template
    return None


def _render(template: str, body: str, *, request: bool = True, **kwargs: Any) -> str:
    try:
        return vtl.render(template, body, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any template failure is API Gateway's 500
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, vtl.BodyNotJson):
            cause = cause.__cause__
        if cause is not None and request:
            # The client's payload is not JSON: 400, as API Gateway answers it.
            raise MappingError(
                "BAD_REQUEST_BODY", "Could not parse request body into json"
            ) from None
        raise MappingError(
            "API_CONFIGURATION_ERROR", f"Unable to transform the payload ({type(exc).__name__})"
        ) from None


def map_request(
    integration: Mapping[str, Any],
    inc: Incoming,
    path_params: Mapping[str, str],
    context_vars: Mapping[str, Any],
    binary_media_types: list[str],
    stage_variables: Mapping[str, str] | None = None,
) -> IntegrationRequest:
    """The integration request of a non-proxy integration (steps 1-3)."""
    templates: Mapping[str, str] = integration.get("requestTemplates") or {}
    content_type = _media_type(inc.header("content-type")) or DEFAULT_CONTENT_TYPE
    binary = is_binary_media(content_type, binary_media_types)
    handling = integration.get("contentHandling")
    template = _select_template(templates, content_type)
    if template is None:
        behavior = str(integration.get("passthroughBehavior") or "WHEN_NO_MATCH").upper()
        if behavior == "NEVER" or (behavior == "WHEN_NO_TEMPLATES" and templates):
            raise MappingError("UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type", 415)
    body = inc.body
    if binary and handling == "CONVERT_TO_TEXT":
        body = base64.b64encode(body)
    elif binary and handling != "CONVERT_TO_TEXT":
        template = None  # a binary payload passes through untransformed
    if template is not None:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise MappingError("BAD_REQUEST_BODY", "Invalid request body") from None
        params = method_params(inc, path_params)
        body = _render(
            template,
            text,
            params=params,
            context_vars=context_vars,
            stage_variables=stage_variables,
        ).encode("utf-8")
    if not binary and handling == "CONVERT_TO_BINARY":
        try:
            body = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise MappingError("API_CONFIGURATION_ERROR", "Unable to decode the payload") from None
    out = IntegrationRequest(body)
    apply_request_parameters(out, integration, inc, path_params)
    if "content-type" not in {k.lower() for k in out.headers}:
        out.headers["Content-Type"] = (
            DEFAULT_CONTENT_TYPE if template is not None else inc.header("content-type") or ""
        )
    return out


_REQUEST_TARGET = re.compile(r"^integration\.request\.(header|querystring|path)\.(.+)$")
_METHOD_SOURCE = re.compile(r"^method\.request\.(header|querystring|path)\.(.+)$")


def apply_request_parameters(
    out: IntegrationRequest,
    integration: Mapping[str, Any],
    inc: Incoming,
    path_params: Mapping[str, str],
) -> None:
    for target, source in (integration.get("requestParameters") or {}).items():
        t = _REQUEST_TARGET.match(str(target))
        if t is None or not isinstance(source, str):
            continue
        value: str | None
        if len(source) >= 2 and source.startswith("'") and source.endswith("'"):
            value = source[1:-1]
        else:
            s = _METHOD_SOURCE.match(source)
            if s is None:
                continue
            where, name = s.groups()
            if where == "header":
                value = inc.header(name)
            elif where == "querystring":
                value = dict(inc.query).get(name)
            else:
                value = path_params.get(name)
        if value is None:
            continue
        where, name = t.groups()
        if where == "header":
            out.headers[name] = value
        elif where == "querystring":
            out.query.append((name, value))
        else:
            out.path[name] = value


def select_response(responses: Mapping[str, Any], status: int) -> Mapping[str, Any] | None:
    """The integration response whose ``selectionPattern`` matches the status code, or default.

    API Gateway matches the regex against the whole status code of ``aws`` and ``http``
    back ends; a pattern that is not a valid regex never matches.
    """
    code = str(status)
    for pattern, response in responses.items():
        if pattern == "default" or not isinstance(response, Mapping):
            continue
        try:
            if re.fullmatch(pattern, code):
                return response
        except re.error:
            continue
    default = responses.get("default")
    return default if isinstance(default, Mapping) else None


def _response_template(templates: Mapping[str, str], accept: str | None) -> tuple[str, str] | None:
    if not templates:
        return None
    wanted = _media_type(accept)
    for key, template in templates.items():
        if key.lower() == wanted:
            return key, template
    if DEFAULT_CONTENT_TYPE in templates:
        return DEFAULT_CONTENT_TYPE, templates[DEFAULT_CONTENT_TYPE]
    key = next(iter(templates))
    return key, templates[key]


def map_response(
    integration: Mapping[str, Any],
    inc: Incoming,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    context_vars: Mapping[str, Any],
    binary_media_types: list[str],
    stage_variables: Mapping[str, str] | None = None,
) -> MethodResponse:
    """The method response for the back end's answer (steps 4-5)."""
    response = select_response(integration.get("responses") or {}, status)
    if response is None:
        raise MappingError(
            "API_CONFIGURATION_ERROR",
            "No match for output mapping and no default output mapping configured",
        )
    lower = {k.lower(): v for k, v in headers.items()}
    out_status = int(response.get("statusCode") or 200)
    chosen = _response_template(response.get("responseTemplates") or {}, inc.header("accept"))
    handling = response.get("contentHandling")
    back_end_type = lower.get("content-type")
    # "Content type conversions in API Gateway": the payload is binary when the back end's
    # Content-Type is a binary media type; without contentHandling the client's Accept
    # decides (a binary Accept gets bytes), CONVERT_TO_TEXT / CONVERT_TO_BINARY force it.
    payload_binary = is_binary_media(back_end_type, binary_media_types)
    if handling == "CONVERT_TO_TEXT":
        want_text = True
    elif handling == "CONVERT_TO_BINARY":
        want_text = False
    else:
        want_text = not is_binary_media(inc.header("accept"), binary_media_types)
    if want_text and payload_binary:
        body = base64.b64encode(body)
    content_type = back_end_type or DEFAULT_CONTENT_TYPE
    # A mapping template applies to a text payload only.
    if chosen is not None and not (payload_binary and not want_text):
        key, template = chosen
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise MappingError(
                "API_CONFIGURATION_ERROR", "Unable to transform the response"
            ) from None
        body = _render(
            template,
            text,
            request=False,
            context_vars=context_vars,
            stage_variables=stage_variables,
        ).encode("utf-8")
        content_type = key
    if not want_text and not payload_binary:
        try:
            body = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise MappingError("API_CONFIGURATION_ERROR", "Unable to decode the response") from None
    out_headers = {"content-type": content_type}
    for target, source in (response.get("responseParameters") or {}).items():
        if not str(target).startswith("method.response.header.") or not isinstance(source, str):
            continue
        name = str(target).split(".", 3)[3]
        if len(source) >= 2 and source.startswith("'") and source.endswith("'"):
            out_headers[name.lower()] = source[1:-1]
        elif source.startswith("integration.response.header."):
            value = lower.get(source.split(".", 3)[3].lower())
            if value is not None:
                out_headers[name.lower()] = value
        elif source.startswith("integration.response.body"):
            out_headers[name.lower()] = _body_value(source, body)
    return MethodResponse(out_status, out_headers, body)


def _body_value(source: str, body: bytes) -> str:
    """``integration.response.body[.a.b]``: the body, or a JSONPath into it (as JSON)."""
    rest = source[len("integration.response.body") :]
    if not rest:
        return body.decode("utf-8", "replace")
    try:
        value: Any = json.loads(body)
        for name in rest.lstrip(".").split("."):
            value = value[name]
    except (ValueError, KeyError, TypeError, IndexError):
        return ""
    return value if isinstance(value, str) else json.dumps(value)
