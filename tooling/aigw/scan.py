"""Compliance scan: terraform fmt/validate, inline-skip hygiene and checkov with the aigw
policy pack, over the HCL of ``modules/`` and ``envs/`` and over plan JSON.

checkov runs from its own virtualenv (``.venv-scan``, built from ``constraints-scan.txt``)
because its pins conflict with the project's; ``--checkov`` or ``$AIGW_CHECKOV`` point
elsewhere. Results become one list of :class:`Finding` and three reports under
``.aigw/reports/``: a readable summary, JUnit XML, SARIF 2.1.0 and the findings as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from aigw import __version__
from aigw.paths import project_root, state_dir

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SKIP_COMMENT = re.compile(r"#\s*checkov:skip=([^:\s]+)(?::(.*))?")
POLICY_ROW = re.compile(r"^\|\s*(?:<a id=\"[^\"]*\"></a>)?(CKV_AIGW_\d+)\s*\|(.*)\|\s*$")
CHECKOV_TIMEOUT_S = 900
FAILED, PASSED, SKIPPED = "failed", "passed", "skipped"


class ScanError(RuntimeError):
    """The scan could not run (missing checkov, unreadable output, terraform failure)."""


@dataclass(frozen=True)
class PolicyDoc:
    check_id: str
    what: str
    why: str
    fix: str


@dataclass
class Finding:
    """One check on one resource (or one scan step), as shown in every report."""

    check_id: str
    check_name: str
    status: str  # failed | passed | skipped
    source: str  # hcl | plan:<name> | terraform | hygiene
    resource: str = ""
    file: str = ""
    start_line: int = 0
    end_line: int = 0
    details: list[str] = field(default_factory=list)
    why: str = ""
    fix: str = ""
    guideline: str = ""
    skip_reason: str = ""

    @property
    def where(self) -> str:
        if not self.file:
            return "-"
        return f"{self.file}:{self.start_line}" if self.start_line else self.file

    def key(self) -> tuple[str, str, str, str, int]:
        return (self.source, self.check_id, self.resource, self.file, self.start_line)


@dataclass
class ScanReport:
    findings: list[Finding]
    seconds: float = 0.0
    steps: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if f.status == FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed

    def count(self, status: str) -> int:
        return sum(1 for f in self.findings if f.status == status)


# -- the policy pack's documentation (why / how to fix) ---------------------------------
def load_policy_docs(root: Path) -> dict[str, PolicyDoc]:
    """Rows of the table in docs/policies.md: ID | what | why | how to fix."""
    path = root / "docs" / "policies.md"
    if not path.is_file():
        return {}
    docs: dict[str, PolicyDoc] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = POLICY_ROW.match(line.strip())
        if not m:
            continue
        cells = [c.strip() for c in m.group(2).split(" | ")]
        if len(cells) == 3:
            docs[m.group(1)] = PolicyDoc(m.group(1), *cells)
    return docs


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
                    file=_rel(root, path),
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
            file=_rel(root, config),
            start_line=n,
            end_line=n,
            details=["global skips or soft-fail settings hide findings without a reason"],
            why="A global skip silences a check everywhere without a reviewable reason.",
            fix="Remove it and skip inline, next to the resource, with a reason.",
        )
        for n in bad
    ]


# -- checkov ---------------------------------------------------------------------------
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
    target: Path,
    framework: str,
    checkov: str,
    source: str,
    docs: dict[str, PolicyDoc] | None = None,
    checks: Sequence[str] = (),
    config: Path | None = None,
    enrich_from: Path | None = None,
) -> list[Finding]:
    """Run checkov with the policy pack over one directory (terraform) or plan JSON file
    (terraform_plan) and return its findings, parsing errors included (as failures).

    ``enrich_from``: for plan JSON, the directory holding the Terraform source the plan
    came from, so inline ``#checkov:skip`` comments (with their reasons) apply to the
    plan's resources as they do in the HCL scan.
    """
    cmd = [checkov]
    if config is not None and config.is_file():
        cmd += ["--config-file", str(config)]
    cmd += ["-f" if target.is_file() else "-d", str(target)]
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
        raise ScanError(f"checkov took longer than {CHECKOV_TIMEOUT_S}s on {target}") from exc
    if proc.returncode not in (0, 1):
        raise ScanError(
            f"checkov failed on {target} (exit {proc.returncode}):\n{proc.stderr.strip()[-2000:]}"
        )
    try:
        reports = _json_documents(proc.stdout)
    except ValueError as exc:
        raise ScanError(
            f"unreadable checkov output for {target}: {exc}\n{proc.stderr[-2000:]}"
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
                    file=_rel(root, Path(path)),
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
        file=_rel(root, Path(path)) if path else "",
        start_line=int(lines[0] or 0),
        end_line=int(lines[-1] or 0),
        details=[str(d) for d in item.get("details") or []],
        why=doc.why if doc else str(item.get("check_name", "")),
        fix=doc.fix if doc else (f"See {guideline}" if guideline else f"See checkov's {check_id}."),
        guideline=guideline,
        skip_reason=str(result.get("suppress_comment") or "") if status == SKIPPED else "",
    )


def _rel(root: Path, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


# -- plan JSON ---------------------------------------------------------------------------
def plan_json(root: Path, target: Path, out_dir: Path, tf: str | None = None) -> Path:
    """A plan JSON file for ``target``: a ``.json`` file as is; a Terraform directory is
    initialised, planned and shown (its provider must plan without a live account)."""
    from aigw.terraform import TerraformError, run_tf, tf_env

    if target.is_file():
        if target.suffix == ".json":
            return target
        raise ScanError(
            f"{target}: pass plan JSON (`terraform show -json plan > plan.json`) or a directory"
        )
    if not target.is_dir():
        raise ScanError(f"{target}: no such plan file or Terraform directory")
    env = tf_env(root)
    name = target.name
    plans = state_dir(root) / "plans"
    plans.mkdir(parents=True, exist_ok=True)
    binary = plans / f"scan-{name}.tfplan"
    try:
        run_tf(["init", "-backend=false", "-input=false", "-no-color"], target, env, tf)
        run_tf(
            ["plan", "-input=false", "-lock=false", "-no-color", f"-out={binary}"],
            target,
            env,
            tf,
        )
        shown = run_tf(["show", "-json", "-no-color", str(binary)], target, env, tf)
    except TerraformError as exc:
        raise ScanError(str(exc)) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"plan-{name}.json"
    out.write_text(shown.stdout, encoding="utf-8")
    return out


_ADDRESS = re.compile(
    r"^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)"  # module path
    r"(data\.)?([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)"  # [data.]type.name
)


def locate_in_source(root: Path, plan: Path, config_dir: Path, findings: list[Finding]) -> None:
    """Point plan findings at the resource block in the .tf source (file:line) instead of the
    plan JSON, following the plan's module calls (local module sources only)."""
    try:
        config = json.loads(plan.read_text(encoding="utf-8")).get("configuration") or {}
    except ValueError:
        return
    for f in findings:
        m = _ADDRESS.match(f.resource)
        if not m:
            continue
        module = config.get("root_module") or {}
        directory: Path | None = config_dir
        for call in re.findall(r"module\.([A-Za-z0-9_-]+)", m.group(1)):
            calls = module.get("module_calls") or {}
            source = (calls.get(call) or {}).get("source") or _module_source(directory, call)
            if not source.startswith("."):
                directory = None
                break
            directory = (directory / source).resolve()
            module = (calls.get(call) or {}).get("module") or {}
        if directory is None:
            continue
        kind = "data" if m.group(2) else "resource"
        block = re.compile(rf'^[ \t]*{kind}\s+"{m.group(3)}"\s+"{re.escape(m.group(4))}"', re.M)
        for tf in sorted(directory.glob("*.tf")):
            text = tf.read_text(encoding="utf-8")
            hit = block.search(text)
            if hit:
                f.file = _rel(root, tf)
                f.start_line = text.count("\n", 0, hit.start()) + 1
                f.end_line = f.start_line
                break


