"""Checks on the synthesized templates (``make synth``): what a review of the stack would ask."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra import security_headers
from infra.stages import QUEUES, SCHEDULES, SECRETS
from infra.tables import table_specs
from tests.infra.offline import synth_environment

DATA_SERVICES = ("dynamodb:", "kms:", "secretsmanager:", "sqs:", "s3:")
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS's managed cache policy


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statements(node: Any, path: str = "") -> Any:
    """Every policy statement in a template, with where it is."""
    if isinstance(node, dict):
        if isinstance(node.get("Statement"), list):
            for statement in node["Statement"]:
                yield path, statement
        for key, value in node.items():
            yield from statements(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from statements(value, f"{path}[{i}]")


# cdk-nag and cfn-lint


def test_cdk_nag_has_no_finding_without_a_reason(assembly):
    (nag,) = [p for p in assembly.report["pluginReports"] if p["pluginName"] == "AwsSolutions"]
    assert nag["conclusion"] == "success"
    assert nag["violations"] == []
    assert nag["suppressedViolations"], "the pack ran and found what we accept"
    for accepted in nag["suppressedViolations"]:
        assert len(accepted["reason"]) > 40, accepted["ruleName"]


def test_cfn_lint_finds_no_errors(assembly):
    from infra.edge import EDGE_REGION
    from infra.stages import DEPLOYED, stage

    regions = {name: stage(name).region for name in DEPLOYED}
    regions.update({f"{name}-edge": EDGE_REGION for name in DEPLOYED})
    assert set(regions) == set(assembly.templates)
    for stack_id, region in regions.items():  # each template in its own region's spec
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "cfn-lint"),
                str(assembly.out / f"{stack_id}.template.json"),
                *("--format", "json", "--regions", region),
            ],
            env=synth_environment(),
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        # cfn-lint's exit status is a bit mask: 2 errors, 4 warnings, 8 informational; 1 failed
        findings = json.loads(done.stdout or "null")
        errors = [f for f in findings or [] if f["Level"] == "Error"]
        assert errors == [], json.dumps(errors, indent=1)[:3000]
        assert done.returncode in (0, 4, 8, 12), done.stderr[-2000:]


# tables


def test_each_table_has_the_models_keys_indexes_and_ttl(assembly, deployed):
    tables = {
        t["Properties"]["TableName"]: t["Properties"]
        for t in assembly.resources(deployed.name, "AWS::DynamoDB::Table").values()
    }
    specs = table_specs(deployed.table_name)
    assert (
        set(tables)
        == {s.name for s in specs}
        == {"yibao-" + deployed.name, f"yibao-{deployed.name}-auth"}
    )
    for spec in specs:
        table = tables[spec.name]
        assert [(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]] == list(spec.keys)
        assert {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]} == (
            spec.attribute_types
        )
        indexes = [
            (i["IndexName"], tuple((k["AttributeName"], k["KeyType"]) for k in i["KeySchema"]))
            for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes")
            for i in table.get(kind, [])
        ]
        assert sorted(indexes) == sorted((i.name, i.keys) for i in spec.indexes)
        assert table["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
        assert table["BillingMode"] == "PAY_PER_REQUEST"
        assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert table["SSESpecification"]["SSEType"] == "KMS"
        key = table["SSESpecification"]["KMSMasterKeyId"]["Fn::GetAtt"][0]
        assert assembly.templates[deployed.name]["Resources"][key]["Type"] == "AWS::KMS::Key"


def test_prod_keeps_its_tables_and_key_dev_can_be_torn_down(assembly, deployed):
    kept = "Retain" if deployed.name == "prod" else "Delete"
    for kind in ("AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::SecretsManager::Secret"):
        for name, resource in assembly.resources(deployed.name, kind).items():
            assert resource["DeletionPolicy"] == kept, name
            assert resource["UpdateReplacePolicy"] == kept, name
    for table in assembly.resources(deployed.name, "AWS::DynamoDB::Table").values():
        assert table["Properties"]["DeletionProtectionEnabled"] is (deployed.name == "prod")


def test_the_local_stack_creates_the_same_tables(stack):
    """The moto tables (``models.create_tables``) match what the template deploys."""
    import boto3

    client = boto3.client("dynamodb", region_name="cn-north-1", endpoint_url=stack.moto.url)
    for spec in table_specs("yibao-test"):
        table = client.describe_table(TableName=spec.name)["Table"]
        assert tuple((k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]) == spec.keys
        local = [
            i["IndexName"]
            for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes")
            for i in table.get(kind, [])
        ]
        assert sorted(local) == sorted(i.name for i in spec.indexes)
        ttl = client.describe_time_to_live(TableName=spec.name)["TimeToLiveDescription"]
        assert ttl["AttributeName"] == spec.ttl_attribute
        assert ttl["TimeToLiveStatus"] == "ENABLED"


# permissions


def test_no_policy_allows_a_wildcard_action_or_any_resource_on_data(assembly):
    checked = 0
    for stack_id, template in assembly.templates.items():
        for path, statement in statements(template["Resources"]):
            if statement.get("Effect") != "Allow":
                continue
            checked += 1
            where = f"{stack_id}{path}"
            actions = listed(statement.get("Action"))
            assert not any("*" in a for a in actions), (where, actions)
            if "/KeyPolicy" in path:  # in a key's own policy, "*" is that key
                continue
            on_data = any(a.startswith(DATA_SERVICES) for a in actions)
            resources = listed(statement.get("Resource"))
            if on_data:
                assert "*" not in resources, (where, actions)
            if any(a.startswith("dynamodb:") for a in actions):
                assert not any("*" in json.dumps(r) for r in resources), (where, resources)
    assert checked > 20


def test_every_function_runs_with_our_role_on_arm64_traced_and_reserved(assembly, deployed):
    template = assembly.templates[deployed.name]
    functions = assembly.resources(deployed.name, "AWS::Serverless::Function")
    assert "APIHandler" in functions
    role = assembly.logical_id(
        deployed.name, "AWS::IAM::Role", RoleName=f"yibao-{deployed.name}-lambda"
    )
    for name, function in functions.items():
        props = function["Properties"]
        assert props["Role"] == {"Fn::GetAtt": [role, "Arn"]}, name
        assert props["Runtime"] == "python3.11"
        assert props["Architectures"] == ["arm64"]
        assert props["Tracing"] == "Active"
        assert props["ReservedConcurrentExecutions"] == deployed.reserved_concurrency
        group = props["LoggingConfig"]["LogGroup"]["Ref"]
        assert template["Resources"][group]["Properties"]["RetentionInDays"] == (
            deployed.log_retention_days
        )
        env = props["Environment"]["Variables"]
        for secret in SECRETS:  # the ARN, never the value
            assert secret.setting not in env
            assert env[secret.setting + "_ARN"]["Ref"] in template["Resources"]
        for queue in QUEUES:
            assert queue.env in env


def test_the_functions_role_reaches_exactly_the_stages_tables(assembly, deployed):
    template = assembly.templates[deployed.name]
    role = template["Resources"][
        assembly.logical_id(
            deployed.name, "AWS::IAM::Role", RoleName=f"yibao-{deployed.name}-lambda"
        )
    ]
    (policy,) = role["Properties"]["Policies"]
    (tables,) = [s for s in policy["PolicyDocument"]["Statement"] if s.get("Sid") == "Tables"]
    names = {json.dumps(r).split("table/")[1].split('"')[0] for r in tables["Resource"]}
    specs = table_specs(deployed.table_name)
    indexes = {f"{s.name}/index/{i.name}" for s in specs for i in s.indexes}
    assert names == {s.name for s in specs} | indexes
    assert "dynamodb:Scan" not in tables["Action"]  # reconciling is an operator's job


def test_secrets_are_generated_in_secrets_manager_never_in_the_template(assembly, deployed):
    secrets = assembly.resources(deployed.name, "AWS::SecretsManager::Secret")
    names = {s["Properties"]["Name"] for s in secrets.values()}
    assert names == {f"yibao/{deployed.name}/{s.name}" for s in SECRETS}
    for secret in secrets.values():
        assert "SecretString" not in secret["Properties"]
        assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 64
        assert "KmsKeyId" in secret["Properties"]
    from local.stack import stage_env

    text = json.dumps(assembly.templates)
    for name in ("YIBAO_TOKEN_SECRET", "YIBAO_PEPPER"):
        assert stage_env("local")[name] not in text


# API Gateway


def test_the_api_stage_is_throttled_logged_traced_and_behind_waf(assembly, deployed):
    api = assembly.templates[deployed.name]["Resources"]["RestAPI"]["Properties"]
    assert api["StageName"] == deployed.name
    assert api["EndpointConfiguration"] == "REGIONAL"
    assert api["TracingEnabled"] is True
    (settings,) = api["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == deployed.api_rate_per_second
    assert settings["ThrottlingBurstLimit"] == deployed.api_burst
    assert settings["DataTraceEnabled"] is False
    assert "requestId" in json.loads(api["AccessLogSetting"]["Format"])
    association = assembly.one(deployed.name, "AWS::WAFv2::WebACLAssociation")["Properties"]
    assert "${RestAPI.Stage}" in association["ResourceArn"]["Fn::Sub"]
    acl = assembly.one(deployed.name, "AWS::WAFv2::WebACL")["Properties"]
    assert acl["Scope"] == "REGIONAL"


# CloudFront


def test_cloudfront_sends_v1_to_the_api_and_compresses(assembly, deployed):
    cdn = assembly.one(deployed.name, "AWS::CloudFront::Distribution")["Properties"][
        "DistributionConfig"
    ]
    origins = {o["Id"]: o for o in cdn["Origins"]}
    (api,) = [b for b in cdn["CacheBehaviors"] if b["PathPattern"] == "/v1/*"]
    origin = origins[api["TargetOriginId"]]
    assert {"Ref": "RestAPI"} in origin["DomainName"]["Fn::Join"][1]
    assert origin["OriginPath"] == f"/{deployed.name}"
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert api["CachePolicyId"] == CACHING_DISABLED
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= set(api["AllowedMethods"])
    assert api["ViewerProtocolPolicy"] == "https-only"
    default = cdn["DefaultCacheBehavior"]
    assert "S3OriginConfig" in origins[default["TargetOriginId"]]
    assert "OriginAccessControlId" in origins[default["TargetOriginId"]]
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert api["Compress"] is True and default["Compress"] is True
    assert api["ResponseHeadersPolicyId"] == default["ResponseHeadersPolicyId"]
    assert cdn["DefaultRootObject"] == "index.html"
    assert "Logging" in cdn
    assert "WebACLId" in cdn  # the edge stack's web ACL, read across regions


def test_the_portal_ships_every_page_but_the_local_outbox(assembly, deployed):
    deploy = assembly.one(deployed.name, "Custom::CDKBucketDeployment")["Properties"]
    (key,) = deploy["SourceObjectKeys"]
    (folder,) = [p for p in assembly.out.glob("asset.*") if key.startswith(p.name[6:])]
    shipped = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {"index.html", "home.html", "assets/app.js", "assets/style.css"} <= shipped
    assert not shipped & {"outbox.html", "assets/outbox.js"}


def test_the_portal_sends_its_security_headers(assembly, deployed):
    policy = assembly.one(deployed.name, "AWS::CloudFront::ResponseHeadersPolicy")
    headers = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert csp == security_headers.CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000
    assert headers["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
    assert headers["ContentTypeOptions"]["Override"] is True


def test_waf_at_the_edge_limits_each_ip_and_runs_the_common_rules(assembly, deployed):
    acl = assembly.one(f"{deployed.name}-edge", "AWS::WAFv2::WebACL")["Properties"]
    assert acl["Scope"] == "CLOUDFRONT"
    rules = {r["Name"]: r for r in acl["Rules"]}
    rate = rules["rate-per-ip"]["Statement"]["RateBasedStatement"]
    assert rate == {
        "AggregateKeyType": "IP",
        "EvaluationWindowSec": 300,
        "Limit": deployed.waf_requests_per_5_minutes,
    }
    assert "Block" in rules["rate-per-ip"]["Action"]
    managed = rules["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    assert managed["VendorName"] == "AWS"
    assert acl["DefaultAction"] == {"Allow": {}}


# notices: queues, schedules, SMS


def test_each_queue_sends_what_fails_to_its_dead_letter_queue(assembly, deployed):
    template = assembly.templates[deployed.name]["Resources"]
    queues = assembly.resources(deployed.name, "AWS::SQS::Queue")
    by_name = {q["Properties"]["QueueName"]: k for k, q in queues.items()}
    for queue in QUEUES:
        main = template[by_name[f"yibao-{deployed.name}-{queue.name}"]]["Properties"]
        dead = by_name[f"yibao-{deployed.name}-{queue.name}-dlq"]
        assert main["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [dead, "Arn"]},
            "maxReceiveCount": queue.max_receives,
        }
        for props in (main, template[dead]["Properties"]):
            assert "KmsMasterKeyId" in props
        alarms = [
            a["Properties"]
            for a in assembly.resources(deployed.name, "AWS::CloudWatch::Alarm").values()
            if a["Properties"].get("Dimensions")
            == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dead, "QueueName"]}}]
        ]
        assert [a["MetricName"] for a in alarms] == ["ApproximateNumberOfMessagesVisible"]


def test_the_sender_consumes_the_stages_queue_and_reports_partial_failures(assembly, deployed):
    queues = assembly.resources(deployed.name, "AWS::SQS::Queue")
    by_name = {q["Properties"]["QueueName"]: k for k, q in queues.items()}
    found = [
        event["Properties"]
        for function in assembly.resources(deployed.name, "AWS::Serverless::Function").values()
        for event in function["Properties"].get("Events", {}).values()
        if event["Type"] == "SQS"
    ]
    assert found, "send_notices consumes the notices queue"
    for props in found:
        queue = by_name[f"yibao-{deployed.name}-notices"]
        assert props["Queue"] == {"Fn::GetAtt": [queue, "Arn"]}
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_schedules_are_in_china_time_and_not_chalices_utc_rules(assembly, deployed):
    schedules = {
        s["Properties"]["Name"]: s["Properties"]
        for s in assembly.resources(deployed.name, "AWS::Scheduler::Schedule").values()
    }
    assert set(schedules) == {f"yibao-{deployed.name}-{s.name}" for s in SCHEDULES}
    for schedule in SCHEDULES:
        found = schedules[f"yibao-{deployed.name}-{schedule.name}"]
        assert found["ScheduleExpression"] == f"cron({schedule.cron})"
        assert found["ScheduleExpressionTimezone"] == "Asia/Shanghai"
        assert "DeadLetterConfig" in found["Target"]
    assert not assembly.resources(deployed.name, "AWS::Events::Rule")
    for function in assembly.resources(deployed.name, "AWS::Serverless::Function").values():
        events = function["Properties"].get("Events", {}).values()
        assert not [e for e in events if e["Type"] == "Schedule"], "use infra SCHEDULES"


def test_sms_are_transactional_with_the_stages_spend_limit(assembly, deployed):
    settings = assembly.one(deployed.name, "Custom::AWS")["Properties"]
    for event in ("Create", "Update"):
        call = json.loads(settings[event])
        assert (call["service"], call["action"]) == ("SNS", "setSMSAttributes")
        assert call["parameters"]["attributes"] == {
            "DefaultSMSType": "Transactional",
            "MonthlySpendLimit": str(deployed.sms_monthly_spend_usd),
        }


def test_alarms_ring_the_topic_for_each_failure_that_matters(assembly, deployed):
    alarms = [
        a["Properties"]
        for a in assembly.resources(deployed.name, "AWS::CloudWatch::Alarm").values()
    ]
    topic = assembly.logical_id(
        deployed.name, "AWS::SNS::Topic", TopicName=f"yibao-{deployed.name}-alarms"
    )
    metrics = set()
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topic}]
        metrics.add(alarm.get("MetricName"))
        for query in alarm.get("Metrics", []):
            metrics.add(query.get("MetricStat", {}).get("Metric", {}).get("MetricName"))
    assert {
        "5XXError",
        "Errors",
        "Throttles",
        "ReadThrottleEvents",
        "WriteThrottleEvents",
        "ApproximateNumberOfMessagesVisible",
        "SMSSuccessRate",
        "SMSMonthToDateSpentUSD",
    } <= metrics
    (spend,) = [a for a in alarms if a.get("MetricName") == "SMSMonthToDateSpentUSD"]
    assert spend["Threshold"] == pytest.approx(deployed.sms_monthly_spend_usd * 0.8)
    for topic in assembly.resources(deployed.name, "AWS::SNS::Topic").values():
        assert "KmsMasterKeyId" in topic["Properties"]


def test_the_functions_publish_to_phones_and_the_decoys_topic_only(assembly, deployed):
    """Issue 15 item 2: a login request that does not match publishes a decoy to a topic
    without subscribers; the functions may publish to no other topic."""
    topic = assembly.logical_id(
        deployed.name, "AWS::SNS::Topic", TopicName=f"yibao-{deployed.name}-decoys"
    )
    assert not assembly.resources(deployed.name, "AWS::SNS::Subscription") or all(
        s["Properties"]["TopicArn"] != {"Ref": topic}
        for s in assembly.resources(deployed.name, "AWS::SNS::Subscription").values()
    )
    tags = assembly.resources(deployed.name, "AWS::SNS::Topic")[topic]["Properties"]["Tags"]
    assert {"Key": "yibao-purpose", "Value": "decoys"} in tags
    roles = assembly.resources(deployed.name, "AWS::IAM::Role").values()
    statements = [
        s
        for role in roles
        for policy in role["Properties"].get("Policies", [])
        for s in policy["PolicyDocument"]["Statement"]
    ]
    (deny,) = [s for s in statements if s.get("Sid") == "NoOtherTopics"]
    assert deny["Effect"] == "Deny" and deny["Action"] == "sns:Publish"
    assert deny["Condition"] == {"StringNotEquals": {"aws:ResourceTag/yibao-purpose": "decoys"}}
    functions = assembly.resources(deployed.name, "AWS::Serverless::Function").values()
    envs = [f["Properties"]["Environment"]["Variables"] for f in functions]
    assert envs and all(e["YIBAO_DECOY_TOPIC"] == {"Ref": topic} for e in envs)


# the Lambda package


def test_the_lambda_ships_chalice_app_but_not_chalice_itself(assembly):
    import zipfile

    code = assembly.templates["dev"]["Resources"]["APIHandler"]["Properties"]["CodeUri"]
    with zipfile.ZipFile(assembly.out / f"asset.{code['Key']}") as package:
        names = set(package.namelist())
    assert {"app.py", "chalice/app.py", "chalicelib/bootstrap.py", "pynamodb/models.py"} <= names
    shipped = {n.split("/")[0] for n in names}
    assert not shipped & {"click", "pip", "setuptools", "inquirer", "yaml", "infra", "tests"}
    assert not any(n.startswith("chalice/cli/") for n in names)
    assert any(n.endswith("aarch64-linux-gnu.so") for n in names)  # arm64 wheels
    from infra.stages import ROOT

    lines = (ROOT / "requirements.txt").read_text().lower().splitlines()
    runtime = [line.split("#")[0].strip() for line in lines]
    assert [r for r in runtime if r] and not [r for r in runtime if r.startswith("chalice")]


def test_the_lambda_leaves_out_what_it_never_imports(assembly):
    """The deployed zip holds no ``cryptography`` nor what comes only with it (infra/package.py
    says why; tests/api/test_unshipped_packages.py runs the app without them)."""
    import zipfile

    from infra.package import NOT_SHIPPED, shipped_distributions

    code = assembly.templates["dev"]["Resources"]["APIHandler"]["Properties"]["CodeUri"]
    with zipfile.ZipFile(assembly.out / f"asset.{code['Key']}") as package:
        names = package.namelist()
    assert {"cryptography", "cffi", "pycparser", "joserfc"} <= set(NOT_SHIPPED)
    assert not shipped_distributions(names).keys() & set(NOT_SHIPPED)
    shipped = {n.split("/")[0] for n in names}
    assert not shipped & {"cryptography", "cffi", "pycparser", "joserfc"}
    assert not [n for n in names if n.startswith("_cffi_backend")]
    assert {"authlib", "jwt", "pynamodb"} <= shipped  # what needed them is still there


def test_the_lambda_ships_the_bytecode_of_what_a_cold_start_imports(assembly):
    """/var/task is read-only: a module without its .pyc in the zip is compiled on every
    cold start (infra/package.py); the rest is compiled when first used."""
    import sys
    import zipfile

    code = assembly.templates["dev"]["Resources"]["APIHandler"]["Properties"]["CodeUri"]
    with zipfile.ZipFile(assembly.out / f"asset.{code['Key']}") as package:
        names = set(package.namelist())
    tag = sys.implementation.cache_tag
    for source in ("app.py", "chalicelib/bootstrap.py", "chalice/app.py", "botocore/client.py",
                   "pynamodb/models.py", "jwt/api_jwt.py", "urllib3/connection.py"):
        folder, _, file = source.rpartition("/")
        pyc = f"__pycache__/{file.removesuffix('.py')}.{tag}.pyc"
        assert (f"{folder}/{pyc}" if folder else pyc) in names, source
    assert not [n for n in names if n.startswith(("stdnum/", "authlib/")) and n.endswith(".pyc")]


CLOUDFRONT_FUNCTION_MAX_BYTES = 10_240
"""CloudFront Functions' maximum function size (10 KB; a larger one fails at deploy)."""


