"""Lambda response streaming for the managed Python runtime.

The managed Python runtime cannot stream a response, so the function is started with
``AWS_LAMBDA_EXEC_WRAPPER=/var/task/llm_gateway/stream_bootstrap``: the wrapper replaces
the runtime's loop with :func:`run`, which speaks the Lambda Runtime API directly
(``/2018-06-01/runtime/invocation/next`` then a chunked ``.../response`` POST with
``Lambda-Runtime-Function-Response-Mode: streaming``). Each response uses the HTTP
integration framing API Gateway expects from a streaming Lambda: a JSON prelude
``{"statusCode", "headers"}``, eight NUL bytes, then the body bytes as they come.

A failure after the first byte is reported in the ``Lambda-Runtime-Function-Error-Type``
/ ``-Body`` trailers; before any byte, through ``.../error``. See
``docs/adr/0011-lambda-response-streaming.md``.

Like the managed runtime's loop, this one propagates the X-Ray trace header: each
invocation's ``Lambda-Runtime-Trace-Id`` becomes ``_X_AMZN_TRACE_ID`` for that invocation
(removed when an invocation comes without one), which botocore forwards to the AWS calls
the gateway makes.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import sys
import time
from collections.abc import Iterator

from aigw_shared import errors
from aigw_shared.http_event import Response, request_from_event

API_VERSION = "2018-06-01"
PRELUDE_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response"
DELIMITER = b"\x00" * 8
TRACE_ENV = "_X_AMZN_TRACE_ID"


def set_trace_id(trace_id: str | None) -> None:
    """The X-Ray trace header of the invocation being served (or none)."""
    if trace_id:
        os.environ[TRACE_ENV] = trace_id
    else:
        os.environ.pop(TRACE_ENV, None)


def _split(api: str) -> tuple[str, int]:
    host, _, port = api.rpartition(":")
    return host, int(port)


def prelude(resp: Response) -> bytes:
    head = {"statusCode": resp.status, "headers": dict(resp.headers)}
    return json.dumps(head, separators=(",", ":")).encode("utf-8") + DELIMITER


def _body_chunks(resp: Response) -> Iterator[bytes]:
    yield prelude(resp)
    if resp.body:
        yield resp.body
    if resp.stream is not None:
        yield from resp.stream


class RuntimeClient:
    """The Runtime API calls the loop needs (one keep-alive connection)."""

    def __init__(self, api: str) -> None:
        self.host, self.port = _split(api)
        self.conn = http.client.HTTPConnection(self.host, self.port)

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        self.conn.request(method, path, body=body, headers=headers or {})
        resp = self.conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def next(self) -> tuple[str, float | None, bytes]:
        status, headers, body = self._request("GET", f"/{API_VERSION}/runtime/invocation/next")
        if status != 200:
            raise RuntimeError(f"runtime API /next answered {status}")
        set_trace_id(headers.get("lambda-runtime-trace-id"))
        deadline = headers.get("lambda-runtime-deadline-ms")
        return headers["lambda-runtime-aws-request-id"], float(deadline) if deadline else None, body

    def stream_response(self, request_id: str, chunks: Iterator[bytes]) -> None:
        """POST the chunks as they are produced; failures go to the error trailers."""
        conn = self.conn
        conn.putrequest("POST", f"/{API_VERSION}/runtime/invocation/{request_id}/response")
        conn.putheader("Lambda-Runtime-Function-Response-Mode", "streaming")
        conn.putheader("Content-Type", PRELUDE_CONTENT_TYPE)
        conn.putheader("Transfer-Encoding", "chunked")
        conn.putheader(
            "Trailer", "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body"
        )
        conn.endheaders()
        trailer = b""
        try:
            for chunk in chunks:
                if chunk:
                    conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except Exception as exc:  # noqa: BLE001 - reported to Lambda, never to the client
            detail = base64.b64encode(
                json.dumps(
                    {"errorMessage": "stream failed", "errorType": type(exc).__name__}
                ).encode()
            )
            trailer = (
                b"Lambda-Runtime-Function-Error-Type: Runtime.StreamError\r\n"
                b"Lambda-Runtime-Function-Error-Body: " + detail + b"\r\n"
            )
        conn.send(b"0\r\n" + trailer + b"\r\n")
        resp = conn.getresponse()
        resp.read()

    def invocation_error(self, request_id: str, exc: BaseException) -> None:
        body = json.dumps(
            {"errorMessage": "invocation failed", "errorType": type(exc).__name__}
        ).encode()
        self._request(
            "POST",
            f"/{API_VERSION}/runtime/invocation/{request_id}/error",
            body,
            {"Lambda-Runtime-Function-Error-Type": "Runtime.HandlerError"},
        )

    def init_error(self, exc: BaseException) -> None:
        body = json.dumps({"errorMessage": "init failed", "errorType": type(exc).__name__})
        self._request(
            "POST",
            f"/{API_VERSION}/runtime/init/error",
            body.encode(),
            {"Lambda-Runtime-Function-Error-Type": "Runtime.InitError"},
        )


def handle_event(raw: bytes, deadline_epoch_ms: float | None) -> Response:
    """The gateway response for one raw invocation payload (never raises)."""
    from llm_gateway import handler

    try:
        event = json.loads(raw)
        req = request_from_event(event)
    except errors.ApiError as err:
        return Response.error(err)
    except ValueError:
        return Response.error(errors.invalid_request("The event is not valid JSON."))
    remaining = None
    if deadline_epoch_ms is not None:
        remaining = handler.budget_ms(deadline_epoch_ms - time.time() * 1000)
    return handler.gateway().handle_request(req, remaining)


def run(api: str, max_invocations: int | None = None) -> int:
    """Serve invocations until ``max_invocations`` (None: for the sandbox's lifetime)."""
    client = RuntimeClient(api)
    try:
        from llm_gateway import handler

        handler.gateway()
    except Exception as exc:
        client.init_error(exc)
        raise
    served = 0
    while max_invocations is None or served < max_invocations:
        request_id, deadline, raw = client.next()
        try:
            resp = handle_event(raw, deadline)
        except Exception as exc:  # noqa: BLE001 - the core never raises; defence in depth
            client.invocation_error(request_id, exc)
        else:
            client.stream_response(request_id, _body_chunks(resp))
        served += 1
    return served


def main() -> None:
    api = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not api:
        sys.stderr.write("AWS_LAMBDA_RUNTIME_API is not set\n")
        raise SystemExit(2)
    limit = os.environ.get("AIGW_RUNTIME_MAX_INVOCATIONS")
    run(api, int(limit) if limit else None)


if __name__ == "__main__":
    main()
