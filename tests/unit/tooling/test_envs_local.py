"""The local env's key and its plan scan's sandbox exceptions (no sandbox, no terraform).

The key stack itself is applied for real in tests/integration/test_make_apply_local.py;
here the decisions around it are pinned down with Terraform replaced by a recorder.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from aigw import envs, scan

ROOT = Path(__file__).resolve().parents[3]
ARN_1 = "arn:aws:kms:us-east-1:123456789012:key/11111111-1111-1111-1111-111111111111"
ARN_2 = "arn:aws:kms:us-east-1:123456789012:key/22222222-2222-2222-2222-222222222222"
ENDPOINT = "http://127.0.0.1:45999"


# -- sandbox exceptions ----------------------------------------------------------------------
def _finding(check_id: str, resource: str, status: str = scan.FAILED) -> scan.Finding:
    return scan.Finding(check_id, f"name of {check_id}", status, "plan:local", resource=resource)


def _exceptions_root(tmp_path: Path, env: str, text: str) -> Path:
    d = tmp_path / "envs" / env
    d.mkdir(parents=True)
    (d / scan.SANDBOX_EXCEPTIONS).write_text(text)
    return tmp_path


REASON = "the sandbox does not implement this API, so the plan shows drift on every run"


def test_the_local_envs_exceptions_are_few_justified_and_only_for_sandbox_gaps():
    exceptions = scan.load_sandbox_exceptions(ROOT, "local")
    by_check: dict[str, set[str]] = {}
    for e in exceptions:
        by_check.setdefault(e.check_id, set()).add(e.resource)
    # LoggingConfig, which moto ignores, on every function of the gateway.
    assert by_check.pop("CKV_AIGW_12") == {
        "module.gateway.module.llm.module.function.aws_lambda_function.this[0]",
        "module.gateway.module.authorizer.module.function.aws_lambda_function.this[0]",
        "module.gateway.module.sagemaker_proxy[0].module.function.aws_lambda_function.this[0]",
    }
    # The private back end's NLB without deletion protection, so the sandbox can be destroyed.
    assert by_check.pop("CKV_AWS_150") == {
        'module.gateway.module.vpc_link["models"].aws_lb.this[0]'
    }
    assert by_check == {}
    for e in exceptions:
        if e.check_id == "CKV_AIGW_12":
            assert "moto" in e.reason and "LoggingConfig" in e.reason
        else:
            assert "sandbox_mode" in e.reason and "deletion protection" in e.reason


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_deployed_envs_have_no_sandbox_exceptions(env):
    assert not (ROOT / "envs" / env / scan.SANDBOX_EXCEPTIONS).exists()
    assert scan.load_sandbox_exceptions(ROOT, env) == []


def test_an_exceptions_file_in_a_deployed_env_stops_the_scan(tmp_path):
    root = _exceptions_root(tmp_path, "prod", "")
    with pytest.raises(scan.ScanError, match="apply to the local env only"):
        scan.load_sandbox_exceptions(root, "prod")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('check_id = "CKV_AIGW_12"\nresource = "aws_x.y"\n', "needs exactly the keys"),
        (
            f'check_id = "CKV_AIGW_12"\nresource = "aws_x.y"\nreason = "{REASON}"\nextra = 1\n',
            "needs exactly the keys",
        ),
        (f'check_id = "AIGW12"\nresource = "aws_x.y"\nreason = "{REASON}"\n', "not a check id"),
        (f'check_id = "CKV_AIGW_12"\nresource = "*"\nreason = "{REASON}"\n', "plan address"),
        ('check_id = "CKV_AIGW_12"\nresource = "aws_x.y"\nreason = "moto"\n', "reason must say"),
        (f'check_id = 12\nresource = "aws_x.y"\nreason = "{REASON}"\n', "strings"),
    ],
)
def test_malformed_exceptions_stop_the_scan(tmp_path, entry, message):
    root = _exceptions_root(tmp_path, "local", "[[exception]]\n" + entry)
    with pytest.raises(scan.ScanError, match=message):
        scan.load_sandbox_exceptions(root, "local")


def test_exceptions_file_that_is_not_toml_stops_the_scan(tmp_path):
    root = _exceptions_root(tmp_path, "local", "[[exception]\ncheck_id = ")
    with pytest.raises(scan.ScanError, match="not valid TOML"):
        scan.load_sandbox_exceptions(root, "local")


def _exception(resource: str, check_id: str = "CKV_AIGW_12") -> scan.SandboxException:
    return scan.SandboxException(check_id, resource, REASON, "envs/local/x.toml", 1)


def test_a_matched_failure_becomes_a_skip_with_the_exceptions_reason():
    findings = [
        _finding("CKV_AIGW_12", "module.a.aws_lambda_function.this[0]"),
        _finding("CKV_AIGW_13", "module.a.aws_lambda_function.this[0]"),
        _finding("CKV_AIGW_12", "module.b.aws_lambda_function.this[0]", scan.PASSED),
    ]
    out = scan.apply_sandbox_exceptions(
        findings, [_exception("module.a.aws_lambda_function.this[0]")], "plan:local"
    )
    assert [(f.check_id, f.status) for f in out] == [
        ("CKV_AIGW_12", scan.SKIPPED),
        ("CKV_AIGW_13", scan.FAILED),  # another check on the same resource still fails
        ("CKV_AIGW_12", scan.PASSED),
    ]
    assert out[0].skip_reason.startswith("sandbox exception (envs/local/x.toml #1): ")
    assert REASON in out[0].skip_reason
    assert findings[0].status == scan.FAILED, "the input findings are not modified"


def test_star_matches_any_run_and_brackets_are_literal():
    star = _exception("module.*.aws_lambda_function.this[0]")
    assert star.matches(
        _finding(
            "CKV_AIGW_12", "module.gateway.module.llm.module.function.aws_lambda_function.this[0]"
        )
    )
    assert not star.matches(_finding("CKV_AIGW_12", "module.a.aws_lambda_function.this[1]"))
    assert not star.matches(_finding("CKV_AIGW_12", "module.a.aws_lambda_function.this0"))
    assert not star.matches(_finding("CKV_AIGW_11", "module.a.aws_lambda_function.this[0]"))


def test_an_exception_that_matches_no_failure_is_itself_a_failure():
    passed = _finding("CKV_AIGW_12", "aws_lambda_function.this", scan.PASSED)
    out = scan.apply_sandbox_exceptions([passed], [_exception("aws_lambda_function.this")], "p")
    stale = [f for f in out if f.check_id == "AIGW_STALE_EXCEPTION"]
    assert len(stale) == 1 and stale[0].status == scan.FAILED
    assert stale[0].resource == "CKV_AIGW_12 on aws_lambda_function.this"
    assert "Delete exception #1 from envs/local/x.toml" in stale[0].fix


def test_a_partial_scan_judges_only_the_exceptions_of_the_checks_it_ran():
    exceptions = [_exception("aws_lambda_function.this")]
    out = scan.apply_sandbox_exceptions([], exceptions, "plan:local", checks=["CKV_AIGW_1"])
    assert out == []
    out = scan.apply_sandbox_exceptions([], exceptions, "plan:local", checks=["CKV_AIGW_12"])
    assert [f.check_id for f in out] == ["AIGW_STALE_EXCEPTION"]


def test_stale_exceptions_fail_the_scan_summary():
    out = scan.apply_sandbox_exceptions([], [_exception("aws_lambda_function.this")], "p")
    report = scan.ScanReport(findings=out)
    assert not report.ok
    assert "AIGW_STALE_EXCEPTION" in scan.format_summary(report)


# -- the local env's key -----------------------------------------------------------------------
class Recorder:
    """Stands in for Terraform: records each command; `apply` writes the key stack's state."""

    def __init__(self, root: Path, arn: str) -> None:
        self.root = root
        self.arn = arn
        self.calls: list[tuple[str, str, dict[str, str]]] = []

    def __call__(self, args, cwd, env, tf=None, check=True, stream=False):
        self.calls.append((args[0], Path(cwd).name, env))
        if args[0] == "apply" and Path(cwd).name == "_bootstrap":
            state = envs.local_key_state(self.root)
            state.write_text(json.dumps({"outputs": {"kms_key_arn": {"value": self.arn}}}))
        code = 2 if args[0] == "plan" and "-detailed-exitcode" in args else 0
        return subprocess.CompletedProcess(args, code, "", "")

    def commands(self) -> list[tuple[str, str]]:
        return [(cmd, where) for cmd, where, _ in self.calls]


