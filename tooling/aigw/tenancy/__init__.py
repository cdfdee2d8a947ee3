"""Tenants, API keys and usage: library functions plus the ``aigw tenants|keys|usage`` CLI.

The tables are the ones created by ``modules/authorizer`` (schema in docs/identity.md).
Every function takes a :class:`Tenancy` context holding boto3 clients, so the same code
drives the local sandbox (``--endpoint-url`` or ``AWS_ENDPOINT_URL``) and a real account
(``--region``/``--profile``).

An issued key is printed once; only its SHA-256 hash (bound to stage and key id) is
stored. The key format and hash must match ``lambda_src/authorizer/apikeys.py``; the
round-trip tests issue keys here and verify them with the authorizer.

One concern per module: ``store`` (the context, DynamoDB helpers, table set-up),
``keyformat`` (key format and hash), ``tenants`` (tenants and their usage-plan key),
``lifecycle`` (update, delete), ``keys`` (issue, list, revoke, rotate), ``usage``
(token usage), ``report`` and ``report_render`` (chargeback by tenant, model and day)
and ``cli``.
"""

from __future__ import annotations

from aigw.tenancy.cli import register
from aigw.tenancy.keyformat import HASH_ALG, KEY_PREFIX, generate_key, hash_secret
from aigw.tenancy.keys import create_key, get_key, list_keys, revoke_key, rotate_key
from aigw.tenancy.lifecycle import delete_tenant, update_tenant
from aigw.tenancy.store import (
    KEYS_BY_TENANT_INDEX,
    MAX_PAGES,
    Tenancy,
    TenancyError,
    create_tables,
)
from aigw.tenancy.tenants import (
    create_tenant,
    ensure_usage_key,
    get_tenant,
    list_tenants,
    public_tenant,
    resolve_usage_plan,
    set_tenant_status,
)
from aigw.tenancy.usage import show_usage

__all__ = [
    "HASH_ALG",
    "KEYS_BY_TENANT_INDEX",
    "KEY_PREFIX",
    "MAX_PAGES",
    "Tenancy",
    "TenancyError",
    "create_key",
    "create_tables",
    "create_tenant",
    "delete_tenant",
    "ensure_usage_key",
    "generate_key",
    "get_key",
    "get_tenant",
    "hash_secret",
    "list_keys",
    "list_tenants",
    "public_tenant",
    "register",
    "resolve_usage_plan",
    "revoke_key",
    "rotate_key",
    "set_tenant_status",
    "show_usage",
    "update_tenant",
]
