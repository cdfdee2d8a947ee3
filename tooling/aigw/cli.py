"""The ``aigw`` command line: a thin layer over the package's functions."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from aigw import __version__
from aigw.paths import project_root, state_dir


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve() if getattr(args, "root", None) else project_root()


def _fail(message: str, code: int = 1) -> int:
    print(f"aigw: error: {message}", file=sys.stderr)
    return code


# -- build -----------------------------------------------------------------------------
def cmd_build(args: argparse.Namespace) -> int:
    from aigw.packaging import BuildConfig, BuildError, build_all

    root = _root(args)
    try:
        cfg = BuildConfig(
            src_dir=root / "lambda_src",
            dist_dir=Path(args.dist).resolve() if args.dist else root / "dist",
            cache_dir=state_dir(root) / "build-cache",
            architecture=args.arch,
            python_version=args.python_version,
            pip_args=tuple(args.pip_arg or ()),
        )
        start = time.monotonic()
        report = build_all(cfg, root, only=args.only or None)
    except BuildError as exc:
        return _fail(str(exc))
    took = time.monotonic() - start
    for pkg in report.packages:
        state = "built " if pkg.rebuilt else "cached"
        print(f"{state} {pkg.name:<20} {pkg.size:>9} B  sha256={pkg.sha256_base64}")
    print(
        f"{len(report.packages)} package(s), {len(report.rebuilt)} rebuilt in {took:.2f}s; "
        f"manifest {report.manifest_path}{' (updated)' if report.manifest_written else ''}"
    )
    return 0


# -- sandbox ---------------------------------------------------------------------------
def _sandbox(args: argparse.Namespace):
    from aigw.sandbox import Sandbox

    return Sandbox(state_dir(_root(args)), port=args.port)


def cmd_sandbox(args: argparse.Namespace) -> int:
    from aigw.sandbox import SandboxError

    box = _sandbox(args)
    try:
        if args.action == "up":
            st = box.up()
            print(f"sandbox running: {st.endpoint} (pid {st.pid}, log {st.log_file})")
        elif args.action == "down":
            stopped = box.down()
            print("sandbox stopped" if stopped else "sandbox was not running (nothing to stop)")
        elif args.action == "reset":
            if not box.status().running:
                return _fail("the sandbox is not running")
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
        return _fail(str(exc))
    return 0


# -- terraform -------------------------------------------------------------------------
def cmd_toolchain(args: argparse.Namespace) -> int:
    from aigw.toolchain import write_cli_config

    try:
        path, mirror = write_cli_config(state_dir(_root(args)))
    except FileNotFoundError as exc:
        return _fail(str(exc))
    if args.print_path:
        print(path)
    else:
        source = f"filesystem mirror {mirror}" if mirror else "the public registry"
        print(f"TF_CLI_CONFIG_FILE={path} (providers from {source})")
    return 0


def _report(results, label: str) -> int:
    root = project_root()
    failed = [r for r in results if not r.ok]
    for r in results:
        rel = r.directory.relative_to(root) if r.directory.is_relative_to(root) else r.directory
        print(f"{'ok  ' if r.ok else 'FAIL'} {label:<8} {rel} ({r.seconds:.1f}s)")
    for r in failed:
        print(f"\n--- {r.directory} ---\n{r.output.strip()}", file=sys.stderr)
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def cmd_tf(args: argparse.Namespace) -> int:
    from aigw import terraform as t

    root = _root(args)
    try:
        if args.action == "fmt-check":
            res = t.fmt_check(root, args.tf)
            if not res.ok:
                print("terraform fmt would change:\n" + res.output, file=sys.stderr)
                print("run `make fmt` to fix", file=sys.stderr)
            return 0 if res.ok else 1
        if args.action == "validate":
            dirs = [Path(d).resolve() for d in args.dirs] or t.all_config_dirs(root)
            if args.skip_tested:
                # `terraform test` validates a module before it runs; no need to do it twice.
                tested = set(t.tested_module_dirs(root))
                dirs = [d for d in dirs if d not in tested]
            return _report(t.validate_dirs(root, dirs, args.tf, args.jobs), "validate")
        dirs = [Path(d).resolve() for d in args.dirs] or t.tested_module_dirs(root)
        return _report(t.test_dirs(root, dirs, args.tf, args.jobs), "test")
    except t.TerraformError as exc:
        return _fail(str(exc))


def cmd_env(args: argparse.Namespace) -> int:
    from aigw import envs
    from aigw.terraform import TerraformError

    root = _root(args)
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
        return _fail(str(exc), 2 if isinstance(exc, envs.EnvError) else 1)
    return 0


# -- parser ----------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aigw", description=__doc__)
    parser.add_argument("--version", action="version", version=f"aigw {__version__}")
    parser.add_argument("--root", help="project checkout (default: found from the cwd)")
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build deterministic Lambda packages into dist/")
    b.add_argument(
        "--arch",
        default=os.environ.get("AIGW_LAMBDA_ARCH", "arm64"),
        help="Lambda architecture: arm64 (default) or x86_64",
    )
    b.add_argument(
        "--python-version",
        default=os.environ.get("AIGW_LAMBDA_PYTHON", "3.13"),
        help="Lambda Python version for third-party wheels (default 3.13)",
    )
    b.add_argument("--dist", help="output folder (default: dist/)")
    b.add_argument("--only", action="append", metavar="FUNCTION", help="build only this function")
    b.add_argument("--pip-arg", action="append", help="extra argument for pip (repeatable)")
    b.set_defaults(func=cmd_build)

    s = sub.add_parser("sandbox", help="the local AWS sandbox (moto server on 127.0.0.1)")
    s.add_argument("action", choices=["up", "down", "status", "reset"])
    s.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("AIGW_SANDBOX_PORT", "4599")),
        help="port to listen on (default 4599, or $AIGW_SANDBOX_PORT)",
    )
    s.add_argument("--json", action="store_true", help="status as JSON")
    s.set_defaults(func=cmd_sandbox)

    tc = sub.add_parser("toolchain", help="write the project's Terraform CLI config")
    tc.add_argument("--print-path", action="store_true", help="print only the config path")
    tc.set_defaults(func=cmd_toolchain)

    tf = sub.add_parser("tf", help="fmt-check, validate or test every module/example/env")
    tf_actions = tf.add_subparsers(dest="action", required=True, metavar="ACTION")
    tf_common = argparse.ArgumentParser(add_help=False)
    tf_common.add_argument(
        "--tf", default=os.environ.get("TF", "terraform"), help="terraform or tofu"
    )
    tf_common.add_argument("--jobs", type=int, default=2, help="directories at a time (default 2)")
    tf_dirs = argparse.ArgumentParser(add_help=False)
    tf_dirs.add_argument("dirs", nargs="*", help="directories (default: all)")
    tf_actions.add_parser(
        "fmt-check", parents=[tf_common], help="terraform fmt -check, recursively"
    )
    tfv = tf_actions.add_parser(
        "validate", parents=[tf_common, tf_dirs], help="init -backend=false + validate"
    )
    tfv.add_argument(
        "--skip-tested",
        action="store_true",
        help="skip modules that have terraform tests (make test runs those)",
    )
    tf_actions.add_parser("test", parents=[tf_common, tf_dirs], help="terraform test per module")
    tf.set_defaults(func=cmd_tf, dirs=[], skip_tested=False)

    e = sub.add_parser("env", help="plan/apply/destroy an environment in envs/")
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

    for register in _plugins():
        register(sub)
    return parser


def _plugins():
    """Command groups that live in their own modules (imported when the parser is built)."""
    from aigw import docs, mutation, scan, serve, tenancy

    return [tenancy.register, scan.register, docs.register, serve.register, mutation.register]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
