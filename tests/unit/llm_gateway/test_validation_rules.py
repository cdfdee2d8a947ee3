"""Every rule of llm_gateway/validation.py, one row each: the 400 a mistake gets (status,
``param``, ``code`` and the exact message, which names the allowed values) and the exact
normalised request a valid body becomes, with the boundaries of every range."""

from __future__ import annotations

from typing import Any

import pytest

from aigw_shared.errors import ApiError
from llm_gateway.config import LimitsConfig
from llm_gateway.validation import (
    MAX_STRING,
    chat_request,
    embeddings_request,
    prompt_request,
)

LIMITS = LimitsConfig(max_messages=2, max_embedding_inputs=2)
USER = {"role": "user", "content": "hi"}


def chat(**fields: Any) -> dict[str, Any]:
    return {"model": "m", "messages": [USER], **fields}


def msg(**fields: Any) -> dict[str, Any]:
    return chat(messages=[fields])


def part(**fields: Any) -> dict[str, Any]:
    return msg(role="user", content=[fields])


def call(**fields: Any) -> dict[str, Any]:
    return msg(role="assistant", content=None, tool_calls=[fields])


def tool(**function: Any) -> dict[str, Any]:
    return chat(tools=[{"type": "function", "function": {"name": "f", **function}}])


def invalid_type(param: str, expected: str) -> tuple[str, str, str]:
    return param, "invalid_type", f"Invalid type for '{param}': expected {expected}."


def missing(param: str) -> tuple[str, str, str]:
    return param, "missing_required_parameter", f"Missing required parameter: '{param}'."


def value(param: str, message: str, code: str = "invalid_value") -> tuple[str, str, str]:
    return param, code, message


M0 = "messages[0]"
P0 = "messages[0].content[0]"
C0 = "messages[0].tool_calls[0]"
STOP = "'stop' must be a string or an array of up to 4 non-empty strings."
TOOL_NAME = "'tools[0].function.name' must match ^[A-Za-z0-9_-]{1,64}$."
TOOL_CHOICE = (
    "'tool_choice' must be 'none', 'auto', 'required' or "
    "{'type': 'function', 'function': {'name': ...}}."
)
FORMAT = "'response_format.type' must be one of: text, json_object, json_schema."
NAN = float("nan")

