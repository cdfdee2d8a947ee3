"""``aigw sandbox up|down|status|reset``: the local AWS sandbox (library: aigw.sandbox)."""

from __future__ import annotations

import argparse
import json
import os

from aigw.commands.common import fail, root_of
from aigw.paths import state_dir


def cmd_sandbox(args: argparse.Namespace) -> int:
    from aigw.sandbox import Sandbox, SandboxError

    box = Sandbox(state_dir(root_of(args)), port=args.port)
    try:
        if args.action == "up":
            st = box.up()
            print(f"sandbox running: {st.endpoint} (pid {st.pid}, log {st.log_file})")
        elif args.action == "down":
            stopped = box.down()
            print("sandbox stopped" if stopped else "sandbox was not running (nothing to stop)")
        elif args.action == "reset":
            if not box.status().running:
                return fail("the sandbox is not running")
            box.reset()
            print("sandbox reset: every resource removed")
        else:
            st = box.status()
            if args.json:
                print(json.dumps(st.as_dict()))
            else:
                print(f"sandbox {st.detail}: {st.endpoint} (pid {st.pid}, log {st.log_file})")
            return 0 if st.running else 3
    except SandboxError as exc:
        return fail(str(exc))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = subparsers.add_parser("sandbox", help="the local AWS sandbox (moto server on 127.0.0.1)")
    s.add_argument("action", choices=["up", "down", "status", "reset"])
    s.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("AIGW_SANDBOX_PORT", "4599")),
        help="port to listen on (default 4599, or $AIGW_SANDBOX_PORT)",
    )
    s.add_argument("--json", action="store_true", help="status as JSON")
    s.set_defaults(func=cmd_sandbox)
