"""Run the benchmarks and write docs/performance.md.

Usage: ``make bench`` (or ``.venv/bin/python bench/run.py --out docs/performance.md``).
Every figure is measured in this run, on this machine, next to its baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "authorizer"))
sys.path.insert(0, str(HERE / "llm_gateway"))

import authorizer_bench  # noqa: E402
import llm_bench  # noqa: E402

import packaging_bench  # noqa: E402
import scan_bench  # noqa: E402

BENCHES = [
    ("packaging", packaging_bench),
    ("authorizer", authorizer_bench),
    ("llm_gateway", llm_bench),
    ("scan", scan_bench),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="docs/performance.md")
    parser.add_argument("--json", help="also write raw results as JSON here")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", action="append", help="run only these benchmarks (repeatable)")
    args = parser.parse_args()

    results = {}
    sections = []
    for name, mod in BENCHES:
        if args.only and name not in args.only:
            continue
        print(f"running {name} benchmark …", flush=True)
        results[name] = mod.run(repeats=args.repeats)
        sections.append(mod.markdown(results[name]))

    header = f"""# Performance

Produced by `make bench` (`.venv/bin/python bench/run.py --out docs/performance.md`) on
{dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")}: Python {platform.python_version()},
{platform.machine()}, {os.cpu_count()} CPUs. Numbers are medians; ratios compare against a
baseline measured in the same run. Re-run it to refresh this page.

"""
    Path(args.out).write_text(header + "\n".join(sections))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
