"""Scan steps that need no checkov: inline-skip reasons, the checkov config, terraform fmt
and validate."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from aigw.scan.findings import FAILED, PASSED, Finding, rel_path

SKIP_COMMENT = re.compile(r"#\s*checkov:skip=([^:\s]+)(?::(.*))?")


# -- inline skips must carry a reason ------------------------------------------------------
def tf_files(dirs: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for d in dirs:
        if d.is_file():
            out.append(d)
            continue
        out.extend(p for p in sorted(d.rglob("*.tf")) if ".terraform" not in p.relative_to(d).parts)
    return out


def skip_findings(root: Path, dirs: Iterable[Path]) -> list[Finding]:
    """Every ``#checkov:skip=`` comment: passed with its reason, failed without one."""
    out: list[Finding] = []
    for path in tf_files(dirs):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            m = SKIP_COMMENT.search(line)
            if not m:
                continue
            reason = (m.group(2) or "").strip()
            has_reason = bool(re.search(r"[A-Za-z]{2,}", reason))
            out.append(
                Finding(
                    check_id="AIGW_SKIP_REASON",
                    check_name="Every inline checkov skip states its reason",
                    status=PASSED if has_reason else FAILED,
                    source="hygiene",
                    resource=f"skip of {m.group(1)}",
                    file=rel_path(root, path),
                    start_line=n,
                    end_line=n,
                    details=[] if has_reason else [f"#checkov:skip={m.group(1)} has no reason"],
                    why="A skip without a reason cannot be reviewed or audited.",
                    fix=f"Write it as `#checkov:skip={m.group(1)}:<why it does not apply here>`.",
                    skip_reason=reason,
                )
            )
    return out


def config_findings(root: Path, config: Path) -> list[Finding]:
    """The repository's checkov config may not skip checks globally (no place for a reason)."""
    if not config.is_file():
        return []
    bad = [
        n
        for n, line in enumerate(config.read_text(encoding="utf-8").splitlines(), start=1)
        if re.match(r"^\s*(skip-check|soft-fail|soft-fail-on|hard-fail-on)\s*:", line)
    ]
    return [
        Finding(
            check_id="AIGW_SKIP_REASON",
            check_name="Every inline checkov skip states its reason",
            status=FAILED,
            source="hygiene",
            resource="checkov configuration",
            file=rel_path(root, config),
            start_line=n,
            end_line=n,
            details=["global skips or soft-fail settings hide findings without a reason"],
            why="A global skip silences a check everywhere without a reviewable reason.",
            fix="Remove it and skip inline, next to the resource, with a reason.",
        )
        for n in bad
    ]


# -- terraform steps ------------------------------------------------------------------------
def terraform_findings(root: Path, tf: str | None, jobs: int) -> list[Finding]:
    """terraform fmt -check and validate of every module, example and env (aigw.terraform)."""
    from aigw import terraform as t

    out: list[Finding] = []
    fmt = t.fmt_check(root, tf)
    out.append(
        Finding(
            check_id="AIGW_TF_FMT",
            check_name="terraform fmt -check",
            status=PASSED if fmt.ok else FAILED,
            source="terraform",
            resource="modules envs",
            details=[] if fmt.ok else [fmt.output.strip()],
            why="Unformatted code hides real changes in reviews.",
            fix="Run `make fmt` (terraform fmt -recursive).",
        )
    )
    for res in t.validate_dirs(root, t.all_config_dirs(root), tf, jobs):
        where = rel_path(root, res.directory)
        out.append(
            Finding(
                check_id="AIGW_TF_VALIDATE",
                check_name="terraform validate",
                status=PASSED if res.ok else FAILED,
                source="terraform",
                resource=where,
                file=where,
                details=[] if res.ok else [res.output.strip()[-4000:]],
                why="Configuration that does not validate cannot be planned.",
                fix=f"Run `terraform validate` in {where} and fix the errors.",
            )
        )
    return out
