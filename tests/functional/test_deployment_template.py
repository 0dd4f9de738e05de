"""The packaged prod template (`scripts/package.py`, what `make package` runs): cfn-lint clean,
and the security and wiring properties the deployment relies on."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

WIRED = {
    "TABLE_NAME": "LeadsTable",
    "BUCKET_NAME": "DossierBucket",
    "CLIENT_BUCKET_NAME": "ClientBucket",
    "JOBS_QUEUE_URL": "DossierJobsQueue",
    "DEAD_LETTER_QUEUE_URL": "DossierJobsDeadLetterQueue",
}
DATA_SERVICES = ("dynamodb", "s3", "sqs", "ses")


@pytest.fixture(scope="module")
def packaged(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("package") / "prod"
    subprocess.run(
        [sys.executable, "scripts/package.py", "--stage", "prod", "--out", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return out


@pytest.fixture(scope="module")
def template(packaged) -> dict:
    return json.loads((packaged / "sam.json").read_text())


def _resources(template: dict, type_: str) -> dict[str, dict]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_}


def _statements(template: dict):
    for name, role in _resources(template, "AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for st in policy["PolicyDocument"]["Statement"]:
                yield name, st


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def test_cfn_lint_passes_on_the_packaged_prod_template(packaged):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(packaged / "sam.json")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_data_at_rest_is_encrypted_and_recoverable(template):
    table = template["Resources"]["LeadsTable"]["Properties"]
    assert table["SSESpecification"] == {"SSEEnabled": True}
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["TimeToLiveSpecification"]["Enabled"] is True
    bucket = template["Resources"]["DossierBucket"]["Properties"]
    rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert any("NoncurrentVersionExpiration" in r for r in bucket["LifecycleConfiguration"]["Rules"])
    for queue in _resources(template, "AWS::SQS::Queue").values():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True


def test_bucket_blocks_public_access_and_plain_http(template):
    pab = template["Resources"]["DossierBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert pab == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    policy = template["Resources"]["DossierBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "DossierBucket"}
    deny = [
        s
        for s in policy["PolicyDocument"]["Statement"]
        if s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert deny and deny[0]["Principal"] == "*"
    assert {"Fn::GetAtt": ["DossierBucket", "Arn"]} in deny[0]["Resource"]


def test_failed_jobs_go_to_the_dead_letter_queue_and_the_worker_reports_partial_failures(template):
    res = template["Resources"]
    redrive = res["DossierJobsQueue"]["Properties"]["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": ["DossierJobsDeadLetterQueue", "Arn"]}
    assert 1 < redrive["maxReceiveCount"] <= 10
    source = res["BuildDossier"]["Properties"]["Events"]["BuildDossierSqsEventSource"]["Properties"]
    assert source["Queue"] == {"Fn::Sub": "${DossierJobsQueue.Arn}"}  # not Chalice's name-based ARN
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert res["DossierJobsQueue"]["Properties"]["VisibilityTimeout"] >= res["BuildDossier"]["Properties"]["Timeout"]


def test_the_worker_runs_at_most_as_many_copies_as_the_local_pump(template):
    from scripts.local_stack import worker_concurrency

    source = template["Resources"]["BuildDossier"]["Properties"]["Events"]["BuildDossierSqsEventSource"]
    # A cap on concurrent packs (and registry lookups in flight); SQS event sources accept 2 to 1,000.
    cap = source["Properties"]["ScalingConfig"]["MaximumConcurrency"]
    assert 2 <= cap <= 5
    assert worker_concurrency(json.loads((ROOT / "infra" / "platform.json").read_text())) == cap


def test_no_policy_allows_a_wildcard_action_and_only_xray_gets_any_resource(template):
    checked = 0
    for role, st in _statements(template):
        assert st["Effect"] == "Allow", role
        for action in _listed(st["Action"]):
            assert "*" not in action, f"{role}: {action}"
            checked += 1
        if "*" in _listed(st["Resource"]):
            assert all(a.startswith("xray:") for a in _listed(st["Action"])), f"{role}: {st}"
    assert checked > 20


def test_each_data_permission_names_this_stacks_resources(template):
    for role, st in _statements(template):
        if any(a.split(":")[0] in DATA_SERVICES for a in _listed(st["Action"])):
            text = json.dumps(st["Resource"])
            assert re.search(r"LeadsTable|DossierBucket|ClientBucket|DossierJobsQueue|:identity/", text), (
                f"{role}: {st}"
            )


def test_only_the_worker_writes_packs_and_the_api_may_only_presign_them(template):
    s3 = [(role, st) for role, st in _statements(template) if any(a.startswith("s3:") for a in _listed(st["Action"]))]
    packs = [(role, st) for role, st in s3 if "DossierBucket" in json.dumps(st["Resource"])]
    writers = {role for role, st in packs if "s3:PutObject" in _listed(st["Action"])}
    assert writers == {"BuildDossierRole"}
    erasure = {"s3:DeleteObjectVersion", "s3:ListBucketVersions"}  # GDPR erasure, by the API
    for role, st in packs:
        if _listed(st["Action"]) == ["s3:ListBucketVersions"]:
            assert st["Condition"] == {"StringLike": {"s3:prefix": "dossiers/*"}}, role
        else:
            assert st["Resource"]["Fn::Sub"].startswith("${DossierBucket.Arn}/dossiers/*"), role
    api = [st for role, st in packs if role == "ApiHandlerRole" and not set(_listed(st["Action"])) <= erasure]
    # Presigned URLs only (the consultant's browser downloads); directly, the client page's prefill.json alone.
    assert {json.dumps(st.get("Condition", {}).get("StringEquals")) for st in api} == {
        json.dumps({"s3:authType": "REST-QUERY-STRING"}),
        "null",
    }
    direct = [st for st in api if "Condition" not in st]
    assert [st["Resource"] for st in direct] == [{"Fn::Sub": "${DossierBucket.Arn}/dossiers/*/prefill.json"}]


def test_only_the_worker_writes_signed_documents_and_the_api_presigns_client_files(template):
    s3 = [(role, st) for role, st in _statements(template) if any(a.startswith("s3:") for a in _listed(st["Action"]))]
    client = [(role, st) for role, st in s3 if "ClientBucket" in json.dumps(st["Resource"])]
    signed_writers = {
        role
        for role, st in client
        if "s3:PutObject" in _listed(st["Action"]) and "signed" in json.dumps(st["Resource"])
    }
    assert signed_writers == {"BuildDossierRole"}
    for role, st in client:
        if role == "ApiHandlerRole" and "s3:DeleteObjectVersion" in _listed(st["Action"]):  # GDPR erasure
            assert st["Resource"] == {"Fn::Sub": "${ClientBucket.Arn}/uploads/*"}, st
        elif role == "ApiHandlerRole" and "s3:ListBucketVersions" in _listed(st["Action"]):
            assert st["Condition"] == {"StringLike": {"s3:prefix": "uploads/*"}}, st
        elif role == "ApiHandlerRole":  # browser uploads (presigned POST) and downloads (presigned GET) only
            assert st["Condition"]["StringEquals"]["s3:authType"] in ("POST", "REST-QUERY-STRING"), st
        else:
            assert role == "BuildDossierRole", role
    assert not any(
        "s3:DeleteObjectVersion" in _listed(st["Action"]) and "signed" in json.dumps(st["Resource"]) for _, st in client
    )


def test_email_may_only_be_sent_as_the_configured_sender(template):
    for role, st in _statements(template):
        if any(a.startswith("ses:") for a in _listed(st["Action"])):
            assert st["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "SenderEmail"}}}, role


def test_every_function_gets_the_resources_and_sign_in_settings_wired(template):
    from cfnlint.template.transforms._sam_globals import merge_globals

    effective = merge_globals(copy.deepcopy(template))
    functions = _resources(effective, "AWS::Serverless::Function")
    assert set(functions) >= {"APIHandler", "BuildDossier", "SweepStuckLeads"}
    for name, fn in functions.items():
        env = fn["Properties"]["Environment"]["Variables"]
        for var, resource in WIRED.items():
            assert env[var] == {"Ref": resource}, f"{name}: {var}"
        assert env["JWT_AUDIENCE"] == {"Ref": "ConsultantAppClient"}
        assert "ConsultantUserPool" in json.dumps(env["JWT_ISSUER"]) and "jwks.json" in json.dumps(env["JWKS_URL"])
        assert env["SENDER_EMAIL"] == {"Ref": "SenderEmail"}
        assert fn["Properties"]["Tracing"] == "Active"


def _function_log_groups(template: dict) -> dict[str, dict]:
    groups = _resources(template, "AWS::Logs::LogGroup")
    return {k: g for k, g in groups.items() if g["Properties"]["LogGroupName"]["Fn::Sub"].startswith("/aws/lambda/")}


def test_log_groups_have_retention_and_name_their_functions(template):
    assert all(g["Properties"]["RetentionInDays"] == 90 for g in _resources(template, "AWS::Logs::LogGroup").values())
    groups = _function_log_groups(template)
    functions = _resources(template, "AWS::Serverless::Function")
    named = {
        g["Properties"]["LogGroupName"]["Fn::Sub"].removeprefix("/aws/lambda/${").rstrip("}") for g in groups.values()
    }
    assert named == set(functions)  # Chalice names the API's group ${ApiHandler}: overridden in infra/


def test_alarms_cover_every_failure_mode_and_notify_the_topic(template):
    alarms = _resources(template, "AWS::CloudWatch::Alarm")
    assert set(alarms) == {
        "DeadLetterQueueNotEmptyAlarm",
        "WorkerErrorsAlarm",
        "ApiServerErrorsAlarm",
        "ThrottlesAlarm",
        "OldestJobAgeAlarm",
        "LeadsWaitingForPackAlarm",
        "ClientRemindersErrorsAlarm",
        "ClientRemindersMissedAlarm",
        "DeadlineDigestErrorsAlarm",
        "DeadlineDigestMissedAlarm",
    }
    runbook = (ROOT / "docs" / "operations.md").read_text()
    for alarm in alarms.values():
        props = alarm["Properties"]
        assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        anchor = props["AlarmDescription"].rsplit("#", 1)[1]
        assert f"## {anchor.replace('-', ' ')}" in runbook.lower().replace("-", " "), anchor


def _watched(alarm: dict, metric_name: str) -> set[str]:
    """The functions whose AWS/Lambda `metric_name` the alarm reads (plain or metric-math alarms)."""
    props = alarm["Properties"]
    stats = [m["MetricStat"]["Metric"] for m in props.get("Metrics", []) if "MetricStat" in m] or [props]
    return {
        d["Value"]["Ref"]
        for m in stats
        if m.get("Namespace") == "AWS/Lambda" and m.get("MetricName") == metric_name
        for d in m["Dimensions"]
        if d["Name"] == "FunctionName"
    }


def test_every_function_has_an_alarm_on_its_failures_its_throttles_and_a_missed_schedule(template):
    alarms = _resources(template, "AWS::CloudWatch::Alarm")
    functions = _resources(template, "AWS::Serverless::Function")
    assert _watched(alarms["ThrottlesAlarm"], "Throttles") == set(functions)
    crashes = set().union(*(_watched(a, "Errors") for a in alarms.values()))
    # The API and its authorizer fail as API Gateway 5xx (ApiServerErrorsAlarm); the sweeper's
    # crashes leave LeadsWaitingForPack missing, and that alarm treats missing data as breaching.
    assert crashes == set(functions) - {"APIHandler", "ConsultantApiAuth", "SweepStuckLeads"}
    assert alarms["LeadsWaitingForPackAlarm"]["Properties"]["TreatMissingData"] == "breaching"
    daily = {
        name
        for name, fn in functions.items()
        for event in fn["Properties"].get("Events", {}).values()
        if event["Type"] == "Schedule" and event["Properties"]["Schedule"].startswith("cron(")
    }
    assert daily == {"DeadlineDigest", "ClientReminders"}
    for name in daily:  # no run for 24 h: every hourly period empty (Lambda sends no zero) → alarm
        props = alarms[f"{name}MissedAlarm"]["Properties"]
        assert _watched(alarms[f"{name}MissedAlarm"], "Invocations") == {name}
        assert props["Period"] * props["EvaluationPeriods"] == 86400 == props["Period"] * props["DatapointsToAlarm"]
        assert (props["ComparisonOperator"], props["Threshold"], props["TreatMissingData"]) == (
            "LessThanThreshold",
            1,
            "breaching",
        )


def test_the_local_stack_runs_the_schedules_the_template_gives_eventbridge(template):
    import app
    from scripts.local_schedules import scheduled_jobs

    scheduled = {
        fn["Properties"]["Handler"].removeprefix("app."): event["Properties"]["Schedule"]
        for fn in _resources(template, "AWS::Serverless::Function").values()
        for event in fn["Properties"].get("Events", {}).values()
        if event["Type"] == "Schedule"
    }
    assert scheduled == {j.name: j.expression for j in scheduled_jobs(app.app)} and len(scheduled) == 3


def test_dashboard_body_is_json_once_substituted(template):
    body = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    resources = set(template["Resources"])
    for ref in re.findall(r"\$\{([^}]+)\}", body):
        assert ref.startswith("AWS::") or ref.split(".")[0] in resources, ref
    widgets = json.loads(re.sub(r"\$\{[^}]+\}", "x", body))["widgets"]
    titles = {w["properties"].get("title") for w in widgets}
    assert {
        "Leads per hour by OPCO",
        "Spam rate (%)",
        "Pack build time (ms)",
        "Packs built and failed",
        "Unresolved OPCO rate (%)",
    } <= titles


def _dashboard_widgets(template: dict) -> list[dict]:
    # ${...} placeholders sit inside JSON strings: the body parses as it is, references unresolved.
    return json.loads(template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"])["widgets"]


def _as_sub(value) -> str:
    """An alarm's dimension value as the dashboard writes it: {"Ref": X} is "${X}"."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return f"${{{value['Ref']}}}"
    resource, attribute = value["Fn::GetAtt"]
    return f"${{{resource}.{attribute}}}"


