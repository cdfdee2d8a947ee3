"""aigw: AI gateway on AWS - tooling package and CLI."""

from importlib.metadata import PackageNotFoundError, version

try:
    # The version lives in one place, pyproject.toml (docs/releasing.md).
    __version__ = version("aigw")
except PackageNotFoundError:  # a source tree that was never installed (make setup installs it)
    __version__ = "0+unknown"
