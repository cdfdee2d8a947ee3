"""A missing one-time Bedrock model access step answers with an error that names the step.

The messages are the ones Bedrock returns (AccessDeniedException for the Marketplace
subscription or a model not enabled, ResourceNotFoundException for Anthropic's missing
first-use form), with account details as Bedrock puts them.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llm_gateway.providers.bedrock_errors import map_error_code, map_exception

MARKETPLACE = (
    "Model access is denied due to IAM user or service role is not authorized to perform the "
    "required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, "
    "aws-marketplace:Subscribe) to enable access to this model. Refer to the Amazon Bedrock "
    "documentation for further details. Your AWS Marketplace subscription for this model cannot "
    "be completed at this time. If you recently fixed this issue, try again after 15 minutes."
)
MARKETPLACE_USER = (
    "Model access is denied due to User: arn:aws:sts::123456789012:assumed-role/aigw-llm/aigw-llm "
    "is not authorized to perform: aws-marketplace:ViewSubscriptions on resource: * because no "
    "identity-based policy allows the aws-marketplace:ViewSubscriptions action. Your AWS "
    "Marketplace subscription for this model cannot be completed at this time."
)
NOT_ENABLED = "You don't have access to the model with the specified model ID."
USE_CASE_FORM = (
    "Model use case details have not been submitted for this account. Fill out the Anthropic "
    "use case details form before using the model. If you have already filled out the form, "
    "try again in 15 minutes."
)
IAM_DENIED = (
    "User: arn:aws:sts::123456789012:assumed-role/aigw-llm/aigw-llm is not authorized to "
    "perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/x "
    "because no identity-based policy allows the bedrock:InvokeModel action"
)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("AccessDeniedException", MARKETPLACE),
        ("AccessDeniedException", MARKETPLACE_USER),
        ("accessDeniedException", MARKETPLACE),  # event-stream spelling
        ("AccessDeniedException", NOT_ENABLED),
        ("ResourceNotFoundException", USE_CASE_FORM),
    ],
)
def test_missing_model_access_names_the_one_time_step(code: str, message: str) -> None:
    err = map_error_code(code, message)
    body = err.to_api_error().body()["error"]
    assert (err.status, err.retryable) == (502, True)  # the router may fall back
    assert body["code"] == "upstream_model_access_required"
    assert "one-time Bedrock model access step" in body["message"]
    assert "docs/llm-gateway.md#bedrock-model-access" in body["message"]
    assert "arn:aws" not in body["message"] and "123456789012" not in body["message"]


def test_iam_denials_and_missing_models_keep_their_own_errors() -> None:
    assert map_error_code("AccessDeniedException", IAM_DENIED).code == "upstream_access_denied"
    assert map_error_code("ResourceNotFoundException", "Model not found").code == (
        "upstream_not_found"
    )
    assert map_error_code("ValidationException", MARKETPLACE).status == 400


def test_a_client_error_from_botocore_is_mapped() -> None:
    from botocore.exceptions import ClientError

    exc = ClientError(
        {"Error": {"Code": "AccessDeniedException", "Message": MARKETPLACE}}, "Converse"
    )
    assert map_exception(exc).code == "upstream_model_access_required"


@given(st.sampled_from(["AccessDeniedException", "ResourceNotFoundException", "x"]), st.text())
def test_any_message_maps_to_a_json_error(code: str, message: str) -> None:
    err = map_error_code(code, message)
    assert 400 <= err.status < 600
    json.dumps(err.to_api_error().body())
