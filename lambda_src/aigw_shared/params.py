"""Config and secret loading without the AWS SDK.

In Lambda, values are read through the AWS Parameters and Secrets Lambda extension,
which listens on ``localhost:$PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`` (default 2773)
and authenticates calls with the ``X-Aws-Parameters-Secrets-Token`` header set to the
function's session token. ``AIGW_EXTENSION_ENDPOINT`` overrides the base URL (tests,
``aigw serve``). Sources:

- ``extension`` (default): the extension's HTTP endpoint, no boto3 import;
- ``sdk``: boto3 SSM / Secrets Manager clients (honours ``AWS_ENDPOINT_URL``, so the
  local sandbox works);
- ``file``: a local JSON file (config only).

Values are cached per name with a TTL; a failed refresh keeps serving the last value.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import urllib.parse
from collections.abc import Callable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_PORT = 2773
DEFAULT_TIMEOUT_S = 2.0


class ParamsError(RuntimeError):
    """A parameter or secret could not be read (message names what, never a value)."""


def _extension_base() -> tuple[str, int]:
    override = os.environ.get("AIGW_EXTENSION_ENDPOINT")
    if override:
        parsed = urllib.parse.urlsplit(override)
        if parsed.scheme != "http" or not parsed.hostname:
            raise ParamsError("AIGW_EXTENSION_ENDPOINT must be an http:// URL")
        return parsed.hostname, parsed.port or 80
    port = int(os.environ.get("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", DEFAULT_PORT))
    return "localhost", port


def extension_get(
    path: str, query: dict[str, str], timeout: float = DEFAULT_TIMEOUT_S
) -> dict[str, Any]:
    """GET a JSON document from the Parameters and Secrets extension."""
    host, port = _extension_base()
    url = path + "?" + urllib.parse.urlencode(query)
    token = os.environ.get("AWS_SESSION_TOKEN", "")
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", url, headers={"X-Aws-Parameters-Secrets-Token": token})
        resp = conn.getresponse()
        data = resp.read()
    except OSError as exc:
        raise ParamsError(f"extension unreachable for {path}: {type(exc).__name__}") from None
    finally:
        conn.close()
    if resp.status != 200:
        raise ParamsError(
            f"extension answered {resp.status} for {path} "
            f"({query.get('name') or query.get('secretId')})"
        )
    try:
        doc = json.loads(data)
    except ValueError:
        raise ParamsError(f"extension answered a non-JSON body for {path}") from None
    if not isinstance(doc, dict):
        raise ParamsError(f"extension answered an unexpected document for {path}")
    return doc


def _source() -> str:
    src = os.environ.get("AIGW_CONFIG_SOURCE", "extension")
    if src not in ("extension", "sdk", "file"):
        raise ParamsError("AIGW_CONFIG_SOURCE must be one of: extension, sdk, file")
    return src


def read_parameter(name: str) -> str:
    """The (decrypted) value of an SSM parameter."""
    if _source() == "sdk":
        import boto3  # lazy: only the SDK source pays for it

        try:
            resp = boto3.client("ssm").get_parameter(Name=name, WithDecryption=True)
        except Exception as exc:  # noqa: BLE001 - any SDK failure becomes a ParamsError
            raise ParamsError(f"cannot read parameter {name}: {type(exc).__name__}") from None
        return str(resp["Parameter"]["Value"])
    doc = extension_get("/systemsmanager/parameters/get", {"name": name, "withDecryption": "true"})
    try:
        return str(doc["Parameter"]["Value"])
    except (KeyError, TypeError):
        raise ParamsError(f"parameter {name}: unexpected extension answer") from None


def read_secret(secret_id: str) -> str:
    """The ``SecretString`` of a Secrets Manager secret."""
    if _source() == "sdk":
        import boto3

        try:
            resp = boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)
        except Exception as exc:  # noqa: BLE001
            raise ParamsError(f"cannot read secret {secret_id}: {type(exc).__name__}") from None
        value = resp.get("SecretString")
    else:
        doc = extension_get("/secretsmanager/get", {"secretId": secret_id})
        value = doc.get("SecretString")
    if not isinstance(value, str):
        raise ParamsError(f"secret {secret_id} has no SecretString")
    return value


def read_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise ParamsError(f"cannot read config file {path}: {exc.strerror}") from None


class TtlCache:
    """A thread-safe cache of ``loader(key)`` results, each kept ``ttl`` seconds.

    When a refresh fails and a previous value exists, the previous value is served and
    the refresh is retried after ``retry_after`` seconds.
    """

    def __init__(
        self,
        loader: Callable[[str], Any],
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
        retry_after: float = 5.0,
    ) -> None:
        self._loader = loader
        self._ttl = ttl
        self._clock = clock
        self._retry_after = retry_after
        self._lock = threading.Lock()
        self._items: dict[str, tuple[float, Any]] = {}
        self.last_error: str | None = None

    def get(self, key: str) -> Any:
        now = self._clock()
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        try:
            value = self._loader(key)
        except Exception as exc:
            if hit is None:
                raise
            self.last_error = str(exc)
            with self._lock:
                self._items[key] = (now + self._retry_after, hit[1])
            return hit[1]
        with self._lock:
            self._items[key] = (now + self._ttl, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
