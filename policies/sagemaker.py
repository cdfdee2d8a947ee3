"""Checks on SageMaker endpoint configurations (CKV_AIGW_18)."""

from __future__ import annotations

import re
from typing import Any

from aigw_common import blocks, get, guideline, is_expression
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

# Instance types with local (NVMe) instance storage, which SageMaker encrypts in hardware:
# CreateEndpointConfig fails when KmsKeyId is set for them (SageMaker API reference,
# CreateEndpointConfig.KmsKeyId). The `d` variants (ml.m5d, ml.c5d, ml.r5d, ml.m6gd,
# ml.g4dn, ml.p4d, ml.p4de, ...) match D_VARIANT; these families carry instance store in
# every size. modules/sagemaker-route keeps the same list (locals.instance_storage_families).
INSTANCE_STORAGE_FAMILIES = ("dl1", "g5", "g6", "g6e", "p5", "p5e", "p5en", "trn1", "trn1n", "trn2")
D_VARIANT = re.compile(r"^[a-z]+[0-9]+[a-z]*d[a-z]*$")
INSTANCE_TYPE = re.compile(r"^ml\.([a-z0-9-]+)\.[a-z0-9-]+$")


def has_instance_storage(instance_type: str) -> bool:
    match = INSTANCE_TYPE.match(instance_type)
    if not match:
        return False
    family = match.group(1)
    return family in INSTANCE_STORAGE_FAMILIES or bool(D_VARIANT.match(family))


class EndpointKeyOnlyWithEbsVolumes(BaseResourceCheck):
    """CKV_AIGW_18: no KMS key on endpoint configs of instance types with instance storage."""

    def __init__(self) -> None:
        super().__init__(
            name="SageMaker endpoint configurations set no kms_key_arn for instance types "
            "with local instance storage",
            id="CKV_AIGW_18",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_sagemaker_endpoint_configuration"],
            guideline=guideline("CKV_AIGW_18"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = []
        if not get(conf, "kms_key_arn"):
            return CheckResult.PASSED
        unresolved = False
        for key in ("production_variants", "shadow_production_variants"):
            for variant in blocks(conf, key):
                instance_type = get(variant, "instance_type")
                if not instance_type:
                    continue  # serverless variant
                if is_expression(instance_type):
                    unresolved = True
                elif has_instance_storage(str(instance_type)):
                    name = get(variant, "variant_name") or "?"
                    self.details.append(
                        f"{key} {name}: {instance_type} has local instance storage, and "
                        "CreateEndpointConfig fails with kms_key_arn set"
                    )
        if self.details:
            return CheckResult.FAILED
        return CheckResult.UNKNOWN if unresolved else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["kms_key_arn", "production_variants", "shadow_production_variants"]


endpoint_key_only_with_ebs_volumes = EndpointKeyOnlyWithEbsVolumes()