def _key_root(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "proj"
    (root / "lambda_src").mkdir(parents=True)
    (root / "envs" / "_bootstrap").mkdir(parents=True)
    (root / "envs" / "_bootstrap" / "main.tf").write_text('resource "aws_kms_key" "this" {}\n')
    (root / "envs" / "local").mkdir()
    (root / "envs" / "local" / "main.tf").write_text('terraform {\n  backend "local" {}\n}\n')
    (root / "dist").mkdir()
    (root / "dist" / "manifest.json").write_text("{}")
    monkeypatch.setenv("AIGW_STATE_DIR", str(root / ".aigw"))
    monkeypatch.setattr(envs, "_sandbox_endpoint", lambda _root: ENDPOINT)
    return root


def test_first_use_applies_the_key_stack_for_local_with_the_sandbox_endpoint(tmp_path, monkeypatch):
    root = _key_root(tmp_path, monkeypatch)
    tf = Recorder(root, ARN_1)
    monkeypatch.setattr(envs, "run_tf", tf)
    monkeypatch.setattr(envs, "_key_enabled", lambda endpoint, arn: arn == ARN_1)
    assert envs.local_key(root) == ARN_1
    assert tf.commands() == [("init", "_bootstrap"), ("apply", "_bootstrap")]
    env = tf.calls[-1][2]
    assert env["TF_VAR_environment"] == "local"
    assert env["TF_VAR_sandbox_endpoint"] == ENDPOINT
    assert env["TF_DATA_DIR"].endswith("tf-data/bootstrap-local")
    assert envs.local_key_state(root) == root / ".aigw" / "state" / "bootstrap-local.tfstate"


def test_second_use_runs_nothing_while_the_sandbox_holds_the_key(tmp_path, monkeypatch):
    root = _key_root(tmp_path, monkeypatch)
    tf = Recorder(root, ARN_1)
    monkeypatch.setattr(envs, "run_tf", tf)
    monkeypatch.setattr(envs, "_key_enabled", lambda endpoint, arn: True)
    envs.local_key(root)
    tf.calls.clear()
    assert envs.local_key(root) == ARN_1
    assert tf.calls == []


def test_a_restarted_sandbox_without_the_key_gets_a_new_one(tmp_path, monkeypatch):
    root = _key_root(tmp_path, monkeypatch)
    tf = Recorder(root, ARN_1)
    monkeypatch.setattr(envs, "run_tf", tf)
    alive = {ARN_1}
    monkeypatch.setattr(envs, "_key_enabled", lambda endpoint, arn: arn in alive)
    envs.local_key(root)
    alive.clear()  # the sandbox restarted: its memory, and the key, are gone
    alive.add(ARN_2)
    tf.arn = ARN_2
    tf.calls.clear()
    assert envs.local_key(root) == ARN_2
    assert tf.commands() == [("init", "_bootstrap"), ("apply", "_bootstrap")]


def test_an_edited_key_stack_is_applied_again(tmp_path, monkeypatch):
    root = _key_root(tmp_path, monkeypatch)
    tf = Recorder(root, ARN_1)
    monkeypatch.setattr(envs, "run_tf", tf)
    monkeypatch.setattr(envs, "_key_enabled", lambda endpoint, arn: True)
    envs.local_key(root)
    (root / "envs" / "_bootstrap" / "main.tf").write_text("# changed\n")
    tf.calls.clear()
    envs.local_key(root)
    assert ("apply", "_bootstrap") in tf.commands()


def test_a_key_stack_that_yields_no_live_key_is_an_error(tmp_path, monkeypatch):
    root = _key_root(tmp_path, monkeypatch)
    monkeypatch.setattr(envs, "run_tf", Recorder(root, ARN_1))
    monkeypatch.setattr(envs, "_key_enabled", lambda endpoint, arn: False)
    with pytest.raises(envs.EnvError, match="no enabled key"):
        envs.local_key(root)


def test_local_apply_plans_and_applies_with_the_key(tmp_path, monkeypatch):
    root = _key_root(tmp_path, monkeypatch)
    tf = Recorder(root, ARN_1)
    monkeypatch.setattr(envs, "run_tf", tf)
    monkeypatch.setattr(envs, "_key_enabled", lambda endpoint, arn: True)
    envs.apply(root, "local")
    assert tf.commands() == [
        ("init", "_bootstrap"),
        ("apply", "_bootstrap"),
        ("init", "local"),
        ("plan", "local"),
        ("apply", "local"),
    ]
    env = tf.calls[-1][2]
    assert env["TF_VAR_kms_key_arn"] == ARN_1
    assert env["TF_VAR_sandbox_endpoint"] == ENDPOINT


def test_local_destroy_removes_the_env_before_its_key(tmp_path, monkeypatch):
    root = _key_root(tmp_path, monkeypatch)
    tf = Recorder(root, ARN_1)
    monkeypatch.setattr(envs, "run_tf", tf)
    monkeypatch.setattr(envs, "_key_enabled", lambda endpoint, arn: False)
    state = envs.local_key_state(root)
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps({"outputs": {"kms_key_arn": {"value": ARN_1}}}))
    envs.destroy(root, "local")
    # The recorded key serves as the env's input even when the sandbox lost it.
    assert tf.commands() == [
        ("init", "local"),
        ("destroy", "local"),
        ("init", "_bootstrap"),
        ("destroy", "_bootstrap"),
    ]
    assert tf.calls[1][2]["TF_VAR_kms_key_arn"] == ARN_1