CHAT_REJECTIONS = {
    "no-model": ({"messages": [USER]}, missing("model")),
    "model-not-string": (chat(model=5), invalid_type("model", "a string")),
    "model-empty": (chat(model=""), value("model", "'model' must not be empty.")),
    "model-too-long": (
        chat(model="m" * (MAX_STRING + 1)),
        value("model", "'model' is too long.", "string_above_max_length"),
    ),
    "no-messages": ({"model": "m"}, missing("messages")),
    "messages-not-array": (chat(messages="hi"), invalid_type("messages", "an array")),
    "messages-empty": (
        chat(messages=[]),
        value("messages", "'messages' must contain at least one message.", "empty_array"),
    ),
    "messages-above-limit": (
        chat(messages=[USER] * 3),
        value("messages", "'messages' holds more than 2 messages.", "array_above_max_length"),
    ),
    "message-not-object": (chat(messages=["hi"]), invalid_type(M0, "an object")),
    "role-unknown": (
        msg(role="robot", content="x"),
        value(
            f"{M0}.role",
            f"'{M0}.role' must be one of: system, developer, user, assistant, tool.",
        ),
    ),
    "user-content-missing": (msg(role="user"), missing(f"{M0}.content")),
    "system-content-missing": (msg(role="system", content=None), missing(f"{M0}.content")),
    "assistant-without-content-or-calls": (msg(role="assistant"), missing(f"{M0}.content")),
    "content-not-string-or-parts": (
        msg(role="user", content=5),
        invalid_type(f"{M0}.content", "a string or an array of content parts"),
    ),
    "content-empty-array": (
        msg(role="user", content=[]),
        value(f"{M0}.content", f"'{M0}.content' must not be an empty array."),
    ),
    "part-not-object": (msg(role="user", content=["x"]), invalid_type(P0, "an object")),
    "part-type-unknown": (
        part(type="audio"),
        value(f"{P0}.type", f"'{P0}.type' must be one of: text, image_url, file."),
    ),
    "image-part-outside-user-message": (
        msg(role="system", content=[{"type": "image_url", "image_url": {"url": "u"}}]),
        value(f"{P0}.type", f"'{P0}.type' must be one of: text."),
    ),
    "text-part-not-string": (part(type="text", text=5), invalid_type(f"{P0}.text", "a string")),
    "image-url-not-object": (
        part(type="image_url", image_url="u"),
        invalid_type(f"{P0}.image_url", "an object"),
    ),
    "image-url-empty": (
        part(type="image_url", image_url={"url": ""}),
        value(f"{P0}.image_url.url", f"'{P0}.image_url.url' must not be empty."),
    ),
    "image-detail-unknown": (
        part(type="image_url", image_url={"url": "u", "detail": "max"}),
        value(
            f"{P0}.image_url.detail", f"'{P0}.image_url.detail' must be one of: auto, low, high."
        ),
    ),
    "tool-calls-not-array": (
        msg(role="assistant", tool_calls="x"),
        invalid_type(f"{M0}.tool_calls", "a non-empty array"),
    ),
    "tool-calls-empty": (
        msg(role="assistant", tool_calls=[]),
        invalid_type(f"{M0}.tool_calls", "a non-empty array"),
    ),
    "tool-call-not-object": (
        msg(role="assistant", tool_calls=["x"]),
        invalid_type(C0, "an object"),
    ),
    "tool-call-function-not-object": (
        call(id="c1", function="f"),
        invalid_type(f"{C0}.function", "an object"),
    ),
    "tool-call-id-empty": (
        call(id="", function={"name": "f"}),
        value(f"{C0}.id", f"'{C0}.id' must not be empty."),
    ),
    "tool-call-name-missing": (
        call(id="c1", function={}),
        invalid_type(f"{C0}.function.name", "a string"),
    ),
    "tool-call-name-empty": (
        call(id="c1", function={"name": ""}),
        value(f"{C0}.function.name", f"'{C0}.function.name' must not be empty."),
    ),
    "content-too-long": (
        msg(role="user", content="x" * (MAX_STRING + 1)),
        value(f"{M0}.content", f"'{M0}.content' is too long.", "string_above_max_length"),
    ),
    "tool-call-arguments-not-string": (
        call(id="c1", function={"name": "f", "arguments": {}}),
        invalid_type(f"{C0}.function.arguments", "a string"),
    ),
    "tool-message-without-call-id": (
        msg(role="tool", content="42"),
        invalid_type(f"{M0}.tool_call_id", "a string"),
    ),
    "tool-message-empty-call-id": (
        msg(role="tool", content="42", tool_call_id=""),
        value(f"{M0}.tool_call_id", f"'{M0}.tool_call_id' must not be empty."),
    ),
    "name-not-string": (
        msg(role="user", content="x", name=5),
        invalid_type(f"{M0}.name", "a string"),
    ),
    "temperature-not-number": (chat(temperature="0"), invalid_type("temperature", "a number")),
    "temperature-boolean": (chat(temperature=True), invalid_type("temperature", "a number")),
    "temperature-nan": (chat(temperature=NAN), invalid_type("temperature", "a number")),
    "temperature-above": (
        chat(temperature=2.01),
        value("temperature", "'temperature' must be between 0 and 2."),
    ),
    "temperature-below": (
        chat(temperature=-0.01),
        value("temperature", "'temperature' must be between 0 and 2."),
    ),
    "top-p-above": (chat(top_p=1.01), value("top_p", "'top_p' must be between 0 and 1.")),
    "presence-penalty-below": (
        chat(presence_penalty=-2.01),
        value("presence_penalty", "'presence_penalty' must be between -2 and 2."),
    ),
    "frequency-penalty-above": (
        chat(frequency_penalty=2.01),
        value("frequency_penalty", "'frequency_penalty' must be between -2 and 2."),
    ),
    "max-tokens-zero": (
        chat(max_tokens=0),
        value("max_tokens", "'max_tokens' must be between 1 and 1000000."),
    ),
    "max-tokens-not-integer": (chat(max_tokens=1.5), invalid_type("max_tokens", "an integer")),
    "max-tokens-boolean": (chat(max_tokens=True), invalid_type("max_tokens", "an integer")),
    "max-completion-tokens-above": (
        chat(max_completion_tokens=1_000_001),
        value("max_completion_tokens", "'max_completion_tokens' must be between 1 and 1000000."),
    ),
    "seed-above": (
        chat(seed=2**63),
        value("seed", "'seed' must be between -9223372036854775808 and 9223372036854775807."),
    ),
    "seed-below": (
        chat(seed=-(2**63) - 1),
        value("seed", "'seed' must be between -9223372036854775808 and 9223372036854775807."),
    ),
    "n-above-one": (
        chat(n=2),
        value(
            "n",
            "'n' greater than 1 is not supported: send one request per choice.",
            "unsupported_value",
        ),
    ),
    "n-above-its-range": (chat(n=129), value("n", "'n' must be between 1 and 128.")),
    "stop-not-string-or-array": (chat(stop=5), value("stop", STOP)),
    "stop-five-strings": (chat(stop=["a", "b", "c", "d", "e"]), value("stop", STOP)),
    "stop-empty-string": (chat(stop=["a", ""]), value("stop", STOP)),
    "stop-not-strings": (chat(stop=["a", 1]), value("stop", STOP)),
    "user-not-string": (chat(user=5), invalid_type("user", "a string")),
    "stream-not-boolean": (chat(stream="yes"), invalid_type("stream", "a boolean")),
    "stream-options-not-object": (
        chat(stream=True, stream_options="x"),
        invalid_type("stream_options", "an object"),
    ),
    "include-usage-not-boolean": (
        chat(stream=True, stream_options={"include_usage": "yes"}),
        invalid_type("stream_options.include_usage", "a boolean"),
    ),
    "stream-options-without-stream": (
        chat(stream_options={"include_usage": True}),
        value("stream_options", "'stream_options' is only allowed when 'stream' is true."),
    ),
    "tools-not-array": (chat(tools={}), invalid_type("tools", "an array")),
    "tool-not-object": (
        chat(tools=["f"]),
        value("tools[0].type", "'tools[0].type' must be 'function'."),
    ),
    "tool-type-unknown": (
        chat(tools=[{"type": "retrieval"}]),
        value("tools[0].type", "'tools[0].type' must be 'function'."),
    ),
    "tool-function-not-object": (
        chat(tools=[{"type": "function", "function": "f"}]),
        invalid_type("tools[0].function", "an object"),
    ),
    "tool-name-not-string": (tool(name=5), value("tools[0].function.name", TOOL_NAME)),
    "tool-name-with-space": (tool(name="get weather"), value("tools[0].function.name", TOOL_NAME)),
    "tool-name-too-long": (tool(name="f" * 65), value("tools[0].function.name", TOOL_NAME)),
    "tool-description-not-string": (
        tool(description=5),
        invalid_type("tools[0].function.description", "a string"),
    ),
    "tool-parameters-not-object": (
        tool(parameters="{}"),
        invalid_type("tools[0].function.parameters", "an object (JSON schema)"),
    ),
    "tool-strict-not-boolean": (
        tool(strict="yes"),
        invalid_type("tools[0].function.strict", "a boolean"),
    ),
    "tool-choice-unknown": (chat(tool_choice="sometimes"), value("tool_choice", TOOL_CHOICE)),
    "tool-choice-function-not-object": (
        chat(tool_choice={"type": "function", "function": "f"}),
        value("tool_choice", TOOL_CHOICE),
    ),
    "tool-choice-type-unknown": (
        chat(tool_choice={"type": "tool", "function": {"name": "f"}}),
        value("tool_choice", TOOL_CHOICE),
    ),
    "tool-choice-names-no-tool": (
        {**tool(), "tool_choice": {"type": "function", "function": {"name": "g"}}},
        value("tool_choice.function.name", "'tool_choice.function.name' must name one of 'tools'."),
    ),
    "tool-choice-without-tools": (
        chat(tool_choice={"type": "function", "function": {"name": "f"}}),
        value("tool_choice.function.name", "'tool_choice.function.name' must name one of 'tools'."),
    ),
    "response-format-not-object": (
        chat(response_format="json"),
        value("response_format.type", FORMAT),
    ),
    "response-format-type-unknown": (
        chat(response_format={"type": "xml"}),
        value("response_format.type", FORMAT),
    ),
    "json-schema-missing": (
        chat(response_format={"type": "json_schema"}),
        invalid_type("response_format.json_schema", "an object"),
    ),
}

