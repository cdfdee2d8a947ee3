"""The API's edge in the sandbox: gateway-core's custom domain (TLS 1.2, base path mapping)
and its Route 53 alias record apply, read back from the APIs, re-plan clean and destroy.

moto only: a real account needs an issued ACM certificate for a name it owns, which a
throwaway run does not have (docs/edge.md says what is checked where).
"""

from __future__ import annotations

import pytest
from harness import ROOT, TerraformRoot

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]

FIXTURE = ROOT / "tests" / "integration" / "fixtures" / "edge_domain"


def test_custom_domain_and_alias_record_apply_and_destroy(sandbox_target, tmp_path):
    if sandbox_target.is_aws:
        pytest.skip("AIGW_SANDBOX=aws: needs an issued ACM certificate for a domain you own")
    root = TerraformRoot(FIXTURE, tmp_path / "work", sandbox_target.endpoint, target=sandbox_target)
    root.init()
    try:
        root.apply()
        out = root.outputs()
        domain = out["domain"]
        assert isinstance(domain, dict)
        name = domain["domain_name"]
        apigw = sandbox_target.client("apigateway")
        got = apigw.get_domain_name(domainName=name)
        assert got["securityPolicy"] == "TLS_1_2"
        assert got["endpointConfiguration"]["types"] == ["REGIONAL"]
        assert got["regionalCertificateArn"] == domain["certificate_arn"]
        mappings = apigw.get_base_path_mappings(domainName=name)["items"]
        assert mappings == [{"basePath": "ai", "restApiId": out["rest_api_id"], "stage": "v1"}]
        assert out["domain_url"] == f"https://{name}/ai"

        records = sandbox_target.client("route53").list_resource_record_sets(
            HostedZoneId=out["zone_id"]
        )["ResourceRecordSets"]
        alias = [r for r in records if r["Type"] == "A" and r["Name"].rstrip(".") == name]
        assert len(alias) == 1, records
        assert alias[0]["AliasTarget"]["DNSName"].rstrip(".") == out["domain_regional_domain_name"]
        assert alias[0]["AliasTarget"]["HostedZoneId"] == got["regionalHostedZoneId"]

        drift = root.plan_changes()
        assert drift == "", f"re-plan after apply must show no changes:\n{drift}"
    finally:
        snapshot = root.snapshot_state()
        destroyed = root.destroy()
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert root.state_resources() == []
    assert root.leftovers(snapshot) == []