def test_the_cdns_404_function_knows_exactly_what_the_bucket_ships(assembly, deployed):
    """Read from the template without running it: the function's list of known addresses
    is the files the bucket deployment ships (an address it does not know gets the 404
    page, so a shipped page missing from it would be unreachable), the 404 page itself is
    shipped and known, the local outbox is neither, and the code fits CloudFront's limit."""
    import re

    function = assembly.one(deployed.name, "AWS::CloudFront::Function")["Properties"]
    code = function["FunctionCode"]
    assert len(code.encode()) <= CLOUDFRONT_FUNCTION_MAX_BYTES
    known_json = re.search(r"^var KNOWN = (\{.*\});$", code, re.M)
    assert known_json, code[:200]
    known = set(json.loads(known_json.group(1)))
    deploy = assembly.one(deployed.name, "Custom::CDKBucketDeployment")["Properties"]
    (key,) = deploy["SourceObjectKeys"]
    (folder,) = [p for p in assembly.out.glob("asset.*") if key.startswith(p.name[6:])]
    shipped = {"/" + p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert known == shipped
    assert "/404.html" in known and "/outbox.html" not in known
    assert "request.uri = '/404.html'" in code and "response.statusCode = 404" in code


def test_an_unknown_address_gets_the_portals_404_page_at_the_cdn(assembly, deployed):
    """The function on the portal's behaviour, run by node on CloudFront's event shapes: an
    unknown address becomes /404.html answered with 404; shipped files and / pass; the API's
    behaviour has no such function (its problems stay JSON)."""
    import shutil

    cdn = assembly.one(deployed.name, "AWS::CloudFront::Distribution")["Properties"][
        "DistributionConfig"
    ]
    events = {a["EventType"] for a in cdn["DefaultCacheBehavior"]["FunctionAssociations"]}
    assert events == {"viewer-request", "viewer-response"}
    (api,) = [b for b in cdn["CacheBehaviors"] if b["PathPattern"] == "/v1/*"]
    assert not api.get("FunctionAssociations")
    function = assembly.one(deployed.name, "AWS::CloudFront::Function")["Properties"]
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    node = shutil.which("node")
    assert node, "node runs the CDK: it is installed with `make test`"
    script = function["FunctionCode"] + """
const ask = (uri) => handler({ context: { eventType: "viewer-request" }, request: { uri } }).uri;
const status = (uri) => handler({ context: { eventType: "viewer-response" }, request: { uri },
                                  response: { statusCode: 200 } }).statusCode;
console.log(JSON.stringify({
  unknown: ask("/no/such/page.html"), home: ask("/home.html"), root: ask("/"),
  asset: ask("/assets/app.js"), outbox: ask("/outbox.html"),
  pageStatus: status("/404.html"), homeStatus: status("/home.html"),
}));
"""
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
    seen = json.loads(out.stdout)
    assert seen == {
        "unknown": "/404.html", "home": "/home.html", "root": "/", "asset": "/assets/app.js",
        "outbox": "/404.html",  # the local-only outbox is not shipped
        "pageStatus": 404, "homeStatus": 200,
    }