EMBEDDING_INPUT = "'input' must be a string or a non-empty array of strings."
EMBEDDINGS_REJECTIONS = {
    "no-model": ({"input": "x"}, missing("model")),
    "model-empty": ({"model": "", "input": "x"}, value("model", "'model' must not be empty.")),
    "no-input": ({"model": "e"}, missing("input")),
    "input-number": ({"model": "e", "input": 5}, value("input", EMBEDDING_INPUT, "invalid_type")),
    "input-empty-array": (
        {"model": "e", "input": []},
        value("input", EMBEDDING_INPUT, "invalid_type"),
    ),
    "input-not-strings": (
        {"model": "e", "input": ["a", 1]},
        value("input", EMBEDDING_INPUT, "invalid_type"),
    ),
    "input-above-limit": (
        {"model": "e", "input": ["a", "b", "c"]},
        value("input", "'input' holds more than 2 items.", "array_above_max_length"),
    ),
    "input-empty-string": (
        {"model": "e", "input": ["a", ""]},
        value("input", "'input[1]' must not be empty."),
    ),
    "input-too-long": (
        {"model": "e", "input": "x" * (MAX_STRING + 1)},
        value("input", "'input' is too long.", "string_above_max_length"),
    ),
    "encoding-unknown": (
        {"model": "e", "input": "x", "encoding_format": "hex"},
        value("encoding_format", "'encoding_format' must be one of: float, base64."),
    ),
    "dimensions-zero": (
        {"model": "e", "input": "x", "dimensions": 0},
        value("dimensions", "'dimensions' must be between 1 and 100000."),
    ),
    "dimensions-above": (
        {"model": "e", "input": "x", "dimensions": 100001},
        value("dimensions", "'dimensions' must be between 1 and 100000."),
    ),
    "user-not-string": ({"model": "e", "input": "x", "user": 1}, invalid_type("user", "a string")),
}

