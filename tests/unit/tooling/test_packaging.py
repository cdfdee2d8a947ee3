"""Deterministic Lambda packaging (`aigw build`)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from aigw.packaging import (
    FIXED_DATE_TIME,
    BuildConfig,
    BuildError,
    build_all,
    discover_functions,
)

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "lambda_src"


def _cfg(tmp: Path, src: Path = SRC, **kw) -> BuildConfig:
    return BuildConfig(src_dir=src, dist_dir=tmp / "dist", cache_dir=tmp / "cache", **kw)


def _copy_src(tmp: Path) -> Path:
    dest = tmp / "lambda_src"
    shutil.copytree(SRC, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_function_folder_is_discovered():
    names = discover_functions(SRC)
    assert names, "lambda_src/ should hold at least one function folder"
    for name in names:
        assert (SRC / name / "handler.py").is_file()
    assert "aigw_shared" not in names


def test_two_clean_builds_are_byte_identical(tmp_path):
    first = build_all(_cfg(tmp_path / "a"), tmp_path / "a")
    second = build_all(_cfg(tmp_path / "b"), tmp_path / "b")
    assert [p.name for p in first.packages] == [p.name for p in second.packages]
    for a, b in zip(first.packages, second.packages, strict=True):
        assert a.rebuilt and b.rebuilt
        assert _sha(a.zip_path) == _sha(b.zip_path), f"{a.name} differs between clean builds"
        assert a.sha256_base64 == b.sha256_base64


def test_noop_rebuild_does_not_rewrite_zip_or_manifest(tmp_path):
    cfg = _cfg(tmp_path)
    first = build_all(cfg, tmp_path)
    stats = {p.name: p.zip_path.stat() for p in first.packages}
    manifest_stat = (cfg.dist_dir / "manifest.json").stat()

    again = build_all(cfg, tmp_path)
    assert again.rebuilt == []
    assert not again.manifest_written
    for p in again.packages:
        now = p.zip_path.stat()
        assert (now.st_ino, now.st_mtime_ns) == (stats[p.name].st_ino, stats[p.name].st_mtime_ns)
    m = (cfg.dist_dir / "manifest.json").stat()
    assert (m.st_ino, m.st_mtime_ns) == (manifest_stat.st_ino, manifest_stat.st_mtime_ns)


def test_changed_source_rebuilds_only_that_function(tmp_path):
    src = _copy_src(tmp_path)
    cfg = _cfg(tmp_path, src=src)
    first = {p.name: p for p in build_all(cfg, tmp_path).packages}
    target = sorted(first)[0]
    with open(src / target / "handler.py", "a") as fh:
        fh.write("\n# changed\n")
    second = {p.name: p for p in build_all(cfg, tmp_path).packages}
    assert second[target].rebuilt
    assert second[target].sha256_base64 != first[target].sha256_base64
    assert all(not p.rebuilt for n, p in second.items() if n != target)


def test_shared_code_change_rebuilds_every_function(tmp_path):
    src = _copy_src(tmp_path)
    cfg = _cfg(tmp_path, src=src)
    build_all(cfg, tmp_path)
    (src / "aigw_shared" / "_probe.py").write_text("VALUE = 1\n")
    second = build_all(cfg, tmp_path)
    assert sorted(second.rebuilt) == sorted(discover_functions(src))


def test_zip_entries_are_normalised(tmp_path):
    src = _copy_src(tmp_path)
    name = discover_functions(src)[0]
    # Noise that must never reach a package.
    (src / name / "__pycache__").mkdir(exist_ok=True)
    (src / name / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (src / name / "tests").mkdir(exist_ok=True)
    (src / name / "tests" / "test_x.py").write_text("")
    os.chmod(src / name / "handler.py", 0o600)

    report = build_all(_cfg(tmp_path, src=src), tmp_path)
    pkg = next(p for p in report.packages if p.name == name)
    with zipfile.ZipFile(pkg.zip_path) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert f"{name}/handler.py" in names
    assert any(n.startswith("aigw_shared/") for n in names), "shared package must be bundled"
    assert not any("__pycache__" in n or n.endswith(".pyc") or "/tests/" in n for n in names)
    for info in infos:
        assert info.date_time == FIXED_DATE_TIME
        assert (info.external_attr >> 16) & 0o777 == 0o644


def test_manifest_matches_the_zip_on_disk(tmp_path):
    cfg = _cfg(tmp_path)
    build_all(cfg, tmp_path)
    manifest = json.loads((cfg.dist_dir / "manifest.json").read_text())
    assert manifest["version"] == 1
    for name, entry in manifest["packages"].items():
        data = (cfg.dist_dir / entry["filename"]).read_bytes()
        assert entry["sha256_base64"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
        assert entry["size"] == len(data)
        assert entry["handler"] == f"{name}.handler.handler"
        assert entry["runtime"] == "python3.13"
        assert entry["architecture"] == "arm64"


def test_packaged_handler_imports_from_the_zip_alone(tmp_path):
    report = build_all(_cfg(tmp_path), tmp_path)
    for pkg in report.packages:
        code = (
            "import importlib, sys; "
            f"m = importlib.import_module('{pkg.name}.handler'); "
            "assert callable(m.handler); "
            "assert m.__file__.startswith(sys.path[0]), m.__file__"
        )
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["PYTHONPATH"] = str(pkg.zip_path)
        proc = subprocess.run(
            [
                sys.executable,
                "-I",
                "-c",
                f"import sys; sys.path.insert(0, {str(pkg.zip_path)!r}); {code}",
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )
        assert proc.returncode == 0, f"{pkg.name}: {proc.stderr}"


def test_unknown_architecture_is_rejected_with_the_allowed_values(tmp_path):
    with pytest.raises(BuildError, match="arm64, x86_64"):
        _cfg(tmp_path, architecture="sparc")


def test_unknown_function_is_rejected(tmp_path):
    with pytest.raises(BuildError, match="unknown function"):
        build_all(_cfg(tmp_path), tmp_path, only=["nope"])


def _make_wheel(folder: Path, name: str = "aigwprobe", version: str = "1.0") -> Path:
    """A minimal pure-Python wheel, written by hand (no build backend, no network)."""
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": b"VALUE = 42\n",
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
        ),
        f"{dist_info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: aigw-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record_lines = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record_lines.append(f"{path},sha256={digest},{len(data)}")
    record_lines.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record_lines) + "\n").encode()
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return wheel


def test_requirements_are_installed_for_the_lambda_target(tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _make_wheel(wheels)
    src = tmp_path / "lambda_src"
    (src / "fn").mkdir(parents=True)
    (src / "fn" / "__init__.py").write_text("")
    (src / "fn" / "handler.py").write_text(
        "import aigwprobe\n\ndef handler(event, context):\n    return aigwprobe.VALUE\n"
    )
    (src / "fn" / "requirements.txt").write_text("aigwprobe==1.0\n")
    pip_args = ("--no-index", "--find-links", str(wheels))

    a = build_all(_cfg(tmp_path / "a", src=src, pip_args=pip_args), tmp_path)
    b = build_all(_cfg(tmp_path / "b", src=src, pip_args=pip_args), tmp_path)
    zip_a = a.packages[0].zip_path
    with zipfile.ZipFile(zip_a) as zf:
        names = zf.namelist()
    assert "aigwprobe/__init__.py" in names
    assert "fn/requirements.txt" not in names
    assert _sha(zip_a) == _sha(b.packages[0].zip_path)


def test_unresolvable_requirement_fails_with_the_function_named(tmp_path):
    src = tmp_path / "lambda_src"
    (src / "fn").mkdir(parents=True)
    (src / "fn" / "handler.py").write_text("def handler(e, c):\n    return 1\n")
    (src / "fn" / "requirements.txt").write_text("aigw-no-such-package==9.9\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    cfg = _cfg(tmp_path, src=src, pip_args=("--no-index", "--find-links", str(empty)))
    with pytest.raises(BuildError, match=r"fn: installing requirements\.txt"):
        build_all(cfg, tmp_path)
