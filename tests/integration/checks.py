"""What a reviewer checks after an apply, asked of the AWS APIs and driven by the state.

``review(state, outputs, target, manifest)`` walks the managed resources of an applied
root and asks boto3 (the moto sandbox or a real account, see ``harness.SandboxTarget``)
what a reviewer cares about:

- REST APIs hold every path and method of the OpenAPI document Terraform rendered;
- stages log to a KMS-encrypted log group with retention, trace with X-Ray, and their
  ``*/*`` method settings have metrics on and data trace (prompt bodies in logs) off;
- a web ACL association in the state is live on the stage;
- usage plans throttle, hold the configured quota and are bound to a stage;
- Lambda functions run python3.13 on arm64, carry the code of the build manifest, have the
  configured reserved concurrency and their aliases (the LLM gateway: ``live``);
- IAM role policies grant no ``*`` action and no write action on ``"Resource": "*"``;
  roles API Gateway assumes for direct integrations allow exactly the actions the routes
  call;
- log groups have retention and a KMS key; DynamoDB tables use SSE-KMS and PITR;
- web ACLs have rules, metrics and sampled requests; alarm topics are KMS-encrypted and
  alarms notify; load balancers behind VPC links are internal and VPC links target them.

The rules are pure functions over API responses (``*_problems``), unit-tested with tiny
fake inputs in tests/unit/tooling/test_integration_checks.py. Where the target cannot
answer a question (moto does not model a field), the check is recorded as *skipped with a
reason*, never passed silently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

# -- the report -----------------------------------------------------------------------------


@dataclass
class Report:
    """Outcome of every check: passed names, failure messages and skip reasons."""

    passed: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def record(self, name: str, problems: Iterable[str]) -> None:
        problems = list(problems)
        if problems:
            self.failures.extend(f"{name}: {p}" for p in problems)
        else:
            self.passed.append(name)

    def skip(self, name: str, reason: str) -> None:
        self.skipped.append(f"{name}: {reason}")

    def summary(self) -> str:
        lines = [f"{len(self.passed)} passed, {len(self.failures)} failed, "]
        lines[0] += f"{len(self.skipped)} skipped"
        lines += [f"FAIL {f}" for f in self.failures]
        lines += [f"SKIP {s}" for s in self.skipped]
        return "\n".join(lines)


# -- pure rules over API responses ------------------------------------------------------------

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def expected_operations(openapi: dict[str, Any]) -> dict[str, set[str]]:
    """Path -> HTTP methods (upper case, ANY for x-amazon-apigateway-any-method)."""
    out: dict[str, set[str]] = {}
    for path, item in (openapi.get("paths") or {}).items():
        methods = set()
        for key in item or {}:
            if key.lower() in HTTP_METHODS:
                methods.add(key.upper())
            elif key == "x-amazon-apigateway-any-method":
                methods.add("ANY")
        out[path] = methods
    return out


def api_path_problems(resources: list[dict[str, Any]], openapi: dict[str, Any]) -> list[str]:
    """Every operation of the document exists on the REST API (``get_resources`` items)."""
    expected = expected_operations(openapi)
    if not expected:
        return ["the OpenAPI document has no paths: nothing to serve"]
    actual = {r["path"]: set((r.get("resourceMethods") or {}).keys()) for r in resources}
    problems = []
    for path, methods in sorted(expected.items()):
        if path not in actual:
            problems.append(f"path {path} is missing from the REST API")
            continue
        missing = methods - actual[path]
        if missing:
            problems.append(f"{path} lacks methods {sorted(missing)}")
    return problems


def log_group_problems(group: dict[str, Any] | None, name: str) -> list[str]:
    """A ``describe_log_groups`` item: exists, has retention and a KMS key."""
    if group is None:
        return [f"log group {name} does not exist"]
    problems = []
    if not group.get("retentionInDays"):
        problems.append(f"log group {name} keeps logs forever (no retention)")
    if not group.get("kmsKeyId"):
        problems.append(f"log group {name} is not encrypted with a KMS key")
    return problems


def stage_problems(stage: dict[str, Any]) -> list[str]:
    """A ``get_stage`` response: access logs, X-Ray and the ``*/*`` method settings."""
    problems = []
    if not (stage.get("accessLogSettings") or {}).get("destinationArn"):
        problems.append("stage has no access logging")
    if stage.get("tracingEnabled") is not True:
        problems.append("stage has X-Ray tracing off")
    settings = (stage.get("methodSettings") or {}).get("*/*")
    if not settings:
        problems.append("stage has no */* method settings")
    else:
        if settings.get("metricsEnabled") is not True:
            problems.append("*/* method settings have metrics off")
        if settings.get("dataTraceEnabled") is not False:
            problems.append("*/* method settings have data trace on (request bodies in logs)")
    return problems


