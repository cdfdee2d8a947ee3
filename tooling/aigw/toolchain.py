"""Terraform toolchain: the project's own CLI configuration.

The machine image may carry the ``hashicorp/aws`` provider as an unpacked filesystem
mirror (a folder holding ``registry.terraform.io/hashicorp/aws/<version>/<os_arch>/``).
When one is found (or named by ``$TF_PLUGIN_MIRROR``) the CLI config installs
``hashicorp/*`` providers from it and everything else from the registry; when none is
found the config only sets the plugin cache, so ``terraform init`` downloads as usual.
The same file works for OpenTofu (``TF=tofu``), which reads the same syntax.
"""

from __future__ import annotations

import os
import platform
import tempfile
from pathlib import Path

# Where machine images conventionally put provider mirrors (checked in this order).
MIRROR_CANDIDATES: tuple[str, ...] = (
    "/opt/tf-plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
)
PROVIDER_DIR = Path("registry.terraform.io") / "hashicorp" / "aws"


def os_arch() -> str:
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        machine, machine
    )
    return f"{platform.system().lower()}_{arch}"


def _has_aws_provider(root: Path) -> bool:
    base = root / PROVIDER_DIR
    if not base.is_dir():
        return False
    target = os_arch()
    return any((version / target).is_dir() for version in base.iterdir())


def find_mirror(env: dict[str, str] | None = None) -> Path | None:
    """The provider mirror to use: ``$TF_PLUGIN_MIRROR`` if set, else a known location."""
    env = os.environ if env is None else env
    named = env.get("TF_PLUGIN_MIRROR", "").strip()
    if named:
        path = Path(named).expanduser()
        if not _has_aws_provider(path):
            raise FileNotFoundError(
                f"TF_PLUGIN_MIRROR={named} does not hold "
                f"{PROVIDER_DIR}/<version>/{os_arch()}/ (an unpacked filesystem mirror)"
            )
        return path.resolve()
    for candidate in MIRROR_CANDIDATES:
        path = Path(candidate).expanduser()
        if _has_aws_provider(path):
            return path.resolve()
    return None


def _hcl_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_cli_config(mirror: Path | None, plugin_cache: Path) -> str:
    lines = [
        "# Written by `aigw toolchain` (make setup). Do not edit: it is regenerated.",
        f"plugin_cache_dir = {_hcl_str(str(plugin_cache))}",
        # Lock files are not kept (ADR 0002), so without this Terraform >= 1.4 would
        # reinstall into the cache on every init, and parallel inits race on its folders.
        "plugin_cache_may_break_dependency_lock_file = true",
    ]
    if mirror is not None:
        lines += [
            "",
            "provider_installation {",
            "  filesystem_mirror {",
            f"    path    = {_hcl_str(str(mirror))}",
            '    include = ["registry.terraform.io/hashicorp/*"]',
            "  }",
            "  direct {",
            '    exclude = ["registry.terraform.io/hashicorp/*"]',
            "  }",
            "}",
        ]
    return "\n".join(lines) + "\n"


def write_cli_config(
    state_dir: Path, env: dict[str, str] | None = None
) -> tuple[Path, Path | None]:
    """Write ``<state_dir>/terraformrc`` (only when its content changes)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    cache = state_dir / "plugin-cache"
    cache.mkdir(exist_ok=True)
    mirror = find_mirror(env)
    text = render_cli_config(mirror, cache.resolve())
    target = state_dir / "terraformrc"
    if not target.exists() or target.read_text() != text:
        # A temporary file of its own: concurrent writers (test workers on a fresh
        # checkout) must not rename one another's file away.
        fd, tmp = tempfile.mkstemp(dir=state_dir, prefix="terraformrc.", suffix=".tmp")
        with os.fdopen(fd, "w") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    return target, mirror
