"""The reattached provider (ADR 0155): found where `terraform init` put it, started in
debug mode, its announcement turned into TF_REATTACH_PROVIDERS for the configuration's
address, stopped; `terraform init` never reattaches."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path

import pytest

from aigw.provider_reattach import (
    ENV_VAR,
    ProviderStartError,
    ReattachedProvider,
    env_for_command,
    installed_provider,
    without_reattach,
)
from aigw.terraform import run_tf

ANNOUNCED = {
    "registry.terraform.io/hashicorp/aws": {
        "Protocol": "grpc",
        "ProtocolVersion": 5,
        "Pid": 4242,
        "Test": True,
        "Addr": {"Network": "unix", "String": "/tmp/plugin0"},
    }
}


def _script(path: Path, body: str) -> Path:
    path.write_text(f"#!{sys.executable}\n{body}")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _serving_provider(tmp_path: Path) -> Path:
    """Prints what terraform-plugin-go prints in debug mode, with its arguments and
    log settings, then serves until stopped."""
    return _script(
        tmp_path / "terraform-provider-aws_v5.100.0_x5",
        "import json, os, sys, time\n"
        "print('Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS "
        "environment variable with the following:', flush=True)\n"
        f'print("\\tTF_REATTACH_PROVIDERS=\'" + json.dumps({ANNOUNCED!r}) + "\'", flush=True)\n'
        "print('ARGS', sys.argv[1:], 'TF_LOG_SDK_PROTO', os.environ.get('TF_LOG_SDK_PROTO'),"
        " flush=True)\n"
        "print('CWD', os.getcwd(), flush=True)\n"
        "time.sleep(60)\n",
    )


def test_the_announcement_becomes_the_reattach_value_for_the_configurations_address(
    tmp_path,
):
    provider = ReattachedProvider(
        "registry.opentofu.org/hashicorp/aws",
        _serving_provider(tmp_path),
        tmp_path / "log" / "provider.log",
        env={"PATH": os.environ["PATH"]},
    )
    try:
        value = provider.start(timeout=30)
        (config,) = ANNOUNCED.values()
        assert json.loads(value) == {"registry.opentofu.org/hashicorp/aws": config}
        assert provider.reattach == value
        log = provider.log.read_text()
        # Debug mode, and the provider's trace logging off.
        assert "ARGS ['-debug'] TF_LOG_SDK_PROTO OFF" in log
    finally:
        provider.stop()
    assert provider._proc is None
    provider.stop()  # stopping twice is harmless


def test_the_provider_serves_from_the_directory_it_is_given(tmp_path):
    """Relative file names (a Lambda package's ``filename``) resolve from the provider's
    working directory, so a configuration that uses them gets a provider started there."""
    config_dir = tmp_path / "envs" / "local"
    config_dir.mkdir(parents=True)
    provider = ReattachedProvider(
        "registry.terraform.io/hashicorp/aws",
        _serving_provider(tmp_path),
        tmp_path / "provider.log",
        env={"PATH": os.environ["PATH"]},
        cwd=config_dir,
    )
    try:
        provider.start(timeout=30)
        deadline = time.monotonic() + 30
        while "CWD" not in provider.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert f"CWD {config_dir.resolve()}\n" in provider.log.read_text()
    finally:
        provider.stop()


def test_a_provider_that_exits_before_serving_fails_with_its_output(tmp_path):
    binary = _script(tmp_path / "p", "print('no credentials here'); raise SystemExit(3)\n")
    provider = ReattachedProvider("registry.terraform.io/hashicorp/aws", binary, tmp_path / "l")
    with pytest.raises(ProviderStartError, match=r"exited 3 before serving: no credentials"):
        provider.start(timeout=30)


def test_a_provider_that_never_announces_is_stopped_after_the_timeout(tmp_path):
    binary = _script(tmp_path / "p", "import time; time.sleep(60)\n")
    provider = ReattachedProvider("registry.terraform.io/hashicorp/aws", binary, tmp_path / "l")
    with pytest.raises(ProviderStartError, match="did not serve within"):
        provider.start(timeout=0.5)
    assert provider._proc is None


def test_the_installed_provider_is_found_with_its_address(tmp_path):
    platform = tmp_path / ".terraform/providers/registry.terraform.io/hashicorp/aws/5.100.0"
    (platform / "linux_amd64").mkdir(parents=True)
    binary = platform / "linux_amd64" / "terraform-provider-aws_v5.100.0_x5"
    binary.write_text("")
    assert installed_provider(tmp_path) == ("registry.terraform.io/hashicorp/aws", binary)
    assert installed_provider(tmp_path / "elsewhere") is None
    # Two versions installed: which one the configuration uses is not known here.
    other = platform.parent / "5.99.0" / "linux_amd64"
    other.mkdir(parents=True)
    (other / "terraform-provider-aws_v5.99.0_x5").write_text("")
    assert installed_provider(tmp_path) is None


def test_init_never_reattaches(tmp_path):
    """run_tf drops TF_REATTACH_PROVIDERS for `init` (which would skip installing the
    provider) and passes it to every other command."""
    fake_tf = _script(
        tmp_path / "tf",
        "import os, sys\nprint(sys.argv[1], os.environ.get('TF_REATTACH_PROVIDERS'))\n",
    )
    env = {"PATH": os.environ["PATH"], ENV_VAR: '{"x": {}}'}
    assert run_tf(["init"], tmp_path, env, str(fake_tf)).stdout.split() == ["init", "None"]
    assert run_tf(["plan"], tmp_path, env, str(fake_tf)).stdout.split() == ["plan", '{"x":', "{}}"]
    assert without_reattach(env) == {"PATH": os.environ["PATH"]}
    assert env_for_command(("plan",), env) is env


def test_workers_install_the_provider_one_at_a_time(tmp_path, monkeypatch):
    """On a fresh checkout the plugin cache is empty and two concurrent `terraform init`s
    race on it ("file exists"): every worker installs through one lock."""
    import threading

    import aigw.terraform
    from aigw.provider_reattach import start_project_provider
    from aigw.terraform import TerraformError

    root = tmp_path / "repo"
    (root / "modules" / "ai-gateway").mkdir(parents=True)
    (root / "modules" / "ai-gateway" / "versions.tf").write_text("terraform {}\n")
    monkeypatch.setenv("AIGW_STATE_DIR", str(tmp_path / "state"))
    inside: list[int] = []
    most = [0]
    guard = threading.Lock()

    def fake_init(args, cwd, env, tf=None, **kwargs):
        with guard:
            inside.append(1)
            most[0] = max(most[0], len(inside))
        time.sleep(0.3)
        with guard:
            inside.pop()

    monkeypatch.setattr(aigw.terraform, "run_tf", fake_init)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            start_project_provider(root, tmp_path / f"work{n}")
        except TerraformError as exc:  # the fake installs nothing
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(errors) == 3 and all("installed no hashicorp/aws" in str(e) for e in errors)
    assert most[0] == 1


def test_endpoint_variables_never_reach_the_provider(tmp_path, monkeypatch):
    """The sandbox's configurations name their endpoint in a profile (tests/integration
    harness, ADR 0156); the AWS SDKs would prefer an endpoint from the environment for every
    configuration the provider serves, so the provider is started without one."""
    import aigw.provider_reattach as reattach
    import aigw.terraform

    root = tmp_path / "repo"
    (root / "modules" / "ai-gateway").mkdir(parents=True)
    (root / "modules" / "ai-gateway" / "versions.tf").write_text("terraform {}\n")
    monkeypatch.setenv("AIGW_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://example.com")
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", "https://example.com")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setattr(aigw.terraform, "run_tf", lambda *a, **k: None)
    binary = _serving_provider(tmp_path)
    monkeypatch.setattr(
        reattach, "installed_provider", lambda d: ("registry.terraform.io/hashicorp/aws", binary)
    )
    provider = reattach.start_project_provider(root, tmp_path / "work")
    try:
        assert not [k for k in provider.env if k.startswith("AWS_ENDPOINT_URL")]
        assert provider.env["AWS_REGION"] == "eu-west-1"
    finally:
        provider.stop()
    assert reattach.without_endpoint_env(
        {"AWS_ENDPOINT_URL_S3": "x", "AWS_ENDPOINT_URLS": "y", "PATH": "/bin"}
    ) == {"AWS_ENDPOINT_URLS": "y", "PATH": "/bin"}