def _module_source(directory: Path, call: str) -> str:
    """``source`` of ``module "<call>"`` in a directory's .tf files ("" when unknown)."""
    from aigw.docs import HclError, read_module

    try:
        return next((src for name, src, _ in read_module(directory).modules if name == call), "")
    except (HclError, OSError):
        return ""


# -- example plans (terraform test with a mocked provider) -----------------------------------
# Checks that read only values a mocked plan knows (the OpenAPI body, config documents)
# and report UNKNOWN for anything computed from mocked resources.
RESOLVED_VALUE_CHECKS = (
    "CKV_AIGW_1",
    "CKV_AIGW_2",
    "CKV_AIGW_3",
    "CKV_AIGW_4",
    "CKV_AIGW_16",
    "CKV_AIGW_24",
)
RESOLVED_VALUE_RESOURCES = (
    "aws_api_gateway_rest_api",
    "aws_ssm_parameter",
    "aws_appconfig_hosted_configuration_version",
)


def synthesize_plan(test_plan: dict) -> dict:
    """checkov's terraform_plan input from the plan ``terraform test -json`` reports
    (which has resource changes but no planned_values)."""
    root: dict = {"resources": [], "child_modules": []}
    nodes: dict[str, dict] = {"": root}

    def node(address: str) -> dict:
        if address not in nodes:
            parts = address.split(".")
            parent = ".".join(parts[:-2]) if len(parts) > 2 else ""
            nodes[address] = {"address": address, "resources": [], "child_modules": []}
            node(parent)["child_modules"].append(nodes[address])
        return nodes[address]

    changes = test_plan.get("resource_changes") or []
    for rc in changes:
        change = rc.get("change") or {}
        if change.get("after") is None:
            continue
        resource = {k: rc[k] for k in ("address", "mode", "type", "name", "index") if k in rc}
        resource["provider_name"] = rc.get("provider_name", "registry.terraform.io/hashicorp/aws")
        resource["values"] = change["after"]
        resource["sensitive_values"] = change.get("after_sensitive") or {}
        node(rc.get("module_address", ""))["resources"].append(resource)
    return {
        "format_version": "1.2",
        "terraform_version": "mock",
        "planned_values": {"root_module": root},
        "resource_changes": changes,
        "configuration": {"root_module": {}},
    }


