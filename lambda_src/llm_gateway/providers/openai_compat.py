"""The ``openai`` provider: any OpenAI-compatible HTTP API, standard library only.

Connections are kept alive in a small per-host pool (``http.client``). Every call is
bounded by the time left for its attempt: the connect timeout and the read timeout
(applied to every read) are each capped by it, and a stream must deliver its first
event within it (wall clock, however slowly bytes trickle), so a stalled stream still
falls back. After the first event each read waits at most the read timeout. The API
key is read from Secrets Manager through the Parameters and Secrets extension and
cached; it is never logged.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator

from aigw_shared import params
from llm_gateway.config import ProviderConfig, Target
from llm_gateway.providers import base
from llm_gateway.retry import attempt_timeout

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_MAX_ERROR_MESSAGE = 500
_MAX_IDLE_PER_HOST = 4
_SECRET_TTL_S = 300.0


def _secret_key(secret_id: str) -> str:
    value = params.read_secret(secret_id)
    stripped = value.strip()
    if stripped.startswith("{"):
        try:
            doc = json.loads(stripped)
        except ValueError:
            doc = None
        if isinstance(doc, dict) and isinstance(doc.get("api_key"), str):
            return doc["api_key"]
    return stripped


_secrets = params.TtlCache(_secret_key, _SECRET_TTL_S)


class _Pool:
    """Idle keep-alive connections per (scheme, host, port)."""

    def __init__(self) -> None:
        self._idle: dict[tuple[str, str, int], list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()

    def take(self, key: tuple[str, str, int]) -> http.client.HTTPConnection | None:
        with self._lock:
            idle = self._idle.get(key)
            return idle.pop() if idle else None

    def give(self, key: tuple[str, str, int], conn: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < _MAX_IDLE_PER_HOST:
                idle.append(conn)
                return
        conn.close()

    def clear(self) -> None:
        with self._lock:
            conns = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for c in conns:
            c.close()


POOL = _Pool()


def _upstream_message(data: bytes) -> str:
    try:
        doc = json.loads(data)
        msg = doc["error"]["message"] if isinstance(doc.get("error"), dict) else doc["error"]
        if isinstance(msg, str) and msg:
            return msg[:_MAX_ERROR_MESSAGE]
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    return "The upstream provider rejected the request."


def map_status(status: int, data: bytes) -> base.ProviderError:
    """The gateway error for a non-2xx upstream answer."""
    if status == 429:
        return base.rate_limited()
    if status in (400, 413, 422):
        return base.bad_request(_upstream_message(data))
    if status in (401, 403):
        return base.ProviderError(
            502,
            "The upstream provider refused the gateway's credentials.",
            "upstream_auth_error",
            True,
        )
    if status == 404:
        return base.ProviderError(
            502,
            "The upstream provider does not know the configured model or path.",
            "upstream_not_found",
            True,
        )
    if status in (408, 504):
        return base.upstream_timeout()
    if status >= 500:
        return base.upstream_unavailable()
    return base.ProviderError(
        502, f"The upstream provider answered status {status}.", "upstream_error", False
    )


class OpenAIProvider:
    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        parsed = urllib.parse.urlsplit(config.base_url or "")
        self._scheme = parsed.scheme
        self._host = parsed.hostname or ""
        self._port = parsed.port or (443 if parsed.scheme == "https" else 80)
        self._base_path = parsed.path.rstrip("/")
        self._query = ("?" + urllib.parse.urlencode(config.query)) if config.query else ""

    # ------------------------------------------------------------------ transport

    def _headers(self, stream: bool) -> dict[str, str]:
        headers = {
            "content-type": "application/json",
            "accept": "text/event-stream" if stream else "application/json",
        }
        if self.config.api_key_secret_arn:
            try:
                key = _secrets.get(self.config.api_key_secret_arn)
            except params.ParamsError:
                raise base.ProviderError(
                    502,
                    "The gateway could not read the provider credentials.",
                    "credentials_unavailable",
                    True,
                ) from None
            if self.config.auth_header == "api-key":
                headers["api-key"] = key
            else:
                headers["authorization"] = f"Bearer {key}"
        return headers

    def _new_conn(self, left: float) -> http.client.HTTPConnection:
        timeout = attempt_timeout(self.config.connect_timeout_ms / 1000, left)
        if self._scheme == "https":
            import ssl  # lazy: plain-http upstreams (vLLM in a VPC, tests) skip it

            return http.client.HTTPSConnection(
                self._host, self._port, timeout=timeout, context=ssl.create_default_context()
            )
        return http.client.HTTPConnection(self._host, self._port, timeout=timeout)

    def _send(
        self, path: str, payload: dict[str, Any], timeout: float, stream: bool
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """POST ``payload``; returns the open connection and response (status checked)."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = self._headers(stream)
        key = (self._scheme, self._host, self._port)
        read_timeout = attempt_timeout(self.config.read_timeout_ms / 1000, timeout)
        for attempt in range(2):  # a reused connection may have been closed by the peer
            conn = POOL.take(key) if attempt == 0 else None
            reused = conn is not None
            conn = conn or self._new_conn(timeout)
            try:
                if conn.sock is None:
                    conn.connect()
                conn.sock.settimeout(read_timeout)
                conn.request("POST", self._base_path + path + self._query, body, headers)
                resp = conn.getresponse()
            except (
                http.client.RemoteDisconnected,
                ConnectionResetError,
                BrokenPipeError,
                http.client.CannotSendRequest,
            ):
                conn.close()
                if reused:
                    continue
                raise base.upstream_unavailable(
                    "The connection to the upstream provider failed."
                ) from None
            except TimeoutError:
                conn.close()
                raise base.upstream_timeout() from None
            except (OSError, http.client.HTTPException):
                conn.close()
                raise base.upstream_unavailable(
                    "The connection to the upstream provider failed."
                ) from None
            if resp.status != 200:
                data = self._read(conn, resp)
                self._release(conn, resp)
                raise map_status(resp.status, data)
            return conn, resp
        raise base.upstream_unavailable()  # pragma: no cover - loop always returns/raises

    @staticmethod
    def _read(conn: http.client.HTTPConnection, resp: http.client.HTTPResponse) -> bytes:
        try:
            return resp.read()
        except TimeoutError:
            conn.close()
            raise base.upstream_timeout() from None
        except (OSError, http.client.HTTPException):
            conn.close()
            raise base.upstream_unavailable(
                "The upstream provider closed the connection mid-response."
            ) from None

    def _release(self, conn: http.client.HTTPConnection, resp: http.client.HTTPResponse) -> None:
        if resp.will_close or conn.sock is None:
            conn.close()
        else:
            POOL.give((self._scheme, self._host, self._port), conn)

    def _post_json(self, path: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        conn, resp = self._send(path, payload, timeout, stream=False)
        data = self._read(conn, resp)
        self._release(conn, resp)
        try:
            doc = json.loads(data)
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            raise base.upstream_unavailable("The upstream provider returned a malformed response.")
        return doc

    # ------------------------------------------------------------------ API

    @staticmethod
    def _payload(target: Target, request: dict[str, Any]) -> dict[str, Any]:
        payload = {k: v for k, v in request.items() if k not in ("stream", "stream_options")}
        payload["model"] = target.model
        return payload

    def chat(self, target: Target, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        doc = self._post_json("/chat/completions", self._payload(target, request), timeout)
        choices = doc.get("choices")
        if not isinstance(choices, list) or not all(
            isinstance(c, dict) and isinstance(c.get("message"), dict) for c in choices
        ):
            raise base.upstream_unavailable("The upstream provider returned a malformed response.")
        usage = doc.get("usage") if isinstance(doc.get("usage"), dict) else base.empty_usage()
        return {"choices": choices, "usage": usage}

    def chat_stream(
        self, target: Target, request: dict[str, Any], timeout: float
    ) -> Iterator[dict[str, Any]]:
        payload = self._payload(target, request)
        payload["stream"] = True
        payload["stream_options"] = {"include_usage": True}
        first_by = time.monotonic() + timeout
        conn, resp = self._send("/chat/completions", payload, timeout, stream=True)
        return self._events(conn, resp, first_by)

    def _events(
        self, conn: http.client.HTTPConnection, resp: http.client.HTTPResponse, first_by: float
    ) -> Iterator[dict[str, Any]]:
        done = False
        started = False
        read_timeout = conn.sock.gettimeout() if conn.sock is not None else None
        try:
            data_lines: list[bytes] = []
            for _ in range(10_000_000):  # bounded: an upstream cannot make us loop forever
                try:
                    if not started and conn.sock is not None:  # the first event's deadline
                        left = first_by - time.monotonic()
                        if left <= 0:
                            raise TimeoutError
                        conn.sock.settimeout(min(left, read_timeout or left))
                    line = resp.readline(1_048_576)
                except TimeoutError:
                    raise base.upstream_timeout() from None
                except (OSError, http.client.HTTPException):
                    raise base.upstream_unavailable("The upstream stream broke.") from None
                if not line:
                    break
                line = line.rstrip(b"\r\n")
                if line.startswith(b"data:"):
                    data_lines.append(line[5:].lstrip())
                    continue
                if line or not data_lines:
                    continue
                data, data_lines = b"\n".join(data_lines), []
                if data == b"[DONE]":
                    done = True
                    break
                try:
                    chunk = json.loads(data)
                except ValueError:
                    raise base.upstream_unavailable(
                        "The upstream stream carried a malformed event."
                    ) from None
                if isinstance(chunk, dict) and "error" in chunk:
                    raise base.upstream_unavailable("The upstream provider failed mid-stream.")
                if not isinstance(chunk, dict) or not isinstance(chunk.get("choices", []), list):
                    raise base.upstream_unavailable(
                        "The upstream stream carried a malformed event."
                    )
                out = {"choices": chunk.get("choices") or []}
                if isinstance(chunk.get("usage"), dict):
                    out["usage"] = chunk["usage"]
                if not started and conn.sock is not None:
                    conn.sock.settimeout(read_timeout)
                started = True
                yield out
            if not done:
                raise base.upstream_unavailable("The upstream stream ended early.")
        finally:
            if done:
                try:
                    resp.read()
                    self._release(conn, resp)
                except (OSError, http.client.HTTPException):
                    conn.close()
            else:
                conn.close()

    def embed(
        self, target: Target, inputs: list[str], dimensions: int | None, timeout: float
    ) -> tuple[list[list[float]], int]:
        payload: dict[str, Any] = {
            "model": target.model,
            "input": inputs,
            "encoding_format": "float",
        }
        if dimensions:
            payload["dimensions"] = dimensions
        doc = self._post_json("/embeddings", payload, timeout)
        try:
            items = sorted(doc["data"], key=lambda d: d["index"])
            vectors = [[float(x) for x in d["embedding"]] for d in items]
        except (KeyError, TypeError, ValueError):
            raise base.upstream_unavailable(
                "The upstream provider returned a malformed response."
            ) from None
        if len(vectors) != len(inputs):
            raise base.upstream_unavailable("The upstream provider returned a malformed response.")
        usage = doc.get("usage") if isinstance(doc.get("usage"), dict) else {}
        tokens = usage.get("prompt_tokens")
        return vectors, tokens if isinstance(tokens, int) else 0
