"""The local AWS sandbox lifecycle (`aigw sandbox up|down|status`)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import boto3
import pytest

from aigw.sandbox import Sandbox, SandboxError

pytestmark = pytest.mark.sandbox


@pytest.fixture
def box(tmp_path):
    sandbox = Sandbox(tmp_path / "state", port=0)
    yield sandbox
    sandbox.down()


def test_up_starts_a_server_that_answers_aws_calls(box):
    status = box.up()
    assert status.running and status.pid
    assert box.pidfile.is_file() and box.log_file.is_file()
    sts = boto3.client(
        "sts",
        endpoint_url=status.endpoint,
        region_name="us-east-1",
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )
    assert sts.get_caller_identity()["Account"].isdigit()


def test_up_is_idempotent(box):
    first = box.up()
    again = Sandbox(box.state_dir, port=first.port).up()
    assert again.pid == first.pid
    assert again.port == first.port


def test_down_stops_the_server_and_status_reports_it(box):
    status = box.up()
    assert box.down() is True
    assert not box.status().running
    with pytest.raises(ProcessLookupError):
        os.kill(status.pid, 0)
    assert box.down() is False, "a second down has nothing to stop"


def test_port_taken_by_another_process_is_a_clear_error(tmp_path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        port = other.getsockname()[1]
        sandbox = Sandbox(tmp_path / "state", port=port)
        with pytest.raises(SandboxError, match=f"port {port} .* already in use"):
            sandbox.up()
        assert not sandbox.pidfile.exists()


def test_down_never_signals_a_process_it_did_not_start(tmp_path):
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        sandbox = Sandbox(tmp_path / "state", port=45999)
        sandbox.state_dir.mkdir(parents=True)
        # A pidfile naming a live process that is not a moto server (e.g. a reused PID).
        sandbox.pidfile.write_text(json.dumps({"pid": stranger.pid, "port": 45999}))
        assert sandbox.down() is False
        time.sleep(0.1)
        assert stranger.poll() is None, "the unrelated process must still be running"
    finally:
        stranger.kill()
        stranger.wait()


def test_only_loopback_hosts_are_accepted(tmp_path):
    with pytest.raises(SandboxError, match="loopback"):
        Sandbox(tmp_path, host="0.0.0.0")  # noqa: S104 - the point of the test


def test_cli_reports_port_conflict_without_hanging(tmp_path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        port = other.getsockname()[1]
        env = dict(os.environ, AIGW_STATE_DIR=str(tmp_path / "state"))
        proc = subprocess.run(
            [sys.executable, "-m", "aigw", "sandbox", "up", "--port", str(port)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    assert proc.returncode == 1
    assert f"port {port}" in proc.stderr and "already in use" in proc.stderr
