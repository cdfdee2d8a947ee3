"""The project's Terraform CLI configuration (provider mirror or registry)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from aigw.provider_reattach import without_reattach
from aigw.toolchain import find_mirror, os_arch, render_cli_config, write_cli_config


def _fake_mirror(root: Path, version: str = "5.100.0") -> Path:
    (root / "registry.terraform.io" / "hashicorp" / "aws" / version / os_arch()).mkdir(parents=True)
    return root


def test_named_mirror_is_used(tmp_path):
    mirror = _fake_mirror(tmp_path / "mirror")
    assert find_mirror({"TF_PLUGIN_MIRROR": str(mirror)}) == mirror.resolve()


def test_named_mirror_without_the_provider_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="TF_PLUGIN_MIRROR"):
        find_mirror({"TF_PLUGIN_MIRROR": str(tmp_path / "empty")})


def test_mirror_config_installs_hashicorp_from_the_mirror_and_the_rest_directly(tmp_path):
    text = render_cli_config(tmp_path / "m", tmp_path / "cache")
    assert "filesystem_mirror" in text
    assert f'path    = "{tmp_path / "m"}"' in text
    assert 'exclude = ["registry.terraform.io/hashicorp/*"]' in text
    assert f'plugin_cache_dir = "{tmp_path / "cache"}"' in text


def test_without_a_mirror_only_the_cache_is_configured(tmp_path):
    text = render_cli_config(None, tmp_path / "cache")
    assert "provider_installation" not in text
    assert "plugin_cache_dir" in text


def test_config_is_rewritten_only_when_it_changes(tmp_path):
    env = {"TF_PLUGIN_MIRROR": str(_fake_mirror(tmp_path / "mirror"))}
    path, _ = write_cli_config(tmp_path / "state", env)
    before = path.stat().st_mtime_ns
    again, _ = write_cli_config(tmp_path / "state", env)
    assert again == path and path.stat().st_mtime_ns == before


@pytest.mark.terraform
def test_terraform_installs_the_aws_provider_through_the_project_config(tmp_path):
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not on PATH")
    mirror = find_mirror()
    if mirror is None:
        pytest.skip("no provider mirror on this machine: init would download from the registry")
    config, _ = write_cli_config(tmp_path / "state")
    work = tmp_path / "work"
    work.mkdir()
    (work / "main.tf").write_text(
        "terraform {\n  required_providers {\n"
        '    aws = { source = "hashicorp/aws", version = ">= 5.100" }\n'
        "  }\n}\n"
    )
    # init would skip a reattached provider, the one it is to install here
    env = without_reattach(dict(os.environ, TF_CLI_CONFIG_FILE=str(config), CHECKPOINT_DISABLE="1"))
    proc = subprocess.run(
        ["terraform", "init", "-input=false", "-no-color", "-backend=false"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Installed hashicorp/aws" in proc.stdout or "Using hashicorp/aws" in proc.stdout
    installed = list(
        (work / ".terraform" / "providers" / "registry.terraform.io" / "hashicorp" / "aws").glob(
            "*"
        )
    )
    assert installed, "the provider must be installed into the working directory"


def test_cache_serves_inits_without_lock_files(tmp_path):
    # Without lock files Terraform would otherwise reinstall into the cache on every
    # init, and parallel inits race on its folders.
    text = render_cli_config(None, tmp_path / "cache")
    assert "plugin_cache_may_break_dependency_lock_file = true" in text


@pytest.mark.parametrize(
    "argv",
    [
        ["tf", "validate", "--jobs", "3", "modules/waf", "modules/vpc-link"],
        ["tf", "validate", "modules/waf", "modules/vpc-link", "--jobs", "3"],
    ],
)
def test_tf_options_go_before_or_after_the_directories(argv):
    from aigw.cli import build_parser

    args = build_parser().parse_args(argv)
    assert (args.action, args.jobs, args.dirs) == (
        "validate",
        3,
        ["modules/waf", "modules/vpc-link"],
    )
    assert args.skip_tested is False


def test_tf_fmt_check_takes_no_directories_and_an_unknown_action_is_refused(capsys):
    from aigw.cli import build_parser

    args = build_parser().parse_args(["tf", "fmt-check"])
    assert (args.action, args.dirs) == ("fmt-check", [])
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["tf", "plan"])
    assert exc.value.code == 2
    assert "invalid choice: 'plan'" in capsys.readouterr().err
