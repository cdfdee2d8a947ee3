"""``aigw mutation``: mutation testing of the security- and money-critical code with mutmut.

mutmut (3.x) copies the code into ``mutants/``, rewrites every function so that each of its
mutants can be switched on by name, records which tests reach which function, and then
runs, for every mutant in a forked process, only those tests. A mutant no test fails on
*survived*: either a test is missing or the mutant is equivalent (docs/testing.md lists
those). ADR 0082 records the choices.

mutmut names modules after their path below the project root (or ``src/``), while the
tests import ``authorizer.core`` (pythonpath ``lambda_src``) and the policy modules as
top-level modules (checkov's external-checks directory). So each area runs in a staging
directory, ``.aigw/mutation/<area>/``, where the code sits under ``src/`` with the names
the tests import, next to a copy of ``tests/`` and a ``pyproject.toml`` carrying the
mutmut and pytest settings. Nothing in the working tree is modified.

policies/ runs with ``.venv-scan/bin/python`` (checkov is importable only there) and the
in-process policy tests (``POLICY_TESTS``); the Lambda areas with the
project's interpreter and the unit suites minus the ``sandbox`` and ``terraform`` tests.

A run resumes: mutmut records each mutant's verdict in ``mutants/`` as soon as it has it,
and re-staging keeps that directory, so a run that was stopped continues with the mutants
not yet tested (a function whose code changed is tested again: mutmut compares a hash per
function). ``--retest-survivors`` also runs the survivors again, against tests added since;
``--fresh`` discards every recorded verdict.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from aigw.commands.common import fail, root_of
from aigw.paths import state_dir

NOT_SLOW = "not sandbox and not terraform"
# The in-process policy layers (checkov imported, no checkov process per mutant).
POLICY_TESTS = (
    "tests/policy/test_policy_checks.py",
    "tests/policy/test_policy_rules.py",
    "tests/policy/test_policy_helpers.py",
)


@dataclass(frozen=True)
class Area:
    name: str
    sources: tuple[str, ...]  # what is mutated, as staged under src/
    tests: tuple[str, ...]  # pytest selection, relative to the project root
    scan_venv: bool = False  # policies/: checkov lives in .venv-scan only
    markers: str = NOT_SLOW


AREAS: dict[str, Area] = {
    a.name: a
    for a in (
        Area("policies", ("src/*.py",), POLICY_TESTS, scan_venv=True),
        Area("quotas", ("src/llm_gateway/quotas.py",), ("tests/unit/llm_gateway",)),
        Area("cache", ("src/llm_gateway/cache.py",), ("tests/unit/llm_gateway",)),
        Area("validation", ("src/llm_gateway/validation.py",), ("tests/unit/llm_gateway",)),
        Area("routing", ("src/llm_gateway/routing.py",), ("tests/unit/llm_gateway",)),
        Area("authorizer", ("src/authorizer/*",), ("tests/unit/authorizer",)),
    )
}

# Statuses of `mutmut results`: a mutant a test failed on (or that hung) is killed, as in
# mutmut's own score; everything else counts against the area.
KILLED = ("killed", "timeout")


class MutationError(Exception):
    pass


@dataclass
class AreaResult:
    area: str
    counts: dict[str, int]
    survivors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.counts.get("total", 0) - self.counts.get("skipped", 0)

    @property
    def killed(self) -> int:
        return self.counts.get("killed", 0) + self.counts.get("timeout", 0)

    @property
    def score(self) -> float:
        return 100.0 * self.killed / self.total if self.total else 0.0


def _interpreter(root: Path, area: Area) -> Path:
    if area.scan_venv:
        python = root / ".venv-scan" / "bin" / "python"
        if not python.is_file():
            raise MutationError(
                f"{python} is missing: build it with `make .venv-scan/.installed` "
                "(or run `make mutation`, which installs mutmut there too)"
            )
        return python
    return Path(sys.executable)


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def _pytest_ini(root: Path) -> dict[str, str]:
    """markers and addopts of the project's pytest settings (re-used in the stage)."""
    import tomllib

    ini = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    return {"markers": _toml_list(ini.get("markers", [])), "addopts": ini.get("addopts", "")}


