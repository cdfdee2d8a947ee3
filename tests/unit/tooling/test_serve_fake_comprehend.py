"""The Comprehend stand-in of `aigw serve` (aigw.serve.fakes.comprehend): its answers
depend on the text, in the service's response shapes, over the service's wire protocol."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import given
from hypothesis import strategies as st

from aigw.serve.fakes.comprehend import ACTIONS, FakeComprehend, detect


def _sentiment(text: str) -> dict[str, Any]:
    status, doc = detect("DetectSentiment", {"Text": text, "LanguageCode": "en"})
    assert status == 200
    return doc


def test_sentiment_follows_the_words_of_the_text() -> None:
    angry = _sentiment("This is ridiculous, I am so frustrated: my order is still missing.")
    assert angry["Sentiment"] == "NEGATIVE"
    assert angry["SentimentScore"]["Negative"] > angry["SentimentScore"]["Positive"]
    assert _sentiment("Thank you, that was really helpful!")["Sentiment"] == "POSITIVE"
    assert _sentiment("The parcel is on the table.")["Sentiment"] == "NEUTRAL"
    assert _sentiment("Great product but terrible delivery.")["Sentiment"] == "MIXED"
    assert _sentiment("This is not good.")["Sentiment"] == "NEGATIVE"


def test_the_other_detect_calls_answer_in_the_service_shapes() -> None:
    _, doc = detect("DetectEntities", {"Text": "Jeff lives in Seattle", "LanguageCode": "en"})
    assert [(e["Text"], e["Type"]) for e in doc["Entities"]] == [
        ("Jeff", "PERSON"),
        ("Seattle", "LOCATION"),
    ]
    assert doc["Entities"][1]["BeginOffset"] == 14 and doc["Entities"][1]["EndOffset"] == 21
    _, doc = detect("DetectDominantLanguage", {"Text": "le chat est sur la table"})
    assert doc["Languages"][0]["LanguageCode"] == "fr"
    _, doc = detect("DetectPiiEntities", {"Text": "Mail a@b.example", "LanguageCode": "en"})
    assert doc == {
        "Entities": [{"Score": 0.99, "Type": "EMAIL", "BeginOffset": 5, "EndOffset": 16}]
    }
    _, doc = detect("DetectKeyPhrases", {"Text": "the quick brown fox", "LanguageCode": "en"})
    assert doc["KeyPhrases"][0]["Text"] == "quick brown fox"


def test_errors_are_the_services() -> None:
    assert detect("DetectSentiment", {"Text": "a", "LanguageCode": "xx"})[1]["__type"] == (
        "UnsupportedLanguageException"
    )
    assert detect("DetectSentiment", {"LanguageCode": "en"})[1]["__type"] == (
        "InvalidRequestException"
    )
    assert detect("DetectSentiment", {"Text": "é" * 50001, "LanguageCode": "en"})[1]["__type"] == (
        "TextSizeLimitExceededException"
    )
    # DetectSentiment takes 5 KB, the other detect calls 100 KB.
    long = {"Text": "a" * 5001, "LanguageCode": "en"}
    assert detect("DetectSentiment", long)[1]["__type"] == "TextSizeLimitExceededException"
    assert detect("DetectEntities", long)[0] == 200
    assert detect("Nope", {})[0] == 400


@given(
    action=st.sampled_from([*ACTIONS, "Other"]),
    request=st.one_of(
        st.none(),
        st.integers(),
        st.dictionaries(
            st.sampled_from(["Text", "LanguageCode", "x"]),
            st.one_of(st.text(max_size=60), st.integers(), st.none()),
        ),
    ),
)
def test_any_request_gets_an_answer_and_never_raises(action: str, request: Any) -> None:
    status, doc = detect(action, request)
    assert status in (200, 400)
    assert ("__type" in doc) == (status == 400)
    json.dumps(doc)


def _call(url: str, target: str, body: dict[str, Any], signed: bool = True) -> tuple[int, Any]:
    request = AWSRequest(
        method="POST",
        url=url + "/",
        data=json.dumps(body).encode(),
        headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"},
    )
    if signed:
        SigV4Auth(Credentials("a", "b"), "comprehend", "us-east-1").add_auth(request)
    req = urllib.request.Request(
        url + "/", data=request.body, headers=dict(request.headers.items()), method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_the_stand_in_speaks_json_1_1_and_refuses_unsigned_calls() -> None:
    fake = FakeComprehend().start()
    try:
        body = {"Text": "I am furious", "LanguageCode": "en"}
        status, doc = _call(fake.url, "Comprehend_20171127.DetectSentiment", body)
        assert status == 200 and doc["Sentiment"] == "NEGATIVE"
        status, doc = _call(fake.url, "Comprehend_20171127.DetectSentiment", body, signed=False)
        assert status == 403 and doc["__type"] == "MissingAuthenticationTokenException"
        status, doc = _call(fake.url, "Translate.TranslateText", body)
        assert status == 400 and doc["__type"] == "UnknownOperationException"
    finally:
        fake.close()
