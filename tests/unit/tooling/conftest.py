"""Fixtures shared by the tooling tests that drive the sandbox."""

from __future__ import annotations

import boto3
import pytest


@pytest.fixture
def staged_api(aws_env):
    """A REST API with a MOCK GET on / deployed to stage ``dev``: (client, api id, deployment)."""
    apigw = boto3.client("apigateway")
    api = apigw.create_rest_api(name="aigw-staged-api")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    base = apigw.create_deployment(restApiId=api)["id"]
    apigw.create_stage(restApiId=api, stageName="dev", deploymentId=base)
    yield apigw, api, base
    apigw.delete_rest_api(restApiId=api)