def test_local_destroy_without_a_key_stack_state_leaves_the_key_stack_alone(tmp_path, monkeypatch):
    root = _key_root(tmp_path, monkeypatch)
    tf = Recorder(root, ARN_1)
    monkeypatch.setattr(envs, "run_tf", tf)
    monkeypatch.setattr(envs, "_key_enabled", lambda endpoint, arn: True)
    envs.destroy_local_key(root)
    assert tf.calls == []


def test_local_env_gets_the_account_cloudwatch_role_the_key_stack_set(tmp_path, monkeypatch):
    # envs/_bootstrap also sets API Gateway's account CloudWatch Logs role in the sandbox;
    # the local env names it as a deployed env does (account_cloudwatch_role_arn).
    root = _key_root(tmp_path, monkeypatch)
    role = "arn:aws:iam::123456789012:role/aigw-local-apigateway-logs-us-east-1"

    class WithRole(Recorder):
        def __call__(self, args, cwd, env, tf=None, check=True, stream=False):
            done = super().__call__(args, cwd, env, tf, check, stream)
            if args[0] == "apply" and Path(cwd).name == "_bootstrap":
                outputs = {
                    "kms_key_arn": {"value": self.arn},
                    "account_cloudwatch_role_arn": {"value": role},
                }
                envs.local_key_state(self.root).write_text(json.dumps({"outputs": outputs}))
            return done

    tf = WithRole(root, ARN_1)
    monkeypatch.setattr(envs, "run_tf", tf)
    monkeypatch.setattr(envs, "_key_enabled", lambda endpoint, arn: True)
    envs.apply(root, "local")
    env = tf.calls[-1][2]
    assert env["TF_VAR_kms_key_arn"] == ARN_1
    assert env["TF_VAR_account_cloudwatch_role_arn"] == role
