"""Terraform against the corrected sandbox (aigw.moto_corrections): method settings on a
multi-segment resource path and a REST API's binary media types apply, read back as
configured, and re-plan with no changes."""

from __future__ import annotations

import pytest
from harness import ROOT, TerraformRoot

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]

FIXTURE = ROOT / "tests" / "integration" / "fixtures" / "sandbox_corrections"


def test_method_settings_and_binary_media_types_apply_without_drift(moto_endpoint, tmp_path):
    root = TerraformRoot(FIXTURE, tmp_path / "work", moto_endpoint)
    root.init()
    try:
        root.apply()
        changes = root.plan_changes()
        assert changes == "", f"the sandbox drifts from what was applied:\n{changes}"
        out = root.outputs()
        assert out["method_paths"] == {
            "plain": "v1/cached/translate/GET",
            "escaped": "~1v1~1cached~1translate/GET",
        }
        state = root._state()
        types = [
            r["instances"][0]["attributes"]["binary_media_types"]
            for r in state["resources"]
            if r["type"] == "aws_api_gateway_rest_api"
        ]
        assert types == [["audio/mpeg", "audio/ogg"]]
        settings = {
            i["index_key"]: i["attributes"]["settings"][0]
            for r in state["resources"]
            if r["type"] == "aws_api_gateway_method_settings"
            for i in r["instances"]
        }
        assert set(settings) == {"plain", "escaped"}
        for s in settings.values():
            assert (s["caching_enabled"], s["cache_ttl_in_seconds"]) == (True, 120)
            assert (s["throttling_rate_limit"], s["throttling_burst_limit"]) == (5, 10)
    finally:
        destroyed = root.destroy()
        root.cleanup()
    assert destroyed.returncode == 0, destroyed.stdout[-3000:] + destroyed.stderr
