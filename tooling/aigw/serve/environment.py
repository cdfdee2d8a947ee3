"""The sandbox and the applied env: boto3 clients, Terraform outputs, build check."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aigw.serve.responses import ServeError


class AwsClients:
    """boto3 clients for the sandbox, created once each (thread-safe)."""

    def __init__(self, endpoint: str, region: str) -> None:
        self.endpoint = endpoint
        self.region = region
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def credentials(self) -> Any:
        """The sandbox credentials the clients use (botocore ``Credentials``)."""
        from botocore.credentials import Credentials

        return Credentials(
            os.environ.get("AWS_ACCESS_KEY_ID", "sandbox"),
            os.environ.get("AWS_SECRET_ACCESS_KEY", "sandbox"),
        )

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                import boto3

                self._clients[service] = boto3.client(
                    service,
                    endpoint_url=self.endpoint,
                    region_name=self.region,
                    aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "sandbox"),
                    aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "sandbox"),
                )
            return self._clients[service]


def read_outputs(state_dir: Path, env_name: str, state_file: Path | None = None) -> dict[str, Any]:
    state_file = state_file or state_dir / "state" / f"{env_name}.tfstate"
    try:
        state = json.loads(state_file.read_text())
    except FileNotFoundError:
        raise ServeError(
            f"env {env_name!r} is not applied (no {state_file}); run: make apply ENV={env_name}"
        ) from None
    except ValueError:
        raise ServeError(f"{state_file} is not a Terraform state file") from None
    outputs = {k: v.get("value") for k, v in (state.get("outputs") or {}).items()}
    missing = [k for k in ("openapi_document", "rest_api_id", "stage_name") if k not in outputs]
    if missing:
        raise ServeError(
            f"env {env_name!r} has no {', '.join(missing)} output(s): it is not applied or not "
            f"a gateway env; run: make apply ENV={env_name}"
        )
    return outputs


def check_code(
    cfg: Mapping[str, Any], handler: str, manifest: Mapping[str, Any], warnings: list[str]
) -> None:
    """Warn when the sandbox holds another build than ``dist/`` (serve runs lambda_src)."""
    package = handler.split(".", 1)[0]
    built = ((manifest.get("packages") or {}).get(package) or {}).get("sha256_base64")
    if built and cfg.get("CodeSha256") and built != cfg["CodeSha256"]:
        warnings.append(
            f"{cfg.get('FunctionName')}: the sandbox holds another build of {package} than "
            "dist/ (serve runs the code in lambda_src/); re-run make apply ENV=local"
        )
