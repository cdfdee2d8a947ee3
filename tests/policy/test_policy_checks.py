"""The pack's Python checks on their fixtures, in-process: checkov's own parser renders
tests/policy/fixtures once, and each check is handed every resource of its type the way
checkov's runner hands it (``scan_entity_conf``).

The same verdicts test_policy_pack.py asserts from an `aigw scan` run, without a checkov
process: this is the layer `make mutation` runs against every mutant of policies/ (ADR
0082). YAML graph checks are not Python and stay with test_policy_pack.py. It needs
checkov importable, which only .venv-scan provides; elsewhere it skips with that reason.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fixture_cases import (
    FIXTURES,
    PYTHON_CHECK_IDS,
    ROOT,
    all_cases,
    appears,
    expectations,
    fixture_cases,
)

pytest.importorskip(
    "checkov", reason="checkov is importable only in .venv-scan (make mutation AREA=policies)"
)

from checkov.common.checks.base_check import BaseCheck
from checkov.common.models.enums import CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck

POLICIES = ROOT / "policies"
if str(POLICIES) not in sys.path:
    # Appended: a directory earlier on the path (the mutation run's) wins.
    sys.path.append(str(POLICIES))

MODULES = sorted(p.stem for p in POLICIES.glob("*.py") if p.stem != "__init__")


@dataclass(frozen=True)
class Entity:
    folder: str  # "ckv_aigw_1/pass"
    block: str  # "resource" | "data"
    type: str
    address: str
    conf: dict[str, Any]


def _fixture_digest() -> str:
    import checkov.version

    h = hashlib.sha256(checkov.version.version.encode())
    for path in sorted(FIXTURES.rglob("*.tf")):
        h.update(str(path.relative_to(FIXTURES)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _render_fixtures() -> list[Entity]:
    """Every resource and data block of the fixtures as checkov renders it (no checks run)."""
    from checkov.runner_filter import RunnerFilter
    from checkov.terraform.runner import Runner

    runner = Runner()
    runner.run(
        root_folder=str(FIXTURES),
        runner_filter=RunnerFilter(framework=["terraform"], checks=["CKV_AIGW_NONE"]),
    )
    out: list[Entity] = []
    for key, definitions in runner.definitions.items():
        path = Path(getattr(key, "file_path", str(key)))
        folder = str(path.parent.relative_to(FIXTURES))
        for block in ("resource", "data"):
            for item in definitions.get(block, []):
                for rtype, named in item.items():
                    for name, conf in named.items():
                        out.append(Entity(folder, block, rtype, f"{rtype}.{name}", conf))
    return out


@pytest.fixture(scope="session")
def entities() -> list[Entity]:
    """Rendered once per fixture content and checkov version (a mutation run asks for it
    once per mutant): cached under .aigw/cache."""
    cache = ROOT / ".aigw" / "cache" / f"policy-fixtures-{_fixture_digest()}.pickle"
    if cache.is_file():
        return pickle.loads(cache.read_bytes())  # noqa: S301 - our own cache file
    rendered = _render_fixtures()
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(rendered))
    return rendered


def pack_checks() -> dict[str, list[BaseCheck]]:
    """Fresh instances of every check class the policy modules define, by check id."""
    by_id: dict[str, list[BaseCheck]] = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, BaseCheck) and type(value).__module__ == name:
                check = type(value)()
                by_id.setdefault(check.id, []).append(check)
    return by_id


@dataclass
class Verdict:
    address: str
    result: CheckResult
    details: list[str]


def verdicts(entities: list[Entity], check_id: str, folder: str) -> list[Verdict]:
    out: list[Verdict] = []
    for check in pack_checks()[check_id]:
        block = "data" if isinstance(check, BaseDataCheck) else "resource"
        for e in entities:
            if e.folder != folder or e.block != block or e.type not in check.supported_entities:
                continue
            conf = copy.deepcopy(e.conf)  # a check must not see another check's edits
            check.details = []
            result = check.scan_entity_conf(conf, e.type)
            out.append(Verdict(e.address, result, list(check.details)))
    return out


def test_every_python_check_is_found() -> None:
    assert sorted(pack_checks(), key=lambda i: int(i.rsplit("_", 1)[1])) == PYTHON_CHECK_IDS


@pytest.mark.parametrize("check_id", PYTHON_CHECK_IDS)
def test_check_metadata(check_id: str) -> None:
    for check in pack_checks()[check_id]:
        assert check.guideline == f"docs/policies.md#{check_id.lower()}"
        assert check.name and check.categories and check.supported_entities


@pytest.mark.parametrize(("check_id", "case"), all_cases("pass", PYTHON_CHECK_IDS))
def test_check_passes_its_passing_fixture(entities: list[Entity], check_id: str, case: str) -> None:
    found = verdicts(entities, check_id, f"{check_id.lower()}/{case}")
    # As in the scan: at least one pass, no failure (an unresolved input has no verdict).
    assert [v for v in found if v.result == CheckResult.PASSED], f"{check_id}: none in {case}"
    assert [v for v in found if v.result == CheckResult.FAILED] == []


@pytest.mark.parametrize(("check_id", "case"), all_cases("fail", PYTHON_CHECK_IDS))
def test_check_fails_its_failing_fixture_naming_the_problem(
    entities: list[Entity], check_id: str, case: str
) -> None:
    found = verdicts(entities, check_id, f"{check_id.lower()}/{case}")
    failed = [v for v in found if v.result == CheckResult.FAILED]
    assert failed, f"{check_id} did not fail {case}"
    assert [v for v in found if v.result == CheckResult.PASSED] == []
    details, resources = expectations(check_id, case)
    assert details
    for v in failed:
        for line in details:
            assert appears(line, v.details), f"{line!r} not in {v.address}: {v.details}"
    assert set(resources) <= {v.address for v in failed}


@pytest.mark.parametrize(
    "check_id", [c for c in PYTHON_CHECK_IDS if fixture_cases(c, "unresolved") or c == "CKV_AIGW_2"]
)
def test_unresolved_input_gets_no_verdict(entities: list[Entity], check_id: str) -> None:
    folder = (
        "ckv_aigw_1/unresolved" if check_id == "CKV_AIGW_2" else f"{check_id.lower()}/unresolved"
    )
    found = verdicts(entities, check_id, folder)
    assert found and {v.result for v in found} == {CheckResult.UNKNOWN}


# What the reports show for each check (SARIF rule, JUnit, summary) and what it runs on.
# (CKV_AIGW_11 is left out while its rule changes.)
METADATA = {
    "OperationSecurity": (
        "Every operation of the API body has a security requirement unless marked public",
        "IAM",
    ),
    "OperationRequestValidator": (
        "Every operation of the API body has a request validator",
        "GENERAL_SECURITY",
    ),
    "StreamingUri": (
        "Streaming Lambda integrations use the response-streaming invocation URI",
        "GENERAL_SECURITY",
    ),
    "StreamingNotCached": ("Streaming operations are not cached", "GENERAL_SECURITY"),
    "KnownBadInputs": (
        "The API web ACL runs the AWS KnownBadInputs managed rule group",
        "NETWORKING",
    ),
    "BodySizeRule": ("The API web ACL blocks oversized request bodies", "NETWORKING"),
    "AccessLogJson": (
        "API stage access logs are JSON with the request id and the tenant",
        "LOGGING",
    ),
    "UsagePlanLimits": ("API usage plans set both throttle and quota", "GENERAL_SECURITY"),
    "CachedMethodSettings": (
        "Cached API methods encrypt the cache and require authorization for Cache-Control",
        "ENCRYPTION",
    ),
    "NoWildcardPolicy": (
        'IAM policies allow no "*" action and no bedrock:* on every resource',
        "IAM",
    ),
    "NoWildcardDocument": (
        'IAM policies allow no "*" action and no bedrock:* on every resource',
        "IAM",
    ),
    "NamedResourcesPolicy": ("IAM policies reach only the secrets and tables they name", "IAM"),
    "NamedResourcesDocument": ("IAM policies reach only the secrets and tables they name", "IAM"),
    "ExplicitLogGroup": (
        "Lambda functions log to a managed log group (logging_config.log_group)",
        "LOGGING",
    ),
    "FunctionKms": (
        "Lambda functions encrypt their environment with a customer-managed KMS key",
        "ENCRYPTION",
    ),
    "LogGroupRetentionKms": ("CloudWatch log groups set a retention and a KMS key", "LOGGING"),
    "ConfigWithoutSecrets": (
        "Configuration documents (SSM parameters, AppConfig) contain no secrets",
        "SECRETS",
    ),
}
IAM_POLICIES = {
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
}


def test_names_and_categories_are_what_the_reports_show() -> None:
    seen = {type(c).__name__: c for checks in pack_checks().values() for c in checks}
    for cls, (name, category) in METADATA.items():
        assert (seen[cls].name, seen[cls].categories[0].name) == (name, category), cls
    assert set(seen["NoWildcardPolicy"].supported_entities) == IAM_POLICIES
    assert list(seen["NoWildcardDocument"].supported_entities) == ["aws_iam_policy_document"]
    assert list(seen["NamedResourcesDocument"].supported_entities) == ["aws_iam_policy_document"]
    assert set(seen["ConfigWithoutSecrets"].supported_entities) == {
        "aws_ssm_parameter",
        "aws_appconfig_hosted_configuration_version",
    }


@pytest.mark.parametrize("check_id", PYTHON_CHECK_IDS)
def test_evaluated_keys_name_attributes_of_the_fixtures(
    entities: list[Entity], check_id: str
) -> None:
    """checkov reports the evaluated keys with a finding: each names an attribute that some
    fixture of the check's resource types sets."""
    for check in pack_checks()[check_id]:
        if type(check).get_evaluated_keys is BaseCheck.get_evaluated_keys:
            continue
        keys = check.get_evaluated_keys()
        assert keys, type(check).__name__
        confs = [e.conf for e in entities if e.type in check.supported_entities]
        for key in keys:
            assert any(key.split("/")[0] in conf for conf in confs), (check_id, key)
