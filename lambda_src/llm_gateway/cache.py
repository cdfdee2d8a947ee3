"""Optional exact-match response cache in DynamoDB (off by default).

Only non-streaming chat completions with ``temperature`` 0 are cached. The key is a
SHA-256 of the tenant, the alias and the validated request (so tenants never share
answers); the item is ``pk = "cache#<hex>"``, ``body`` (the provider's ``choices`` and
``usage`` as JSON) and ``expires_at`` (the table's TTL attribute, also checked on read
because TTL deletion is lazy). Cache failures never fail a request.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable

from aigw_shared import aws
from llm_gateway.config import CacheConfig

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_IGNORED_FIELDS = ("stream", "stream_options", "user")


def eligible(request: dict[str, Any]) -> bool:
    return not request.get("stream") and request.get("temperature") == 0


def cache_key(tenant: str, alias: str, request: dict[str, Any]) -> str:
    material = {k: v for k, v in request.items() if k not in _IGNORED_FIELDS}
    blob = json.dumps(
        [tenant, alias, material], sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )
    return hashlib.sha256(blob.encode("ascii")).hexdigest()


class ResponseCache:
    def __init__(
        self, config: CacheConfig, client: Any = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.config = config
        self._client = client
        self._lock = threading.Lock()
        self.clock = clock

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = aws.client("dynamodb", read_timeout=1, attempts=1)
            return self._client

    def get(self, key: str) -> dict[str, Any] | None:
        item = self.client.get_item(
            TableName=self.config.table_name, Key={"pk": {"S": f"cache#{key}"}}
        ).get("Item")
        if not item or float(item["expires_at"]["N"]) <= self.clock():
            return None
        doc = json.loads(item["body"]["S"])
        return doc if isinstance(doc, dict) else None

    def put(self, key: str, doc: dict[str, Any]) -> None:
        self.client.put_item(
            TableName=self.config.table_name,
            Item={
                "pk": {"S": f"cache#{key}"},
                "body": {"S": json.dumps(doc, separators=(",", ":"))},
                "expires_at": {"N": str(int(self.clock()) + self.config.ttl_seconds)},
            },
        )
