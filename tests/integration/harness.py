"""A small terratest-style harness: apply a Terraform root to the sandbox, assert, destroy.

``TerraformRoot`` copies a root module (an example or an env) into a work directory,
turns relative module sources into absolute paths, points the ``aws`` provider at the
sandbox (an override file when the root declares the provider, a provider file when it
does not), and runs the real ``terraform`` with the project's CLI config.

Two sandboxes exist, chosen with ``AIGW_SANDBOX`` (see docs/testing.md):

- ``moto`` (default): the private moto server on 127.0.0.1 (the ``moto_endpoint``
  fixture); the provider reaches it for every service through the ``endpoint_url`` of an
  AWS shared config profile written beside the root.
- ``aws``: a real sandbox account reached with ``AIGW_AWS_PROFILE``/``AWS_PROFILE`` and
  ``AIGW_AWS_REGION``/``AWS_REGION``. No endpoint override is written; the provider gets
  ``default_tags`` marking the run (``aigw:test-run = <prefix>``) so a janitor can find
  anything a broken run left behind.

Every run has a run prefix (``aigw-<6 hex>``): from ``AIGW_RUN_ID`` when set, else
``AIGW_RUN_PREFIX``, else random (tests/conftest.py draws it once per session). Each root
declaring ``variable "name_prefix"`` gets its own ``aigw-<6 hex>`` derived from the run
prefix and its path, so neither two runs sharing an account nor two examples of one run
collide.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aigw.provider_reattach import env_for_command, without_endpoint_env
from aigw.toolchain import write_cli_config

ROOT = Path(__file__).resolve().parents[2]

# The AWS shared config profile that sends every service to the sandbox: its
# `endpoint_url` is the AWS SDKs' endpoint for all services. The provider block names
# the profile and the file instead of listing services in an `endpoints` block, which the
# provider validates for about 2 s of CPU each time Terraform configures it (ADR 0156).
SANDBOX_PROFILE = "aigw-sandbox"
SANDBOX_AWS_CONFIG = "zz_sandbox.aws-config"


MODES = ("moto", "aws")
MOTO_REGION = "us-east-1"
RUN_TAG = "aigw:test-run"
# What every example's `name_prefix` validation accepts (1-14 characters).
PREFIX_PATTERN = re.compile(r"^[a-z]([a-z0-9-]{0,12}[a-z0-9])?$")

MOTO_ONLY_REASON = (
    "runs against the local moto sandbox only; AIGW_SANDBOX=aws runs the suites that "
    "take the sandbox_target fixture (tests/integration/test_examples.py)"
)
HTTP_NEEDS_AWS_REASON = (
    "HTTP calls to a deployed stage need AIGW_SANDBOX=aws: moto does not serve API Gateway stages"
)


class SandboxConfigError(ValueError):
    """AIGW_SANDBOX (or its companions) hold a value the suite cannot use."""


def run_prefix(run_id: str | None = None) -> str:
    """``aigw-<6 hex>``: from ``run_id`` (stable, e.g. a CI run id) or random."""
    if run_id:
        digest = hashlib.sha256(run_id.encode()).hexdigest()[:6]
    else:
        digest = secrets.token_hex(3)
    prefix = f"aigw-{digest}"
    assert PREFIX_PATTERN.match(prefix), prefix
    return prefix


def validate_prefix(prefix: str) -> str:
    """The prefix, or SandboxConfigError naming the rule every example enforces."""
    if not PREFIX_PATTERN.match(prefix):
        raise SandboxConfigError(
            f"name prefix {prefix!r} is invalid: 1-14 characters of lower-case letters, "
            "digits and hyphens, starting with a letter and not ending with a hyphen"
        )
    return prefix


@dataclass(frozen=True)
class SandboxTarget:
    """Where the integration suite deploys: the moto server or a real sandbox account."""

    mode: str
    region: str
    prefix: str
    endpoint: str | None = None  # moto only
    profile: str | None = None  # aws only (None: the default credential chain)

    @property
    def is_aws(self) -> bool:
        return self.mode == "aws"

    def prefix_for(self, root: str) -> str:
        """The name prefix of one root in this run: ``aigw-<6 hex>`` of (run, root).

        Examples of different modules share name suffixes (``<prefix>-basic`` is a REST
        API, a web ACL and a log group in three examples), so a run gives each root its
        own prefix; the run itself is marked by the ``aigw:test-run`` tag.
        """
        return run_prefix(f"{self.prefix}:{root}")

    def provider_hcl(self, aws_config: Path | None = None) -> str:
        """The provider block; in moto mode it reads the sandbox profile from
        ``aws_config`` (a file holding :func:`sandbox_aws_config`)."""
        if self.is_aws:
            return aws_provider_hcl(self.region, self.profile, self.prefix)
        assert self.endpoint, "moto mode needs the sandbox endpoint"
        assert aws_config is not None, "moto mode needs the sandbox's AWS config file"
        return sandbox_provider_hcl(aws_config, self.region)

    def client(self, service: str) -> Any:
        """A boto3 client for the target (moto endpoint, or the profile's account)."""
        import boto3

        if self.is_aws:
            return boto3.Session(profile_name=self.profile, region_name=self.region).client(service)
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )


