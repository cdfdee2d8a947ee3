"""Stored responses and their conversation state in DynamoDB (ADR 0115).

The table (``AIGW_RESPONSES_TABLE``, owned by ``modules/llm-route``) has the string hash
key ``pk = "resp#<tenant>#<response id>"``: a tenant can only name its own items, so
another tenant's response id reads, deletes and continues as "not found". An item holds
``body`` (the ``response`` object as JSON), ``messages`` (the chat messages of the whole
conversation up to and including this response's output, zlib-compressed JSON: what
``previous_response_id`` continues, without the earlier ``instructions``, as OpenAI
documents) and ``expires_at`` (the table's TTL attribute, ``AIGW_RESPONSES_RETENTION_DAYS``
after the response; also checked on read because TTL deletion is lazy).

Without ``AIGW_RESPONSES_TABLE`` nothing is stored: ``store`` defaults to false, and
``store: true`` or ``previous_response_id`` are refused with a 400.
"""

from __future__ import annotations

import json
import os
import threading
import time
import zlib

from aigw_shared import aws, errors

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

TABLE_ENV = "AIGW_RESPONSES_TABLE"
RETENTION_ENV = "AIGW_RESPONSES_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 365
# DynamoDB items are at most 400 KB, attribute names and values together.
MAX_ITEM_BYTES = 400 * 1024 - 1024


def response_not_found(resp_id: str, param: str | None = None) -> errors.ApiError:
    return errors.not_found(
        f"Response with id '{resp_id[:100]}' not found.", "response_not_found", param
    )


class StoreTooLarge(Exception):
    """The conversation no longer fits one DynamoDB item."""


class ResponseStore:
    def __init__(
        self,
        table: str,
        retention_days: int,
        client: Any = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.table = table
        self.retention_s = retention_days * 86400
        self._client = client
        self._lock = threading.Lock()
        self.clock = clock

    @classmethod
    def from_env(
        cls, client: Any = None, environ: Mapping[str, str] | None = None
    ) -> ResponseStore | None:
        env = os.environ if environ is None else environ
        table = env.get(TABLE_ENV, "").strip()
        if not table:
            return None
        raw = env.get(RETENTION_ENV, "").strip()
        days = int(raw) if raw.isdigit() else DEFAULT_RETENTION_DAYS
        return cls(table, min(max(days, 1), MAX_RETENTION_DAYS), client)

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = aws.client("dynamodb", read_timeout=2, attempts=2)
            return self._client

    @staticmethod
    def key(tenant: str, resp_id: str) -> dict[str, Any]:
        return {"pk": {"S": f"resp#{tenant}#{resp_id}"}}

    def put(self, tenant: str, body: dict[str, Any], messages: list[dict[str, Any]]) -> None:
        blob = zlib.compress(json.dumps(messages, separators=(",", ":")).encode("utf-8"))
        text = json.dumps(body, separators=(",", ":"))
        if len(blob) + len(text.encode("utf-8")) > MAX_ITEM_BYTES:
            raise StoreTooLarge
        self.client.put_item(
            TableName=self.table,
            Item={
                **self.key(tenant, body["id"]),
                "body": {"S": text},
                "messages": {"B": blob},
                "expires_at": {"N": str(int(self.clock()) + self.retention_s)},
            },
        )

    def _item(self, tenant: str, resp_id: str) -> dict[str, Any] | None:
        item = self.client.get_item(
            TableName=self.table, Key=self.key(tenant, resp_id), ConsistentRead=True
        ).get("Item")
        if not item or float(item["expires_at"]["N"]) <= self.clock():
            return None
        return item

    def get(self, tenant: str, resp_id: str) -> dict[str, Any] | None:
        """The stored ``response`` object, or None."""
        item = self._item(tenant, resp_id)
        return None if item is None else json.loads(item["body"]["S"])

    def conversation(self, tenant: str, resp_id: str) -> list[dict[str, Any]] | None:
        """The chat messages ``previous_response_id = resp_id`` continues, or None."""
        item = self._item(tenant, resp_id)
        if item is None:
            return None
        return json.loads(zlib.decompress(item["messages"]["B"]))

    def delete(self, tenant: str, resp_id: str) -> bool:
        """Delete the tenant's response; False when there was none (or it expired)."""
        try:
            self.client.delete_item(
                TableName=self.table,
                Key=self.key(tenant, resp_id),
                ConditionExpression="attribute_exists(pk) AND expires_at > :now",
                ExpressionAttributeValues={":now": {"N": str(int(self.clock()))}},
            )
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code")
            if code == "ConditionalCheckFailedException":
                return False
            raise
        return True


_stores: dict[tuple[str, int, int], ResponseStore] = {}


def store_for(client: Any, environ: Mapping[str, str] | None = None) -> ResponseStore | None:
    """The store the environment (``environ``, by default the process's) names, one per
    table and client, or None."""
    fresh = ResponseStore.from_env(client, environ)
    if fresh is None:
        return None
    key = (fresh.table, fresh.retention_s, id(client))
    return _stores.setdefault(key, fresh)
