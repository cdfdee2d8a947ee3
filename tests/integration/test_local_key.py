"""The local env's key (envs/_bootstrap) when the sandbox restarts: the key stack's state
names a key the restarted sandbox no longer holds; the next use recreates it."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from local_env import ROOT, free_port

from aigw import envs
from aigw.sandbox import Sandbox

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]


def _kms(endpoint: str):
    return boto3.client(
        "kms",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )


def _env_key_arn(state_dir: Path) -> str:
    state = json.loads((state_dir / "state" / "bootstrap-local.tfstate").read_text())
    return state["outputs"]["kms_key_arn"]["value"]


def test_local_key_survives_a_restarted_sandbox(tmp_path, monkeypatch):
    """The sandbox keeps everything in memory: after a restart the key stack's state names a
    key that no longer exists. The next use recreates the key instead of failing."""
    state_dir = tmp_path / "state"
    monkeypatch.setenv("AIGW_STATE_DIR", str(state_dir))
    port = free_port()
    box = Sandbox(state_dir, port=port)
    box.up()
    try:
        first = envs.local_key(ROOT)
        assert envs.local_key(ROOT) == first, "a second use keeps the key"
        box.down()
        box = Sandbox(state_dir, port=port)
        box.up()
        kms = _kms(box.endpoint)
        with pytest.raises(ClientError, match="NotFound"):
            kms.describe_key(KeyId=first)  # the restarted sandbox has lost it
        second = envs.local_key(ROOT)
        assert second != first
        assert kms.describe_key(KeyId=second)["KeyMetadata"]["KeyState"] == "Enabled"
        aliases = {a["AliasName"]: a for a in kms.list_aliases()["Aliases"]}
        assert aliases["alias/aigw-local"]["TargetKeyId"] == second.rsplit("/", 1)[1]
        assert _env_key_arn(state_dir) == second
    finally:
        # Nothing to destroy: the sandbox's memory goes with it.
        box.down()
