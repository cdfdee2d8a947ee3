"""Deterministic Lambda packaging.

One zip per function folder in ``lambda_src/`` (a folder with a ``handler.py``), holding
the function package, the shared runtime package ``aigw_shared`` and, when the function
has a ``requirements.txt``, its third-party dependencies installed for the Lambda target
(``pip install --platform manylinux2014_<arch> --only-binary=:all: --target …``).

Identical inputs give byte-identical zips: entries sorted, timestamps fixed, permissions
normalised, no ``__pycache__`` or tests. Builds are content-addressed: the hash of every
input is recorded in ``dist/manifest.json``; when it has not changed and the zip on disk
still matches, nothing is rewritten.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

BUILDER_VERSION = "1"
SHARED_PACKAGE = "aigw_shared"
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ARCHITECTURES = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
EXCLUDED_DIRS = {"__pycache__", "tests", "test", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".DS_Store")
EXCLUDED_NAMES = {"requirements.txt", ".DS_Store"}


class BuildError(RuntimeError):
    """A package could not be built; the message says which and why."""


@dataclass(frozen=True)
class BuildConfig:
    src_dir: Path
    dist_dir: Path
    cache_dir: Path
    architecture: str = "arm64"
    python_version: str = "3.13"
    pip_args: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.architecture not in ARCHITECTURES:
            allowed = ", ".join(sorted(ARCHITECTURES))
            raise BuildError(f"unknown architecture {self.architecture!r}; allowed: {allowed}")

    @property
    def runtime(self) -> str:
        return "python" + self.python_version


@dataclass
class PackageResult:
    name: str
    zip_path: Path
    size: int
    sha256_base64: str
    sha256_hex: str
    inputs_sha256: str
    rebuilt: bool
    files: int = 0

    def manifest_entry(self, cfg: BuildConfig, root: Path) -> dict[str, object]:
        try:
            rel = self.zip_path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            rel = self.zip_path.as_posix()
        return {
            "filename": self.zip_path.name,
            "path": rel,
            "handler": f"{self.name}.handler.handler",
            "runtime": cfg.runtime,
            "architecture": cfg.architecture,
            "size": self.size,
            "sha256_base64": self.sha256_base64,
            "sha256_hex": self.sha256_hex,
            "inputs_sha256": self.inputs_sha256,
        }


@dataclass
class BuildReport:
    packages: list[PackageResult] = field(default_factory=list)
    manifest_path: Path | None = None
    manifest_written: bool = False

    @property
    def rebuilt(self) -> list[str]:
        return [p.name for p in self.packages if p.rebuilt]


# -- discovery -------------------------------------------------------------------------
def discover_functions(src_dir: Path) -> list[str]:
    """Function folders: direct children of ``src_dir`` holding a ``handler.py``."""
    if not src_dir.is_dir():
        raise BuildError(f"no Lambda source folder at {src_dir}")
    return sorted(
        p.name
        for p in src_dir.iterdir()
        if p.is_dir()
        and p.name != SHARED_PACKAGE
        and not p.name.startswith((".", "_"))
        and (p / "handler.py").is_file()
    )


def _iter_files(base: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(
            d for d in dirnames if d not in EXCLUDED_DIRS and not d.startswith(".")
        )
        for name in sorted(filenames):
            if name in EXCLUDED_NAMES or name.endswith(EXCLUDED_SUFFIXES) or name.startswith("."):
                continue
            yield Path(dirpath) / name


def _source_entries(src_dir: Path, name: str) -> list[tuple[str, Path]]:
    """(archive name, file) pairs of the function's own code and the shared package."""
    entries: list[tuple[str, Path]] = []
    for base in (src_dir / name, src_dir / SHARED_PACKAGE):
        if not base.is_dir():
            continue
        for path in _iter_files(base):
            entries.append((path.relative_to(src_dir).as_posix(), path))
    return entries


def _tree_entries(root: Path) -> list[tuple[str, Path]]:
    return [(p.relative_to(root).as_posix(), p) for p in _iter_files(root)]


# -- hashing ---------------------------------------------------------------------------
def _sha256_file(path: Path) -> hashlib._Hash:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h


def _inputs_hash(cfg: BuildConfig, name: str, entries: Iterable[tuple[str, Path]]) -> str:
    h = hashlib.sha256()
    h.update(
        f"builder={BUILDER_VERSION}\0arch={cfg.architecture}\0py={cfg.python_version}\0".encode()
    )
    h.update(("pip=" + "\x1f".join(cfg.pip_args) + "\0").encode())
    req = cfg.src_dir / name / "requirements.txt"
    if req.is_file():
        h.update(b"requirements\0" + req.read_bytes() + b"\0")
    for arcname, path in entries:
        h.update(arcname.encode() + b"\0")
        h.update(_sha256_file(path).digest())
    return h.hexdigest()


