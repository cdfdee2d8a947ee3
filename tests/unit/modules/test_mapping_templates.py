"""The VTL mapping templates of sagemaker-route and ai-service-route produce the documented JSON.

Each template is rendered by a real Velocity engine (airspeed, made to follow Velocity 1.7
where API Gateway's templates depend on it) with API Gateway's variables
(``aigw.vtl``) against sample requests and service answers, and its output parsed and
checked. Terraform's ``templatefile`` interpolation (``${var}``) is applied first, as the
modules do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aigw import vtl

ROOT = Path(__file__).resolve().parents[3]
SM = ROOT / "modules" / "sagemaker-route" / "templates"
AI = ROOT / "modules" / "ai-service-route" / "templates"


def tf_render(path: Path, **variables: object) -> str:
    """Terraform ``templatefile``: ``${name}`` interpolation (all the templates use)."""
    text = path.read_text()

    def sub(m: re.Match[str]) -> str:
        assert m.group(1) in variables, f"{path.name} needs ${{{m.group(1)}}}"
        return str(variables[m.group(1)])

    return re.sub(r"\$\{(\w+)\}", sub, text)


def render(template: str, body: object) -> str:
    raw = body if isinstance(body, str) else json.dumps(body)
    return vtl.render(template, raw)


# -- sagemaker-route ------------------------------------------------------------------------


def test_sagemaker_json_request_is_the_body_as_json():
    out = render(SM.joinpath("request_json.vtl").read_text(), {"inputs": "I 'love' it"})
    assert json.loads(out) == {"inputs": "I 'love' it"}


@pytest.mark.parametrize(
    ("instances", "csv"),
    [
        ([[1, 2.5], [3, -4]], "1,2.5\n3,-4\n"),
        ([[7]], "7\n"),
        ([[1], [2, 3, 4]], "1\n2,3,4\n"),
        ([], ""),
    ],
)
def test_sagemaker_csv_request_turns_instances_into_rows(instances, csv):
    # Velocity drops the line break that follows a directive (#end): each row's break
    # must follow text, or the rows run together ("1,2.53,-4").
    out = render(SM.joinpath("request_csv.vtl").read_text(), {"instances": instances})
    assert out == csv


def test_sagemaker_json_response_is_an_envelope():
    tpl = tf_render(SM / "response_json.vtl", route="sentiment", accept="application/json")
    out = json.loads(render(tpl, [{"label": "POSITIVE", "score": 0.9}]))
    assert out == {
        "object": "sagemaker.invocation",
        "endpoint": "sentiment",
        "content_type": "application/json",
        "predictions": [{"label": "POSITIVE", "score": 0.9}],
    }


def test_sagemaker_text_response_is_an_escaped_string():
    tpl = tf_render(SM / "response_text.vtl", route="churn", accept="text/csv")
    body = '0.9,"it\'s"\n0.1,a/b\n'
    out = json.loads(render(tpl, body))
    assert out["predictions"] == body
    assert out["endpoint"] == "churn" and out["content_type"] == "text/csv"


@pytest.mark.parametrize("folder", [SM, AI], ids=["sagemaker-route", "ai-service-route"])
def test_error_template_is_openai_shaped(folder):
    tpl = tf_render(
        folder / "error.vtl",
        message="The model returned an error.",
        type="upstream_error",
        code="model_error",
        status="502",
    )
    out = json.loads(render(tpl, {"message": "ignored"}))
    assert out == {
        "error": {
            "message": "The model returned an error.",
            "type": "upstream_error",
            "code": "model_error",
            "param": None,
        }
    }


# -- ai-service-route ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "language"),
    [({"text": 'He said "great"'}, "en"), ({"text": "gut", "language": "de"}, "de")],
)
def test_text_request(body, language):
    # Comprehend's text calls (sentiment, PII, entities, key phrases) share this template.
    tpl = tf_render(AI / "text_request.vtl", default_language="en")
    assert json.loads(render(tpl, body)) == {"Text": body["text"], "LanguageCode": language}


def test_sentiment_response():
    answer = {
        "Sentiment": "POSITIVE",
        "SentimentScore": {"Positive": 0.97, "Negative": 0.01, "Neutral": 0.015, "Mixed": 0.005},
    }
    out = json.loads(render((AI / "sentiment_response.vtl").read_text(), answer))
    assert out == {
        "sentiment": "POSITIVE",
        "scores": {"positive": 0.97, "negative": 0.01, "neutral": 0.015, "mixed": 0.005},
    }


def test_text_request_defaults_the_language():
    tpl = tf_render(AI / "text_request.vtl", default_language="es")
    assert json.loads(render(tpl, {"text": "hola"})) == {"Text": "hola", "LanguageCode": "es"}


@pytest.mark.parametrize(
    "entities",
    [
        [],
        [
            {"Type": "EMAIL", "Score": 0.99, "BeginOffset": 3, "EndOffset": 20},
            {"Type": "NAME", "Score": 0.8, "BeginOffset": 25, "EndOffset": 30},
        ],
    ],
)
def test_pii_response(entities):
    out = json.loads(render((AI / "pii_response.vtl").read_text(), {"Entities": entities}))
    assert out == {
        "entities": [
            {
                "type": e["Type"],
                "score": e["Score"],
                "begin": e["BeginOffset"],
                "end": e["EndOffset"],
            }
            for e in entities
        ]
    }


@pytest.mark.parametrize(
    ("body", "source"),
    [
        ({"text": "hello", "target_language": "fr"}, "auto"),
        ({"text": "hello", "target_language": "fr", "source_language": "en"}, "en"),
    ],
)
def test_translate_request(body, source):
    tpl = tf_render(AI / "translate_request.vtl")
    assert json.loads(render(tpl, body)) == {
        "Text": "hello",
        "SourceLanguageCode": source,
        "TargetLanguageCode": "fr",
    }


def test_translate_response():
    answer = {"TranslatedText": "l'été", "SourceLanguageCode": "en", "TargetLanguageCode": "fr"}
    out = json.loads(render((AI / "translate_response.vtl").read_text(), answer))
    assert out == {"text": "l'été", "source_language": "en", "target_language": "fr"}


@pytest.mark.parametrize(
    ("body", "max_labels", "min_confidence"),
    [
        ({"image": "aGVsbG8="}, 10, 55),
        ({"image": "aGVsbG8=", "max_labels": 3, "min_confidence": 80.5}, 3, 80.5),
    ],
)
def test_labels_request(body, max_labels, min_confidence):
    tpl = tf_render(
        AI / "labels_request.vtl",
        max_labels=10,
        min_confidence=55,
        bucket="",
        key_prefix="",
        tenant_key="tenant",
    )
    assert json.loads(render(tpl, body)) == {
        "Image": {"Bytes": "aGVsbG8="},
        "MaxLabels": max_labels,
        "MinConfidence": min_confidence,
    }


def test_labels_response():
    answer = {
        "Labels": [
            {"Name": "Dog", "Confidence": 98.1, "Parents": [{"Name": "Pet"}, {"Name": "Animal"}]},
            {"Name": 'Jack\'s "toy"', "Confidence": 60.0, "Parents": []},
        ]
    }
    out = json.loads(render((AI / "labels_response.vtl").read_text(), answer))
    assert out == {
        "labels": [
            {"name": "Dog", "confidence": 98.1, "parents": ["Pet", "Animal"]},
            {"name": 'Jack\'s "toy"', "confidence": 60.0, "parents": []},
        ]
    }


# -- any text a client or a service sends stays a JSON string -------------------------------

ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)


@settings(max_examples=80, deadline=None)
@given(ANY_TEXT)
def test_sagemaker_text_response_carries_any_text(body):
    tpl = tf_render(SM / "response_text.vtl", route="r", accept="text/csv")
    assert json.loads(render(tpl, body))["predictions"] == body


@settings(max_examples=80, deadline=None)
@given(st.lists(ANY_TEXT, min_size=1, max_size=3), ANY_TEXT)
def test_labels_response_carries_any_names(names, parent):
    answer = {
        "Labels": [{"Name": n, "Confidence": 1.5, "Parents": [{"Name": parent}]} for n in names]
    }
    out = json.loads(render((AI / "labels_response.vtl").read_text(), answer))
    assert [label["name"] for label in out["labels"]] == names
    assert all(label["parents"] == [parent] for label in out["labels"])


@settings(max_examples=80, deadline=None)
@given(ANY_TEXT)
def test_text_requests_carry_any_text(text):
    tpl = tf_render(AI / "text_request.vtl", default_language="en")
    assert json.loads(render(tpl, {"text": text}))["Text"] == text
    tpl = tf_render(AI / "translate_request.vtl")
    out = json.loads(render(tpl, {"text": text, "target_language": "fr"}))
    assert out["Text"] == text


def test_every_template_is_covered():
    tested = {
        "sagemaker-route": {
            "request_json",
            "request_csv",
            "response_json",
            "response_text",
            "error",
        },
        "ai-service-route": {
            "error",
            "text_request",
            *(f"{s}_response" for s in ("sentiment", "pii")),
            *(f"{s}_{d}" for s in ("translate", "labels") for d in ("request", "response")),
            # test_ai_service_templates.py
            *(f"{s}_response" for s in ("entities", "key_phrases")),
            *(
                f"{s}_{d}"
                for s in ("language", "document", "image_text", "moderation")
                for d in ("request", "response")
            ),
            "speech_request",
            # tests/unit/tooling/test_serve_stage_cache.py: the GET variants' templates
            *(f"{s}_query_request" for s in ("text", "translate", "language")),
        },
    }
    for folder, names in ((SM, tested["sagemaker-route"]), (AI, tested["ai-service-route"])):
        assert {p.stem for p in folder.glob("*.vtl")} == names, folder
