"""One provider process that Terraform reattaches to, instead of starting its own (ADR 0155).

`terraform test` starts the provider afresh for every run block, and every `terraform`
command starts it two to four times. For the aws provider each start costs Terraform
far more than the provider's own work: loading and decoding a schema of some hundred MB.
A module's plan tests with a mocked provider (`llm-route`'s 27 runs) took 15.4 s of CPU
that way and 5.5 s with one long-lived provider process that Terraform reattaches to
through `TF_REATTACH_PROVIDERS`, the mechanism Terraform documents for debugging
providers. It is the same binary `terraform init` installed, serving the same calls.

For test suites only: a deployment (`make apply`) lets Terraform start its providers.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
ENV_VAR = "TF_REATTACH_PROVIDERS"

# What a provider started with `-debug` prints once it serves (terraform-plugin-go).
_ANNOUNCEMENT = re.compile(r"TF_REATTACH_PROVIDERS='(\{.*\})'")

# In debug mode the provider logs every call at trace level (tens of MB per module's
# tests) unless each of its loggers is told otherwise.
_QUIET = {
    name: "OFF"
    for name in (
        "TF_LOG",
        "TF_LOG_PROVIDER",
        "TF_LOG_SDK",
        "TF_LOG_SDK_PROTO",
        "TF_LOG_SDK_MUX",
        "TF_LOG_SDK_FRAMEWORK",
        "TF_LOG_SDK_HELPER_SCHEMA",
    )
}


class ProviderStartError(RuntimeError):
    """The provider did not announce where it serves."""


def installed_provider(directory: Path, name: str = "aws") -> tuple[str, Path] | None:
    """``(address, binary)`` of the ``hashicorp/<name>`` provider `terraform init`
    installed for ``directory`` (``registry.terraform.io/hashicorp/aws``, or the
    OpenTofu registry's address), or None when it is not installed exactly once."""
    base = directory / ".terraform" / "providers"
    found = sorted(base.glob(f"*/hashicorp/{name}/*/*/terraform-provider-{name}_*"))
    if len(found) != 1:
        return None
    host, namespace, kind = found[0].relative_to(base).parts[:3]
    return f"{host}/{namespace}/{kind}", found[0].resolve()


class ReattachedProvider:
    """A provider binary started in debug mode; :attr:`reattach` is the value of
    ``TF_REATTACH_PROVIDERS`` that makes Terraform use it. One Terraform command at a time
    should use it (one per pytest-xdist worker)."""

    def __init__(
        self,
        address: str,
        binary: Path,
        log: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.address = address
        self.binary = binary
        self.log = log
        self.cwd = cwd
        self.env = {**(os.environ if env is None else env), **_QUIET}
        self.reattach = ""
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = START_TIMEOUT_S) -> str:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as out:
            self._proc = subprocess.Popen(
                [str(self.binary), "-debug"],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = _ANNOUNCEMENT.search(self.log.read_text(errors="replace"))
            if found:
                self.reattach = self._for_address(json.loads(found.group(1)))
                return self.reattach
            if self._proc.poll() is not None:
                raise ProviderStartError(
                    f"{self.binary} -debug exited {self._proc.returncode} before serving: "
                    + self.log.read_text(errors="replace")[-2000:]
                )
            time.sleep(0.05)
        self.stop()
        raise ProviderStartError(f"{self.binary} -debug did not serve within {timeout:.0f} s")

    def _for_address(self, announced: dict) -> str:
        """The announcement names the provider by its own registry address; Terraform
        needs it under the address the configuration's lock file uses."""
        if len(announced) != 1:
            raise ProviderStartError(f"expected one provider in {announced}")
        (config,) = announced.values()
        return json.dumps({self.address: config})

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=STOP_TIMEOUT_S)


def without_reattach(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without ``TF_REATTACH_PROVIDERS``."""
    return {k: v for k, v in env.items() if k != ENV_VAR}


# The AWS SDKs' endpoint variables, which take precedence over a profile's `endpoint_url`.
_ENDPOINT_ENV = re.compile(r"^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$")


def without_endpoint_env(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without ``AWS_ENDPOINT_URL`` and ``AWS_ENDPOINT_URL_<SERVICE>``: where a
    configuration names its endpoint in a profile (the sandbox's, tests/integration), an
    endpoint in the provider's environment would win over it."""
    return {k: v for k, v in env.items() if not _ENDPOINT_ENV.match(k)}


def env_for_command(args: list[str] | tuple[str, ...], env: Mapping[str, str]) -> Mapping[str, str]:
    """The environment for ``terraform <args>``: `init` never reattaches (it installs
    providers and skips the ones it is told to reattach to, which a later command without
    the variable would miss); every other command keeps ``env`` as it is."""
    return without_reattach(env) if args[:1] in (["init"], ("init",)) else env


def start_project_provider(
    root: Path, work: Path, tf: str | None = None, cwd: Path | None = None
) -> ReattachedProvider:
    """The aws provider the project's modules use (their ``required_providers``, installed
    by `terraform init` through the project's CLI config), started for reattaching, for
    the local sandbox (no CA bundle: it is plain HTTP).

    ``cwd``: the provider's working directory. Terraform starts a provider in the
    configuration's directory, and the provider resolves relative file names (a Lambda
    package's ``filename``) from there; a reattached provider keeps its own. Configurations
    that name files relatively need a provider started in their directory."""
    from aigw.paths import state_dir
    from aigw.terraform import TerraformError, run_tf, tf_env

    work.mkdir(parents=True, exist_ok=True)
    (work / "versions.tf").write_text(
        (root / "modules" / "ai-gateway" / "versions.tf").read_text(), encoding="utf-8"
    )
    env = without_endpoint_env(without_reattach(tf_env(root)))
    # One install at a time: on a fresh checkout the plugin cache is empty, and Terraform's
    # cache is not safe for concurrent installs (a second `init` fails with "file exists"
    # while the first creates the provider's directory). Every worker starts here first.
    lock = state_dir(root) / "provider-install.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        run_tf(["init", "-backend=false", "-input=false", "-no-color"], work, env, tf)
    installed = installed_provider(work)
    if installed is None:
        raise TerraformError(f"`terraform init` in {work} installed no hashicorp/aws provider")
    # A CA bundle in its environment breaks the second configuration of one provider
    # process ("unable to add custom RootCAs HTTPClient"); the sandbox is plain HTTP.
    env.pop("AWS_CA_BUNDLE", None)
    provider = ReattachedProvider(*installed, work / "provider.log", env, cwd)
    provider.start()
    return provider
