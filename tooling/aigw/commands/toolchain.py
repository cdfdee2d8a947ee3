"""``aigw toolchain``: write the project's Terraform CLI config (library: aigw.toolchain)."""

from __future__ import annotations

import argparse

from aigw.commands.common import fail, root_of
from aigw.paths import state_dir


def cmd_toolchain(args: argparse.Namespace) -> int:
    from aigw.toolchain import write_cli_config

    try:
        path, mirror = write_cli_config(state_dir(root_of(args)))
    except FileNotFoundError as exc:
        return fail(str(exc))
    if args.print_path:
        print(path)
    else:
        source = f"filesystem mirror {mirror}" if mirror else "the public registry"
        print(f"TF_CLI_CONFIG_FILE={path} (providers from {source})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    tc = subparsers.add_parser("toolchain", help="write the project's Terraform CLI config")
    tc.add_argument("--print-path", action="store_true", help="print only the config path")
    tc.set_defaults(func=cmd_toolchain)