def _alarmed_metrics(alarm: dict):
    props = alarm["Properties"]
    metrics = (
        [props] if "MetricName" in props else [m["MetricStat"]["Metric"] for m in props["Metrics"] if "MetricStat" in m]
    )
    for m in metrics:
        yield m["Namespace"], m["MetricName"], frozenset((d["Name"], _as_sub(d["Value"])) for d in m["Dimensions"])


def _graphed_metrics(widgets: list[dict]):
    for widget in widgets:
        for row in widget["properties"].get("metrics", []) if widget["type"] == "metric" else []:
            names = [v for v in row if isinstance(v, str)]  # [namespace, name, dim, value, ..., {options}]
            if names:
                yield names[0], names[1], frozenset(zip(names[2::2], names[3::2], strict=True))


def test_the_dashboard_shows_every_alarm_and_graphs_every_metric_an_alarm_watches(template):
    alarms = _resources(template, "AWS::CloudWatch::Alarm")
    widgets = _dashboard_widgets(template)
    (alarm_widget,) = [w for w in widgets if w["type"] == "alarm"]
    assert sorted(alarm_widget["properties"]["alarms"]) == sorted(f"${{{name}.Arn}}" for name in alarms)
    graphed = set(_graphed_metrics(widgets))
    for name, alarm in alarms.items():
        for metric in _alarmed_metrics(alarm):
            assert metric in graphed, (name, metric)
    assert any(m[:2] == ("OpcoDossier", "ClientReminderFailed") for m in graphed)  # the daily jobs' own metric