def usage_plan_problems(
    plan: dict[str, Any], *, rest_api_id: str | None, quota: dict[str, Any] | None
) -> list[str]:
    """A ``get_usage_plan`` response against the configured quota (None: none configured)."""
    problems = []
    name = plan.get("name", plan.get("id", "?"))
    throttle = plan.get("throttle") or {}
    if not throttle.get("rateLimit") or not throttle.get("burstLimit"):
        problems.append(f"usage plan {name} has no throttle (rate and burst)")
    actual = plan.get("quota")
    if quota:
        if not actual:
            problems.append(f"usage plan {name} has no quota (configured: {quota})")
        elif (int(actual.get("limit", -1)), actual.get("period")) != (
            int(quota["limit"]),
            quota["period"],
        ):
            problems.append(f"usage plan {name} has quota {actual}, configured {quota}")
    elif actual:
        problems.append(f"usage plan {name} has quota {actual}, none configured")
    stages = plan.get("apiStages") or []
    if rest_api_id and not any(s.get("apiId") == rest_api_id for s in stages):
        problems.append(f"usage plan {name} is not bound to a stage of REST API {rest_api_id}")
    return problems


def lambda_problems(
    config: dict[str, Any],
    *,
    manifest_hash: str | None,
    reserved: int | None,
    actual_reserved: int | None,
) -> list[str]:
    """A ``get_function_configuration`` response against the build and the configuration."""
    problems = []
    name = config.get("FunctionName", "?")
    if config.get("Runtime") != "python3.13":
        problems.append(f"{name} runs {config.get('Runtime')}, not python3.13")
    if config.get("Architectures") != ["arm64"]:
        problems.append(f"{name} runs on {config.get('Architectures')}, not arm64")
    if manifest_hash is not None and config.get("CodeSha256") != manifest_hash:
        problems.append(
            f"{name} code hash {config.get('CodeSha256')} is not the manifest's {manifest_hash}"
        )
    if reserved != actual_reserved:
        problems.append(f"{name} reserved concurrency is {actual_reserved}, configured {reserved}")
    return problems


# Actions with no resource-level permissions (they need "Resource": "*"), lower case. Each is
# a write (or invoke) that a least-privilege policy may still grant on "*".
STAR_RESOURCE_ACTIONS = {
    "xray:puttracesegments",
    "xray:puttelemetryrecords",
    "xray:getsamplingrules",
    "xray:getsamplingtargets",
    "cloudwatch:putmetricdata",
    "ec2:createnetworkinterface",
    "ec2:deletenetworkinterface",
    "ec2:describenetworkinterfaces",
    "ec2:assignprivateipaddresses",
    "ec2:unassignprivateipaddresses",
    "ecr:getauthorizationtoken",
    "comprehend:detectsentiment",
    "comprehend:detectpiientities",
    "comprehend:detectdominantlanguage",
    "comprehend:detectentities",
    "comprehend:detectkeyphrases",
    "translate:translatetext",
    "rekognition:detectlabels",
    "rekognition:detectmoderationlabels",
    "rekognition:detecttext",
    "textract:detectdocumenttext",
    # Lexicons are its only resource type; a call that names none is authorised on "*".
    "polly:synthesizespeech",
}
READ_VERBS = ("get", "list", "describe", "batchget", "query", "scan")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def is_read_action(action: str) -> bool:
    verb = action.split(":", 1)[-1].lower()
    return verb.startswith(READ_VERBS) and "*" not in verb


def policy_problems(document: dict[str, Any] | str, label: str = "policy") -> list[str]:
    """Least privilege of one identity policy (JSON or its text).

    Fails an Allow with: the ``*`` action or a whole-service ``svc:*``; ``NotAction`` or
    ``NotResource``; ``"Resource": "*"`` with an action that is not a read and not in
    ``STAR_RESOURCE_ACTIONS`` (or with a wildcard action such as ``s3:Put*``).
    """
    if isinstance(document, str):
        document = json.loads(document)
    problems = []
    for i, st in enumerate(_as_list(document.get("Statement"))):
        if str(st.get("Effect", "Allow")).lower() != "allow":
            continue
        where = f"{label} statement {st.get('Sid') or '#' + str(i + 1)}"
        actions = [str(a) for a in _as_list(st.get("Action"))]
        resources = [str(r) for r in _as_list(st.get("Resource"))]
        if "NotAction" in st:
            problems.append(f"{where} allows everything but NotAction {st['NotAction']}")
        if "NotResource" in st:
            problems.append(f"{where} allows every resource but NotResource {st['NotResource']}")
        for action in actions:
            if action == "*" or action.endswith(":*"):
                problems.append(f'{where} allows the wildcard action "{action}"')
        if "*" in resources:
            broad = [
                a
                for a in actions
                if a.lower() not in STAR_RESOURCE_ACTIONS
                and not is_read_action(a)
                and not (a == "*" or a.endswith(":*"))  # reported above
            ]
            if broad:
                problems.append(f'{where} allows {sorted(broad)} on "Resource": "*"')
    return problems