def sandbox_mode(environ: Mapping[str, str] | None = None) -> str:
    """``AIGW_SANDBOX`` (default ``moto``); any other value is a usage error."""
    env = os.environ if environ is None else environ
    mode = (env.get("AIGW_SANDBOX") or "moto").strip().lower()
    if mode not in MODES:
        raise SandboxConfigError(
            f"AIGW_SANDBOX={env.get('AIGW_SANDBOX')!r} is not supported: use one of "
            f"{', '.join(MODES)} (moto is the default: the local sandbox; aws: a real "
            "sandbox account chosen with AIGW_AWS_PROFILE/AWS_PROFILE and "
            "AIGW_AWS_REGION/AWS_REGION)"
        )
    return mode


def _env_run_prefix(env: Mapping[str, str]) -> str:
    if env.get("AIGW_RUN_ID"):
        return run_prefix(env["AIGW_RUN_ID"])
    return validate_prefix(env.get("AIGW_RUN_PREFIX") or run_prefix())


def target_from_env(
    environ: Mapping[str, str] | None = None, endpoint: str | None = None
) -> SandboxTarget:
    """The target the environment asks for. ``endpoint`` is the moto server (moto mode)."""
    env = os.environ if environ is None else environ
    mode = sandbox_mode(env)
    prefix = _env_run_prefix(env)
    if mode == "moto":
        return SandboxTarget("moto", MOTO_REGION, prefix, endpoint=endpoint)
    region = env.get("AIGW_AWS_REGION") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if not region:
        raise SandboxConfigError(
            "AIGW_SANDBOX=aws needs a region: set AIGW_AWS_REGION (or AWS_REGION)"
        )
    profile = env.get("AIGW_AWS_PROFILE") or env.get("AWS_PROFILE") or None
    return SandboxTarget("aws", region, prefix, profile=profile)


def aws_provider_hcl(region: str, profile: str | None, run_prefix: str) -> str:
    """Provider settings for a real account: region/profile and the run tag, no endpoints."""
    settings = f"  region  = {json.dumps(region)}\n  profile = {json.dumps(profile)}\n"
    if not profile:
        settings = f"  region = {json.dumps(region)}\n"
    return f"""provider "aws" {{
{settings}  default_tags {{
    tags = {{
      {json.dumps(RUN_TAG)} = {json.dumps(run_prefix)}
    }}
  }}
}}
"""


def sandbox_aws_config(endpoint: str) -> str:
    """An AWS shared config file whose profile ``aigw-sandbox`` sends every service to
    ``endpoint``."""
    return f"[profile {SANDBOX_PROFILE}]\nendpoint_url = {endpoint}\n"


def sandbox_provider_hcl(aws_config: Path, region: str = "us-east-1") -> str:
    """Fake credentials, no account look-ups, and every service at the sandbox through the
    profile of ``aws_config`` (an absolute path: a reattached provider does not run in the
    configuration's directory)."""
    return f"""provider "aws" {{
  region                      = "{region}"
  access_key                  = "sandbox"
  secret_key                  = "sandbox"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true
  allowed_account_ids         = null
  max_retries                 = 2
  s3_use_path_style           = true
  profile                     = "{SANDBOX_PROFILE}"
  shared_config_files         = [{json.dumps(str(aws_config.resolve()))}]
}}
"""


