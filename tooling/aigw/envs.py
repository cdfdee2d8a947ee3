"""The deploy workflow for the environments in ``envs/``.

``local`` deploys straight into the local AWS sandbox (local state under ``.aigw/``).
Like a deployed environment it encrypts everything with one environment key whose ARN is
known at plan time: ``plan``, ``apply`` and ``destroy`` first make sure the key exists,
applying ``envs/_bootstrap`` with ``environment = "local"`` (the key only, no state
bucket) to the sandbox, with its state in ``.aigw/state/bootstrap-local.tfstate``;
``destroy`` removes the key stack after the env (the key is scheduled for deletion).
Every other environment keeps remote state (``envs/<env>/backend.hcl``) and follows the
safe workflow: ``plan`` writes a plan file and shows a summary; ``apply`` applies only
that saved plan, after a confirmation (or, in CI, only with ``CI=true`` and
``AUTO_APPROVE=1``); ``destroy`` is refused unless ``ALLOW_DESTROY=<env>`` is set.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from aigw.paths import state_dir
from aigw.sandbox import Sandbox
from aigw.terraform import TerraformError, env_dirs, run_tf, tf_env

LOCAL_ENV = "local"


class EnvError(RuntimeError):
    """A refused or impossible environment operation; nothing was changed."""


def list_envs(root: Path) -> list[str]:
    return [d.name for d in env_dirs(root)]


def env_dir(root: Path, name: str) -> Path:
    envs = list_envs(root)
    if name not in envs:
        raise EnvError(
            f"unknown environment {name!r}; valid environments: {', '.join(envs) or '(none)'}"
        )
    return root / "envs" / name


def plan_file(root: Path, name: str) -> Path:
    return state_dir(root) / "plans" / f"{name}.tfplan"


def _local_state_init_args(path: Path) -> list[str]:
    """``terraform init`` for a root whose state is the local file ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return ["init", "-input=false", "-no-color", "-reconfigure", f"-backend-config=path={path}"]


def _init_args(root: Path, name: str) -> list[str]:
    d = env_dir(root, name)
    if name == LOCAL_ENV:
        return _local_state_init_args(state_dir(root) / "state" / f"{name}.tfstate")
    backend = d / "backend.hcl"
    if not backend.is_file():
        raise EnvError(
            f"envs/{name} has no backend configured: create envs/{name}/backend.hcl "
            f"(copy envs/{name}/backend.hcl.example and set the state bucket, key and region). "
            "Nothing was planned or applied."
        )
    return ["init", "-input=false", "-no-color", "-reconfigure", f"-backend-config={backend.name}"]


def _sandbox_endpoint(root: Path) -> str:
    box = Sandbox(state_dir(root))
    status = box.status()
    if not status.running:
        raise EnvError(
            f"the local sandbox is not running ({status.detail}); start it with `make sandbox-up`"
        )
    return status.endpoint


def _local_vars(root: Path) -> dict[str, str]:
    return {"TF_VAR_sandbox_endpoint": _sandbox_endpoint(root)}


# -- the local env's key (envs/_bootstrap with environment = "local") -------------------
KEY_STACK = "_bootstrap"


def local_key_state(root: Path) -> Path:
    """Local state of the local env's key stack."""
    return state_dir(root) / "state" / f"bootstrap-{LOCAL_ENV}.tfstate"


def _key_stamp(root: Path) -> Path:
    return state_dir(root) / "state" / f"bootstrap-{LOCAL_ENV}.applied.json"


def _state_output(path: Path, name: str) -> str | None:
    try:
        outputs = json.loads(path.read_text()).get("outputs") or {}
    except (OSError, ValueError):
        return None
    value = (outputs.get(name) or {}).get("value")
    return value if isinstance(value, str) and value else None


