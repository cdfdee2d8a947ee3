"""The sandbox server's WSGI wrapper: one request at a time, answered retries replayed."""

from __future__ import annotations

import json
import threading
import uuid

import boto3
import pytest

from aigw import moto_serial
from aigw.sandbox import Sandbox


class CountingApp:
    """A WSGI app that answers with how often it ran; ``statuses`` scripts its statuses."""

    def __init__(self, statuses: list[str] | None = None) -> None:
        self.calls = 0
        self.statuses = statuses or []
        self.active = 0
        self.max_active = 0
        self._guard = threading.Lock()

    def __call__(self, environ, start_response):
        with self._guard:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            self.calls += 1
            status = self.statuses.pop(0) if self.statuses else "200 OK"
            start_response(status, [("Content-Type", "application/json")])
            return [json.dumps({"call": self.calls}).encode()]
        finally:
            with self._guard:
                self.active -= 1


def _environ(invocation: str | None, attempt: int = 1, path: str = "/") -> dict:
    env = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "", "HTTP_HOST": "h"}
    if invocation:
        env["HTTP_AMZ_SDK_INVOCATION_ID"] = invocation
        env["HTTP_AMZ_SDK_REQUEST"] = f"attempt={attempt}; max=3"
    return env


def _call(app, environ) -> tuple[str, bytes]:
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status

    body = b"".join(app(environ, start_response))
    return seen["status"], body


def test_a_retry_of_an_answered_call_gets_the_same_answer_without_running_again():
    inner, lines = CountingApp(), []
    app = moto_serial.serialized(inner, log=lines.append)
    first = _call(app, _environ("inv-1", attempt=1))
    retry = _call(app, _environ("inv-1", attempt=2))
    assert inner.calls == 1
    assert retry == first == ("200 OK", b'{"call": 1}')
    assert len(lines) == 1 and "attempt 2" in lines[0] and "inv-1" in lines[0]


def test_distinct_calls_and_calls_without_an_invocation_id_always_run():
    inner = CountingApp()
    app = moto_serial.serialized(inner, log=lambda _: None)
    _call(app, _environ("inv-a"))
    _call(app, _environ("inv-b"))
    _call(app, _environ(None))
    _call(app, _environ(None))
    _call(app, _environ("inv-a", path="/other"))  # same id, another operation: not a retry
    assert inner.calls == 5


def test_a_retry_after_an_error_runs_again():
    inner = CountingApp(statuses=["500 Internal Server Error", "200 OK"])
    app = moto_serial.serialized(inner, log=lambda _: None)
    assert _call(app, _environ("inv-1"))[0].startswith("500")
    assert _call(app, _environ("inv-1", attempt=2)) == ("200 OK", b'{"call": 2}')
    assert inner.calls == 2


def test_the_table_of_answers_is_bounded(monkeypatch):
    monkeypatch.setattr(moto_serial, "MAX_REMEMBERED", 2)
    inner = CountingApp()
    app = moto_serial.serialized(inner, log=lambda _: None)
    for name in ("a", "b", "c"):
        _call(app, _environ(name))
    _call(app, _environ("a", attempt=2))  # forgotten: runs again
    _call(app, _environ("c", attempt=2))  # remembered
    assert inner.calls == 4


def test_requests_enter_the_app_one_at_a_time():
    inner = CountingApp()
    app = moto_serial.serialized(inner, log=lambda _: None)
    threads = [threading.Thread(target=_call, args=(app, _environ(None))) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert inner.calls == 16 and inner.max_active == 1


@pytest.mark.sandbox
def test_the_sandbox_answers_a_retried_create_role_instead_of_already_exists(tmp_path):
    box = Sandbox(tmp_path / "state", port=0)
    box.up()
    try:
        iam = boto3.client(
            "iam",
            endpoint_url=box.endpoint,
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )
        invocation = str(uuid.uuid4())
        attempt = {"n": 0}

        def same_invocation(request, **_):
            attempt["n"] += 1
            request.headers["amz-sdk-invocation-id"] = invocation
            request.headers["amz-sdk-request"] = f"attempt={attempt['n']}; max=3"

        iam.meta.events.register("before-send.iam.CreateRole", same_invocation)
        trust = json.dumps({"Version": "2012-10-17", "Statement": []})
        first = iam.create_role(RoleName="replayed", AssumeRolePolicyDocument=trust)
        again = iam.create_role(RoleName="replayed", AssumeRolePolicyDocument=trust)
        assert again["Role"]["RoleId"] == first["Role"]["RoleId"]
        assert "replaying its answer" in box.log_file.read_text()

        iam.meta.events.unregister("before-send.iam.CreateRole", same_invocation)
        with pytest.raises(iam.exceptions.EntityAlreadyExistsException):
            iam.create_role(RoleName="replayed", AssumeRolePolicyDocument=trust)
    finally:
        box.down()