# What a stage keeps from an earlier run unless ``fresh``: mutmut's mutants and verdicts.
RESULTS_DIR = "mutants"


def stage(root: Path, area: Area, work: Path, *, fresh: bool = False) -> Path:
    """Lay out ``work`` for mutmut: src/ (names as the tests import them), tests/, config.

    Everything is copied anew; ``mutants/`` (mutmut's results) is kept unless ``fresh``.
    """
    if work.exists():
        for entry in work.iterdir():
            if entry.name == RESULTS_DIR and not fresh:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    (work / "src").mkdir(parents=True)
    if area.scan_venv:
        for path in sorted((root / "policies").glob("*.py")):
            if path.name != "__init__.py":
                shutil.copy2(path, work / "src" / path.name)
        # The originals (and the YAML checks) for the tests that list the pack.
        shutil.copytree(root / "policies", work / "policies")
    else:
        for package in ("aigw_shared", "authorizer", "llm_gateway"):
            shutil.copytree(
                root / "lambda_src" / package,
                work / "src" / package,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
        # Unmutated, for the tests that start a subprocess on lambda_src/ (they cannot see
        # a mutant, so they neither kill nor spare one).
        shutil.copytree(
            root / "lambda_src", work / "lambda_src", ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copytree(
        root / "tests", work / "tests", ignore=shutil.ignore_patterns("__pycache__", ".hypothesis")
    )
    shutil.copytree(root / "docs", work / "docs")
    ini = _pytest_ini(root)
    pytest_args = ["-p", "no:cacheprovider", "-q", "-m", area.markers]
    (work / "pyproject.toml").write_text(
        "[tool.mutmut]\n"
        'source_paths = ["src"]\n'
        f"only_mutate = {_toml_list(list(area.sources))}\n"
        f"also_copy = {_toml_list(['docs', 'policies' if area.scan_venv else 'lambda_src'])}\n"
        f"pytest_add_cli_args = {_toml_list(pytest_args)}\n"
        f"pytest_add_cli_args_test_selection = {_toml_list(list(area.tests))}\n"
        "use_git_change_detection = false\n"
        "\n[tool.pytest.ini_options]\n"
        # The tooling package (tests/conftest.py imports it), never the code under test.
        f"pythonpath = {_toml_list([str(root / 'tooling')])}\n"
        f"addopts = {json.dumps(ini['addopts'])}\n"
        f"markers = {ini['markers']}\n"
    )
    return work


_RESULT_LINE = re.compile(r"^\s+(?P<name>\S+): (?P<status>.+)$")


def _run(cmd: list[str], cwd: Path, log: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    with log.open("a") as fh:
        fh.write(f"$ {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}\n")
    return proc


def survivors_of(listing: str) -> list[tuple[str, str]]:
    """(mutant, status) of every mutant in ``mutmut results`` output that is not killed."""
    return [
        (m["name"], m["status"])
        for m in (_RESULT_LINE.match(line) for line in listing.splitlines())
        if m and m["status"] not in KILLED
    ]


def retest_names(survivors: list[tuple[str, str]], patterns: list[str]) -> list[str]:
    """The survivors to run again: all of them, or those matching one of ``patterns``."""
    return [
        name
        for name, _ in survivors
        if not patterns or any(fnmatch.fnmatchcase(name, p) for p in patterns)
    ]


def run_area(
    root: Path,
    area: Area,
    jobs: int,
    *,
    fresh: bool = False,
    retest: list[str] | None = None,
) -> AreaResult:
    """Run mutmut over ``area``; ``retest`` (patterns, [] for all) re-runs survivors too."""
    python = _interpreter(root, area)
    work = stage(root, area, state_dir(root) / "mutation" / area.name, fresh=fresh)
    log = work / "mutmut.log"
    mutmut = [str(python), "-m", "mutmut"]
    run = [*mutmut, "run", "--max-children", str(jobs)]
    start = time.monotonic()
    proc = _run(run, work, log)
    if proc.returncode == 0 and retest is not None:
        listing = _run([*mutmut, "results"], work, log).stdout
        again = retest_names(survivors_of(listing), retest)
        if again:
            proc = _run([*run, *again], work, log)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise MutationError(f"mutmut run failed for {area.name} (log: {log}):\n{tail}")
    _run([*mutmut, "export-cicd-stats"], work, log)
    stats = json.loads((work / RESULTS_DIR / "mutmut-cicd-stats.json").read_text())
    counts = {k: int(v) for k, v in stats.items()}
    listing = _run([*mutmut, "results"], work, log)
    survivors = [f"{name}: {status}" for name, status in survivors_of(listing.stdout)]
    return AreaResult(area.name, counts, survivors, seconds)


def report(results: list[AreaResult], min_score: float) -> str:
    lines = [f"{'area':<12} {'mutants':>7} {'killed':>7} {'survived':>8} {'score':>7} {'time':>7}"]
    for r in results:
        survived = r.total - r.killed
        lines.append(
            f"{r.area:<12} {r.total:>7} {r.killed:>7} {survived:>8} "
            f"{r.score:>6.1f}% {r.seconds:>6.0f}s"
        )
    for r in results:
        if r.survivors:
            lines.append(
                f"\nsurvivors in {r.area} (`mutmut show NAME` in .aigw/mutation/{r.area}):"
            )
            lines.extend(f"  {s}" for s in r.survivors)
    below = [r.area for r in results if r.score < min_score]
    lines.append(
        f"\nmutation: below {min_score:g}% in {', '.join(below)}"
        if below
        else f"\nmutation: every area at or above {min_score:g}%"
    )
    return "\n".join(lines)


def cmd_mutation(args: argparse.Namespace) -> int:
    root = root_of(args)
    names = args.area or list(AREAS)
    unknown = [n for n in names if n not in AREAS]
    if unknown:
        return fail(f"unknown area {', '.join(unknown)} (allowed: {', '.join(AREAS)})", 2)
    results = []
    for name in names:
        print(f"mutation: {name} ...", flush=True)
        try:
            results.append(
                run_area(
                    root,
                    AREAS[name],
                    args.jobs,
                    fresh=getattr(args, "fresh", False),
                    retest=getattr(args, "retest_survivors", None),
                )
            )
        except MutationError as exc:
            return fail(str(exc), 2)
    text = report(results, args.min_score)
    print(text)
    out = state_dir(root) / "reports" / "mutation.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    print(f"report: {out}")
    return 0 if all(r.score >= args.min_score for r in results) else 1


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "mutation", help="mutation testing (mutmut) of the authorizer, policies and LLM core"
    )
    p.add_argument(
        "--area",
        action="append",
        metavar="AREA",
        help=f"one of {', '.join(AREAS)} (repeatable; default: all)",
    )
    p.add_argument("--jobs", type=int, default=2, help="mutants tested in parallel (default 2)")
    p.add_argument(
        "--min-score",
        type=float,
        default=90.0,
        help="exit 1 when an area kills fewer mutants than this percentage (default 90)",
    )
    p.add_argument(
        "--fresh",
        action="store_true",
        help="discard the verdicts of earlier runs (by default a run resumes where one stopped)",
    )
    p.add_argument(
        "--retest-survivors",
        nargs="*",
        metavar="PATTERN",
        help="also run the mutants that survived earlier runs again (after adding tests); "
        "with PATTERNs (shell-style, e.g. 'authorizer.core.*') only the survivors matching one",
    )
    p.set_defaults(func=cmd_mutation)
