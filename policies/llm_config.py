"""CKV_AIGW_16: configuration documents carry no secrets.

The LLM gateway's configuration (providers, model aliases, quotas) is written by
Terraform to SSM Parameter Store or AppConfig and read by the Lambda. Provider
credentials belong in Secrets Manager and are referenced by ARN; this check fails when a
configuration value looks like a credential.
"""

from __future__ import annotations

import re
from typing import Any

from aigw_common import get, guideline, is_expression, load_document
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

# Key names whose (string) value must never be inline: matched on the key's last word(s).
SECRET_KEY = re.compile(
    r"(^|_)(api_?key|apikey|secret|secret_key|client_secret|password|passwd|token|"
    r"access_token|auth_token|bearer_token|access_key|private_key|credentials?)$"
)

# Values that look like credentials whatever key they sit under.
SECRET_VALUE = [
    ("an OpenAI-style API key", re.compile(r"\bsk-[A-Za-z0-9_-]{20,}")),
    ("an AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a bearer token", re.compile(r"\bBearer\s+[A-Za-z0-9._~+/-]{16,}")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a JSON web token", re.compile(r"\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}")),
    ("a key in a URL", re.compile(r"[?&](api[_-]?key|key|token|access_token)=[A-Za-z0-9._-]{12,}")),
]

REFERENCE = re.compile(r"^(arn:[^:]+:(secretsmanager|ssm|kms):|\$\{|env:|secret:|ssm:)")


def _normalise_key(key: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)
    return re.sub(r"[^a-z0-9]+", "_", snake.lower()).strip("_")


def secret_findings(value: Any, where: str = "$") -> list[str]:
    """Paths and reasons of every secret-looking value inside a configuration document."""
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            path = f"{where}.{k}"
            if (
                isinstance(v, str)
                and v.strip()
                and SECRET_KEY.search(_normalise_key(str(k)))
                and not REFERENCE.match(v.strip())
                and not is_expression(v)
            ):
                out.append(f"{path}: an inline value under a credential-like key")
                continue
            out.extend(secret_findings(v, path))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(secret_findings(v, f"{where}[{i}]"))
    elif isinstance(value, str):
        for what, pattern in SECRET_VALUE:
            if pattern.search(value):
                out.append(f"{where}: looks like {what}")
                break
    return out


class ConfigWithoutSecrets(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Configuration documents (SSM parameters, AppConfig) contain no secrets",
            id="CKV_AIGW_16",
            categories=[CheckCategories.SECRETS],
            supported_resources=[
                "aws_ssm_parameter",
                "aws_appconfig_hosted_configuration_version",
            ],
            guideline=guideline("CKV_AIGW_16"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        readable = False
        for key in ("value", "insecure_value", "content"):
            raw = get(conf, key)
            if raw is None or is_expression(raw):
                continue
            readable = True
            doc = load_document(raw)
            self.details.extend(secret_findings(doc if doc is not None else str(raw), key))
        if not readable:
            # Computed value: the plan-JSON scan (or an example's plan) decides.
            return CheckResult.UNKNOWN
        return CheckResult.FAILED if self.details else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["value", "insecure_value", "content"]


config_without_secrets = ConfigWithoutSecrets()
