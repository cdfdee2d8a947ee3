"""A fake Bedrock runtime: ``converse``, ``converse-stream`` (binary event stream),
``count-tokens`` (the words of the input) and ``invoke`` (Titan/Cohere embeddings).
Model ids ``throttle``, ``validation``, ``denied``,
``timeout-model``, ``unavailable``, ``streamfail`` fail accordingly; ``slow-model``
answers ``fake-bedrock slow-model says`` after ``slow_seconds``; ``stall-mid`` streams
two events and stalls ``slow_seconds``; ``throttle-then-ok`` throttles the first
``throttle_first`` calls."""

from __future__ import annotations

import binascii
import json
import struct
import time
import urllib.parse
from typing import Any

from aigw_fake_base import _Base, _Counting


def _es_header(name: str, value: str) -> bytes:
    n, v = name.encode(), value.encode()
    return struct.pack("!B", len(n)) + n + b"\x07" + struct.pack("!H", len(v)) + v


def eventstream_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One message of the AWS binary event-stream encoding."""
    hdrs = b"".join(_es_header(k, v) for k, v in headers.items())
    total = 12 + len(hdrs) + len(payload) + 4
    prelude = struct.pack("!II", total, len(hdrs))
    prelude += struct.pack("!I", binascii.crc32(prelude) & 0xFFFFFFFF)
    msg = prelude + hdrs + payload
    return msg + struct.pack("!I", binascii.crc32(msg) & 0xFFFFFFFF)


def bedrock_event(event_type: str, payload: dict[str, Any]) -> bytes:
    return eventstream_message(
        {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"},
        json.dumps(payload).encode(),
    )


_BEDROCK_ERRORS = {
    "throttle": (429, "ThrottlingException", "Too many requests"),
    "validation": (
        400,
        "ValidationException",
        "messages.0: bad input for arn:aws:bedrock:us-east-1:123:model/x",
    ),
    "denied": (403, "AccessDeniedException", "User arn:aws:iam::123:role/secret is not authorized"),
    "timeout-model": (408, "ModelTimeoutException", "model timed out"),
    "unavailable": (503, "ServiceUnavailableException", "try later"),
}


class _BedrockHandler(_Base):
    def do_POST(self) -> None:
        raw = self.read_body()
        parts = urllib.parse.unquote(self.path).split("/")
        model, op = "/".join(parts[2:-1]), parts[-1]
        body = json.loads(raw or b"{}")
        self.fake.requests.append(
            {
                "path": self.path,
                "model": model,
                "op": op,
                "body": body,
                "headers": dict(self.headers),
            }
        )
        if model == "throttle-then-ok" and self.fake.throttling(model):
            model = "throttle"
        if model == "slow-model":
            time.sleep(self.fake.slow_seconds)
        if model in _BEDROCK_ERRORS:
            status, code, message = _BEDROCK_ERRORS[model]
            self.send_json(status, {"message": message}, {"x-amzn-errortype": code})
            return
        if op == "invoke":
            if "cohere" in model:
                self.send_json(
                    200,
                    {
                        "embeddings": [[0.1, 0.2, 0.3] for _ in body["texts"]],
                        "id": "x",
                        "texts": body["texts"],
                    },
                )
            else:
                self.send_json(200, {"embedding": [0.1, 0.2, 0.3, 0.4], "inputTextTokenCount": 3})
            return
        if op == "count-tokens":  # CountTokens: a deterministic count of the converse input
            conv = body["input"]["converse"]
            words = [b.get("text", "") for m in conv["messages"] for b in m["content"]]
            words += [b.get("text", "") for b in conv.get("system", [])]
            self.send_json(200, {"inputTokens": len(" ".join(words).split())})
            return
        texts = [b.get("text", "") for m in body["messages"] for b in m["content"]]
        who = "fake-bedrock slow-model" if model == "slow-model" else "fake-bedrock"
        answer = f"{who} says: {texts[-1] if texts else ''}"
        tool_cfg = body.get("toolConfig")
        last_is_result = any("toolResult" in b for b in body["messages"][-1]["content"])
        use_tool = bool(tool_cfg) and not last_is_result
        if op == "converse":
            content: list[dict[str, Any]] = [{"text": answer}]
            stop = "end_turn"
            if use_tool:
                name = tool_cfg["tools"][0]["toolSpec"]["name"]
                content = [
                    {
                        "toolUse": {
                            "toolUseId": "tooluse_1",
                            "name": name,
                            "input": {"city": "Paris"},
                        }
                    }
                ]
                stop = "tool_use"
            self.send_json(
                200,
                {
                    "output": {"message": {"role": "assistant", "content": content}},
                    "stopReason": stop,
                    "usage": {
                        "inputTokens": 10,
                        "outputTokens": 6,
                        "totalTokens": 16,
                        "cacheReadInputTokens": 2,
                    },
                    "metrics": {"latencyMs": 5},
                },
            )
            return
        self.send_response(200)
        self.send_header("content-type", "application/vnd.amazon.eventstream")
        self.send_header("transfer-encoding", "chunked")  # each event arrives on its own
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True

        def send(data: bytes) -> None:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        events = [bedrock_event("messageStart", {"role": "assistant"})]
        if use_tool:
            name = tool_cfg["tools"][0]["toolSpec"]["name"]
            events += [
                bedrock_event(
                    "contentBlockStart",
                    {
                        "contentBlockIndex": 0,
                        "start": {"toolUse": {"toolUseId": "tooluse_1", "name": name}},
                    },
                ),
                bedrock_event(
                    "contentBlockDelta",
                    {"contentBlockIndex": 0, "delta": {"toolUse": {"input": '{"city": '}}},
                ),
                bedrock_event(
                    "contentBlockDelta",
                    {"contentBlockIndex": 0, "delta": {"toolUse": {"input": '"Paris"}'}}},
                ),
                bedrock_event("contentBlockStop", {"contentBlockIndex": 0}),
                bedrock_event("messageStop", {"stopReason": "tool_use"}),
            ]
        else:
            for i, w in enumerate(answer.split(" ")):
                events.append(
                    bedrock_event(
                        "contentBlockDelta",
                        {"contentBlockIndex": 0, "delta": {"text": (" " if i else "") + w}},
                    )
                )
            events += [
                bedrock_event("contentBlockStop", {"contentBlockIndex": 0}),
                bedrock_event("messageStop", {"stopReason": "end_turn"}),
            ]
        events.append(
            bedrock_event(
                "metadata",
                {
                    "usage": {"inputTokens": 8, "outputTokens": 4, "totalTokens": 12},
                    "metrics": {"latencyMs": 3},
                },
            )
        )
        for i, ev in enumerate(events):
            if model == "stall-mid" and i == 3:
                time.sleep(self.fake.slow_seconds)
            if model == "streamfail" and i == 3:
                send(
                    eventstream_message(
                        {
                            ":exception-type": "modelStreamErrorException",
                            ":content-type": "application/json",
                            ":message-type": "exception",
                        },
                        json.dumps({"message": "stream broke"}).encode(),
                    )
                )
                break
            send(ev)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class FakeBedrock(_Counting):
    handler_cls = _BedrockHandler
