"""Sandbox exceptions: checks the local AWS sandbox cannot pass (envs/local only)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from aigw.scan.findings import FAILED, SKIPPED, Finding, ScanError, rel_path

SANDBOX_ENV = "local"
SANDBOX_EXCEPTIONS = "scan-exceptions.toml"
_CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
_EXCEPTION_KEYS = {"check_id", "resource", "reason"}


@dataclass(frozen=True)
class SandboxException:
    """One entry of ``envs/local/scan-exceptions.toml``: a check that cannot pass in the
    local AWS sandbox, on the resources ``resource`` matches, and why."""

    check_id: str
    resource: str  # plan address; `*` matches any run of characters, nothing else is special
    reason: str
    file: str
    number: int  # 1-based position in the file

    def matches(self, finding: Finding) -> bool:
        if finding.check_id != self.check_id:
            return False
        pattern = ".*".join(re.escape(part) for part in self.resource.split("*"))
        return re.fullmatch(pattern, finding.resource) is not None


def load_sandbox_exceptions(root: Path, env: str) -> list[SandboxException]:
    """The sandbox exceptions of ``envs/<env>``: only the local env may have any.

    A malformed file, an entry without a real reason, or an exceptions file in a deployed
    env is a :class:`ScanError` (the scan cannot be trusted), never silently ignored.
    """
    import tomllib

    path = root / "envs" / env / SANDBOX_EXCEPTIONS
    rel = rel_path(root, path)
    if env != SANDBOX_ENV:
        if path.exists():
            raise ScanError(
                f"{rel}: sandbox exceptions apply to the local env only; a deployed "
                "environment fixes the finding or skips it inline with a reason"
            )
        return []
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScanError(f"{rel}: not valid TOML: {exc}") from exc
    unknown = set(data) - {"exception"}
    entries = data.get("exception", [])
    if unknown or not isinstance(entries, list):
        raise ScanError(f"{rel}: expected only [[exception]] tables, found {sorted(unknown)}")
    out: list[SandboxException] = []
    for n, entry in enumerate(entries, start=1):
        where = f"{rel}, exception #{n}"
        if not isinstance(entry, dict) or set(entry) != _EXCEPTION_KEYS:
            raise ScanError(f"{where}: needs exactly the keys {', '.join(sorted(_EXCEPTION_KEYS))}")
        if not all(isinstance(entry[k], str) for k in _EXCEPTION_KEYS):
            raise ScanError(f"{where}: check_id, resource and reason are strings")
        check_id, resource, reason = (entry[k].strip() for k in ("check_id", "resource", "reason"))
        if not _CHECK_ID.match(check_id):
            raise ScanError(f"{where}: check_id {check_id!r} is not a check id (CKV_AIGW_12)")
        if "." not in resource.replace("*", ""):
            raise ScanError(
                f"{where}: resource {resource!r} must name resources by plan address "
                "(type.name, optionally inside module.<name>.), not match everything"
            )
        if len(re.findall(r"[A-Za-z]{3,}", reason)) < 5:
            raise ScanError(f"{where}: reason must say why the sandbox cannot pass the check")
        out.append(SandboxException(check_id, resource, reason, rel, n))
    return out


def apply_sandbox_exceptions(
    findings: list[Finding],
    exceptions: Sequence[SandboxException],
    source: str,
    checks: Sequence[str] = (),
) -> list[Finding]:
    """Failed findings an exception matches become skipped (with the exception's reason);
    an exception that matches no failed finding is itself a failure (no stale exceptions).
    With ``checks`` (a partial scan) only the exceptions of those checks are judged."""
    wanted = [e for e in exceptions if not checks or e.check_id in checks]
    used: set[SandboxException] = set()
    out: list[Finding] = []
    for f in findings:
        hit = next((e for e in wanted if e.matches(f)), None) if f.status == FAILED else None
        if hit is not None:
            used.add(hit)
            f = replace(
                f,
                status=SKIPPED,
                skip_reason=f"sandbox exception ({hit.file} #{hit.number}): {hit.reason}",
            )
        out.append(f)
    for e in wanted:
        if e in used:
            continue
        out.append(
            Finding(
                check_id="AIGW_STALE_EXCEPTION",
                check_name="Every sandbox exception matches a failed finding",
                status=FAILED,
                source=source,
                resource=f"{e.check_id} on {e.resource}",
                file=e.file,
                details=[
                    f"exception #{e.number} matches no failed {e.check_id} finding in this plan"
                ],
                why="A stale exception would silently hide the next real finding of that "
                "check on those resources.",
                fix=f"Delete exception #{e.number} from {e.file} (the sandbox passes the check "
                "now), or correct its check_id / resource pattern.",
            )
        )
    return out
