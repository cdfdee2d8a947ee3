"""A local stand-in for Amazon Comprehend's detect calls.

The sandbox (moto 5.2.5) answers ``DetectSentiment`` with a fixed ``NEUTRAL`` whatever
the text and does not implement ``DetectEntities`` or ``DetectDominantLanguage``, so a
route's answer could not depend on what was sent. This stand-in answers the five detect
calls the project's routes make, deterministically, from small lexicons and patterns:

- ``DetectSentiment``: counts positive and negative words of the first 500 characters
  (the service's rule; a negation flips the next word); more positive → ``POSITIVE``,
  more negative → ``NEGATIVE``, both → ``MIXED``, none → ``NEUTRAL``; the four scores
  sum to 1.
- ``DetectEntities``: e-mail-less runs of capitalised words (``PERSON`` after a title or
  first name of the lexicon, ``LOCATION`` for known places, else ``ORGANIZATION``), dates
  and quantities.
- ``DetectKeyPhrases``: runs of words between stop words.
- ``DetectDominantLanguage``: the language whose stop words the text uses most.
- ``DetectPiiEntities``: e-mail addresses, phone numbers, names of the lexicon.

It is **not** Comprehend: the lexicons are small and English first. Wire protocol as the
service's: ``POST /`` with ``Content-Type: application/x-amz-json-1.1``,
``X-Amz-Target: Comprehend_20171127.<Action>``, a SigV4 ``Authorization`` header whose
credential scope names ``comprehend``; errors as JSON 1.1 errors (``__type``,
``message``) with the service's names (``TextSizeLimitExceededException``,
``UnsupportedLanguageException``, ``InvalidRequestException``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any

from aigw.serve.fakes.translate import FakeTranslate, _Handler

PREFIX = "Comprehend_20171127."
# Languages each call accepts (the service's documentation; DetectDominantLanguage none).
SENTIMENT_LANGUAGES = {"ar", "hi", "ko", "zh-TW", "ja", "zh", "de", "pt", "en", "it", "fr", "es"}
PII_LANGUAGES = {"en", "es"}
# The documented limits, UTF-8 bytes: DetectSentiment 5 KB, the other detect calls 100 KB.
MAX_TEXT_BYTES = {"DetectSentiment": 5000}
DEFAULT_MAX_TEXT_BYTES = 100000
SENTIMENT_CHARS = 500  # DetectSentiment analyses the first 500 characters only
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/comprehend/aws4_request")

POSITIVE = frozenset(
    "good great excellent love loved lovely thanks thank thankful grateful happy glad "
    "wonderful amazing awesome perfect helpful appreciate appreciated pleased fantastic "
    "nice brilliant delighted superb enjoy enjoyed recommend resolved quick kind".split()
)
NEGATIVE = frozenset(
    "bad terrible awful hate hated angry furious frustrated frustrating annoyed annoying "
    "useless broken worst horrible disappointed disappointing unacceptable ridiculous "
    "slow never waste wasted fail failed failing problem problems rude refund cancel "
    "upset poor wrong missing lost damaged".split()
)
NEGATIONS = frozenset("not no never isn't wasn't don't doesn't didn't can't won't".split())
STOP_WORDS = {
    "en": frozenset(
        "the a an and or of to in on at for with is are was were be been it this that i "
        "you he she we they my your our their me him her us them not no by from as".split()
    ),
    "fr": frozenset(
        "le la les un une et ou de des du à en est sont je tu il elle nous vous".split()
    ),
    "de": frozenset(
        "der die das ein eine und oder von zu ist sind ich du er sie wir ihr nicht".split()
    ),
    "es": frozenset("el la los las un una y o de del en es son yo tú él ella nosotros no".split()),
    "it": frozenset("il lo la gli le un una e o di da in è sono io tu lui lei noi voi non".split()),
    "pt": frozenset("o a os as um uma e ou de do da em é são eu tu ele ela nós não".split()),
}
TITLES = frozenset("mr mrs ms dr prof sir".split())
FIRST_NAMES = frozenset(
    "john jane jeff mary maria james anna david sarah michael emma paul alice bob".split()
)
PLACES = frozenset(
    "seattle london paris berlin madrid rome lisbon tokyo dublin new york amsterdam".split()
)
_WORD = re.compile(r"[A-Za-zÀ-ÿ']+")
_CAPITALISED = re.compile(r"\b[A-Z][a-zÀ-ÿ]+(?:\s+[A-Z][a-zÀ-ÿ]+)*")
_DATE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"today|tomorrow|yesterday))\b"
)
_QUANTITY = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:%|kg|km|items?|days?|hours?|dollars?|euros?)?")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_PHONE = re.compile(r"(?<!\w)\+?\d[\d\s().-]{5,}\d\b")

Answer = tuple[int, dict[str, Any]]


def _error(status: int, kind: str, message: str) -> Answer:
    return status, {"__type": kind, "message": message}


def _words(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(text))


def sentiment(text: str) -> dict[str, Any]:
    pos = neg = 0
    negate = False
    for m in _words(text[:SENTIMENT_CHARS]):
        word = m.group().lower()
        if word in NEGATIONS:
            negate = True
            continue
        if word in POSITIVE or word in NEGATIVE:
            positive = (word in POSITIVE) != negate
            pos, neg = (pos + 1, neg) if positive else (pos, neg + 1)
        negate = False
    if pos and neg:
        label = "MIXED"
    elif pos or neg:
        label = "POSITIVE" if pos else "NEGATIVE"
    else:
        label = "NEUTRAL"
    total = pos + neg + 1
    scores = {
        "Positive": pos / total * (0.5 if label == "MIXED" else 1),
        "Negative": neg / total * (0.5 if label == "MIXED" else 1),
        "Mixed": 0.5 * (pos + neg) / total if label == "MIXED" else 0.0,
    }
    scores["Neutral"] = max(0.0, 1.0 - sum(scores.values()))
    return {"Sentiment": label, "SentimentScore": {k: round(v, 6) for k, v in scores.items()}}


def entities(text: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = []
    for m in _CAPITALISED.finditer(text):
        words = m.group().lower().split()
        before = text[: m.start()].split()
        if words[0] in TITLES or words[0] in FIRST_NAMES:
            kind = "PERSON"
        elif any(w in PLACES for w in words):
            kind = "LOCATION"
        elif before and before[-1].lower().rstrip(".") in TITLES:
            kind = "PERSON"
        elif m.start() == 0 or text[: m.start()].rstrip().endswith((".", "!", "?")):
            continue  # a capital that only starts a sentence
        else:
            kind = "ORGANIZATION"
        found.append(_span(m, kind, 0.9))
    dates = [_span(m, "DATE", 0.8) for m in _DATE.finditer(text)]
    found += dates
    found += [
        _span(m, "QUANTITY", 0.8)
        for m in _QUANTITY.finditer(text)
        if m.group().strip()
        and not any(d["BeginOffset"] <= m.start() < d["EndOffset"] for d in dates)
    ]
    found.sort(key=lambda e: e["BeginOffset"])
    return {"Entities": [{**e, "Text": text[e["BeginOffset"] : e["EndOffset"]]} for e in found]}


def key_phrases(text: str) -> dict[str, Any]:
    stop = STOP_WORDS["en"] | NEGATIONS
    phrases, run = [], []
    for m in [*_words(text), None]:
        if m is not None and m.group().lower() not in stop:
            run.append(m)
            continue
        if run:
            begin, end = run[0].start(), run[-1].end()
            phrases.append({"Score": 0.9, "Text": text[begin:end], "BeginOffset": begin})
            phrases[-1]["EndOffset"] = end
        run = []
    return {"KeyPhrases": phrases}


def dominant_language(text: str) -> dict[str, Any]:
    words = [m.group().lower() for m in _words(text)]
    counts = {lang: sum(w in stop for w in words) for lang, stop in STOP_WORDS.items()}
    total = sum(counts.values())
    if not total:
        return {"Languages": [{"LanguageCode": "en", "Score": 0.5}]}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "Languages": [
            {"LanguageCode": lang, "Score": round(n / total, 6)} for lang, n in ranked if n
        ]
    }


def pii(text: str) -> dict[str, Any]:
    found = [_span(m, "EMAIL", 0.99) for m in _EMAIL.finditer(text)]
    found += [_span(m, "PHONE", 0.95) for m in _PHONE.finditer(text)]
    found += [_span(m, "NAME", 0.9) for m in _words(text) if m.group().lower() in FIRST_NAMES]
    found.sort(key=lambda e: e["BeginOffset"])
    return {"Entities": found}


def _span(m: re.Match[str], kind: str, score: float) -> dict[str, Any]:
    text = m.group()
    begin = m.start() + len(text) - len(text.lstrip())
    end = m.end() - (len(text) - len(text.rstrip()))
    return {"Score": score, "Type": kind, "BeginOffset": begin, "EndOffset": end}


# Action -> (the call, the languages it accepts; None: it takes no LanguageCode).
ACTIONS: dict[str, tuple[Callable[[str], dict[str, Any]], set[str] | None]] = {
    "DetectSentiment": (sentiment, SENTIMENT_LANGUAGES),
    "DetectEntities": (entities, SENTIMENT_LANGUAGES),
    "DetectKeyPhrases": (key_phrases, SENTIMENT_LANGUAGES),
    "DetectPiiEntities": (pii, PII_LANGUAGES),
    "DetectDominantLanguage": (dominant_language, None),
}


def detect(action: str, request: Any) -> Answer:
    """The stand-in's answer to one call: (status, JSON document)."""
    if action not in ACTIONS:
        return _error(400, "UnknownOperationException", f"unknown operation {action!r}")
    if not isinstance(request, dict):
        return _error(400, "SerializationException", "the body is not a JSON object")
    call, languages = ACTIONS[action]
    text = request.get("Text")
    if not isinstance(text, str) or not text:
        return _error(400, "InvalidRequestException", "Text is required and not empty")
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES.get(action, DEFAULT_MAX_TEXT_BYTES):
        return _error(400, "TextSizeLimitExceededException", "Input text size exceeds limit")
    if languages is not None:
        language = request.get("LanguageCode")
        if not isinstance(language, str) or not language:
            return _error(400, "InvalidRequestException", "LanguageCode is required")
        if language not in languages:
            return _error(400, "UnsupportedLanguageException", f"Unsupported language: {language}")
    return 200, call(text)


class _ComprehendHandler(_Handler):
    server_version = "aigw-fake-comprehend"

    def do_POST(self) -> None:
        call = self._signed_call(_SCOPE, PREFIX)
        if call is None:
            return
        action, _, request = call
        self._answer(*detect(action, request))

    do_GET = do_PUT = do_DELETE = do_POST


class FakeComprehend(FakeTranslate):
    """The stand-in on a loopback port, in a daemon thread; ``url`` is its endpoint."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.httpd = ThreadingHTTPServer((host, port), _ComprehendHandler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