def _key_stack_fingerprint(root: Path, endpoint: str, tf: str | None) -> str:
    """What the last apply of the key stack depended on: its files, the sandbox, the tool."""
    digest = hashlib.sha256(f"{endpoint}\n{tf or os.environ.get('TF', 'terraform')}\n".encode())
    for path in sorted((root / "envs" / KEY_STACK).glob("*.tf")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _key_enabled(endpoint: str, arn: str) -> bool:
    """Whether the sandbox holds ``arn`` as an enabled key (False after a restart)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    kms = boto3.client(
        "kms",
        endpoint_url=endpoint,
        region_name=arn.split(":")[3],
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",  # noqa: S106 - the sandbox's placeholder, not a secret
        config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2}),
    )
    try:
        return kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] == "Enabled"
    except (BotoCoreError, ClientError):
        return False


def _key_stack_env(root: Path, endpoint: str) -> dict[str, str]:
    return tf_env(
        root,
        {
            "TF_DATA_DIR": str(state_dir(root) / "tf-data" / f"bootstrap-{LOCAL_ENV}"),
            "TF_VAR_environment": LOCAL_ENV,
            "TF_VAR_sandbox_endpoint": endpoint,
        },
    )


def _init_key_stack(root: Path, env: dict[str, str], tf: str | None) -> Path:
    stack = root / "envs" / KEY_STACK
    run_tf(_local_state_init_args(local_key_state(root)), stack, env, tf)
    return stack


def local_key(root: Path, tf: str | None = None, endpoint: str | None = None) -> str:
    """ARN of the local env's KMS key in the running sandbox, created when missing.

    Idempotent: when the key stack's files and the sandbox are those of its last apply and
    the sandbox still holds the key, nothing runs. Otherwise the stack is applied; after a
    sandbox restart its state names a key that no longer exists, Terraform's refresh drops
    it and a new key is created.
    """
    endpoint = endpoint or _sandbox_endpoint(root)
    state = local_key_state(root)
    stamp = _key_stamp(root)
    fingerprint = _key_stack_fingerprint(root, endpoint, tf)
    arn = _state_output(state, "kms_key_arn")
    try:
        recorded = json.loads(stamp.read_text()).get("fingerprint")
    except (OSError, ValueError):
        recorded = None
    if arn and recorded == fingerprint and _key_enabled(endpoint, arn):
        print(f"local env key: {arn} (unchanged)", flush=True)
        return arn
    stamp.unlink(missing_ok=True)
    env = _key_stack_env(root, endpoint)
    stack = _init_key_stack(root, env, tf)
    print(
        "local env key: applying envs/_bootstrap (environment = local) to the sandbox", flush=True
    )
    run_tf(["apply", "-input=false", "-no-color", "-auto-approve"], stack, env, tf, stream=True)
    arn = _state_output(state, "kms_key_arn")
    if not arn or not _key_enabled(endpoint, arn):
        raise EnvError(
            f"the key stack applied but the sandbox holds no enabled key for it ({arn}); "
            f"see {state}"
        )
    stamp.write_text(json.dumps({"fingerprint": fingerprint, "kms_key_arn": arn}) + "\n")
    print(f"local env key: {arn}", flush=True)
    return arn


def destroy_local_key(root: Path, tf: str | None = None, endpoint: str | None = None) -> None:
    """Destroy the local env's key stack (the key is scheduled for deletion)."""
    state = local_key_state(root)
    _key_stamp(root).unlink(missing_ok=True)
    if not state.is_file():
        return
    endpoint = endpoint or _sandbox_endpoint(root)
    env = _key_stack_env(root, endpoint)
    stack = _init_key_stack(root, env, tf)
    run_tf(["destroy", "-input=false", "-no-color", "-auto-approve"], stack, env, tf, stream=True)


def _require_manifest(root: Path) -> None:
    if not (root / "dist" / "manifest.json").is_file():
        raise EnvError("dist/manifest.json is missing: run `make build` first")


def _environment(root: Path, name: str, variables: dict[str, str] | None = None) -> dict[str, str]:
    extra = _local_vars(root) if name == LOCAL_ENV else {}
    # Working data (.terraform) per state dir, so a test's private sandbox never
    # re-points the developer's own initialisation of the env.
    extra["TF_DATA_DIR"] = str(state_dir(root) / "tf-data" / name)
    extra.update({f"TF_VAR_{k}": v for k, v in (variables or {}).items()})
    return tf_env(root, extra)


def init(
    root: Path, name: str, tf: str | None = None, variables: dict[str, str] | None = None
) -> dict[str, str]:
    args = _init_args(root, name)
    _require_manifest(root)
    env = _environment(root, name, variables)
    run_tf(args, env_dir(root, name), env, tf)
    return env


def _init_local(root: Path, tf: str | None, key_arn: str | None = None) -> dict[str, str]:
    """Initialise envs/local with its key (created in the sandbox when missing) and the
    account's API Gateway CloudWatch Logs role the same stack set in the sandbox."""
    _require_manifest(root)  # before the key stack runs: a missing build fails first
    variables = {"kms_key_arn": key_arn or local_key(root, tf)}
    role = _state_output(local_key_state(root), "account_cloudwatch_role_arn")
    if role:
        variables["account_cloudwatch_role_arn"] = role
    return init(root, LOCAL_ENV, tf, variables)


def outputs(root: Path, name: str, tf: str | None = None) -> dict[str, object]:
    """The env's Terraform outputs (local: read from the sandbox state file)."""
    d = env_dir(root, name)
    if name == LOCAL_ENV:
        path = state_dir(root) / "state" / f"{name}.tfstate"
        if not path.is_file():
            raise EnvError("envs/local is not applied: run `make apply ENV=local` first")
        state = json.loads(path.read_text())
        if not state.get("outputs"):
            raise EnvError("envs/local is not applied: run `make apply ENV=local` first")
        return {k: v["value"] for k, v in state["outputs"].items()}
    env = init(root, name, tf)
    shown = run_tf(["output", "-json"], d, env, tf)
    return {k: v["value"] for k, v in json.loads(shown.stdout or "{}").items()}


def shell_exports(values: dict[str, object]) -> str:
    """``export K='v'`` lines for a map output such as ``cli_environment``."""
    import shlex

    return "\n".join(f"export {k}={shlex.quote(str(v))}" for k, v in sorted(values.items()))


def summarize_plan(plan_json: dict[str, object]) -> dict[str, int]:
    counts = {"create": 0, "update": 0, "delete": 0, "replace": 0}
    changes = plan_json.get("resource_changes") or []
    assert isinstance(changes, list)
    for change in changes:
        actions = change.get("change", {}).get("actions", [])
        if actions == ["create"]:
            counts["create"] += 1
        elif actions == ["update"]:
            counts["update"] += 1
        elif actions == ["delete"]:
            counts["delete"] += 1
        elif set(actions) == {"create", "delete"}:
            counts["replace"] += 1
    return counts


def plan(root: Path, name: str, tf: str | None = None, destroy: bool = False) -> dict[str, int]:
    env = _init_local(root, tf) if name == LOCAL_ENV else init(root, name, tf)
    out = plan_file(root, name)
    out.parent.mkdir(parents=True, exist_ok=True)
    args = ["plan", "-input=false", "-no-color", f"-out={out}"]
    if destroy:
        args.append("-destroy")
    run_tf(args, env_dir(root, name), env, tf, stream=True)
    shown = run_tf(["show", "-json", str(out)], env_dir(root, name), env, tf)
    counts = summarize_plan(json.loads(shown.stdout))
    print(
        f"\nPlan for {name}: {counts['create']} to add, {counts['update']} to change, "
        f"{counts['replace']} to replace, {counts['delete']} to destroy.\nSaved to {out}"
        + ("" if name == LOCAL_ENV else f"\nReview it, then run `make apply ENV={name}`.")
    )
    return counts


def _confirm(name: str, action: str, ask: Callable[[str], str] | None) -> None:
    if os.environ.get("CI") == "true" and os.environ.get("AUTO_APPROVE") == "1":
        return
    if ask is None:
        if not sys.stdin.isatty():
            raise EnvError(
                f"refusing to {action} {name} without confirmation: no terminal to ask on. "
                "In CI set CI=true and AUTO_APPROVE=1 to approve explicitly."
            )
        ask = input
    answer = ask(f"Type the environment name ({name}) to {action} it: ").strip()
    if answer != name:
        raise EnvError(f"{action} of {name} cancelled (confirmation did not match)")


def apply(
    root: Path,
    name: str,
    tf: str | None = None,
    ask: Callable[[str], str] | None = None,
) -> None:
    if name == LOCAL_ENV:
        # Plan to the saved plan file, then apply exactly that plan (nothing when it has no
        # changes). The file stays as the record of what was applied (`aigw scan --env-plan
        # local` scans it); local never applies an older saved plan: every apply plans afresh.
        env = _init_local(root, tf)
        saved = plan_file(root, name)
        saved.parent.mkdir(parents=True, exist_ok=True)
        planned = run_tf(
            ["plan", "-input=false", "-no-color", "-detailed-exitcode", f"-out={saved}"],
            env_dir(root, name),
            env,
            tf,
            check=False,
            stream=True,
        )
        if planned.returncode == 0:
            return  # no changes: nothing to apply
        if planned.returncode != 2:
            raise TerraformError(f"planning envs/{name} failed (exit {planned.returncode})")
        run_tf(
            ["apply", "-input=false", "-no-color", str(saved)],
            env_dir(root, name),
            env,
            tf,
            stream=True,
        )
        return
    _init_args(root, name)  # refuse early when no backend is configured
    saved = plan_file(root, name)
    if not saved.is_file():
        raise EnvError(
            f"no saved plan for {name}: run `make plan ENV={name}`, review it, then apply. "
            "Nothing was applied."
        )
    _confirm(name, "apply the saved plan to", ask)
    env = init(root, name, tf)
    run_tf(
        ["apply", "-input=false", "-no-color", str(saved)],
        env_dir(root, name),
        env,
        tf,
        stream=True,
    )
    saved.unlink(missing_ok=True)


def destroy(
    root: Path,
    name: str,
    tf: str | None = None,
    ask: Callable[[str], str] | None = None,
) -> None:
    if name == LOCAL_ENV:
        # The env first (it uses the key), then the key stack. Destroying needs the key's
        # ARN only as a value: the recorded one serves even if the sandbox lost the key.
        recorded = _state_output(local_key_state(root), "kms_key_arn")
        env = _init_local(root, tf, recorded)
        run_tf(
            ["destroy", "-input=false", "-no-color", "-auto-approve"],
            env_dir(root, name),
            env,
            tf,
            stream=True,
        )
        destroy_local_key(root, tf)
        return
    env_dir(root, name)
    if os.environ.get("ALLOW_DESTROY") != name:
        raise EnvError(
            f"refusing to destroy {name}: set ALLOW_DESTROY={name} to confirm you mean it. "
            "Nothing was destroyed."
        )
    _init_args(root, name)
    _confirm(name, "destroy", ask)
    env = init(root, name, tf)
    run_tf(
        ["destroy", "-input=false", "-no-color", "-auto-approve"],
        env_dir(root, name),
        env,
        tf,
        stream=True,
    )


def bootstrap(
    root: Path,
    name: str,
    tf: str | None = None,
    ask: Callable[[str], str] | None = None,
) -> None:
    """Create a deployed env's state bucket, KMS key and account CloudWatch Logs role
    (envs/_bootstrap, local state)."""
    if name == LOCAL_ENV:
        raise EnvError(
            "the local env keeps its state in .aigw/state and `make apply ENV=local` creates "
            "its key in the sandbox: there is nothing to bootstrap"
        )
    d = env_dir(root, name)
    stack = root / "envs" / "_bootstrap"
    state = state_dir(root) / "state" / f"bootstrap-{name}.tfstate"
    state.parent.mkdir(parents=True, exist_ok=True)
    env = tf_env(root, {"TF_DATA_DIR": str(state_dir(root) / "tf-data" / f"bootstrap-{name}")})
    run_tf(
        ["init", "-input=false", "-no-color", "-reconfigure", f"-backend-config=path={state}"],
        stack,
        env,
        tf,
    )
    args = [f"-var=environment={name}"]
    tfvars = d / "terraform.tfvars"
    if tfvars.is_file():
        # region and allowed_account_ids come from the env; its other values are not for us.
        for line in tfvars.read_text().splitlines():
            key = line.split("=", 1)[0].strip()
            if key in ("region", "allowed_account_ids") and "=" in line:
                args.append(f"-var={key}={line.split('=', 1)[1].strip()}")
    plan_out = state_dir(root) / "plans" / f"bootstrap-{name}.tfplan"
    plan_out.parent.mkdir(parents=True, exist_ok=True)
    run_tf(
        ["plan", "-input=false", "-no-color", f"-out={plan_out}", *args],
        stack,
        env,
        tf,
        stream=True,
    )
    _confirm(name, "bootstrap (create the state bucket and KMS key of)", ask)
    run_tf(["apply", "-input=false", "-no-color", str(plan_out)], stack, env, tf, stream=True)
    plan_out.unlink(missing_ok=True)
    backend_hcl = run_tf(["output", "-raw", "backend_hcl"], stack, env, tf).stdout
    kms = run_tf(["output", "-raw", "kms_key_arn"], stack, env, tf).stdout.strip()
    target = d / "backend.hcl"
    if target.exists():
        print(f"{target} exists; the bootstrap's backend config is:\n{backend_hcl}")
    else:
        target.write_text(backend_hcl)
        print(f"wrote {target}")
    role = _state_output(state, "account_cloudwatch_role_arn")
    role_line = (
        f'account_cloudwatch_role_arn = "{role}"'
        if role
        else "account_cloudwatch_role_arn = <the role of the stack that owns the account setting>"
    )
    print(
        f'Set kms_key_arn = "{kms}" and {role_line} in envs/{name}/terraform.tfvars, '
        f"then `make plan ENV={name}`."
    )