def allowed_actions(documents: Iterable[dict[str, Any] | str]) -> set[str]:
    """Every action (lower case) the Allow statements of the documents grant."""
    out: set[str] = set()
    for doc in documents:
        if isinstance(doc, str):
            doc = json.loads(doc)
        for st in _as_list(doc.get("Statement")):
            if str(st.get("Effect", "Allow")).lower() == "allow":
                out |= {str(a).lower() for a in _as_list(st.get("Action"))}
    return out


# An integration URI names the API action API Gateway calls with the role's credentials.
_ACTION_URI = re.compile(r"^arn:[^:]+:apigateway:[^:]*:(?P<svc>[a-z0-9.-]+):action/(?P<act>\w+)")
_SAGEMAKER_URI = re.compile(r"^arn:[^:]+:apigateway:[^:]*:runtime\.sagemaker:path/+endpoints/")
_LAMBDA_URI = re.compile(r"^arn:[^:]+:apigateway:[^:]*:lambda:path/[^/]+/functions/")
# Path-style integrations of REST-JSON services: (service, path) -> the action they call.
_PATH_URI = re.compile(r"^arn:[^:]+:apigateway:[^:]*:(?P<svc>[a-z0-9.-]+):path/+(?P<path>[^?]+)$")
PATH_ACTIONS = {("polly", "v1/speech"): "polly:synthesizespeech"}
# What an action makes the service call as the caller (Translate with SourceLanguageCode
# "auto" detects the language with Comprehend).
IMPLIED_ACTIONS = {"translate:translatetext": {"comprehend:detectdominantlanguage"}}


def action_for_uri(uri: str) -> str | None:
    """The IAM action an AWS integration URI needs, or None when it cannot be told."""
    if m := _ACTION_URI.match(uri):
        return f"{m['svc']}:{m['act']}".lower()
    if _SAGEMAKER_URI.match(uri):
        return "sagemaker:invokeendpoint"
    if _LAMBDA_URI.match(uri):
        return "lambda:invokefunction"
    if m := _PATH_URI.match(uri):
        return PATH_ACTIONS.get((m["svc"], m["path"]))
    return None


def used_actions(uris: Iterable[str]) -> tuple[set[str], list[str]]:
    """(actions the URIs need, URIs whose action cannot be told)."""
    used: set[str] = set()
    unknown = []
    for uri in uris:
        action = action_for_uri(uri)
        if action is None:
            unknown.append(uri)
            continue
        used |= {action, *IMPLIED_ACTIONS.get(action, ())}
    return used, unknown


def service_role_problems(allowed: set[str], used: set[str]) -> list[str]:
    """An integration role allows exactly what its routes call."""
    problems = []
    if extra := allowed - used:
        problems.append(f"allows actions no route uses: {sorted(extra)}")
    if missing := used - allowed:
        problems.append(f"lacks actions its routes call: {sorted(missing)}")
    return problems


SAGEMAKER_INVOKE_ACTIONS = {
    "sagemaker:invokeendpoint",
    "sagemaker:invokeendpointwithresponsestream",
    "sagemaker:invokeendpointasync",
}
_ENDPOINT_ARN = re.compile(r"^arn:[^:]+:sagemaker:[^:]+:\d{12}:endpoint/[A-Za-z0-9-]+$")


def sagemaker_invoke_problems(documents: Iterable[dict[str, Any] | str]) -> list[str]:
    """A SageMaker proxy role: only invoke actions, each on endpoints named one by one."""
    problems = []
    for doc in documents:
        if isinstance(doc, str):
            doc = json.loads(doc)
        for st in _as_list(doc.get("Statement")):
            if str(st.get("Effect", "Allow")).lower() != "allow":
                continue
            actions = {str(a).lower() for a in _as_list(st.get("Action"))}
            sm = {a for a in actions if a.startswith("sagemaker:") or a == "*"}
            if not sm:
                continue
            if extra := sm - SAGEMAKER_INVOKE_ACTIONS:
                problems.append(f"allows SageMaker actions beyond invoking: {sorted(extra)}")
            bad = [str(r) for r in _as_list(st.get("Resource")) if not _ENDPOINT_ARN.match(str(r))]
            if bad:
                problems.append(f"invokes endpoints not named one by one: {bad}")
    return problems


def table_problems(table: dict[str, Any], backups: dict[str, Any] | None) -> list[str]:
    """``describe_table`` ['Table'] and ``describe_continuous_backups`` responses."""
    name = table.get("TableName", "?")
    problems = []
    sse = table.get("SSEDescription") or {}
    if sse.get("SSEType") != "KMS" or sse.get("Status") not in ("ENABLED", "UPDATING"):
        problems.append(f"table {name} is not encrypted with SSE-KMS ({sse or 'no SSE'})")
    pitr = ((backups or {}).get("ContinuousBackupsDescription") or {}).get(
        "PointInTimeRecoveryDescription"
    ) or {}
    if pitr.get("PointInTimeRecoveryStatus") != "ENABLED":
        problems.append(f"table {name} has point-in-time recovery off")
    return problems