def test_the_dashboard_s_recent_errors_search_every_function_log_group(template):
    (log_widget,) = [w for w in _dashboard_widgets(template) if w["type"] == "log"]
    sources = set(re.findall(r"SOURCE '\$\{(\w+)\}'", log_widget["properties"]["query"]))
    assert sources == set(_function_log_groups(template))


def test_saved_queries_search_every_function_log_group(template):
    queries = _resources(template, "AWS::Logs::QueryDefinition")
    groups = [{"Ref": name} for name in _function_log_groups(template)]
    assert len(queries) >= 4
    for query in queries.values():
        assert sorted(map(json.dumps, query["Properties"]["LogGroupNames"])) == sorted(map(json.dumps, groups))


def test_zip_carries_the_tracer_backend_but_not_a_second_botocore(packaged):
    names = zipfile.ZipFile(packaged / "deployment.zip").namelist()
    assert "aws_xray_sdk/__init__.py" in names and "wrapt/__init__.py" in names
    assert not any(n.startswith(("botocore/", "boto3/")) for n in names)


# What an API Gateway access log line may carry: ids, the route template, status and timings.
# Not the caller's IP ($context.identity.sourceIp: personal data, and the rate limit already
# keeps only its HMAC), not the user agent, not the path ($context.path holds lead ids) nor the
# query string (search terms, dates); the request id ties a line to the function's logs.
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "time": "$context.requestTimeEpoch",
    "method": "$context.httpMethod",
    "route": "$context.resourcePath",
    "status": "$context.status",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency",
    "responseLength": "$context.responseLength",
    "errorType": "$context.error.responseType",
}