def _declares_checked_resources(directory: Path, depth: int = 0) -> bool:
    """Whether a configuration (or a local module it calls) declares a resource type the
    resolved-value checks read."""
    from aigw.docs import HclError, read_module

    pattern = re.compile(r'resource\s+"(' + "|".join(RESOLVED_VALUE_RESOURCES) + ')"')
    if any(pattern.search(p.read_text()) for p in directory.glob("*.tf")):
        return True
    if depth > 4:
        return False
    try:
        calls = read_module(directory).modules
    except (HclError, OSError):
        return False
    return any(
        _declares_checked_resources((directory / src).resolve(), depth + 1)
        for _, src, _ in calls
        if src.startswith(".")
    )


def example_plan_findings(
    root: Path,
    checkov: str,
    reports_dir: Path,
    docs: dict[str, PolicyDoc],
    checks: Sequence[str],
    tf: str | None,
) -> tuple[list[Finding], list[str]]:
    """The resolved-value checks on every example that renders a REST API or a config
    document, from a mocked plan: what a module computes from its inputs is resolved there
    without any account."""
    from aigw import terraform as t
    from aigw.docs import HclError, example_plan

    wanted = [c for c in RESOLVED_VALUE_CHECKS if not checks or c in checks]
    findings: list[Finding] = []
    notes: list[str] = []
    if not wanted:
        return findings, notes
    for example in t.example_dirs(root):
        if not _declares_checked_resources(example):
            continue
        name = f"{example.parent.parent.name}/{example.name}"
        try:
            plan = synthesize_plan(example_plan(root, example, tf))
        except HclError as exc:
            # Not a finding: the environments' real plans decide what a mocked plan cannot.
            notes.append(f"example plan {name} skipped: {exc}")
            continue
        reports_dir.mkdir(parents=True, exist_ok=True)
        path = reports_dir / f"example-plan-{name.replace('/', '-')}.json"
        path.write_text(json.dumps(plan), encoding="utf-8")
        found = run_checkov(root, path, "terraform_plan", checkov, f"example:{name}", docs, wanted)
        locate_in_source(root, path, example, found)
        findings += found
        notes.append(f"checkov example plan {name}")
    return findings, notes


