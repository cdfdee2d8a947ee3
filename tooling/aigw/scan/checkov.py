"""Running checkov with the aigw policy pack and reading its JSON output."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from aigw.scan.findings import FAILED, PASSED, SKIPPED, Finding, PolicyDoc, ScanError, rel_path

CHECKOV_TIMEOUT_S = 900


def checkov_binary(root: Path, override: str | None = None) -> str:
    candidate = override or os.environ.get("AIGW_CHECKOV") or str(root / ".venv-scan/bin/checkov")
    path = Path(candidate)
    if path.is_file() and os.access(path, os.X_OK):
        return str(path)
    raise ScanError(
        f"checkov not found at {candidate}: build its virtualenv with "
        "`python3 -m venv .venv-scan && .venv-scan/bin/pip install -r constraints-scan.txt` "
        "(or `make scan`), or pass --checkov / set AIGW_CHECKOV"
    )


def checkov_env() -> dict[str, str]:
    """No calls home: no guideline download, no update check."""
    env = dict(os.environ)
    env.update(
        {
            "BC_SKIP_MAPPING": "TRUE",
            "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
            "CHECKOV_EXPERIMENTAL_IMAGE_REFERENCING": "False",
            "LOG_LEVEL": env.get("LOG_LEVEL", "WARNING"),
        }
    )
    return env


def _json_documents(text: str) -> list[dict]:
    """checkov prints one JSON document per report (sometimes several, concatenated)."""
    decoder = json.JSONDecoder()
    out: list[dict] = []
    i = 0
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        doc, i = decoder.raw_decode(text, i)
        out.extend(d for d in (doc if isinstance(doc, list) else [doc]) if isinstance(d, dict))
    return out


def run_checkov(
    root: Path,
    target: Path | Sequence[Path],
    framework: str,
    checkov: str,
    source: str,
    docs: dict[str, PolicyDoc] | None = None,
    checks: Sequence[str] = (),
    config: Path | None = None,
    enrich_from: Path | None = None,
) -> list[Finding]:
    """Run checkov with the policy pack over one directory (terraform) or plan JSON file
    (terraform_plan), or several plan JSON files in one run, and return its findings,
    parsing errors included (as failures). Each finding's ``file`` names the file it
    came from.

    ``enrich_from``: for plan JSON, the directory holding the Terraform source the plan
    came from, so inline ``#checkov:skip`` comments (with their reasons) apply to the
    plan's resources as they do in the HCL scan.
    """
    cmd = [checkov]
    if config is not None and config.is_file():
        cmd += ["--config-file", str(config)]
    targets = [target] if isinstance(target, Path) else list(target)
    for one in targets:
        cmd += ["-f" if one.is_file() else "-d", str(one)]
    cmd += [
        "--framework",
        framework,
        "--external-checks-dir",
        str(root / "policies"),
        "--skip-download",
        "--skip-path",
        r"\.terraform",
        "-o",
        "json",
    ]
    if checks:
        cmd += ["--check", ",".join(checks)]
    if enrich_from is not None and framework == "terraform_plan":
        cmd += ["--repo-root-for-plan-enrichment", str(enrich_from)]
    shown = ", ".join(str(t) for t in targets)
    try:
        proc = subprocess.run(
            cmd,
            cwd=root,
            env=checkov_env(),
            text=True,
            capture_output=True,
            check=False,
            timeout=CHECKOV_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        raise ScanError(f"checkov took longer than {CHECKOV_TIMEOUT_S}s on {shown}") from exc
    if proc.returncode not in (0, 1):
        raise ScanError(
            f"checkov failed on {shown} (exit {proc.returncode}):\n{proc.stderr.strip()[-2000:]}"
        )
    try:
        reports = _json_documents(proc.stdout)
    except ValueError as exc:
        raise ScanError(
            f"unreadable checkov output for {shown}: {exc}\n{proc.stderr[-2000:]}"
        ) from exc
    return findings_from_checkov(root, reports, source, docs or {})


def findings_from_checkov(
    root: Path, reports: list[dict], source: str, docs: dict[str, PolicyDoc]
) -> list[Finding]:
    seen: set[tuple[str, str, str, str, int]] = set()
    out: list[Finding] = []
    for report in reports:
        results = report.get("results") or {}
        for status, key in ((PASSED, "passed_checks"), (FAILED, "failed_checks")):
            for item in results.get(key) or []:
                out.append(_finding(root, item, status, source, docs))
        for item in results.get("skipped_checks") or []:
            out.append(_finding(root, item, SKIPPED, source, docs))
        for path in results.get("parsing_errors") or []:
            out.append(
                Finding(
                    check_id="AIGW_PARSE",
                    check_name="checkov can parse every Terraform file",
                    status=FAILED,
                    source=source,
                    file=rel_path(root, Path(path)),
                    details=["checkov could not parse this file, so none of it was checked"],
                    why="An unparsed file is an unscanned file.",
                    fix="Simplify the expression checkov's HCL parser rejects (often nested "
                    "quotes inside a template interpolation); run checkov on the file for the "
                    "parser's message.",
                )
            )
    unique = []
    for f in out:
        if f.key() not in seen:
            seen.add(f.key())
            unique.append(f)
    return unique


def _finding(
    root: Path, item: dict, status: str, source: str, docs: dict[str, PolicyDoc]
) -> Finding:
    check_id = str(item.get("check_id", "?"))
    doc = docs.get(check_id)
    lines = item.get("file_line_range") or [0, 0]
    path = item.get("file_abs_path") or item.get("file_path") or ""
    result = item.get("check_result") or {}
    guideline = item.get("guideline") or ""
    return Finding(
        check_id=check_id,
        check_name=str(item.get("check_name", "")),
        status=status,
        source=source,
        resource=str(item.get("resource", "")),
        file=rel_path(root, Path(path)) if path else "",
        start_line=int(lines[0] or 0),
        end_line=int(lines[-1] or 0),
        details=[str(d) for d in item.get("details") or []],
        why=doc.why if doc else str(item.get("check_name", "")),
        fix=doc.fix if doc else (f"See {guideline}" if guideline else f"See checkov's {check_id}."),
        guideline=guideline,
        skip_reason=str(result.get("suppress_comment") or "") if status == SKIPPED else "",
    )
