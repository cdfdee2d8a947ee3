"""The plain text of an OpenAI chat message ``content`` value."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def text_of(content: Any) -> str:
    """The text a message carries.

    ``content`` is a string (returned as is) or an array of content parts: the text of
    its ``{"type": "text", "text": ...}`` parts, in order, joined with nothing between
    them. The parts are consecutive pieces of one message, so the gateway adds no
    separator the client did not send; other parts (images, audio, files) carry no text.
    Anything else (``None``, malformed parts) contributes ``""``: never raises.
    """
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            p["text"]
            for p in content
            if isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str)
        )
    return ""
