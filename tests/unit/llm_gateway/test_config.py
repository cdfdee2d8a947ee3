"""The config document: validation, and loading through the Parameters and Secrets
extension (faked on loopback) with a TTL cache."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from aigw_fakes import FakeExtension
from llm_helpers import base_config

from aigw_shared import params
from llm_gateway.config import ConfigError, ConfigLoader, parse_config


@pytest.fixture
def extension(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeExtension]:
    with FakeExtension(token="tok") as srv:
        monkeypatch.setenv("AIGW_EXTENSION_ENDPOINT", srv.url)
        monkeypatch.setenv("AWS_SESSION_TOKEN", "tok")
        monkeypatch.delenv("AIGW_CONFIG_SOURCE", raising=False)
        yield srv


def test_defaults_are_applied() -> None:
    cfg = parse_config(
        {
            "providers": {"m": {"type": "mock"}},
            "models": {"x": {"targets": [{"provider": "m", "model": "a"}]}},
        }
    )
    assert cfg.redaction == "metadata"
    assert cfg.quotas.enabled is False
    assert cfg.routing.deadline_ms == 28000
    assert cfg.models["x"].type == "chat" and cfg.models["x"].strategy == "ordered"
    assert cfg.providers["m"].connect_timeout_ms == 2000


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "must be a JSON object"),
        ({"providers": {"p": {"type": "nope"}}}, "providers.p.type must be one of: bedrock"),
        ({"providers": {"p": {"type": "openai"}}}, "base_url"),
        (
            {
                "providers": {"p": {"type": "mock"}},
                "models": {"x": {"targets": [{"provider": "q", "model": "a"}]}},
            },
            "not defined",
        ),
        (
            {"providers": {"p": {"type": "mock"}}, "models": {"x": {"targets": []}}},
            "non-empty list",
        ),
        ({"logging": {"redaction": "everything"}}, "metadata, hash, full"),
        ({"quotas": {"enabled": True}}, "table_name is required"),
        ({"cache": {"enabled": True}}, "cache.table_name is required"),
        ({"cache": {"ttl_seconds": 0}}, "cache.ttl_seconds must be an integer"),
        ({"surprise": 1}, "unknown field"),
        (
            {
                "providers": {"p": {"type": "mock"}},
                "models": {
                    "x": {"targets": [{"provider": "p", "model": "a", "guardrail": {"id": "g"}}]}
                },
            },
            "only supported for bedrock",
        ),
    ],
)
def test_invalid_documents_name_the_field(doc: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(doc)


def test_template_must_not_use_undefined_variables() -> None:
    doc = base_config()
    doc["prompts"]["greet"]["messages"][1]["content"] = "Hi {{ who }}"
    with pytest.raises(ConfigError, match="undefined variable"):
        parse_config(doc)


def test_loader_reads_parameter_through_extension(extension: FakeExtension) -> None:
    extension.parameters["/aigw/config"] = json.dumps(base_config())
    cfg = ConfigLoader({"AIGW_CONFIG_PARAMETER": "/aigw/config"}).get()
    assert "chat" in cfg.models
    req = extension.requests[-1]
    assert req["query"] == {"name": "/aigw/config", "withDecryption": "true"}
    assert req["token"] == "tok"


def test_loader_caches_for_ttl_then_refreshes(extension: FakeExtension) -> None:
    extension.parameters["/c"] = json.dumps(base_config())
    now = [0.0]
    loader = ConfigLoader(
        {"AIGW_CONFIG_PARAMETER": "/c", "AIGW_CONFIG_TTL_SECONDS": "30"}, clock=lambda: now[0]
    )
    loader.get()
    loader.get()
    assert len(extension.requests) == 1
    doc = base_config()
    doc["logging"] = {"redaction": "hash"}
    extension.parameters["/c"] = json.dumps(doc)
    now[0] = 31
    assert loader.get().redaction == "hash"
    assert len(extension.requests) == 2


def test_loader_keeps_last_good_config_when_refresh_fails(extension: FakeExtension) -> None:
    extension.parameters["/c"] = json.dumps(base_config())
    now = [0.0]
    loader = ConfigLoader({"AIGW_CONFIG_PARAMETER": "/c"}, clock=lambda: now[0])
    first = loader.get()
    extension.parameters["/c"] = "{broken"
    now[0] = 1000
    assert loader.get() is first
    extension.fail = True
    now[0] = 2000
    assert loader.get() is first


def test_loader_without_previous_value_raises(extension: FakeExtension) -> None:
    extension.fail = True
    with pytest.raises(params.ParamsError, match="500"):
        ConfigLoader({"AIGW_CONFIG_PARAMETER": "/c"}).get()


def test_loader_needs_a_source() -> None:
    with pytest.raises(ConfigError, match="AIGW_CONFIG_PARAMETER"):
        ConfigLoader({})


def test_loader_reads_local_file(tmp_path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(base_config()))
    assert "emb" in ConfigLoader({"AIGW_CONFIG_FILE": str(path)}).get().models


def test_extension_rejects_wrong_token(
    extension: FakeExtension, monkeypatch: pytest.MonkeyPatch
) -> None:
    extension.secrets["s"] = "v"
    monkeypatch.setenv("AWS_SESSION_TOKEN", "other")
    with pytest.raises(params.ParamsError, match="401"):
        params.read_secret("s")


def test_config_path_does_not_import_boto3(extension: FakeExtension, tmp_path) -> None:
    import os
    import subprocess
    import sys

    extension.parameters["/c"] = json.dumps(base_config())
    code = (
        "import sys, json\n"
        "from llm_gateway.config import ConfigLoader\n"
        "from llm_gateway.core import Gateway\n"
        "cfg = ConfigLoader({'AIGW_CONFIG_PARAMETER': '/c'})\n"
        "gw = Gateway(cfg.get, log_sink=lambda _: None, metrics_sink=lambda _: None)\n"
        "r = gw.handle('POST', '/v1/chat/completions', {}, json.dumps({'model': 'chat',"
        " 'messages': [{'role': 'user', 'content': 'x'}]}).encode(), {'tenant': 't'})\n"
        "assert r.status == 200, r.body\n"
        "print('boto3' in sys.modules, 'botocore' in sys.modules)\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    env = {**os.environ, "PYTHONPATH": os.path.join(root, "lambda_src")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip() == "False False"


def test_explicit_nulls_mean_defaults() -> None:
    """Terraform renders unset optional attributes as null; they must act as absent."""
    doc = base_config(
        prices={"echo": {"input_per_1m": None, "output_per_1m": 2, "cache_read_per_1m": None}},
        routing={"deadline_ms": None, "failure_threshold": 3, "cooldown_ms": None},
        logging={"redaction": None},
        quotas={"enabled": False, "table_name": "t", "default_tokens": None},
    )
    doc["providers"]["bedrock"] = {"type": "bedrock", "region": None, "endpoint_url": None}
    doc["models"]["guarded"] = {
        "type": "chat",
        "strategy": "ordered",
        "owned_by": None,
        "targets": [
            {
                "provider": "bedrock",
                "model": "m",
                "weight": None,
                "guardrail": {"id": "g", "version": None, "trace": None},
            }
        ],
    }
    doc["prompts"]["greet"]["variables"]["lang"] = {
        "default": "French",
        "required": None,
        "max_length": None,
    }
    cfg = parse_config(doc)
    assert cfg.prices["echo"].input_per_1m == 0 and cfg.prices["echo"].output_per_1m == 2
    assert cfg.routing.deadline_ms == 28000 and cfg.routing.failure_threshold == 3
    assert cfg.redaction == "metadata"
    target = cfg.models["guarded"].targets[0]
    assert (target.weight, target.guardrail.version, target.guardrail.trace) == (1, "DRAFT", False)
    lang = cfg.prompts["greet"].variables["lang"]
    assert (lang.required, lang.default, lang.max_length) == (False, "French", 4000)