def saved_env_plan_json(root: Path, env: str, out_dir: Path, tf: str | None = None) -> Path:
    """Plan JSON of the plan ``aigw env plan <env>`` (make plan ENV=<env>) saved: shown with
    the env's own working data, no new plan (envs/local needs the sandbox to plan)."""
    from aigw.envs import plan_file
    from aigw.terraform import TerraformError, run_tf, tf_env

    directory = root / "envs" / env
    saved = plan_file(root, env)
    if not directory.is_dir():
        raise ScanError(f"no environment envs/{env}")
    if not saved.is_file():
        raise ScanError(f"no saved plan for {env} at {saved}: run `make plan ENV={env}` first")
    data_dir = state_dir(root) / "tf-data" / env
    try:
        shown = run_tf(
            ["show", "-json", "-no-color", str(saved)],
            directory,
            tf_env(root, {"TF_DATA_DIR": str(data_dir)}),
            tf,
        )
    except TerraformError as exc:
        raise ScanError(str(exc)) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"plan-{env}.json"
    out.write_text(shown.stdout, encoding="utf-8")
    return out


# -- sandbox exceptions (envs/local only) ---------------------------------------------------
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
    rel = _rel(root, path)
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


def env_plan_findings(
    root: Path,
    env: str,
    plan: Path,
    checkov: str,
    docs: dict[str, PolicyDoc] | None = None,
    checks: Sequence[str] = (),
    config: Path | None = None,
    enrich_from: Path | None = None,
) -> list[Finding]:
    """checkov + the policy pack over an env's plan JSON, inline skips applied (from
    ``enrich_from``, default the checkout), findings located in the env's source, and for
    the local env its sandbox exceptions applied."""
    exceptions = load_sandbox_exceptions(root, env)
    found = run_checkov(
        root,
        plan,
        "terraform_plan",
        checkov,
        f"plan:{env}",
        docs,
        checks,
        config,
        enrich_from=enrich_from or root,
    )
    found = apply_sandbox_exceptions(found, exceptions, f"plan:{env}", checks)
    locate_in_source(root, plan, root / "envs" / env, found)
    return found


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
        out.append(
            Finding(
                check_id="AIGW_TF_VALIDATE",
                check_name="terraform validate",
                status=PASSED if res.ok else FAILED,
                source="terraform",
                resource=_rel(root, res.directory),
                file=_rel(root, res.directory),
                details=[] if res.ok else [res.output.strip()[-4000:]],
                why="Configuration that does not validate cannot be planned.",
                fix=f"Run `terraform validate` in {_rel(root, res.directory)} and fix the errors.",
            )
        )
    return out


# -- the whole scan ------------------------------------------------------------------------
@dataclass
class ScanOptions:
    dirs: list[Path]
    plans: list[Path] = field(default_factory=list)
    checkov: str | None = None
    terraform: bool = True
    tf: str | None = None
    jobs: int = 2
    checks: list[str] = field(default_factory=list)
    reports_dir: Path | None = None
    example_plans: bool = True
    env_plans: list[str] = field(default_factory=list)


