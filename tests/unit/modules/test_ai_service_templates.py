"""Mapping templates of the opt-in ai-service-route services produce the documented JSON.

Service requests are compared with the request syntax of each API reference (Comprehend
DetectEntities / DetectKeyPhrases / DetectDominantLanguage, Textract DetectDocumentText,
Rekognition DetectText / DetectModerationLabels, Polly SynthesizeSpeech); service answers
are samples in each reference's response syntax. Rendered as in test_mapping_templates.py:
Terraform's ``templatefile`` interpolation first, then Velocity (airspeed) with API
Gateway's variables.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_mapping_templates import AI, render, tf_render

# The request templates of the media routes also take the upload variables; "" turns the
# S3 branch off (test_ai_service_upload_templates.py renders it on).
NO_UPLOADS = {"bucket": "", "key_prefix": "", "tenant_key": "tenant"}
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)


def rendered(name: str, body: object, **variables: object) -> object:
    path = AI / f"{name}.vtl"
    tpl = tf_render(path, **variables) if variables else path.read_text()
    return json.loads(render(tpl, body))


# -- Comprehend ---------------------------------------------------------------------------


def test_entities_request_is_the_shared_text_request():
    body = {"text": "Ana flew to Lisbon", "language": "pt"}
    assert rendered("text_request", body, default_language="en") == {
        "Text": "Ana flew to Lisbon",
        "LanguageCode": "pt",
    }


def test_entities_response():
    answer = {
        "Entities": [
            {"BeginOffset": 0, "EndOffset": 3, "Score": 0.99, "Text": "Ana", "Type": "PERSON"},
            {
                "BeginOffset": 12,
                "EndOffset": 18,
                "Score": 0.97,
                "Text": "Lisbon",
                "Type": "LOCATION",
            },
        ]
    }
    assert rendered("entities_response", answer) == {
        "entities": [
            {"text": "Ana", "type": "PERSON", "score": 0.99, "begin": 0, "end": 3},
            {"text": "Lisbon", "type": "LOCATION", "score": 0.97, "begin": 12, "end": 18},
        ]
    }


def test_entities_response_without_entities():
    assert rendered("entities_response", {"Entities": []}) == {"entities": []}


def test_key_phrases_response():
    answer = {
        "KeyPhrases": [
            {"BeginOffset": 4, "EndOffset": 16, "Score": 0.9, "Text": 'the "big" dog'},
            {"BeginOffset": 20, "EndOffset": 27, "Score": 0.8, "Text": "Jack's"},
        ]
    }
    assert rendered("key_phrases_response", answer) == {
        "key_phrases": [
            {"text": 'the "big" dog', "score": 0.9, "begin": 4, "end": 16},
            {"text": "Jack's", "score": 0.8, "begin": 20, "end": 27},
        ]
    }


def test_language_request_sends_only_the_text():
    assert rendered("language_request", {"text": "Bonjour à tous"}) == {"Text": "Bonjour à tous"}


def test_language_response():
    answer = {
        "Languages": [{"LanguageCode": "fr", "Score": 0.98}, {"LanguageCode": "en", "Score": 0.01}]
    }
    assert rendered("language_response", answer) == {
        "languages": [{"language": "fr", "score": 0.98}, {"language": "en", "score": 0.01}]
    }


# -- Textract -----------------------------------------------------------------------------


def test_document_request():
    assert rendered("document_request", {"document": "aGVsbG8="}, **NO_UPLOADS) == {
        "Document": {"Bytes": "aGVsbG8="}
    }


def test_document_response_keeps_the_lines_only():
    answer = {
        "DocumentMetadata": {"Pages": 1},
        "Blocks": [
            {"BlockType": "PAGE", "Id": "p1", "Confidence": 99.9},
            {"BlockType": "LINE", "Id": "l1", "Text": "Invoice 42", "Confidence": 99.5},
            {"BlockType": "WORD", "Id": "w1", "Text": "Invoice", "Confidence": 99.6},
            {"BlockType": "WORD", "Id": "w2", "Text": "42", "Confidence": 99.4},
            {"BlockType": "LINE", "Id": "l2", "Text": 'Total: "12 €"', "Confidence": 97.25},
            {"BlockType": "WORD", "Id": "w3", "Text": "Total:", "Confidence": 97.0},
        ],
        "DetectDocumentTextModelVersion": "1.0",
    }
    assert rendered("document_response", answer) == {
        "pages": 1,
        "lines": [
            {"text": "Invoice 42", "confidence": 99.5},
            {"text": 'Total: "12 €"', "confidence": 97.25},
        ],
    }


def test_document_response_of_a_blank_page():
    answer = {"DocumentMetadata": {"Pages": 1}, "Blocks": [{"BlockType": "PAGE", "Id": "p1"}]}
    assert rendered("document_response", answer) == {"pages": 1, "lines": []}


# -- Rekognition --------------------------------------------------------------------------


def test_image_text_request():
    assert rendered("image_text_request", {"image": "aGVsbG8="}, **NO_UPLOADS) == {
        "Image": {"Bytes": "aGVsbG8="}
    }


def test_image_text_response():
    answer = {
        "TextDetections": [
            {"DetectedText": "STOP", "Type": "LINE", "Id": 0, "Confidence": 99.1},
            {"DetectedText": "STOP", "Type": "WORD", "Id": 1, "ParentId": 0, "Confidence": 99.0},
        ],
        "TextModelVersion": "3.0",
    }
    assert rendered("image_text_response", answer) == {
        "detections": [
            {"text": "STOP", "type": "LINE", "confidence": 99.1},
            {"text": "STOP", "type": "WORD", "confidence": 99.0},
        ]
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"image": "aGVsbG8="}, {"Image": {"Bytes": "aGVsbG8="}}),
        (
            {"image": "aGVsbG8=", "min_confidence": 75.5},
            {"Image": {"Bytes": "aGVsbG8="}, "MinConfidence": 75.5},
        ),
    ],
)
def test_moderation_request(body, expected):
    # Without min_confidence the service applies its own default (50).
    assert rendered("moderation_request", body, **NO_UPLOADS) == expected


def test_moderation_response():
    answer = {
        "ModerationLabels": [
            {"Confidence": 91.2, "Name": "Violence", "ParentName": "", "TaxonomyLevel": 1},
            {"Confidence": 88.0, "Name": "Weapons", "ParentName": "Violence", "TaxonomyLevel": 2},
        ],
        "ModerationModelVersion": "7.0",
    }
    assert rendered("moderation_response", answer) == {
        "labels": [
            {"name": "Violence", "parent": "", "confidence": 91.2},
            {"name": "Weapons", "parent": "Violence", "confidence": 88.0},
        ]
    }


# -- Polly --------------------------------------------------------------------------------

SPEECH_DEFAULTS = {"voice": "Joanna", "engine": "neural", "format": "mp3"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"text": "Hello"},
            {
                "Text": "Hello",
                "TextType": "text",
                "VoiceId": "Joanna",
                "Engine": "neural",
                "OutputFormat": "mp3",
            },
        ),
        (
            {
                "text": '<speak>Say "hi" <break time="1s"/></speak>',
                "text_type": "ssml",
                "voice": "Hans",
                "engine": "standard",
                "format": "ogg_vorbis",
            },
            {
                "Text": '<speak>Say "hi" <break time="1s"/></speak>',
                "TextType": "ssml",
                "VoiceId": "Hans",
                "Engine": "standard",
                "OutputFormat": "ogg_vorbis",
            },
        ),
    ],
)
def test_speech_request(body, expected):
    assert rendered("speech_request", body, **SPEECH_DEFAULTS) == expected


# -- any text a client or a service sends stays a JSON string -------------------------------


@settings(max_examples=60, deadline=None)
@given(ANY_TEXT)
def test_new_requests_carry_any_text(text):
    assert rendered("language_request", {"text": text})["Text"] == text
    assert rendered("speech_request", {"text": text}, **SPEECH_DEFAULTS)["Text"] == text


@settings(max_examples=60, deadline=None)
@given(st.lists(ANY_TEXT.filter(bool), min_size=1, max_size=3))
def test_new_responses_carry_any_text(texts):
    entities = {
        "Entities": [
            {"BeginOffset": 0, "EndOffset": 1, "Score": 0.5, "Text": t, "Type": "OTHER"}
            for t in texts
        ]
    }
    assert [e["text"] for e in rendered("entities_response", entities)["entities"]] == texts
    phrases = {
        "KeyPhrases": [{"BeginOffset": 0, "EndOffset": 1, "Score": 0.5, "Text": t} for t in texts]
    }
    assert [p["text"] for p in rendered("key_phrases_response", phrases)["key_phrases"]] == texts
    blocks = {
        "DocumentMetadata": {"Pages": 1},
        "Blocks": [{"BlockType": "LINE", "Text": t, "Confidence": 50.0} for t in texts],
    }
    assert [line["text"] for line in rendered("document_response", blocks)["lines"]] == texts
    detections = {
        "TextDetections": [{"DetectedText": t, "Type": "LINE", "Confidence": 50.0} for t in texts]
    }
    assert [d["text"] for d in rendered("image_text_response", detections)["detections"]] == texts
    labels = {"ModerationLabels": [{"Name": t, "ParentName": t, "Confidence": 50.0} for t in texts]}
    out = rendered("moderation_response", labels)["labels"]
    assert [(x["name"], x["parent"]) for x in out] == [(t, t) for t in texts]