def test_api_access_logs_are_on_and_carry_no_personal_data(template):
    res = template["Resources"]
    setting = res["RestAPI"]["Properties"]["AccessLogSetting"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    assert json.loads(setting["Format"]) == ACCESS_LOG_FIELDS
    assert res["ApiAccessLogGroup"]["Properties"]["RetentionInDays"] <= 90
    # API Gateway writes logs through the account's CloudWatch role, set before the stage exists.
    assert res["ApiGatewayAccount"]["Properties"]["CloudWatchRoleArn"] == {"Fn::GetAtt": ["ApiGatewayLogsRole", "Arn"]}
    assert "ApiGatewayAccount" in res["RestAPI"]["DependsOn"]


def test_queues_and_the_alarm_topic_are_encrypted_at_rest(template):
    queues = _resources(template, "AWS::SQS::Queue")
    assert set(queues) == {"DossierJobsQueue", "DossierJobsDeadLetterQueue"}
    for name, queue in queues.items():
        props = queue["Properties"]
        assert props.get("SqsManagedSseEnabled") is True or "KmsMasterKeyId" in props, name
    [(topic_name, topic)] = _resources(template, "AWS::SNS::Topic").items()
    key_ref = topic["Properties"]["KmsMasterKeyId"]
    # The AWS-managed alias/aws/sns key would silently stop CloudWatch alarms from publishing.
    assert key_ref == {"Ref": "AlarmTopicKey"}, topic_name
    key = template["Resources"]["AlarmTopicKey"]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    cloudwatch = [st for st in statements if st["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert [set(st["Action"]) for st in cloudwatch] == [{"kms:Decrypt", "kms:GenerateDataKey*"}]


def test_functions_get_secret_arns_never_secret_values(template):
    env = template["Globals"]["Function"]["Environment"]["Variables"]
    assert env["FORM_TOKEN_SECRET"] == {"Ref": "FormTokenSecret"}
    assert env["TURNSTILE_SECRET"] == {"Fn::If": ["HasTurnstileSecret", {"Ref": "TurnstileSecretStore"}, ""]}
    assert "resolve:secretsmanager" not in json.dumps(template["Globals"])
    assert "CorsOrigins" in json.dumps(env["CORS_ORIGINS"])
    assert "Default" not in template["Parameters"]["CorsOrigins"]  # required: the functions refuse to start without it
    readers = {role for role, st in _statements(template) if "secretsmanager:GetSecretValue" in _listed(st["Action"])}
    assert readers == {"ApiHandlerRole", "ClientRemindersRole"}  # the form key; the reminders' links


def test_consultants_sign_in_with_mfa_through_the_hosted_ui_code_flow_only(template):
    from chalicelib.consultants.hosted_ui import CALLBACK_PATH, SIGNED_OUT_PATH

    pool = template["Resources"]["ConsultantUserPool"]["Properties"]
    assert pool["MfaConfiguration"] == "ON" and pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    client = template["Resources"]["ConsultantAppClient"]["Properties"]
    assert client["GenerateSecret"] is False  # public client: PKCE binds the code (docs/consultants.md)
    assert set(client["ExplicitAuthFlows"]) == {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    assert client["AllowedOAuthFlows"]["Fn::If"][1] == ["code"]
    assert client["CallbackURLs"]["Fn::If"][1] == [{"Fn::Sub": f"${{PublicBaseUrl}}{CALLBACK_PATH}"}]
    assert client["LogoutURLs"]["Fn::If"][1] == [{"Fn::Sub": f"${{PublicBaseUrl}}{SIGNED_OUT_PATH}"}]
    env = template["Globals"]["Function"]["Environment"]["Variables"]
    assert env["COGNITO_DOMAIN"]["Fn::If"][0] == "HasCognitoDomain" and env["JWT_AUDIENCE"] == {
        "Ref": "ConsultantAppClient"
    }
    assert "HostedSignInNeedsPublicBaseUrl" in template["Rules"]


def _cloudformation(template: dict) -> dict:
    """The template as CloudFormation deploys it: code uploaded (`aws cloudformation package`), then
    the SAM transform (samtranslator, the transform's own code) applied."""
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    uploaded = json.loads(json.dumps(template).replace('"./deployment.zip"', '"s3://artefacts/deployment.zip"'))
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name="eu-west-3"))
    return translator.translate(uploaded, parameter_values={}, get_managed_policy_map=dict)


def test_every_consultant_api_method_and_only_those_go_through_the_authorizer_lambda(template):
    auth = template["Resources"]["ConsultantApiAuth"]["Properties"]
    assert auth["Handler"] == "app.consultant_api_auth"
    swagger = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    assert set(swagger["securityDefinitions"]) == {"consultant_api_auth"}
    assert (
        swagger["securityDefinitions"]["consultant_api_auth"]["x-amazon-apigateway-authorizer"][
            "authorizerResultTtlInSeconds"
        ]
        == 60
    )
    secured = {
        (path, method): op.get("security")
        for path, ops in swagger["paths"].items()
        for method, op in ops.items()
        if method != "options" and (path.startswith("/consultants/api/") or op.get("security"))
    }
    assert len(secured) >= 8
    assert all(path.startswith("/consultants/api/") for path, _ in secured)
    assert all(security == [{"consultant_api_auth": []}] for security in secured.values())


def test_api_gateway_invokes_the_snapstart_alias_of_the_api_function(template):
    api = template["Resources"]["APIHandler"]["Properties"]
    assert api["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert api["AutoPublishAlias"] == "live"
    resources = _cloudformation(template)["Resources"]
    alias = resources["APIHandlerAliaslive"]
    assert alias["Type"] == "AWS::Lambda::Alias" and alias["Properties"]["FunctionName"] == {"Ref": "APIHandler"}
    version = alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
    assert resources[version]["Type"] == "AWS::Lambda::Version"
    assert resources["APIHandlerInvokePermission"]["Properties"]["FunctionName"] == {"Ref": "APIHandlerAliaslive"}
    targets = re.findall(r"/functions/\$\{([^}]+)\}/invocations", json.dumps(resources["RestAPI"]))
    assert len(targets) > 20  # every route of the API...
    assert set(targets) == {"APIHandlerAliaslive", "ConsultantApiAuth.Arn"}  # ...through the alias; the authorizer
    # The other functions are not snapshotted: nobody waits on their cold starts.
    for name in ("BuildDossier", "SweepStuckLeads", "DeadlineDigest", "ConsultantApiAuth"):
        assert "SnapStart" not in resources[name]["Properties"], name