def scan(root: Path, options: ScanOptions) -> ScanReport:
    start = time.monotonic()
    docs = load_policy_docs(root)
    checkov = checkov_binary(root, options.checkov)
    config = root / ".checkov.yaml"
    reports_dir = options.reports_dir or state_dir(root) / "reports"
    findings: list[Finding] = []
    steps: list[str] = []

    findings += skip_findings(root, options.dirs)
    findings += config_findings(root, config)
    steps.append("skip reasons")
    if options.terraform:
        findings += terraform_findings(root, options.tf, options.jobs)
        steps.append("terraform fmt + validate")
    for d in options.dirs:
        findings += run_checkov(root, d, "terraform", checkov, "hcl", docs, options.checks, config)
        steps.append(f"checkov {_rel(root, d)}")
    if options.example_plans:
        found, notes = example_plan_findings(
            root, checkov, reports_dir, docs, options.checks, options.tf
        )
        findings += found
        steps += notes
    for env in options.env_plans:
        plan = saved_env_plan_json(root, env, reports_dir, options.tf)
        findings += env_plan_findings(
            root, env, plan, checkov, docs, options.checks, config, enrich_from=root
        )
        steps.append(f"checkov plan {_rel(root, plan)}")
    for target in options.plans:
        plan = plan_json(root, target, reports_dir, options.tf)
        name = target.stem if target.is_file() else target.name
        found = run_checkov(
            root,
            plan,
            "terraform_plan",
            checkov,
            f"plan:{name}",
            docs,
            options.checks,
            config,
            enrich_from=target if target.is_dir() else root,
        )
        if target.is_dir():
            locate_in_source(root, plan, target, found)
        findings += found
        steps.append(f"checkov plan {_rel(root, plan)}")
    return ScanReport(findings=findings, seconds=time.monotonic() - start, steps=steps)


# -- reports -----------------------------------------------------------------------------
def format_summary(report: ScanReport) -> str:
    lines = []
    for f in report.failed:
        lines.append(f"FAILED {f.check_id} [{f.source}] {f.resource or '-'} at {f.where}")
        lines.append(f"  what: {f.check_name}")
        for d in f.details:
            lines.append("  detail: " + d.replace("\n", "\n    "))
        if f.why:
            lines.append(f"  why: {f.why}")
        if f.fix:
            lines.append(f"  fix: {f.fix}")
    failed_ids = sorted({f.check_id for f in report.failed})
    lines.append(
        f"scan: {report.count(PASSED)} passed, {report.count(FAILED)} failed, "
        f"{report.count(SKIPPED)} skipped (with reasons) in {report.seconds:.1f}s"
        + (f"; failed checks: {', '.join(failed_ids)}" if failed_ids else "")
    )
    return "\n".join(lines)


def write_junit(report: ScanReport, path: Path) -> Path:
    suites = ET.Element("testsuites", name="aigw scan")
    by_source: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_source.setdefault(f.source, []).append(f)
    for source, items in sorted(by_source.items()):
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=source,
            tests=str(len(items)),
            failures=str(sum(1 for f in items if f.status == FAILED)),
            skipped=str(sum(1 for f in items if f.status == SKIPPED)),
            errors="0",
        )
        for f in items:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{source}.{f.check_id}",
                name=f"{f.check_id} {f.resource or f.check_name}",
                file=f.file,
                line=str(f.start_line),
            )
            if f.status == FAILED:
                failure = ET.SubElement(
                    case, "failure", type=f.check_id, message=f"{f.check_name} at {f.where}"
                )
                failure.text = "\n".join([*f.details, f"why: {f.why}", f"fix: {f.fix}"])
            elif f.status == SKIPPED:
                ET.SubElement(case, "skipped", message=f.skip_reason or "skipped")
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
    return path


def sarif_document(report: ScanReport) -> dict:
    reported = [f for f in report.findings if f.status in (FAILED, SKIPPED)]
    rule_ids = sorted({f.check_id for f in reported})
    by_id = {f.check_id: f for f in reported}
    rules = []
    for rid in rule_ids:
        f = by_id[rid]
        rule: dict = {
            "id": rid,
            "name": rid,
            "shortDescription": {"text": f.check_name or rid},
            "fullDescription": {"text": f.why or f.check_name or rid},
            "help": {"text": f.fix or f.check_name or rid},
            "defaultConfiguration": {"level": "error"},
        }
        if f.guideline.startswith(("http://", "https://")):
            rule["helpUri"] = f.guideline
        rules.append(rule)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    results = []
    for f in reported:
        message = f"{f.check_name} ({f.resource or '-'})"
        if f.details:
            message += ": " + "; ".join(f.details)
        result: dict = {
            "ruleId": f.check_id,
            "ruleIndex": index[f.check_id],
            "level": "error",
            "message": {"text": message},
        }
        if f.file:
            physical: dict = {"artifactLocation": {"uri": f.file, "uriBaseId": "SRCROOT"}}
            if f.start_line > 0:
                physical["region"] = {
                    "startLine": f.start_line,
                    "endLine": max(f.start_line, f.end_line),
                }
            result["locations"] = [{"physicalLocation": physical}]
        if f.status == SKIPPED:
            result["suppressions"] = [{"kind": "inSource", "justification": f.skip_reason}]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "aigw-scan",
                        "version": __version__,
                        "informationUri": "https://www.checkov.io/",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"SRCROOT": {"uri": "file:///"}},
                "results": results,
            }
        ],
    }


