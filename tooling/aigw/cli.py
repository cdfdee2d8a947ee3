"""The ``aigw`` command line: a thin layer over the package's functions."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from aigw import __version__

Registrar = Callable[[argparse._SubParsersAction], None]  # type: ignore[type-arg]


def registrars() -> list[Registrar]:
    """Every command group, in the order ``aigw --help`` lists them (imported when the
    parser is built)."""
    from aigw import docs, mutation, release, scan, serve, tenancy
    from aigw.commands import build, cache, env, sandbox, tf, toolchain

    return [
        build.register,
        sandbox.register,
        toolchain.register,
        tf.register,
        env.register,
        cache.register,
        tenancy.register,
        release.register,
        scan.register,
        docs.register,
        serve.register,
        mutation.register,
    ]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aigw", description=__doc__)
    parser.add_argument("--version", action="version", version=f"aigw {__version__}")
    parser.add_argument("--root", help="project checkout (default: found from the cwd)")
    sub = parser.add_subparsers(dest="command", required=True)
    for register in registrars():
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
