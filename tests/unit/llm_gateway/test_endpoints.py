"""The endpoint table: built once, every route resolves, modules load on first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aigw_shared.errors import ApiError
from llm_gateway import endpoints

ROUTES = [*endpoints.EXACT.values(), *(route for _, route in endpoints.PATTERNS)]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_every_route_resolves_to_one_handler(route: endpoints.Route) -> None:
    handler = route.handler()
    assert callable(handler)
    assert route.handler() is handler  # resolved once, then kept


@pytest.mark.parametrize(
    ("path", "name", "param"),
    [
        ("/v1/chat/completions", "chat_completions", None),
        ("/v1/embeddings", "embeddings", None),
        ("/v1/models", "models", None),
        ("/v1/models/a%2Fb", "model", "a%2Fb"),
        ("/v1/prompts/greet", "prompts", "greet"),
        ("/v1/responses", "responses", None),
        ("/v1/responses/resp_1a", "response", "resp_1a"),
    ],
)
def test_paths_find_their_route(path: str, name: str, param: str | None) -> None:
    route, found = endpoints.find(path)
    assert (route.name, found) == (name, param)
    assert endpoints.find(path)[0] is route  # the same table every request


@pytest.mark.parametrize(
    "path", ["/v1/chat/completions/", "/v1/prompts/", "/v1/prompts/-x", "/", "/v1/responses/a/b"]
)
def test_unknown_paths_are_404(path: str) -> None:
    with pytest.raises(ApiError) as exc:
        endpoints.find(path)
    assert (exc.value.status, exc.value.code) == (404, "unknown_path")


def test_endpoint_modules_load_on_first_use() -> None:
    src = Path(__file__).resolve().parents[3] / "lambda_src"
    code = (
        "import sys\n"
        "from llm_gateway import core\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('llm_gateway.endpoints.'))\n"
        "print(loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"