class TerraformRoot:
    def __init__(
        self,
        source: Path,
        work: Path,
        endpoint: str | None,
        tf: str | None = None,
        *,
        target: SandboxTarget | None = None,
    ) -> None:
        self.source = source.resolve()
        self.work = work
        # Without a target: the moto sandbox at `endpoint`, under the session's run prefix.
        self.target = target or SandboxTarget(
            "moto", MOTO_REGION, _env_run_prefix(os.environ), endpoint=endpoint
        )
        self.endpoint = self.target.endpoint
        self.tf = tf or os.environ.get("TF", "terraform")
        state = work.parent / f"{work.name}-state"
        # One CLI config and plugin cache per pytest-xdist worker: concurrent `terraform
        # init`s filling one cache race on creating its directories.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        config, _ = write_cli_config(ROOT / ".aigw" / "workers" / worker)
        self.env = {
            **without_endpoint_env(os.environ),
            "TF_CLI_CONFIG_FILE": str(config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "TF_DATA_DIR": str(state / "data"),
        }
        self.state_file = state / "terraform.tfstate"
        # Roots that read the build manifest get the checkout's, wherever they are copied.
        self.extra_vars: dict[str, object] = {}
        # Variables the root declares (read from its files by _prepare).
        self.declared_vars: set[str] = set()
        self._prepare()

    def _prepare(self) -> None:
        """Copy the root and the modules it may use, keeping their relative layout.

        Relative module sources ("../../modules/x", and the modules' own "../y") then
        resolve exactly as in the checkout, without touching the checkout.
        """
        ignore = shutil.ignore_patterns(".terraform", "*.tfstate*", ".terraform.lock.hcl")
        shutil.copytree(ROOT / "modules", self.work / "modules", ignore=ignore, dirs_exist_ok=True)
        self.dir = self.work / self.source.relative_to(ROOT)
        self.dir.mkdir(parents=True, exist_ok=True)
        declares_provider = False
        declares_backend = False
        for path in sorted(self.source.iterdir()):
            if (
                path.is_dir()
                or path.name.startswith(".")
                or path.suffix not in (".tf", ".json", ".tfvars")
            ):
                continue
            text = path.read_text()  # follows symlinks (envs link to envs/_shared)
            if path.suffix == ".tf":
                declares_provider |= bool(re.search(r'^provider\s+"aws"', text, re.M))
                declares_backend |= bool(re.search(r'^\s*backend\s+"', text, re.M))
                self.declared_vars |= set(re.findall(r'^variable\s+"([^"]+)"', text, re.M))
            dest = self.dir / path.name
            dest.unlink(missing_ok=True)
            dest.write_text(text)
        if "manifest_path" in self.declared_vars:
            self.extra_vars["manifest_path"] = str(ROOT / "dist" / "manifest.json")
        self.name_prefix = self.target.prefix_for(str(self.source.relative_to(ROOT)))
        if "name_prefix" in self.declared_vars:
            self.extra_vars["name_prefix"] = self.name_prefix
        if self.target.is_aws and "region" in self.declared_vars:
            # The root's own region-derived strings (ARNs, service principals) must agree
            # with where the provider deploys. (moto accepts any region in them.)
            self.extra_vars["region"] = self.target.region
        name = "zz_sandbox_override.tf" if declares_provider else "zz_sandbox_provider.tf"
        aws_config = None
        if not self.target.is_aws:
            aws_config = self.dir / SANDBOX_AWS_CONFIG
            aws_config.write_text(sandbox_aws_config(str(self.endpoint)))
        (self.dir / name).write_text(self.target.provider_hcl(aws_config))
        self.has_backend = declares_backend
        if declares_backend:
            # Remote state is the deployed envs' business; a sandbox run keeps it local.
            (self.dir / "zz_backend_override.tf").write_text(
                'terraform {\n  backend "local" {}\n}\n'
            )

    def run(
        self, *args: str, check: bool = True, timeout: int = 900
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [self.tf, *args],
            cwd=self.dir,
            env=env_for_command(args, self.env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"terraform {' '.join(args)} failed in {self.source}:\n{proc.stdout}\n{proc.stderr}"
            )
        return proc

    def _vars(self, var_files: list[Path], variables: dict[str, object]) -> list[str]:
        variables = {**self.extra_vars, **variables}
        args = [f"-var-file={p}" for p in var_files]
        args += [
            f"-var={k}={json.dumps(v) if not isinstance(v, str) else v}"
            for k, v in variables.items()
        ]
        return args

    def init(self) -> None:
        # A declared backend is overridden to "local" (see _prepare) and must be initialised.
        backend = [] if self.has_backend else ["-backend=false"]
        self.run("init", "-input=false", "-no-color", *backend)

    def apply(self, var_files: list[Path] | None = None, **variables: object) -> None:
        self.run(
            "apply",
            "-input=false",
            "-no-color",
            "-auto-approve",
            "-lock=false",
            f"-state={self.state_file}",
            *self._vars(var_files or [], variables),
        )

    def plan_changes(self, var_files: list[Path] | None = None, **variables: object) -> str:
        """Empty string when a re-plan shows no changes, else the plan text."""
        proc = self.run(
            "plan",
            "-input=false",
            "-no-color",
            "-lock=false",
            "-detailed-exitcode",
            f"-state={self.state_file}",
            *self._vars(var_files or [], variables),
            check=False,
        )
        if proc.returncode == 0:
            return ""
        if proc.returncode == 2:
            return proc.stdout
        raise AssertionError(f"plan failed in {self.source}:\n{proc.stdout}\n{proc.stderr}")

    def _state(self) -> dict:
        return json.loads(self.state_file.read_text()) if self.state_file.exists() else {}

    def outputs(self) -> dict[str, object]:
        """Root outputs, read from the state file (no Terraform run needed)."""
        return {k: v["value"] for k, v in self._state().get("outputs", {}).items()}

    def destroy(
        self, var_files: list[Path] | None = None, refresh: bool = False, **variables: object
    ) -> subprocess.CompletedProcess[str]:
        """Destroy what the state holds, without refreshing it first unless ``refresh``.

        Without ``-refresh=false`` a destroy first runs a whole normal plan to refresh
        the state (half of the destroy's CPU). The tests destroy right after a re-plan
        that refreshed (or after a failed step, when the state holds what was made), and
        what the destroy leaves behind is asked of the AWS APIs (:meth:`leftovers`).
        A state written by another configuration (an upgrade through ``moved`` blocks)
        needs the refresh: only a plan records the moved resources' dependencies under
        their new addresses, and a destroy without it may delete a function before its
        alias.
        """
        return self.run(
            "destroy",
            "-input=false",
            "-no-color",
            "-auto-approve",
            "-lock=false",
            *([] if refresh else ["-refresh=false"]),
            f"-state={self.state_file}",
            *self._vars(var_files or [], variables),
            check=False,
        )

    def snapshot_state(self) -> Path:
        """Copy of the current state, to check after destroy that nothing is left."""
        snap = self.state_file.with_name("before-destroy.tfstate")
        if self.state_file.exists():
            shutil.copyfile(self.state_file, snap)
        else:  # the apply failed before writing state: nothing can be left
            snap.write_text('{"version": 4, "resources": []}')
        return snap

    def leftovers(self, snapshot: Path) -> list[str]:
        """Managed resources of ``snapshot`` that still exist in the sandbox (AWS APIs)."""
        from leftovers import leftovers

        return leftovers(
            json.loads(snapshot.read_text()),
            self.target.endpoint,
            self.target.region,
            profile=self.target.profile,
        )

    def state_resources(self) -> list[str]:
        """Managed resource instances the state still holds."""
        return [
            f"{r.get('module', '')}.{r['type']}.{r['name']}".lstrip(".")
            for r in self._state().get("resources", [])
            if r.get("mode") == "managed" and r.get("instances")
        ]

    def cleanup(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
