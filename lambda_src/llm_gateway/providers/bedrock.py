"""The ``bedrock`` provider: Converse / ConverseStream / InvokeModel through boto3.

The mapping both ways is ``converse.py`` (pure functions), the error mapping
``bedrock_errors.py``; :class:`BedrockProvider` adds the client, with SDK retries off
(the router owns retries and fallback). botocore fixes timeouts per client, so each
call uses a client whose connect and read timeouts fit the time left for the attempt:
the configured values when they fit, else the time left rounded down to a step of
:data:`TIMEOUT_STEPS_S` (clients are cached per region, endpoint and timeouts, so at
most one per step).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator

from llm_gateway.config import ProviderConfig, Target
from llm_gateway.providers import base
from llm_gateway.providers.bedrock_errors import map_exception
from llm_gateway.providers.converse import from_converse, stream_to_chunks, to_converse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# --------------------------------------------------------------------------- client

# Geography prefixes of cross-region inference profile ids (us.anthropic.claude-...).
_PROFILE_PREFIX = re.compile(r"^(?:us|eu|apac|jp|au|ca|us-gov|global)\.(?=[a-z0-9-]+\.)")
_clients: dict[tuple[Any, ...], Any] = {}
_clients_lock = threading.Lock()
TIMEOUT_STEPS_S = (0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 7, 10, 15, 20, 25, 30, 45, 60)
TIMEOUT_STEPS_S += (90, 120, 180, 300, 450, 600, 900)


def fit_timeout(configured_s: float, left_s: float) -> float:
    """The configured timeout if the attempt has that long, else the largest step that
    does not exceed the time left (the smallest step when even that is too long)."""
    if configured_s <= left_s:
        return configured_s
    fitting = [s for s in TIMEOUT_STEPS_S if s <= left_s]
    return fitting[-1] if fitting else TIMEOUT_STEPS_S[0]


def client_for(config: ProviderConfig, left_s: float | None = None) -> Any:
    """The runtime client for ``config`` whose timeouts fit ``left_s`` seconds."""
    connect = config.connect_timeout_ms / 1000
    read = config.read_timeout_ms / 1000
    if left_s is not None:
        connect, read = fit_timeout(connect, left_s), fit_timeout(read, left_s)
    key = (config.region, config.endpoint_url, connect, read)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client(
                "bedrock-runtime",
                region_name=config.region,
                endpoint_url=config.endpoint_url,
                config=Config(
                    connect_timeout=connect,
                    read_timeout=read,
                    retries={"total_max_attempts": 1, "mode": "standard"},
                    tcp_keepalive=True,
                ),
            )
            _clients[key] = client
    return client


def _guard(events: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    try:
        yield from events
    except base.ProviderError:
        raise
    except Exception as exc:  # noqa: BLE001 - every SDK failure maps to a ProviderError
        raise map_exception(exc) from None


class BedrockProvider:
    def __init__(self, config: ProviderConfig) -> None:
        self.config = config

    def client(self, timeout: float) -> Any:
        return client_for(self.config, timeout)

    def chat(self, target: Target, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        kwargs = to_converse(request, target)
        try:
            resp = self.client(timeout).converse(**kwargs)
        except Exception as exc:  # noqa: BLE001
            raise map_exception(exc) from None
        return from_converse(resp)

    def chat_stream(
        self, target: Target, request: dict[str, Any], timeout: float
    ) -> Iterator[dict[str, Any]]:
        kwargs = to_converse(request, target)
        try:
            resp = self.client(timeout).converse_stream(**kwargs)
        except Exception as exc:  # noqa: BLE001
            raise map_exception(exc) from None
        return stream_to_chunks(_guard(resp["stream"]))

    def count_tokens(self, target: Target, request: dict[str, Any], timeout: float) -> int:
        """The input tokens of a chat request (CountTokens, for the models that support
        it; Bedrock answers ValidationException for the others). CountTokens takes
        foundation-model ids: a cross-region inference profile id is counted on its model."""
        kwargs = to_converse(request, target)
        body = {k: kwargs[k] for k in ("messages", "system", "toolConfig") if k in kwargs}
        model = _PROFILE_PREFIX.sub("", target.model)
        try:
            resp = self.client(timeout).count_tokens(modelId=model, input={"converse": body})
            return int(resp["inputTokens"])
        except (KeyError, TypeError, ValueError):
            raise base.upstream_unavailable(
                "The upstream provider returned a malformed response."
            ) from None
        except Exception as exc:  # noqa: BLE001
            raise map_exception(exc) from None

    def embed(
        self, target: Target, inputs: list[str], dimensions: int | None, timeout: float
    ) -> tuple[list[list[float]], int]:
        model = target.model
        try:
            if "cohere." in model:
                body = {"texts": inputs, "input_type": "search_document"}
                doc = self._invoke(model, body, timeout)
                vectors = doc["embeddings"]
                if isinstance(vectors, dict):
                    vectors = vectors.get("float")
                tokens = sum(base.rough_tokens(t) for t in inputs)
                out = [[float(x) for x in v] for v in vectors]
            elif "titan-embed" in model:
                out, tokens = [], 0
                for text in inputs:
                    body: dict[str, Any] = {"inputText": text}
                    if dimensions and "v2" in model:
                        body["dimensions"] = dimensions
                    doc = self._invoke(model, body, timeout)
                    out.append([float(x) for x in doc["embedding"]])
                    tokens += int(doc.get("inputTextTokenCount") or 0)
            else:
                raise base.ProviderError(
                    400,
                    f"Embedding model family of {model!r} is not supported on Bedrock "
                    "(supported: amazon.titan-embed-*, cohere.embed-*).",
                    "unsupported_model",
                    False,
                )
        except (KeyError, TypeError, ValueError):
            raise base.upstream_unavailable(
                "The upstream provider returned a malformed response."
            ) from None
        if len(out) != len(inputs):
            raise base.upstream_unavailable("The upstream provider returned a malformed response.")
        return out, tokens

    def _invoke(self, model: str, body: dict[str, Any], timeout: float) -> dict[str, Any]:
        try:
            resp = self.client(timeout).invoke_model(
                modelId=model,
                body=json.dumps(body),
                contentType="application/json",
                accept="application/json",
            )
            doc = json.loads(resp["body"].read())
        except ValueError:
            raise base.upstream_unavailable(
                "The upstream provider returned a malformed response."
            ) from None
        except Exception as exc:  # noqa: BLE001
            raise map_exception(exc) from None
        if not isinstance(doc, dict):
            raise base.upstream_unavailable("The upstream provider returned a malformed response.")
        return doc
