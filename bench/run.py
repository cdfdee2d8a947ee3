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
import re
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


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _sections(text: str) -> dict[str, str]:
    found = {}
    for m in re.finditer(r"<!-- bench:(\w+) -->.*?<!-- /bench:\1 -->\n", text, re.S):
        found[m.group(1)] = m.group(0)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="docs/performance.md")
    parser.add_argument("--json", help="also write raw results as JSON here")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", action="append", help="run only these benchmarks (repeatable)")
    args = parser.parse_args()

    out = Path(args.out)
    text = out.read_text() if out.is_file() else ""
    previous = _sections(text)
    # What follows the last measured section is written by hand: keep it.
    ends = list(re.finditer(r"<!-- /bench:\w+ -->\n", text))
    tail = text[ends[-1].end() :] if ends else ""
    results = {}
    sections: dict[str, str] = {}
    for name, mod in BENCHES:
        if args.only and name not in args.only:
            if name in previous:  # keep what an earlier run measured
                sections[name] = previous[name]
            continue
        print(f"running {name} benchmark …", flush=True)
        results[name] = mod.run(repeats=args.repeats)
        sections[name] = (
            f"<!-- bench:{name} -->\n{mod.markdown(results[name]).strip()}\n\n"
            f"_Measured {_now()}._\n<!-- /bench:{name} -->\n"
        )

    header = f"""# Performance

Produced by `make bench` (`.venv/bin/python bench/run.py --out docs/performance.md`;
`--only NAME` re-runs one section and keeps the others) on this machine: Python
{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs. Numbers are
medians; ratios compare against a baseline measured in the same run. Each section says
when it was measured.

"""
    out.write_text(header + "\n".join(sections[n] for n, _ in BENCHES if n in sections) + tail)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