PROMPT_REJECTIONS = {
    "variables-not-object": ({"variables": ["a"]}, invalid_type("variables", "an object")),
    "variable-not-scalar": (
        {"variables": {"a": "x", "b": [1]}},
        invalid_type("variables.b", "a string or a number"),
    ),
    "variable-boolean": (
        {"variables": {"flag": True}},
        invalid_type("variables.flag", "a string or a number"),
    ),
    "variable-nan": (
        {"variables": {"x": NAN}},
        invalid_type("variables.x", "a string or a number"),
    ),
    "stream-not-boolean": ({"stream": None}, invalid_type("stream", "a boolean")),
    "user-not-string": ({"user": 1}, invalid_type("user", "a string")),
}


def _rejects(fn: Any, body: Any, expected: tuple[str, str, str]) -> None:
    param, code, message = expected
    with pytest.raises(ApiError) as exc:
        fn(body)
    assert (exc.value.status, exc.value.type) == (400, "invalid_request_error")
    assert (exc.value.param, exc.value.code, exc.value.message) == (param, code, message)


@pytest.mark.parametrize(("body", "expected"), CHAT_REJECTIONS.values(), ids=CHAT_REJECTIONS)
def test_chat_rejections(body: Any, expected: tuple[str, str, str]) -> None:
    _rejects(lambda b: chat_request(b, LIMITS), body, expected)


@pytest.mark.parametrize(
    ("body", "expected"), EMBEDDINGS_REJECTIONS.values(), ids=EMBEDDINGS_REJECTIONS
)
def test_embeddings_rejections(body: Any, expected: tuple[str, str, str]) -> None:
    _rejects(lambda b: embeddings_request(b, LIMITS), body, expected)


