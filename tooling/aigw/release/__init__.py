"""``aigw release``: canary releases of an environment's stage and LLM function.

Terraform owns the steady state; the CLI writes the release in progress to
``envs/<env>/release.auto.tfvars.json`` (variable ``release``), and acts through the AWS
APIs only where speed matters (promote, rollback), leaving the file so the next plan
agrees with what it did (ADR 0140, docs/releases.md).
"""

from __future__ import annotations

from aigw.release.cli import register

__all__ = ["register"]
