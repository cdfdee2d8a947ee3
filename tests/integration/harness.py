"""A small terratest-style harness: apply a Terraform root to the sandbox, assert, destroy.

``TerraformRoot`` copies a root module (an example or an env) into a work directory,
turns relative module sources into absolute paths, points the ``aws`` provider at the
sandbox (an override file when the root declares the provider, a provider file when it
does not), and runs the real ``terraform`` with the project's CLI config.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from aigw.toolchain import write_cli_config

ROOT = Path(__file__).resolve().parents[2]

# Services whose endpoints point at the sandbox (everything the modules use).
SANDBOX_SERVICES = (
    "apigateway",
    "apigatewayv2",
    "applicationautoscaling",
    "cloudwatch",
    "cloudwatchlogs",
    "dynamodb",
    "ec2",
    "elbv2",
    "iam",
    "kms",
    "lambda",
    "s3",
    "sagemaker",
    "secretsmanager",
    "sns",
    "ssm",
    "sts",
    "wafv2",
)


def sandbox_provider_hcl(endpoint: str, region: str = "us-east-1") -> str:
    endpoints = "\n".join(f'    {svc} = "{endpoint}"' for svc in SANDBOX_SERVICES)
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
  endpoints {{
{endpoints}
  }}
}}
"""


class TerraformRoot:
    def __init__(self, source: Path, work: Path, endpoint: str, tf: str | None = None) -> None:
        self.source = source.resolve()
        self.work = work
        self.endpoint = endpoint
        self.tf = tf or os.environ.get("TF", "terraform")
        state = work.parent / f"{work.name}-state"
        # One CLI config and plugin cache per pytest-xdist worker: concurrent `terraform
        # init`s filling one cache race on creating its directories.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        config, _ = write_cli_config(ROOT / ".aigw" / "workers" / worker)
        self.env = {
            **os.environ,
            "TF_CLI_CONFIG_FILE": str(config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "TF_DATA_DIR": str(state / "data"),
        }
        self.state_file = state / "terraform.tfstate"
        # Roots that read the build manifest get the checkout's, wherever they are copied.
        self.extra_vars: dict[str, object] = {}
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
                if re.search(r'^variable\s+"manifest_path"', text, re.M):
                    self.extra_vars["manifest_path"] = str(ROOT / "dist" / "manifest.json")
            dest = self.dir / path.name
            dest.unlink(missing_ok=True)
            dest.write_text(text)
        name = "zz_sandbox_override.tf" if declares_provider else "zz_sandbox_provider.tf"
        (self.dir / name).write_text(sandbox_provider_hcl(self.endpoint))
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
            env=self.env,
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
        self, var_files: list[Path] | None = None, **variables: object
    ) -> subprocess.CompletedProcess[str]:
        return self.run(
            "destroy",
            "-input=false",
            "-no-color",
            "-auto-approve",
            "-lock=false",
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

        return leftovers(json.loads(snapshot.read_text()), self.endpoint)

    def state_resources(self) -> list[str]:
        """Managed resource instances the state still holds."""
        return [
            f"{r.get('module', '')}.{r['type']}.{r['name']}".lstrip(".")
            for r in self._state().get("resources", [])
            if r.get("mode") == "managed" and r.get("instances")
        ]

    def cleanup(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