@pytest.mark.parametrize(("body", "expected"), PROMPT_REJECTIONS.values(), ids=PROMPT_REJECTIONS)
def test_prompt_rejections(body: Any, expected: tuple[str, str, str]) -> None:
    _rejects(prompt_request, body, expected)


@pytest.mark.parametrize("fn", [chat_request, embeddings_request, lambda b, _: prompt_request(b)])
@pytest.mark.parametrize("body", [[], "x", None, 5])
def test_a_body_that_is_not_an_object_is_rejected(fn: Any, body: Any) -> None:
    _rejects(
        lambda b: fn(b, LIMITS),
        body,
        (None, "invalid_type", "The request body must be a JSON object."),
    )


def test_a_minimal_chat_request_gets_only_the_stream_default() -> None:
    assert chat_request(chat(), LIMITS) == {"model": "m", "messages": [USER], "stream": False}
    # Fields the gateway does not implement are refused by name, not dropped.
    assert chat_request(chat(stream=None, logprobs=True), LIMITS) == {
        "model": "m",
        "messages": [USER],
        "stream": False,
        "logprobs": True,
    }
    with pytest.raises(ApiError) as refused:
        chat_request(chat(unknown=1), LIMITS)
    assert refused.value.param == "unknown"


def test_every_field_at_its_boundaries_is_kept_as_given() -> None:
    schema = {"type": "object", "properties": {}}
    body = chat(
        temperature=2,
        top_p=0,
        presence_penalty=-2,
        frequency_penalty=2,
        max_tokens=1,
        max_completion_tokens=1_000_000,
        seed=-(2**63),
        n=1,
        stop=["a", "b", "c", "d"],
        user="u-1",
        stream=True,
        stream_options={"include_usage": True, "other": 1},
        tools=[
            {
                "type": "function",
                "function": {
                    "name": "get_weather-2",
                    "description": "d",
                    "parameters": schema,
                    "strict": True,
                    "extra": 1,
                },
            },
            {"type": "function", "function": {"name": "f" * 64}},
        ],
        tool_choice={"type": "function", "function": {"name": "get_weather-2"}, "x": 1},
        response_format={"type": "json_schema", "json_schema": {"name": "s", "schema": schema}},
    )
    assert chat_request(body, LIMITS) == {
        "model": "m",
        "messages": [USER],
        "temperature": 2,
        "top_p": 0,
        "presence_penalty": -2,
        "frequency_penalty": 2,
        "max_tokens": 1,
        "max_completion_tokens": 1_000_000,
        "seed": -(2**63),
        "n": 1,
        "stop": ["a", "b", "c", "d"],
        "user": "u-1",
        "stream": True,
        "stream_options": {"include_usage": True},
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_weather-2",
                    "description": "d",
                    "parameters": schema,
                    "strict": True,
                },
            },
            {"type": "function", "function": {"name": "f" * 64}},
        ],
        "tool_choice": {"type": "function", "function": {"name": "get_weather-2"}},
        "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": schema}},
    }


@pytest.mark.parametrize(
    ("field", "low", "high"),
    [
        ("temperature", 0, 2),
        ("top_p", 0, 1),
        ("presence_penalty", -2, 2),
        ("frequency_penalty", -2, 2),
        ("max_tokens", 1, 1_000_000),
        ("max_completion_tokens", 1, 1_000_000),
        ("seed", -(2**63), 2**63 - 1),
    ],
)
def test_ranges_include_both_ends(field: str, low: int, high: int) -> None:
    for v in (low, high):
        assert chat_request(chat(**{field: v}), LIMITS)[field] == v


