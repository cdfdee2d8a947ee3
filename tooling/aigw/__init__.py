"""aigw: AI gateway on AWS - tooling package and CLI."""

__version__ = "0.1.0"
