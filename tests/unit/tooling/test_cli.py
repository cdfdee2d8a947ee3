"""aigw's command line: every command group registers itself through one registrar."""

from __future__ import annotations

import argparse

import pytest

from aigw import cli

GROUPS = [
    "build",
    "sandbox",
    "toolchain",
    "tf",
    "env",
    "cache",
    "tenants",
    "keys",
    "usage",
    "release",
    "scan",
    "docs",
    "serve",
    "mutation",
]


def test_every_command_group_registers_itself_and_returns_none() -> None:
    parser = argparse.ArgumentParser(prog="aigw")
    sub = parser.add_subparsers(dest="command", required=True)
    for register in cli.registrars():
        before = set(sub.choices)
        assert register(sub) is None, f"{register.__module__}.register returns a value"
        assert set(sub.choices) > before, f"{register.__module__}.register adds no command"
    assert list(sub.choices) == GROUPS


def test_the_parser_is_built_from_the_registrars_alone() -> None:
    sub = next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == GROUPS


@pytest.mark.parametrize(
    "argv",
    [
        ["build"],
        ["sandbox", "status"],
        ["toolchain"],
        ["tf", "validate"],
        ["env", "list"],
        ["cache", "flush", "--env", "prod"],
        ["tenants", "list"],
        ["keys", "list", "--tenant", "t"],
        ["usage", "show", "--tenant", "t"],
        ["release", "status", "--env", "dev"],
        ["release", "watch", "--env", "dev", "--for", "10m"],
        ["scan"],
        ["docs", "--check"],
        ["mutation"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_every_command_has_a_function_to_run(argv: list[str]) -> None:
    args = cli.build_parser().parse_args(argv)
    assert callable(args.func)