def test_other_shapes_that_are_valid() -> None:
    out = chat_request(
        chat(
            stop="END",
            stream=True,
            stream_options={},
            tool_choice="required",
            response_format={"type": "json_object"},
            messages=[
                {"role": "system", "content": "s", "name": "n"},
                {"role": "developer", "content": [{"type": "text", "text": "d"}]},
            ],
        ),
        LIMITS,
    )
    assert out["stop"] == "END"
    assert out["stream_options"] == {"include_usage": False}
    assert out["tool_choice"] == "required"
    assert out["response_format"] == {"type": "json_object"}
    assert out["messages"] == [
        {"role": "system", "content": "s", "name": "n"},
        {"role": "developer", "content": [{"type": "text", "text": "d"}]},
    ]
    for choice in ("none", "auto"):
        assert chat_request(chat(tool_choice=choice), LIMITS)["tool_choice"] == choice
    assert chat_request(chat(response_format={"type": "text"}), LIMITS)["response_format"] == {
        "type": "text"
    }


def test_messages_are_normalised_to_what_providers_understand() -> None:
    body = chat(
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "look", "cache": 1},
                    {"type": "image_url", "image_url": {"url": "https://x/i.png", "detail": "low"}},
                    {"type": "image_url", "image_url": {"url": "data:,", "detail": None}},
                ],
                "extra": 1,
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}},
                    {"id": "c2", "function": {"name": "g"}},
                ],
            },
        ]
    )
    assert chat_request(body, LIMITS)["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "look"},
                {"type": "image_url", "image_url": {"url": "https://x/i.png", "detail": "low"}},
                {"type": "image_url", "image_url": {"url": "data:,"}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}},
                {"id": "c2", "type": "function", "function": {"name": "g", "arguments": "{}"}},
            ],
        },
    ]
    tool_reply = chat(messages=[{"role": "tool", "content": "42", "tool_call_id": "c1"}])
    assert chat_request(tool_reply, LIMITS)["messages"] == [
        {"role": "tool", "content": "42", "tool_call_id": "c1"}
    ]
    with_text = chat(messages=[{"role": "assistant", "content": "ok", "tool_calls": None}])
    assert chat_request(with_text, LIMITS)["messages"] == [{"role": "assistant", "content": "ok"}]
    for detail in ("auto", "high"):
        url = {"url": "u", "detail": detail}
        out = chat_request(part(type="image_url", image_url=url), LIMITS)
        assert out["messages"][0]["content"][0]["image_url"] == url


def test_empty_strings_are_allowed_where_no_rule_forbids_them() -> None:
    out = chat_request(
        chat(user="", messages=[{"role": "user", "content": "", "name": ""}]), LIMITS
    )
    assert out["user"] == "" and out["messages"] == [{"role": "user", "content": "", "name": ""}]
    text = chat_request(part(type="text", text=""), LIMITS)["messages"][0]["content"]
    assert text == [{"type": "text", "text": ""}]


def test_a_string_of_the_maximum_length_is_accepted() -> None:
    assert len(chat_request(chat(model="m" * MAX_STRING), LIMITS)["model"]) == MAX_STRING


def test_the_message_limit_is_inclusive() -> None:
    assert len(chat_request(chat(messages=[USER, USER]), LIMITS)["messages"]) == 2


def test_an_embeddings_request_is_normalised() -> None:
    assert embeddings_request({"model": "e", "input": "x"}, LIMITS) == {
        "model": "e",
        "input": ["x"],
        "encoding_format": "float",
    }
    assert embeddings_request(
        {
            "model": "e",
            "input": ["a", "b"],
            "encoding_format": "base64",
            "dimensions": 100000,
            "user": "u",
            "extra": 1,
        },
        LIMITS,
    ) == {
        "model": "e",
        "input": ["a", "b"],
        "encoding_format": "base64",
        "dimensions": 100000,
        "user": "u",
    }
    assert (
        embeddings_request({"model": "e", "input": "x", "dimensions": 1}, LIMITS)["dimensions"] == 1
    )


def test_a_prompt_request_is_normalised() -> None:
    assert prompt_request({}) == {"variables": {}, "stream": False}
    assert prompt_request(
        {
            "variables": {"name": "Ada", "n": 2, "x": 1.5},
            "stream": True,
            "stream_options": {"include_usage": True},
            "user": "u",
            "other": 1,
        }
    ) == {
        "variables": {"name": "Ada", "n": 2, "x": 1.5},
        "stream": True,
        "stream_options": {"include_usage": True},
        "user": "u",
    }
