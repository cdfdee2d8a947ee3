"""Where things live in a checkout of the project."""

from __future__ import annotations

import os
from pathlib import Path


def project_root(start: Path | None = None) -> Path:
    """The checkout root: ``$AIGW_ROOT``, else the nearest parent holding ``lambda_src/``
    and ``envs/``."""
    env = os.environ.get("AIGW_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "lambda_src").is_dir() and (candidate / "envs").is_dir():
            return candidate
    return here


def state_dir(root: Path) -> Path:
    """Project-local state: sandbox pidfile and log, Terraform CLI config, plans, reports."""
    return Path(os.environ.get("AIGW_STATE_DIR", root / ".aigw")).resolve()
