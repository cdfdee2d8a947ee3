"""docs/capacity.md holds what bench/capacity.py prints, and the script's arithmetic is
checked against figures worked out by hand from its published inputs."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "bench" / "capacity.py"
DOC = ROOT / "docs" / "capacity.md"


@pytest.fixture(scope="module")
def capacity():
    spec = importlib.util.spec_from_file_location("capacity", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def printed() -> str:
    run = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return run.stdout


def test_the_doc_holds_what_the_script_prints(printed: str) -> None:
    doc = DOC.read_text()
    begin, end = doc.index("<!-- capacity:begin"), doc.index("<!-- capacity:end -->")
    assert doc[begin : end + len("<!-- capacity:end -->")] + "\n" == printed


def test_every_figure_in_the_prose_is_one_the_script_prints(printed: str) -> None:
    doc = DOC.read_text()
    prose = doc[: doc.index("<!-- capacity:begin")]
    prose = re.sub(r"https?://\S+|ADR\s+\d+|docs/\S+", "", prose)
    figures = set(re.findall(r"\d[\d,]*(?:\.\d+)?", prose))
    assert figures, "the prose states figures"
    missing = sorted(f for f in figures if f not in printed)
    assert not missing, f"figures in docs/capacity.md the script does not print: {missing}"


def test_check_mode_fails_on_a_stale_doc(tmp_path: Path, printed: str) -> None:
    stale = tmp_path / "capacity.md"
    stale.write_text(DOC.read_text().replace("| 100 | 20 | 2,000 |", "| 100 | 20 | 1,999 |"))
    run = subprocess.run([sys.executable, str(SCRIPT), "--check", str(stale)], cwd=ROOT)
    assert run.returncode == 1


def test_streams_exhaust_the_default_quota_at_the_published_numbers(printed: str) -> None:
    # 100 requests/s × 20 s = 2,000 concurrent executions, twice the default 1,000
    assert "| 100 | 20 | 2,000 | 200 % (over: throttled) |" in printed
    assert "20-second streams top out at 50 requests per second" in printed


def test_costs_by_hand(capacity, printed: str) -> None:
    # 2,000 in / 500 out on Claude 3.5 Haiku at $0.80 / $4 per million tokens:
    # per million requests 2,000 × 0.80 + 500 × 4 = $3,600 of tokens.
    # The answer lasts 0.6 + 500 / 50 = 10.6 s; a 512 MB function bills
    # 0.5 GB × 10.6 s × $0.0000133334 + $0.20 / 1e6 per request = $70.87 per million.
    assert "| 2,000 / 500 | 10.6 | $70.87 | $3.50 | $3,600.00 | $3,674.37 |" in printed
    # At 1 request/s for 730 h: 2,628,000 requests × $0.00007086702 = $186.24 on Lambda;
    # Fargate: 2 tasks × (1 × 0.03238 + 2 × 0.00356) $/h + NLB 0.0225 $/h, × 730 = $74.09.
    assert "| 1 | $186.24 | $74.09 |" in printed
    assert capacity.lambda_month(1, 10.6, 512) == pytest.approx(186.24, abs=0.01)
    assert capacity.fargate_month(1, 10.6) == pytest.approx(74.09, abs=0.01)
    # Break-even: 186.24 × r = 74.09 at r ≈ 0.398, so 0.40 is the first 0.01 step.
    assert capacity.break_even_rps(10.6, 512) == 0.4


def test_env_sizing_reads_the_tfvars(capacity) -> None:
    sizing = capacity.env_sizing()
    assert sizing["prod"]["provisioned"] == 5 and sizing["prod"]["memory_size"] == 1024
    assert sizing["dev"]["memory_size"] == 512 and sizing["dev"]["reserved"] is None