def topic_problems(attributes: dict[str, Any]) -> list[str]:
    """``get_topic_attributes`` ['Attributes']: alarm notifications are KMS-encrypted."""
    if not attributes.get("KmsMasterKeyId"):
        return [f"topic {attributes.get('TopicArn', '?')} is not encrypted with a KMS key"]
    return []


def alarm_problems(alarm: dict[str, Any]) -> list[str]:
    """A ``describe_alarms`` item: the alarm notifies someone."""
    name = alarm.get("AlarmName", "?")
    problems = []
    if not alarm.get("AlarmActions"):
        problems.append(f"alarm {name} has no alarm action (nobody is told)")
    if alarm.get("ActionsEnabled") is False:
        problems.append(f"alarm {name} has its actions disabled")
    return problems


def bucket_problems(
    public_access: dict[str, Any] | None, policy: str | None, encryption: dict[str, Any] | None
) -> list[str]:
    """An S3 bucket: public access blocked on all four settings, a policy that denies
    requests without TLS, and (when ``encryption`` is given) SSE-KMS by default."""
    problems = []
    if not public_access or not all(
        public_access.get(k)
        for k in (
            "BlockPublicAcls",
            "IgnorePublicAcls",
            "BlockPublicPolicy",
            "RestrictPublicBuckets",
        )
    ):
        problems.append(f"public access is not blocked on all four settings: {public_access}")
    statements = _as_list(json.loads(policy).get("Statement")) if policy else []

    def denies_plain_http(st: dict[str, Any]) -> bool:
        value = st.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")
        return st.get("Effect") == "Deny" and "false" in [str(v).lower() for v in _as_list(value)]

    if not any(denies_plain_http(st) for st in statements):
        problems.append("the bucket policy does not deny requests without TLS")
    if encryption is not None:
        rules = encryption.get("Rules") or []
        algorithms = {
            r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for r in rules
        }
        if "aws:kms" not in algorithms:
            problems.append(f"default encryption is not SSE-KMS: {sorted(map(str, algorithms))}")
    return problems


def load_balancer_problems(lb: dict[str, Any]) -> list[str]:
    """A ``describe_load_balancers`` item behind a VPC link: never internet-facing."""
    if lb.get("Scheme") != "internal":
        return [f"load balancer {lb.get('LoadBalancerName')} is {lb.get('Scheme')}, not internal"]
    return []


def vpc_link_problems(link: dict[str, Any], target_arns: Iterable[str]) -> list[str]:
    """A ``get_vpc_link`` response: it targets the configured load balancers."""
    problems = []
    if set(link.get("targetArns") or []) != set(target_arns):
        problems.append(f"VPC link targets {link.get('targetArns')}, configured {target_arns}")
    if link.get("status") == "FAILED":
        problems.append(f"VPC link failed: {link.get('statusMessage')}")
    return problems


def web_acl_problems(acl: dict[str, Any]) -> list[str]:
    """``get_web_acl`` ['WebACL']: rules, metrics and sampled requests."""
    name = acl.get("Name", "?")
    problems = []
    if not acl.get("Rules"):
        problems.append(f"web ACL {name} has no rules")
    visibility = acl.get("VisibilityConfig") or {}
    if visibility.get("CloudWatchMetricsEnabled") is not True:
        problems.append(f"web ACL {name} has CloudWatch metrics off")
    if visibility.get("SampledRequestsEnabled") is not True:
        problems.append(f"web ACL {name} keeps no sampled requests")
    return problems


def openai_error_problems(status: int, body: bytes, expected: Iterable[int]) -> list[str]:
    """An unauthenticated call: the expected status and an OpenAI-shaped error body."""
    expected = tuple(expected)
    problems = []
    if status not in expected:
        problems.append(f"status {status}, expected one of {list(expected)}")
    try:
        doc = json.loads(body)
    except ValueError:
        return [*problems, f"body is not JSON: {body[:200]!r}"]
    err = doc.get("error") if isinstance(doc, dict) else None
    if not isinstance(err, dict) or not {"message", "type", "code"} <= err.keys():
        problems.append(f"body is not an OpenAI error object: {doc!r:.200}")
    return problems


# -- the driver ---------------------------------------------------------------------------------

MOTO_NO_FIELD = "the moto sandbox does not return {what}"


