"""The local AWS sandbox: moto in server mode on the loopback interface.

``aigw sandbox up`` starts moto's server (``python -m aigw.moto_serial``: requests enter
moto one at a time, see that module) in its own process group, waits
until it answers, and records a pidfile (JSON: pid, host, port, start time) and a log
in a project-local state directory. ``up`` is idempotent; ``down`` stops only the
process recorded in the pidfile, and only if it still is that process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4599
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
_PROBE_PATH = "/moto-api/"


class SandboxError(RuntimeError):
    """A sandbox operation failed; the message says why and what to do."""


@dataclass
class SandboxStatus:
    running: bool
    pid: int | None
    host: str
    port: int
    endpoint: str
    log_file: str
    detail: str

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _answers(endpoint: str, timeout: float = 1.0) -> bool:
    try:
        url = endpoint + _PROBE_PATH  # always http://<loopback>:<port>/…, built here
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310
            return resp.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child counts as dead.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[-1].split()[0] == "Z":
            return False
    return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class Sandbox:
    """A moto server owned by one state directory."""

    def __init__(
        self,
        state_dir: Path | str,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        python: str | None = None,
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SandboxError(f"the sandbox only listens on loopback, not {host!r}")
        self.state_dir = Path(state_dir)
        self.host = host
        self.port = int(port)
        self.python = python or sys.executable
        self.pidfile = self.state_dir / "sandbox.pid.json"
        self.log_file = self.state_dir / "sandbox.log"

    # -- state ---------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _record(self) -> dict[str, object] | None:
        try:
            return json.loads(self.pidfile.read_text())
        except (OSError, ValueError):
            return None

    def _owned_pid(self) -> int | None:
        """PID of the server this state dir started, if it is still that process."""
        rec = self._record()
        if not rec:
            return None
        pid = int(rec.get("pid", 0))
        if pid <= 0 or not _pid_alive(pid):
            return None
        cmd = _cmdline(pid)
        if cmd and ("moto" not in cmd or f"-p {rec.get('port')}" not in cmd):
            # PID reused by an unrelated process: never signal it.
            return None
        return pid

    def status(self) -> SandboxStatus:
        rec = self._record()
        if rec:
            self.port = int(rec.get("port", self.port))
        pid = self._owned_pid()
        if pid is not None and _answers(self.endpoint):
            detail = "running"
        elif pid is not None:
            detail = "process alive but not answering"
        elif rec:
            detail = "stale pidfile (process gone)"
        else:
            detail = "not running"
        return SandboxStatus(
            running=pid is not None and detail == "running",
            pid=pid,
            host=self.host,
            port=self.port,
            endpoint=self.endpoint,
            log_file=str(self.log_file),
            detail=detail,
        )

    # -- lifecycle -------------------------------------------------------------------
    def up(self, timeout: float = READY_TIMEOUT_S) -> SandboxStatus:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        rec = self._record()
        pid = self._owned_pid()
        if pid is not None and rec is not None:
            self.port = int(rec["port"])  # type: ignore[arg-type]
            if _answers(self.endpoint):
                return self.status()
            # Ours but not answering: replace it.
            self._stop_pid(pid)
        self.pidfile.unlink(missing_ok=True)

        if self.port == 0:
            self.port = _free_port(self.host)
        elif _port_in_use(self.host, self.port):
            raise SandboxError(
                f"port {self.port} on {self.host} is already in use by another process "
                "(not a sandbox started from this directory). Stop that process or pick "
                "another port, e.g. `make sandbox-up SANDBOX_PORT=4600`."
            )

        cmd = [self.python, "-m", "aigw.moto_serial", "-H", self.host, "-p", str(self.port)]
        env = dict(os.environ)
        # moto must not try to reach the network or a Docker engine at start-up.
        env.setdefault("MOTO_CALL_RESET_API", "true")
        with open(self.log_file, "ab") as log:
            proc = subprocess.Popen(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        self.pidfile.write_text(
            json.dumps(
                {"pid": proc.pid, "host": self.host, "port": self.port, "started": time.time()}
            )
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self.pidfile.unlink(missing_ok=True)
                raise SandboxError(
                    f"moto server exited with code {proc.returncode} during start-up; "
                    f"see {self.log_file}:\n{self._log_tail()}"
                )
            if _answers(self.endpoint, timeout=0.5):
                return self.status()
            time.sleep(0.1)
        self._stop_pid(proc.pid)
        self.pidfile.unlink(missing_ok=True)
        raise SandboxError(
            f"moto server did not answer on {self.endpoint} within {timeout:.0f}s; "
            f"see {self.log_file}:\n{self._log_tail()}"
        )

    def down(self) -> bool:
        """Stop the server this state dir started. Returns True if one was stopped."""
        pid = self._owned_pid()
        if pid is None:
            self.pidfile.unlink(missing_ok=True)
            return False
        self._stop_pid(pid)
        self.pidfile.unlink(missing_ok=True)
        return True

    def reset(self) -> None:
        """Drop every resource the sandbox holds (moto's reset API)."""
        req = urllib.request.Request(self.endpoint + "/moto-api/reset", method="POST")  # noqa: S310
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - loopback URL
            if resp.status != 200:
                raise SandboxError(f"sandbox reset failed with HTTP {resp.status}")

    # -- helpers ---------------------------------------------------------------------
    def _stop_pid(self, pid: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            if not _pid_alive(pid):
                return
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