# -- third-party requirements ----------------------------------------------------------
def _requirements_dir(cfg: BuildConfig, name: str) -> Path | None:
    """Install ``requirements.txt`` for the Lambda target into a content-addressed cache."""
    req = cfg.src_dir / name / "requirements.txt"
    if not req.is_file() or not [
        line for line in req.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]:
        return None
    key = hashlib.sha256(
        b"\0".join(
            [
                req.read_bytes(),
                cfg.architecture.encode(),
                cfg.python_version.encode(),
                "\x1f".join(cfg.pip_args).encode(),
            ]
        )
    ).hexdigest()[:32]
    target = cfg.cache_dir / "deps" / key
    if (target / ".complete").is_file():
        return target
    shutil.rmtree(target, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{name}-deps-", dir=cfg.cache_dir))
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--platform",
        ARCHITECTURES[cfg.architecture],
        "--implementation",
        "cp",
        "--python-version",
        cfg.python_version,
        "--only-binary=:all:",
        "--target",
        str(tmp),
        "-r",
        str(req),
        *cfg.pip_args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        detail = proc.stderr.strip() or proc.stdout.strip()
        raise BuildError(
            f"{name}: installing requirements.txt for "
            f"{cfg.architecture}/python{cfg.python_version} failed:\n{detail}"
        )
    # pip writes files that vary run to run and are not needed at run time.
    for junk in tmp.glob("*.dist-info/direct_url.json"):
        junk.unlink()
    for junk in tmp.glob("bin"):
        shutil.rmtree(junk, ignore_errors=True)
    (tmp / ".complete").write_text(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp.replace(target)
    return target


# -- zip writing -----------------------------------------------------------------------
def _write_zip(dest: Path, entries: list[tuple[str, Path]]) -> int:
    seen: set[str] = set()
    tmp = dest.with_name(dest.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for arcname, path in sorted(entries, key=lambda e: e[0]):
            if arcname in seen:
                raise BuildError(f"{dest.name}: two inputs map to {arcname}")
            seen.add(arcname)
            info = zipfile.ZipInfo(arcname, date_time=FIXED_DATE_TIME)
            executable = os.access(path, os.X_OK) and not arcname.endswith(".py")
            mode = 0o755 if executable else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.create_system = 3  # unix, so the mode bits are honoured
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes(), compresslevel=9)
    tmp.replace(dest)
    return len(seen)


def build_function(
    cfg: BuildConfig, name: str, previous: dict[str, object] | None
) -> PackageResult:
    func_dir = cfg.src_dir / name
    if not (func_dir / "handler.py").is_file():
        raise BuildError(f"{func_dir} has no handler.py")
    entries = _source_entries(cfg.src_dir, name)
    deps = _requirements_dir(cfg, name)
    dep_entries = _tree_entries(deps) if deps else []
    dep_entries = [e for e in dep_entries if e[0] != ".complete"]
    inputs = _inputs_hash(cfg, name, entries)
    dest = cfg.dist_dir / f"{name}.zip"

    if previous and previous.get("inputs_sha256") == inputs and dest.is_file():
        digest = _sha256_file(dest).digest()
        if base64.b64encode(digest).decode() == previous.get("sha256_base64"):
            return PackageResult(
                name=name,
                zip_path=dest,
                size=dest.stat().st_size,
                sha256_base64=str(previous["sha256_base64"]),
                sha256_hex=digest.hex(),
                inputs_sha256=inputs,
                rebuilt=False,
                files=int(previous.get("files", 0) or 0),
            )

    cfg.dist_dir.mkdir(parents=True, exist_ok=True)
    count = _write_zip(dest, entries + dep_entries)
    digest = _sha256_file(dest).digest()
    return PackageResult(
        name=name,
        zip_path=dest,
        size=dest.stat().st_size,
        sha256_base64=base64.b64encode(digest).decode(),
        sha256_hex=digest.hex(),
        inputs_sha256=inputs,
        rebuilt=True,
        files=count,
    )


def _read_manifest(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def build_all(cfg: BuildConfig, root: Path, only: Iterable[str] | None = None) -> BuildReport:
    """Build every function (or those in ``only``) and write ``dist/manifest.json``."""
    all_names = discover_functions(cfg.src_dir)
    names = all_names
    if only:
        wanted = set(only)
        unknown = sorted(wanted - set(all_names))
        if unknown:
            raise BuildError(
                f"unknown function(s) {', '.join(unknown)}; known: {', '.join(all_names) or 'none'}"
            )
        names = [n for n in all_names if n in wanted]
    cfg.cache_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = cfg.dist_dir / "manifest.json"
    raw = _read_manifest(manifest_path).get("packages")
    old_pkgs: dict[str, object] = raw if isinstance(raw, dict) else {}

    report = BuildReport(manifest_path=manifest_path)
    # A partial build keeps the other functions' entries.
    packages: dict[str, object] = (
        {k: v for k, v in old_pkgs.items() if k in all_names} if only else {}
    )
    for name in names:
        prev = old_pkgs.get(name) if isinstance(old_pkgs.get(name), dict) else None
        result = build_function(cfg, name, prev)
        report.packages.append(result)
        entry = result.manifest_entry(cfg, root)
        entry["files"] = result.files
        packages[name] = entry
    # Zips of functions that no longer exist are removed with their manifest entries.
    if not only:
        for stale in sorted(set(old_pkgs) - set(all_names)):
            (cfg.dist_dir / f"{stale}.zip").unlink(missing_ok=True)

    manifest = {"version": 1, "packages": dict(sorted(packages.items()))}
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    if not manifest_path.is_file() or manifest_path.read_text() != text:
        cfg.dist_dir.mkdir(parents=True, exist_ok=True)
        tmp = manifest_path.with_suffix(".json.tmp")
        tmp.write_text(text)
        tmp.replace(manifest_path)
        report.manifest_written = True
    return report
