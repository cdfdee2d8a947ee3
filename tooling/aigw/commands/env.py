"""``aigw env list|check|plan|apply|destroy|bootstrap|output`` (library: aigw.envs)."""

from __future__ import annotations

import argparse
import json
import os

from aigw.commands.common import fail, root_of
from aigw.paths import state_dir


def cmd_env(args: argparse.Namespace) -> int:
    from aigw import envs
    from aigw.terraform import TerraformError

    root = root_of(args)
    try:
        if args.action == "list":
            print("\n".join(envs.list_envs(root)))
        elif args.action == "check":
            envs.env_dir(root, args.env)
        elif args.action == "plan":
            envs.plan(root, args.env, args.tf)
        elif args.action == "apply":
            envs.apply(root, args.env, args.tf)
        elif args.action == "destroy":
            envs.destroy(root, args.env, args.tf)
        elif args.action == "bootstrap":
            envs.bootstrap(root, args.env, args.tf)
        elif args.action == "output":
            values = envs.outputs(root, args.env, args.tf)
            if args.exports:
                chosen = values.get(args.exports)
                if not isinstance(chosen, dict):
                    raise envs.EnvError(f"{args.env} has no map output {args.exports!r}")
                env_vars = dict(chosen)
                if args.env == envs.LOCAL_ENV:
                    from aigw.sandbox import Sandbox

                    env_vars["AWS_ENDPOINT_URL"] = Sandbox(state_dir(root)).status().endpoint
                print(envs.shell_exports(env_vars))
            else:
                print(json.dumps(values, indent=2, sort_keys=True))
    except (envs.EnvError, TerraformError) as exc:
        return fail(str(exc), 2 if isinstance(exc, envs.EnvError) else 1)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    e = subparsers.add_parser("env", help="plan/apply/destroy an environment in envs/")
    e.add_argument(
        "action", choices=["list", "check", "plan", "apply", "destroy", "bootstrap", "output"]
    )
    e.add_argument("env", nargs="?", default="local")
    e.add_argument(
        "--exports",
        metavar="OUTPUT",
        help="output: print a map output as shell export lines (e.g. cli_environment)",
    )
    e.add_argument("--tf", default=os.environ.get("TF", "terraform"), help="terraform or tofu")
    e.set_defaults(func=cmd_env)
