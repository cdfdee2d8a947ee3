"""Packaging benchmark: cold build, no-op build and package sizes.

Baseline, measured in the same process on the same inputs: ``shutil.make_archive`` of
each function folder plus the shared package (a plain, non-deterministic zip). Results
are ratios against that baseline, so they compare across machines.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from aigw.packaging import SHARED_PACKAGE, BuildConfig, build_all, discover_functions

ROOT = Path(__file__).resolve().parents[1]


def _baseline_zip(src: Path, name: str, out: Path) -> None:
    stage = out / f"stage-{name}"
    shutil.copytree(src / name, stage / name)
    shutil.copytree(src / SHARED_PACKAGE, stage / SHARED_PACKAGE)
    shutil.make_archive(str(out / name), "zip", root_dir=stage)
    shutil.rmtree(stage)


def run(repeats: int = 5) -> dict[str, object]:
    src = ROOT / "lambda_src"
    names = discover_functions(src)
    cold, noop, base = [], [], []
    sizes: dict[str, int] = {}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            t = Path(tmp)
            cfg = BuildConfig(src_dir=src, dist_dir=t / "dist", cache_dir=t / "cache")
            start = time.perf_counter()
            report = build_all(cfg, t)
            cold.append(time.perf_counter() - start)
            sizes = {p.name: p.size for p in report.packages}
            start = time.perf_counter()
            again = build_all(cfg, t)
            noop.append(time.perf_counter() - start)
            assert again.rebuilt == []
            start = time.perf_counter()
            for name in names:
                _baseline_zip(src, name, t / "baseline")
            base.append(time.perf_counter() - start)
    med = statistics.median
    return {
        "functions": names,
        "repeats": repeats,
        "cold_build_s": med(cold),
        "noop_build_s": med(noop),
        "baseline_make_archive_s": med(base),
        "cold_vs_baseline": med(cold) / med(base),
        "noop_vs_cold": med(noop) / med(cold),
        "sizes_bytes": sizes,
    }


def markdown(result: dict[str, object]) -> str:
    sizes = result["sizes_bytes"]
    assert isinstance(sizes, dict)
    rows = "\n".join(
        f"| {name} | {size:,} B ({size / 1024:.1f} KiB) |" for name, size in sizes.items()
    )
    return f"""## Packaging (`aigw build`)

Median of {result["repeats"]} runs, all functions ({", ".join(result["functions"])}).
Baseline: `shutil.make_archive` of the same folders in the same process (plain zip,
not reproducible).

| measure | value |
|---|---|
| cold build (empty dist and cache) | {result["cold_build_s"] * 1000:.1f} ms |
| no-op build (nothing changed) | {result["noop_build_s"] * 1000:.1f} ms |
| baseline `make_archive` | {result["baseline_make_archive_s"] * 1000:.1f} ms |
| cold build / baseline | {result["cold_vs_baseline"]:.2f}× |
| no-op build / cold build | {result["noop_vs_cold"]:.2f}× |

| package | size |
|---|---|
{rows}
"""
