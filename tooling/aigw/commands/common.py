"""What every command shares: the checkout it works on and how it reports an error."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aigw.paths import project_root


def root_of(args: argparse.Namespace) -> Path:
    """``--root`` when given, else the checkout found from the current directory."""
    return Path(args.root).resolve() if getattr(args, "root", None) else project_root()


def fail(message: str, code: int = 1) -> int:
    """Print ``aigw: error: <message>`` on stderr and return the exit code."""
    print(f"aigw: error: {message}", file=sys.stderr)
    return code
