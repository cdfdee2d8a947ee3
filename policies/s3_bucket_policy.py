"""S3 bucket policies refuse requests without TLS (CKV_AIGW_26).

A bucket that holds tenants' uploads is reached with pre-signed URLs that anyone holding
the URL can use; the bucket policy is the only place that can refuse plain HTTP for
them. The sandbox (moto) serves plain HTTP and evaluates no bucket policy, so only a
real account shows the gap. A bucket policy fails when

- no statement denies requests with ``aws:SecureTransport = false`` (``Bool``) to every
  principal (``*``) for every S3 action (``s3:*`` or ``*``); or
- that statement's ``Resource`` does not cover the objects (an entry ending in ``/*``,
  or ``*``) as well as the bucket (an entry without ``/``, or ``*``).

Reads ``aws_s3_bucket_policy.policy`` (JSON).
"""

from __future__ import annotations

from typing import Any

from aigw_common import as_list
from checkov.common.models.enums import CheckCategories
from json_document_check import JsonDocumentCheck

CHECK_ID = "CKV_AIGW_26"


def _denies_plain_http(st: dict[str, Any]) -> bool:
    if str(st.get("Effect", "")).lower() != "deny":
        return False
    principal = st.get("Principal")
    if principal != "*" and as_list(
        (principal or {}).get("AWS") if isinstance(principal, dict) else None
    ) != ["*"]:
        return False
    if not any(str(a).lower() in ("s3:*", "*") for a in as_list(st.get("Action"))):
        return False
    condition = st.get("Condition")
    if not isinstance(condition, dict):
        return False
    for operator, block in condition.items():
        if str(operator).lower() != "bool" or not isinstance(block, dict):
            continue
        for key, value in block.items():
            if str(key).lower() == "aws:securetransport" and [
                str(v).lower() for v in as_list(value)
            ] == ["false"]:
                return True
    return False


def _covers(resources: list[str]) -> tuple[bool, bool]:
    """(the bucket, its objects)."""
    bucket = any(r == "*" or ("/" not in r.split(":::", 1)[-1]) for r in resources)
    objects = any(r == "*" or r.endswith("/*") for r in resources)
    return bucket, objects


def tls_problems(doc: Any) -> list[str] | None:
    if not isinstance(doc, dict):
        return None
    raw = doc.get("Statement", [])
    statements = [st for st in (raw if isinstance(raw, list) else [raw]) if isinstance(st, dict)]
    denies = [st for st in statements if _denies_plain_http(st)]
    if not denies:
        return [
            "no statement denies requests without TLS: add a Deny of s3:* for Principal * "
            "with Condition Bool aws:SecureTransport = false"
        ]
    for st in denies:
        bucket, objects = _covers([str(r) for r in as_list(st.get("Resource"))])
        if bucket and objects:
            return []
    return [
        "the statement that denies requests without TLS does not cover both the bucket and "
        "its objects: list the bucket ARN and <bucket ARN>/*"
    ]


class BucketPolicyTls(JsonDocumentCheck):
    rule = staticmethod(tls_problems)

    def __init__(self) -> None:
        super().__init__(
            CHECK_ID,
            "S3 bucket policies deny every request made without TLS",
            ["aws_s3_bucket_policy"],
            CheckCategories.ENCRYPTION,
        )


bucket_policy_tls = BucketPolicyTls()
