"""Authorizer test fixtures (defined in authz_fixtures.py)."""

import pytest
from authz_fixtures import WYCHEPROOF_COUNTS, authz, config, ec_key, jwks_server, rsa_key, store

__all__ = ["authz", "config", "ec_key", "jwks_server", "rsa_key", "store"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    counts = terminalreporter.config.stash.get(WYCHEPROOF_COUNTS, {})
    if counts:
        terminalreporter.section("Wycheproof vectors checked")
        for name, by_result in sorted(counts.items()):
            total = sum(by_result.values())
            detail = ", ".join(f"{n} {result}" for result, n in sorted(by_result.items()))
            terminalreporter.write_line(f"{name}: {total} ({detail})")
        grand = sum(sum(c.values()) for c in counts.values())
        terminalreporter.write_line(
            f"total: {grand} vectors, each agreeing with its expected result"
        )
