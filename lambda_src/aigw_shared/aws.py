"""AWS SDK clients for the Lambda code, created on first use (boto3 is imported lazily:
paths that never call AWS never pay for importing it)."""

from __future__ import annotations

from typing import Any


def client(
    service: str, *, connect_timeout: float = 1, read_timeout: float = 2, attempts: int = 2
) -> Any:
    """A boto3 client with short timeouts and few attempts: the request has a deadline."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        config=Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"total_max_attempts": attempts, "mode": "standard"},
        ),
    )
