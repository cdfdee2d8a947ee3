"""The proxy against the local AWS sandbox (moto's SageMaker runtime answers canned results)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from sagemaker_proxy import handler as handler_mod

pytestmark = pytest.mark.sandbox


def queue_results(endpoint: str, results: list[dict]) -> None:
    req = urllib.request.Request(
        f"{endpoint}/moto-api/static/sagemaker/endpoint-results",
        data=json.dumps({"results": results}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 201


def test_csv_request_through_the_sandbox(aws_env, proxy_env, make_event):
    queue_results(
        aws_env,
        [
            {
                "Body": "0.25\n0.75\n",
                "ContentType": "text/csv",
                "InvokedProductionVariant": "AllTraffic",
                "CustomAttributes": "",
            }
        ],
    )
    out = handler_mod.handler(
        make_event("/v1/sagemaker/churn/invocations", "5,6\n7,8\n", "text/csv"), None
    )
    assert out["statusCode"] == 200
    body = json.loads(out["body"])
    assert body["endpoint"] == "churn"
    assert body["variant"] == "AllTraffic"
    assert body["predictions"] == [0.25, 0.75]
