"""The deploy workflow for the environments in ``envs/``.

``local`` deploys straight into the local AWS sandbox (local state under ``.aigw/``).
Every other environment keeps remote state (``envs/<env>/backend.hcl``) and follows the
safe workflow: ``plan`` writes a plan file and shows a summary; ``apply`` applies only
that saved plan, after a confirmation (or, in CI, only with ``CI=true`` and
``AUTO_APPROVE=1``); ``destroy`` is refused unless ``ALLOW_DESTROY=<env>`` is set.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from aigw.paths import state_dir
from aigw.sandbox import Sandbox
from aigw.terraform import env_dirs, run_tf, tf_env

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


def _init_args(root: Path, name: str) -> list[str]:
    d = env_dir(root, name)
    if name == LOCAL_ENV:
        path = state_dir(root) / "state" / f"{name}.tfstate"
        path.parent.mkdir(parents=True, exist_ok=True)
        return ["init", "-input=false", "-no-color", "-reconfigure", f"-backend-config=path={path}"]
    backend = d / "backend.hcl"
    if not backend.is_file():
        raise EnvError(
            f"envs/{name} has no backend configured: create envs/{name}/backend.hcl "
            f"(copy envs/{name}/backend.hcl.example and set the state bucket, key and region). "
            "Nothing was planned or applied."
        )
    return ["init", "-input=false", "-no-color", "-reconfigure", f"-backend-config={backend.name}"]


def _local_vars(root: Path) -> dict[str, str]:
    box = Sandbox(state_dir(root))
    status = box.status()
    if not status.running:
        raise EnvError(
            f"the local sandbox is not running ({status.detail}); start it with `make sandbox-up`"
        )
    return {"TF_VAR_sandbox_endpoint": status.endpoint}


def _require_manifest(root: Path) -> None:
    if not (root / "dist" / "manifest.json").is_file():
        raise EnvError("dist/manifest.json is missing: run `make build` first")


def _environment(root: Path, name: str) -> dict[str, str]:
    extra = _local_vars(root) if name == LOCAL_ENV else {}
    # Working data (.terraform) per state dir, so a test's private sandbox never
    # re-points the developer's own initialisation of the env.
    extra["TF_DATA_DIR"] = str(state_dir(root) / "tf-data" / name)
    return tf_env(root, extra)


def init(root: Path, name: str, tf: str | None = None) -> dict[str, str]:
    args = _init_args(root, name)
    _require_manifest(root)
    env = _environment(root, name)
    run_tf(args, env_dir(root, name), env, tf)
    return env


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
    env = init(root, name, tf)
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
        env = init(root, name, tf)
        run_tf(
            ["apply", "-input=false", "-no-color", "-auto-approve"],
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
        env = init(root, name, tf)
        run_tf(
            ["destroy", "-input=false", "-no-color", "-auto-approve"],
            env_dir(root, name),
            env,
            tf,
            stream=True,
        )
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
    """Create a deployed env's state bucket and KMS key (envs/_bootstrap, local state)."""
    if name == LOCAL_ENV:
        raise EnvError(
            "the local env keeps its state in .aigw/state: there is nothing to bootstrap"
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
    print(
        f'Set kms_key_arn = "{kms}" in envs/{name}/terraform.tfvars, then `make plan ENV={name}`.'
    )
