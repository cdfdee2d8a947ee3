"""llm-route's list of upload media types and the function's table are one list.

``modules/llm-route/uploads.tf`` validates ``uploads.content_types`` against
``local.upload_media_types``; ``llm_gateway/uploads.py`` refuses (503) a type its
``MEDIA_TYPES`` does not know. A type added to one and not the other would pass the plan
and break the function, or be refused at plan time although the function knows it.
"""

from __future__ import annotations

import re
from pathlib import Path

from llm_gateway import uploads

REPO = Path(__file__).resolve().parents[3]


def test_llm_route_lists_the_media_types_the_function_knows() -> None:
    text = (REPO / "modules" / "llm-route" / "uploads.tf").read_text()
    block = re.search(r"upload_media_types = \[(.*?)\]", text, re.S)
    assert block, "local.upload_media_types not found"
    listed = re.findall(r'"([^"]+)"', block.group(1))
    assert listed == list(uploads.MEDIA_TYPES)
    # and the validation message names every one of them
    message = re.search(r'error_message = "uploads.content_types must be (.*?)"\n', text).group(1)
    assert [t.rstrip(".") for t in re.findall(r"[a-z]+/[a-z0-9.+-]+", message)] == listed