def _instances(state: dict[str, Any], kind: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for res in state.get("resources", []):
        if res.get("mode") != "managed" or res.get("type") != kind:
            continue
        prefix = f"{res['module']}." if res.get("module") else ""
        for inst in res.get("instances", []):
            key = inst.get("index_key")
            suffix = "" if key is None else f"[{json.dumps(key)}]"
            address = f"{prefix}{kind}.{res['name']}{suffix}"
            out.append((address, inst.get("attributes") or {}))
    return out


def _module_of(address: str) -> str:
    """``module.a.module.b.aws_x.y`` -> ``module.a.module.b`` ('' for the root)."""
    parts = address.split(".")
    out = []
    while len(parts) >= 2 and parts[0] == "module":
        out += parts[:2]
        parts = parts[2:]
    return ".".join(out)


class Reviewer:
    """Runs every check on one applied root. ``client(service)`` gives boto3 clients."""

    def __init__(
        self,
        state: dict[str, Any],
        outputs: dict[str, Any],
        client: Callable[[str], Any],
        *,
        manifest: dict[str, Any] | None,
        moto: bool,
    ) -> None:
        self.state = state
        self.outputs = outputs
        self._client = client
        self._clients: dict[str, Any] = {}
        self.manifest = manifest or {}
        self.moto = moto
        self.report = Report()

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._client(service)
        return self._clients[service]

    def run(self) -> Report:
        for check in (
            self.rest_apis,
            self.stages,
            self.waf_associations,
            self.usage_plans,
            self.lambdas,
            self.iam_roles,
            self.integration_roles,
            self.log_groups,
            self.tables,
            self.buckets,
            self.web_acls,
            self.alarms,
            self.private_integrations,
        ):
            check()
        return self.report

    # REST APIs ------------------------------------------------------------------------------
    def rest_apis(self) -> None:
        apig = self.client("apigateway")
        for address, attrs in _instances(self.state, "aws_api_gateway_rest_api"):
            body = attrs.get("body")
            if not body:
                self.report.skip(address, "no OpenAPI body in the state: paths not known")
                continue
            items = apig.get_resources(restApiId=attrs["id"], limit=500, embed=["methods"])
            self.report.record(
                f"{address} paths", api_path_problems(items["items"], json.loads(body))
            )

    # Stages ---------------------------------------------------------------------------------
    def _log_group(self, name: str) -> dict[str, Any] | None:
        groups = self.client("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        return next((g for g in groups if g["logGroupName"] == name), None)

    def stages(self) -> None:
        apig = self.client("apigateway")
        for address, attrs in _instances(self.state, "aws_api_gateway_stage"):
            stage = apig.get_stage(restApiId=attrs["rest_api_id"], stageName=attrs["stage_name"])
            problems = stage_problems(stage)
            if self.moto and "tracingEnabled" not in stage:
                problems = [p for p in problems if "X-Ray" not in p]
                self.report.skip(
                    f"{address} tracing", MOTO_NO_FIELD.format(what="a stage's tracingEnabled")
                )
            self.report.record(f"{address} logging, tracing, method settings", problems)
            destination = (stage.get("accessLogSettings") or {}).get("destinationArn")
            if destination:
                name = destination.split(":log-group:", 1)[-1].removesuffix(":*")
                self.report.record(
                    f"{address} access log group", log_group_problems(self._log_group(name), name)
                )

    def waf_associations(self) -> None:
        wafv2 = self.client("wafv2")
        for address, attrs in _instances(self.state, "aws_wafv2_web_acl_association"):
            try:
                found = wafv2.get_web_acl_for_resource(ResourceArn=attrs["resource_arn"])
            except ClientError as exc:
                if self.moto:
                    self.report.skip(address, f"the moto sandbox cannot answer: {exc}")
                    continue
                raise
            acl = (found.get("WebACL") or {}).get("ARN")
            problems = [] if acl == attrs["web_acl_arn"] else [f"stage has web ACL {acl}"]
            self.report.record(f"{address} web ACL on the stage", problems)
        if _instances(self.state, "aws_wafv2_web_acl_association") or not _instances(
            self.state, "aws_api_gateway_stage"
        ):
            return
        acls = [a for a, _ in _instances(self.state, "aws_wafv2_web_acl")]
        if not acls:
            self.report.skip("web ACL association", "the root enables no WAF for its stage")
        elif self.moto:
            self.report.skip(
                "web ACL association",
                f"the root creates {acls} without associating it (sandbox configuration)",
            )
        else:
            self.report.record(
                "web ACL association", [f"the root creates {acls} but no stage uses it"]
            )

    # Usage plans ----------------------------------------------------------------------------
    def usage_plans(self) -> None:
        apig = self.client("apigateway")
        for address, attrs in _instances(self.state, "aws_api_gateway_usage_plan"):
            plan = apig.get_usage_plan(usagePlanId=attrs["id"])
            quota = (attrs.get("quota_settings") or [None])[0]
            stages = attrs.get("api_stages") or []
            rest_api_id = stages[0]["api_id"] if stages else None
            self.report.record(
                address, usage_plan_problems(plan, rest_api_id=rest_api_id, quota=quota)
            )

    # Lambda ---------------------------------------------------------------------------------
    def _manifest_hash(self, handler: str) -> str | None:
        package = handler.split(".", 1)[0]
        entry = (self.manifest.get("packages") or {}).get(package)
        return entry.get("sha256_base64") if entry else None

    def lambdas(self) -> None:
        lam = self.client("lambda")
        aliases = _instances(self.state, "aws_lambda_alias")
        for address, attrs in _instances(self.state, "aws_lambda_function"):
            name = attrs["function_name"]
            config = lam.get_function_configuration(FunctionName=name)
            expected_hash = self._manifest_hash(attrs.get("handler", ""))
            if expected_hash is None:
                self.report.skip(
                    f"{address} code hash", f"handler {attrs.get('handler')} is not a built package"
                )
            reserved = attrs.get("reserved_concurrent_executions")
            reserved = None if reserved in (None, -1) else int(reserved)
            got = lam.get_function_concurrency(FunctionName=name).get(
                "ReservedConcurrentExecutions"
            )
            self.report.record(
                address,
                lambda_problems(
                    config, manifest_hash=expected_hash, reserved=reserved, actual_reserved=got
                ),
            )
            self._aliases(address, name, attrs, aliases)

    def _aliases(
        self,
        address: str,
        name: str,
        attrs: dict[str, Any],
        aliases: list[tuple[str, dict[str, Any]]],
    ) -> None:
        lam = self.client("lambda")
        mine = [a for _, a in aliases if a.get("function_name") in (name, attrs.get("arn"))]
        wanted = {a["name"]: a.get("function_version") for a in mine}
        if attrs.get("handler") == "llm_gateway.handler.handler" and _module_of(address):
            # The llm-route module publishes versions and routes through the `live` alias.
            wanted.setdefault("live", None)
        if not wanted:
            self.report.skip(f"{address} aliases", "the root configures no alias for it")
            return
        problems = []
        for alias, version in sorted(wanted.items()):
            try:
                got = lam.get_alias(FunctionName=name, Name=alias)
            except ClientError:
                problems.append(f"alias {alias} does not exist")
                continue
            if got.get("FunctionVersion") == "$LATEST":
                problems.append(f"alias {alias} points at $LATEST, not a published version")
            elif version and got.get("FunctionVersion") != version:
                problems.append(
                    f"alias {alias} points at {got.get('FunctionVersion')}, not {version}"
                )
        self.report.record(f"{address} aliases {sorted(wanted)}", problems)

    # IAM ------------------------------------------------------------------------------------
    def _role_documents(self, role: str) -> list[tuple[str, dict[str, Any] | str]]:
        iam = self.client("iam")
        docs: list[tuple[str, dict[str, Any] | str]] = []
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
            doc = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
            docs.append((f"inline policy {name}", doc))
        for att in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
            policy = iam.get_policy(PolicyArn=att["PolicyArn"])["Policy"]
            version = iam.get_policy_version(
                PolicyArn=att["PolicyArn"], VersionId=policy["DefaultVersionId"]
            )["PolicyVersion"]["Document"]
            docs.append((f"managed policy {att['PolicyName']}", version))
        return docs

    def iam_roles(self) -> None:
        for address, attrs in _instances(self.state, "aws_iam_role"):
            docs = self._role_documents(attrs["name"])
            if not docs:
                self.report.record(address, [f"role {attrs['name']} has no policy at all"])
                continue
            problems = []
            for label, doc in docs:
                problems += policy_problems(doc, label)
            self.report.record(f"{address} least privilege", problems)
        self.sagemaker_proxy_roles()

    def sagemaker_proxy_roles(self) -> None:
        roles = {a["arn"]: (addr, a["name"]) for addr, a in _instances(self.state, "aws_iam_role")}
        for _, attrs in _instances(self.state, "aws_lambda_function"):
            if not str(attrs.get("handler", "")).startswith("sagemaker_proxy."):
                continue
            if attrs.get("role") not in roles:
                self.report.skip(
                    f"{attrs['function_name']} role", "the role is not managed by this root"
                )
                continue
            address, name = roles[attrs["role"]]
            docs = [d for _, d in self._role_documents(name)]
            self.report.record(
                f"{address} invokes only named SageMaker endpoints", sagemaker_invoke_problems(docs)
            )

    def _integrations(self) -> list[tuple[str, str]]:
        """(uri, credentials) of every AWS integration: rendered bodies and routes outputs."""
        out = []
        for _, attrs in _instances(self.state, "aws_api_gateway_rest_api"):
            for item in (json.loads(attrs.get("body") or "{}").get("paths") or {}).values():
                for op in (item or {}).values():
                    if not isinstance(op, dict):
                        continue
                    integ = op.get("x-amazon-apigateway-integration")
                    if integ and integ.get("credentials"):
                        out.append((integ.get("uri", ""), integ["credentials"]))
        routes = self.outputs.get("routes")
        if isinstance(routes, dict):
            for route in routes.values():
                integ = (route or {}).get("integration") or {}
                if integ.get("credentials"):
                    out.append((integ.get("uri") or "", integ["credentials"]))
        return out

    def integration_roles(self) -> None:
        integrations = self._integrations()
        for address, attrs in _instances(self.state, "aws_iam_role"):
            trust = attrs.get("assume_role_policy") or "{}"
            principals = json.dumps(json.loads(trust))
            if "apigateway.amazonaws.com" not in principals:
                continue
            uris = [u for u, cred in integrations if cred == attrs["arn"]]
            if not uris:
                self.report.skip(
                    f"{address} actions used",
                    "no integration in the rendered API or the routes output uses this role",
                )
                continue
            used, unknown = used_actions(uris)
            if unknown:
                self.report.skip(f"{address} actions used", f"cannot tell the action of {unknown}")
                continue
            docs = [d for _, d in self._role_documents(attrs["name"])]
            self.report.record(
                f"{address} allows only the actions its routes use",
                service_role_problems(allowed_actions(docs), used),
            )

    # Log groups and tables --------------------------------------------------------------------
    def log_groups(self) -> None:
        for address, attrs in _instances(self.state, "aws_cloudwatch_log_group"):
            self.report.record(
                address, log_group_problems(self._log_group(attrs["name"]), attrs["name"])
            )

    def tables(self) -> None:
        ddb = self.client("dynamodb")
        for address, attrs in _instances(self.state, "aws_dynamodb_table"):
            table = ddb.describe_table(TableName=attrs["name"])["Table"]
            backups = ddb.describe_continuous_backups(TableName=attrs["name"])
            self.report.record(address, table_problems(table, backups))

    def buckets(self) -> None:
        s3 = self.client("s3")
        kms_encrypted = {
            attrs["bucket"]
            for _, attrs in _instances(
                self.state, "aws_s3_bucket_server_side_encryption_configuration"
            )
            if any(
                d.get("sse_algorithm") == "aws:kms"
                for rule in attrs.get("rule") or []
                for d in rule.get("apply_server_side_encryption_by_default") or []
            )
        }
        for address, attrs in _instances(self.state, "aws_s3_bucket"):
            name = attrs["bucket"]
            try:
                public = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
            except s3.exceptions.ClientError:
                public = None
            try:
                policy = s3.get_bucket_policy(Bucket=name)["Policy"]
            except s3.exceptions.ClientError:
                policy = None
            encryption = None
            if name in kms_encrypted:
                encryption = s3.get_bucket_encryption(Bucket=name)[
                    "ServerSideEncryptionConfiguration"
                ]
            self.report.record(address, bucket_problems(public, policy, encryption))

    # WAF, alarms, private integrations --------------------------------------------------------
    def web_acls(self) -> None:
        wafv2 = self.client("wafv2")
        for address, attrs in _instances(self.state, "aws_wafv2_web_acl"):
            acl = wafv2.get_web_acl(Name=attrs["name"], Scope=attrs["scope"], Id=attrs["id"])
            self.report.record(address, web_acl_problems(acl["WebACL"]))

    def alarms(self) -> None:
        sns = self.client("sns")
        for address, attrs in _instances(self.state, "aws_sns_topic"):
            got = sns.get_topic_attributes(TopicArn=attrs["arn"])["Attributes"]
            self.report.record(address, topic_problems(got))
        cloudwatch = self.client("cloudwatch")
        for address, attrs in _instances(self.state, "aws_cloudwatch_metric_alarm"):
            found = cloudwatch.describe_alarms(AlarmNames=[attrs["alarm_name"]])["MetricAlarms"]
            if not found:
                self.report.record(address, [f"alarm {attrs['alarm_name']} does not exist"])
                continue
            self.report.record(address, alarm_problems(found[0]))

    def private_integrations(self) -> None:
        elbv2 = self.client("elbv2")
        for address, attrs in _instances(self.state, "aws_lb"):
            lbs = elbv2.describe_load_balancers(LoadBalancerArns=[attrs["arn"]])["LoadBalancers"]
            self.report.record(address, load_balancer_problems(lbs[0]))
        apig = self.client("apigateway")
        for address, attrs in _instances(self.state, "aws_api_gateway_vpc_link"):
            link = apig.get_vpc_link(vpcLinkId=attrs["id"])
            self.report.record(address, vpc_link_problems(link, attrs.get("target_arns") or []))


def review(
    state: dict[str, Any],
    outputs: dict[str, Any],
    client: Callable[[str], Any],
    *,
    manifest: dict[str, Any] | None,
    moto: bool,
) -> Report:
    """Every reviewer check on one applied root (see the module docstring)."""
    return Reviewer(state, outputs, client, manifest=manifest, moto=moto).run()


# -- HTTP calls to a deployed stage (real accounts only) -----------------------------------------


@dataclass(frozen=True)
class Probe:
    """One call to a stage: method, path and the statuses that pass."""

    method: str
    path: str
    expected: tuple[int, ...]


def unauthenticated_probe(openapi: dict[str, Any]) -> Probe | None:
    """A protected operation to call without credentials (None: every operation is public).

    Path parameters are avoided (they would need values); GET is preferred (no body).
    """
    candidates = []
    for path, item in sorted((openapi.get("paths") or {}).items()):
        if "{" in path:
            continue
        for method, op in sorted((item or {}).items()):
            if method.lower() not in ("get", "post") or not isinstance(op, dict):
                continue
            security = op.get("security", openapi.get("security"))
            if security:  # [] or absent: public
                candidates.append((method.lower() != "get", path, method.upper()))
    if not candidates:
        return None
    _, path, method = min(candidates)
    # REQUEST authorizers deny a missing identity source with 401; SigV4 routes answer 403.
    return Probe(method, path, (401, 403))


def http_call(
    url: str,
    method: str,
    *,
    headers: dict[str, str] | None = None,
    attempts: int = 6,
    delay_s: float = 5.0,
    timeout_s: float = 15.0,
    retry_statuses: tuple[int, ...] = (502, 503, 504),
) -> tuple[int, bytes]:
    """(status, body) of one call, retried a bounded number of times while the stage
    is still propagating (connection errors or ``retry_statuses``)."""
    import time
    import urllib.error
    import urllib.request

    data = b"{}" if method in ("POST", "PUT", "PATCH") else None
    last: tuple[int, bytes] | None = None
    error: Exception | None = None
    for attempt in range(attempts):
        if attempt:
            time.sleep(delay_s)
        req = urllib.request.Request(
            url,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout_s) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            last = (exc.code, exc.read())
            if exc.code not in retry_statuses:
                return last
        except OSError as exc:  # URLError, timeouts, resets: the stage is not up yet
            error = exc
    if last is not None:
        return last
    raise AssertionError(f"{method} {url}: no answer after {attempts} attempts: {error}")


def stage_http_checks(
    report: Report,
    state: dict[str, Any],
    outputs: dict[str, Any],
    client: Callable[[str], Any],
    *,
    call: Callable[..., tuple[int, bytes]] = http_call,
) -> None:
    """Call every deployed stage without credentials (401/403 with OpenAI-shaped bodies);
    where the root outputs ``cli_environment`` (the ai-gateway), issue a tenant key and
    list the models with it. Cleans up the API Gateway key it creates."""
    bodies = {
        attrs["id"]: json.loads(attrs.get("body") or "{}")
        for _, attrs in _instances(state, "aws_api_gateway_rest_api")
    }
    for address, attrs in _instances(state, "aws_api_gateway_stage"):
        url = attrs.get("invoke_url", "").rstrip("/")
        probe = unauthenticated_probe(bodies.get(attrs["rest_api_id"], {}))
        if probe is None:
            report.skip(f"{address} HTTP", "every operation is public: nothing to deny")
            continue
        status, body = call(f"{url}{probe.path}", probe.method)
        report.record(
            f"{address} HTTP {probe.method} {probe.path} without credentials",
            openai_error_problems(status, body, probe.expected),
        )
        env = outputs.get("cli_environment")
        if isinstance(env, dict) and env.get("AIGW_TENANTS_TABLE"):
            _models_with_a_key(report, address, url, env, state, client, call)


def _models_with_a_key(
    report: Report,
    address: str,
    url: str,
    env: dict[str, str],
    state: dict[str, Any],
    client: Callable[[str], Any],
    call: Callable[..., tuple[int, bytes]],
) -> None:
    import secrets

    from aigw import tenancy

    t = tenancy.Tenancy(
        dynamodb=client("dynamodb"),
        apigateway=client("apigateway"),
        tenants_table=env["AIGW_TENANTS_TABLE"],
        keys_table=env["AIGW_KEYS_TABLE"],
        region=client("apigateway").meta.region_name,
    )
    prefix = env.get("AIGW_USAGE_PLAN_PREFIX", "")
    tiers = sorted(
        a["name"].removeprefix(f"{prefix}-")
        for _, a in _instances(state, "aws_api_gateway_usage_plan")
    )
    tier = "standard" if "standard" in tiers else (tiers[0] if tiers else "standard")
    tenant = f"it-{secrets.token_hex(4)}"
    tenancy.create_tenant(t, tenant, tier=tier, allowed_models=["*"])
    try:
        key = tenancy.create_key(t, tenant, stage=env["AIGW_STAGE"], prefix=prefix)["key"]
        # A new usage-plan key takes a moment to reach the stage: retry 403s a bounded time.
        status, body = call(
            f"{url}/v1/models",
            "GET",
            headers={"Authorization": f"Bearer {key}"},
            attempts=12,
            retry_statuses=(403, 429, 502, 503, 504),
        )
        problems = [] if status == 200 else [f"status {status}: {body[:300]!r}"]
        if status == 200:
            doc = json.loads(body)
            if doc.get("object") != "list" or not doc.get("data"):
                problems.append(f"not a non-empty OpenAI model list: {doc!r:.300}")
        report.record(f"{address} HTTP GET /v1/models with a tenant key", problems)
    finally:
        usage_key = tenancy.get_tenant(t, tenant).get("usage_key_id")
        if usage_key:  # not in the Terraform state: the usage plans' destroy leaves it
            t.apigateway.delete_api_key(apiKey=usage_key)
