"""``aigw_shared.text.text_of``: the one reading of a message's text.

OpenAI's content parts are consecutive pieces of one message: their text is joined as
sent, with no separator added. The gateway reads message text in three places (the
prompt it logs and estimates tokens from, Bedrock's system and tool blocks, the mock
provider's echo); all three must agree.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from llm_helpers import base_config, make_gateway, post

from aigw_shared.text import text_of
from llm_gateway.config import LimitsConfig, Target
from llm_gateway.providers.converse import to_converse
from llm_gateway.validation import chat_request

CHAT = "/v1/chat/completions"
PARTS = [{"type": "text", "text": "Hello, "}, {"type": "text", "text": "world"}]
IMAGE = {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}


def test_a_string_is_its_own_text() -> None:
    assert text_of("a  b\n") == "a  b\n"


def test_text_parts_are_joined_as_sent() -> None:
    assert text_of(PARTS) == "Hello, world"
    assert text_of([{"type": "text", "text": "a"}, {"type": "text", "text": "\nb"}]) == "a\nb"


def test_parts_without_text_contribute_nothing() -> None:
    assert text_of([PARTS[0], IMAGE, PARTS[1]]) == "Hello, world"
    assert text_of([IMAGE]) == ""
    # a part is text by its type, not by carrying a "text" key
    assert text_of([{"type": "image_url", "text": "x"}, {"text": "y"}]) == ""


def test_no_content_is_empty_text() -> None:
    assert text_of(None) == ""
    assert text_of([]) == ""
    assert text_of({"type": "text", "text": "x"}) == ""


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
parts = st.lists(
    st.fixed_dictionaries({"type": st.sampled_from(["text", "image_url", 1]), "text": json_values})
    | json_values,
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(json_values | parts)
def test_any_json_content_gives_a_string_and_never_raises(content: Any) -> None:
    text = text_of(content)
    assert isinstance(text, str)
    if isinstance(content, list):
        expected = [
            p["text"]
            for p in content
            if isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str)
        ]
        assert text == "".join(expected)


def test_the_mock_echo_joins_parts_like_everyone_else() -> None:
    gw, _ = make_gateway()
    resp = post(gw, CHAT, {"model": "chat", "messages": [{"role": "user", "content": PARTS}]})
    assert resp.status == 200
    content = json.loads(resp.body)["choices"][0]["message"]["content"]
    assert content == "[mock:echo] You said: Hello, world"


def test_the_logged_prompt_and_bedrock_system_block_join_parts_alike() -> None:
    system = [{"type": "text", "text": "Be "}, {"type": "text", "text": "brief."}]
    body = {
        "model": "chat",
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": PARTS}],
    }
    gw, cap = make_gateway(base_config(logging={"redaction": "full"}))
    assert post(gw, CHAT, body).status == 200
    assert cap.logs[-1]["prompt"]["text"] == "Be brief.\nHello, world"
    converse = to_converse(chat_request(body, LimitsConfig()), Target("br", "m"))
    assert converse["system"] == [{"text": "Be brief."}]
