"""Rebuild ``schemas.json`` from a checkout of OpenAI's OpenAPI document.

    python tests/contracts/openai/extract.py /path/to/openai-openapi/openapi.json

Keeps the named response schemas and every schema they reference, without prose
(``description``, examples, ``x-oaiMeta``), and the document's ``openapi`` version.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOTS = (
    "CreateChatCompletionResponse",
    "CreateChatCompletionStreamResponse",
    "CreateEmbeddingResponse",
    "ListModelsResponse",
    "Model",
    "ErrorResponse",
    "Error",
    "Response",
    "ResponseCreatedEvent",
    "ResponseInProgressEvent",
    "ResponseCompletedEvent",
    "ResponseIncompleteEvent",
    "ResponseFailedEvent",
    "ResponseOutputItemAddedEvent",
    "ResponseOutputItemDoneEvent",
    "ResponseContentPartAddedEvent",
    "ResponseContentPartDoneEvent",
    "ResponseTextDeltaEvent",
    "ResponseTextDoneEvent",
    "ResponseFunctionCallArgumentsDeltaEvent",
    "ResponseFunctionCallArgumentsDoneEvent",
    "ResponseErrorEvent",
)
PROSE = {
    "description",
    "example",
    "examples",
    "title",
    "x-oaiMeta",
    "x-stainless-const",
    "x-oaiTypeLabel",
    "x-oaiExpandable",
    "deprecated",
}
PREFIX = "#/components/schemas/"


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k not in PROSE}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = set()
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(PREFIX):
            found.add(ref[len(PREFIX) :])
        for v in node.values():
            found |= _refs(v)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node)) if node else set()
    return set()


def extract(doc: dict[str, Any]) -> dict[str, Any]:
    schemas = doc["components"]["schemas"]
    keep: dict[str, Any] = {}
    todo = list(ROOTS)
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep[name] = _strip(schemas[name])
        todo.extend(sorted(_refs(keep[name]) - set(keep)))
    return {"openapi": doc["openapi"], "components": {"schemas": dict(sorted(keep.items()))}}


if __name__ == "__main__":
    source = json.loads(Path(sys.argv[1]).read_text())
    out = Path(__file__).with_name("schemas.json")
    out.write_text(json.dumps(extract(source), indent=1, sort_keys=True) + "\n")
    print(f"wrote {out} ({len(extract(source)['components']['schemas'])} schemas)")