def write_sarif(report: ScanReport, path: Path, root: Path | None = None) -> Path:
    doc = sarif_document(report)
    if root is not None:
        doc["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"] = root.resolve().as_uri() + "/"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return path


def write_reports(report: ScanReport, root: Path, reports_dir: Path) -> dict[str, Path]:
    reports_dir.mkdir(parents=True, exist_ok=True)
    summary = reports_dir / "scan-summary.txt"
    summary.write_text(format_summary(report) + "\n", encoding="utf-8")
    findings = reports_dir / "scan-findings.json"
    findings.write_text(
        json.dumps([asdict(f) for f in report.findings], indent=1) + "\n", encoding="utf-8"
    )
    return {
        "summary": summary,
        "findings": findings,
        "junit": write_junit(report, reports_dir / "scan-junit.xml"),
        "sarif": write_sarif(report, reports_dir / "scan.sarif", root),
    }


# -- CLI -----------------------------------------------------------------------------------
def cmd_scan(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if getattr(args, "root", None) else project_root()
    dirs = [Path(d).resolve() for d in args.dirs] or [
        d for d in (root / "modules", root / "envs") if d.is_dir()
    ]
    reports_dir = Path(args.reports).resolve() if args.reports else state_dir(root) / "reports"
    options = ScanOptions(
        dirs=dirs,
        plans=[Path(p).resolve() for p in args.plan or []],
        checkov=args.checkov,
        terraform=not args.no_terraform,
        tf=args.tf,
        jobs=args.jobs,
        checks=[c for item in args.check or [] for c in item.split(",") if c],
        reports_dir=reports_dir,
        example_plans=args.example_plans if args.example_plans is not None else not args.dirs,
        env_plans=list(args.env_plan or []),
    )
    from aigw.terraform import TerraformError

    try:
        report = scan(root, options)
    except (ScanError, TerraformError) as exc:
        print(f"aigw: error: {exc}", file=sys.stderr)
        return 2
    paths = write_reports(report, root, reports_dir)
    for step in report.steps:
        if "skipped" in step:
            print(f"note: {step}")
    print(format_summary(report))
    print("reports: " + ", ".join(_rel(root, p) for p in paths.values()))
    return 0 if report.ok else 1


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "scan",
        help="compliance scan: fmt, validate, checkov + the aigw policy pack (HCL and plan JSON)",
    )
    p.add_argument("dirs", nargs="*", help="directories to scan (default: modules envs)")
    p.add_argument(
        "--plan",
        action="append",
        metavar="PATH",
        help="also scan plan JSON: a .json file, or a Terraform directory to plan (repeatable)",
    )
    p.add_argument(
        "--env-plan",
        action="append",
        metavar="ENV",
        help="also scan the plan `make plan ENV=<env>` saved (repeatable)",
    )
    p.add_argument("--checkov", help="checkov executable (default: $AIGW_CHECKOV or .venv-scan)")
    p.add_argument(
        "--check", action="append", metavar="IDS", help="run only these check ids (comma list)"
    )
    p.add_argument(
        "--no-terraform", action="store_true", help="skip terraform fmt -check and validate"
    )
    p.add_argument(
        "--example-plans",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the body checks on the module examples' mocked plans "
        "(default: on for a full scan, off when directories are given)",
    )
    p.add_argument("--reports", help="report folder (default: .aigw/reports)")
    p.add_argument("--tf", default=os.environ.get("TF", "terraform"), help="terraform or tofu")
    p.add_argument("--jobs", type=int, default=2, help="parallel terraform validate runs")
    p.set_defaults(func=cmd_scan)
    return p
