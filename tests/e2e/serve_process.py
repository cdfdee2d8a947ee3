"""`aigw serve` as a child process against the session's `envs/local` apply (the
``local_env`` fixture, tests/integration/local_env.py), for the e2e files that drive the
local data plane with official clients (the files in local_env.GROUP_FILES)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable

import openai
from local_env import ROOT, LocalEnv, free_port

sys.path.insert(0, str(ROOT / "tests" / "contracts"))
from openai_contract import checking_http_client

# The start-up banner's last line. serve binds its port before it writes the banner, and
# a banner larger than the stream's buffer reaches the log in several writes.
BANNER_END = "Ctrl-C stops the server."


def wait_listening(proc: subprocess.Popen[str], port: int, output: Callable[[], str]) -> None:
    """Return once `aigw serve` (``proc``) accepts connections on ``port`` and its whole
    start-up banner is in ``output()`` (at most about 60 s); fail with its ``output()`` if it
    exits, never listens or never finishes the banner."""
    for _ in range(240):
        if proc.poll() is not None:
            raise AssertionError(f"aigw serve exited:\n{output()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0 and BANNER_END in output():
                return
        time.sleep(0.25)
    raise AssertionError(f"aigw serve did not listen or finish its banner:\n{output()}")


class ServeProcess:
    """`aigw serve` as a child process (``args``: more serve options); stopped with SIGTERM."""

    def __init__(self, env: LocalEnv, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = env.state / f"serve-{self.port}.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "aigw.serve", "--env", "local"),
                *("--port", str(self.port), *args),
            ],
            cwd=ROOT,
            env=env.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_listening(self.proc, self.port, self.output)
        except AssertionError:
            self.stop()
            raise

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text()

    def lines(self, prefix: str) -> list[str]:
        """The request log lines starting with ``prefix`` (method and path)."""
        return [ln for ln in self.output().splitlines() if ln.startswith(prefix)]

    def access_line(self, request_id: str) -> str:
        """The one access-log line of ``request_id`` (the answer's ``x-amzn-requestid``).

        Each handler thread logs after the client has its whole answer, so the line can
        trail the response, and other tests' lines can come after it: wait, bounded."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            found = [
                ln for ln in self.output().splitlines() if ln.endswith(f"request_id={request_id}")
            ]
            if found:
                assert len(found) == 1, found
                return found[0]
            time.sleep(0.02)
        raise AssertionError(f"no access line for {request_id}:\n{self.output()[-3000:]}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        return self.proc.returncode


def openai_client(server: ServeProcess, key: str) -> openai.OpenAI:
    """An SDK client whose every response is checked against OpenAI's document."""
    return openai.OpenAI(
        base_url=server.url + "/v1",
        api_key=key,
        max_retries=0,
        timeout=30,
        http_client=checking_http_client(),
    )
