"""Each function's policy allows exactly the AWS calls its code makes: nothing missing, nothing unused.

moto enforces no IAM: without this, a call missing from .chalice/policy-*.json would only fail in
AWS (AccessDenied after deployment), and a grant nobody uses would stay forever. Every route and
every function runs here against moto; a botocore hook on the clients of chalicelib/aws.py
records each call as the IAM action and resource ARN AWS would check (tests/iam.py), and the
policy files, their CloudFormation references resolved, must cover exactly that.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.conftest import ROOT
from tests.fake_registry import fake_registry  # noqa: F401 (pytest fixture)
from tests.functional.consultants.conftest import Consultants, consultants, jwks_url, signing_keys  # noqa: F401
from tests.iam import Call, Recorder, grants, policy_file

SERVICES = ("dynamodb", "s3", "sqs", "ses", "secretsmanager")
API = "/consultants/api/leads"
PAGES = "/consultants/leads"


def _functions() -> list[str]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return sorted(config["stages"]["prod"]["lambda_functions"])


def _refs() -> dict[str, str]:
    """What CloudFormation would put in the policies, from the moto world's resources."""
    from chalicelib import aws
    from chalicelib.config import settings

    s = settings()
    table = aws.dynamodb().describe_table(TableName=s.table_name)["Table"]["TableArn"]
    queue = aws.sqs().get_queue_attributes(QueueUrl=s.jobs_queue_url, AttributeNames=["QueueArn"])
    return {
        "AWS::Partition": "aws",
        "AWS::Region": s.aws_region,
        "AWS::AccountId": "123456789012",
        "AWS::StackName": "opco-dossier-prod",
        "LeadsTable.Arn": table,
        "DossierBucket.Arn": f"arn:aws:s3:::{s.bucket_name}",
        "ClientBucket.Arn": f"arn:aws:s3:::{s.client_bucket_name}",
        "DossierJobsQueue.Arn": queue["Attributes"]["QueueArn"],
        "SenderEmail": os.environ["SENDER_EMAIL"],
        "FormTokenSecret": os.environ["FORM_TOKEN_SECRET"],
        "TurnstileSecretStore": os.environ["TURNSTILE_SECRET"],
        "Condition:HasTurnstileSecret": "true",
    }


def _platform_calls(function: str, refs: dict[str, str]) -> set[Call]:
    """What AWS does with the function's own role: the SQS event source mapping polls the jobs
    queue for the worker (the permissions of AWSLambdaSQSQueueExecutionRole)."""
    if function != "build_dossier":
        return set()
    queue = refs["DossierJobsQueue.Arn"]
    return {Call(f"sqs:{action}", queue) for action in ("ReceiveMessage", "DeleteMessage", "GetQueueAttributes")}


class Routes:
    """Sends requests and notes which (route, method) of the app each one exercised."""

    def __init__(self, c: Consultants) -> None:
        self.c = c
        self.hit: set[tuple[str, str]] = set()

    def call(self, method: str, route: str, path: str, *, expect: int | tuple[int, ...], **kw: Any) -> Any:
        resp = self.c.client.http.request(method, path, **kw)
        expected = expect if isinstance(expect, tuple) else (expect,)
        assert resp.status_code in expected, (method, path, resp.status_code, resp.body[:300])
        self.hit.add((route, method))
        return resp

    def api(self, method: str, route: str, path: str, body: dict[str, Any] | None = None, expect: int = 200) -> Any:
        headers = {**self.c.bearer(), "Content-Type": "application/json"}
        data = json.dumps(body).encode() if body is not None else b""
        return self.call(method, API + route, API + path, expect=expect, headers=headers, body=data)

    def page(self, method: str, route: str, path: str, form: str = "", expect: int | tuple[int, ...] = 200) -> Any:
        headers = self.c.cookie()
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.call(method, route, path, expect=expect, headers=headers, body=form.encode())


@pytest.fixture
def recorder(consultants: Consultants, fake_registry: Any, monkeypatch: pytest.MonkeyPatch) -> Recorder:  # noqa: F811
    from chalicelib import aws, config
    from chalicelib.config import settings

    # The worker's registry lookup on, as in dev and prod: its cache lives in the table.
    monkeypatch.setenv("REGISTRY_ENABLED", "true")
    monkeypatch.setenv("REGISTRY_URL", fake_registry.url)
    # Secrets by ARN as CloudFormation wires them, Turnstile on (Cloudflare unreachable: kept as a person).
    sm = aws.client("secretsmanager")
    monkeypatch.setenv("FORM_TOKEN_SECRET", sm.describe_secret(SecretId=os.environ["FORM_TOKEN_SECRET"])["ARN"])
    monkeypatch.setenv("TURNSTILE_SECRET", sm.create_secret(Name="turnstile", SecretString="t-secret")["ARN"])
    monkeypatch.setenv("TURNSTILE_URL", "http://127.0.0.1:9/siteverify")
    monkeypatch.setenv("TURNSTILE_TIMEOUT_S", "0.5")
    monkeypatch.setenv("CORS_ORIGINS", "https://site.example")
    config.reset()
    rec = Recorder(settings().aws_region)
    for service in SERVICES:
        aws.client(service).meta.events.register("before-parameter-build", rec)
    return rec


def _post_lead(r: Routes, rec: Recorder, submission: dict[str, Any]) -> str:
    """A visitor's lead (api_handler), alone in the jobs queue (what earlier steps queued is dropped)."""
    from chalicelib import aws
    from chalicelib.config import settings

    while aws.sqs().receive_message(QueueUrl=settings().jobs_queue_url, MaxNumberOfMessages=10).get("Messages"):
        pass
    with rec.as_function("api_handler"):
        headers = {"Content-Type": "application/json"}
        resp = r.call("POST", "/leads", "/leads", expect=201, headers=headers, body=json.dumps(submission).encode())
    lead_id: str = json.loads(resp.body)["lead_id"]
    return lead_id


def _deliver_jobs(r: Routes, rec: Recorder) -> None:
    """The queued jobs, delivered to the worker (build_dossier) as the event source mapping does."""
    from chalicelib import aws
    from chalicelib.config import settings

    msgs = aws.sqs().receive_message(QueueUrl=settings().jobs_queue_url, MaxNumberOfMessages=10)["Messages"]
    event = r.c.client.events.generate_sqs_event(message_bodies=[m["Body"] for m in msgs], queue_name="jobs")
    with rec.as_function("build_dossier"):
        assert r.c.client.lambda_.invoke("build_dossier", event).payload == {"batchItemFailures": []}


def _built_lead(r: Routes, rec: Recorder, submission: dict[str, Any]) -> str:
    lead_id = _post_lead(r, rec, submission)
    _deliver_jobs(r, rec)
    return lead_id


def _erased_during_build(r: Routes, rec: Recorder, submission: dict[str, Any]) -> None:
    """An erasure (api_handler) landing while the worker writes: the worker deletes its own writes."""
    from chalicelib import aws
    from chalicelib.config import settings
    from chalicelib.consultants.auth import Consultant
    from chalicelib.consultants.service import erase_lead

    lead_id = _post_lead(r, rec, submission)
    erased: list[dict[str, int]] = []

    def erase_once(**_: Any) -> None:
        if not erased:
            with rec.as_function("api_handler"):
                erased.append(erase_lead(lead_id, Consultant(sub="sub-dpo", email=None)))

    aws.s3().meta.events.register("before-call.s3.PutObject", erase_once)
    try:
        _deliver_jobs(r, rec)
    finally:
        aws.s3().meta.events.unregister("before-call.s3.PutObject", erase_once)
    left = aws.s3().list_object_versions(Bucket=settings().bucket_name, Prefix=f"dossiers/{lead_id}/")
    assert erased and "Versions" not in left and "DeleteMarkers" not in left


def _upload(rec: Recorder, page: str, body: bytes) -> None:
    """The browser's presigned POST to the client bucket: the API's policy must authorise it."""
    import requests

    from chalicelib.config import settings

    url = unescape(re.search(r'action="(https://[^"]*amazonaws[^"]*)"', page).group(1))  # type: ignore[union-attr]
    fields = {unescape(n): unescape(v) for n, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page)}
    bucket = settings().client_bucket_name
    rec.calls["api_handler"].add(Call("s3:PutObject", f"arn:aws:s3:::{bucket}/{fields['key']}", auth_type="POST"))
    requests.post(
        url, data=fields, files={"file": ("d.pdf", body, "application/pdf")}, allow_redirects=False, timeout=10
    )


def _client_space(r: Routes, rec: Recorder, submission: dict[str, Any]) -> None:
    """The client's page (issue 15) from the link to the signed documents, a refused and an accepted
    decision letter, the consultant's side of it, and the reminders (client_reminders)."""
    from chalicelib import aws
    from chalicelib.client.reminders import send_reminders
    from chalicelib.config import settings
    from chalicelib.leads.store import leads_store
    from tests.functional.client.conftest import LINK, sent_emails

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    lead_id = _built_lead(r, rec, submission)
    base, space = f"/consultants/leads/{lead_id}/client", "/consultants/leads/{lead_id}/client"
    with rec.as_function("api_handler"):
        r.page("POST", space + "/lien", base + "/lien", expect=303)
        token = LINK.search(
            [m for m in sent_emails() if m.destinations["ToAddresses"] == [submission["email"]]][-1].body
        )
        link, route = f"/client/{token.group(1)}", "/client/{token}"  # type: ignore[union-attr]
        r.call("GET", "/client-static/client.js", "/client-static/client.js", expect=200)
        r.call("GET", route, link, expect=200)
        r.call("GET", route + "/documents/{name}", link + "/documents/devis.pdf", expect=303)
        sha = leads_store().get(lead_id).pack.sha256["devis.pdf"]  # type: ignore[union-attr]
        sign = urlencode(
            {"document": "devis.pdf", "sha256": sha, "name": "Camille Martin", "role": "Gérante", "consent": "oui"}
        )
        r.call("POST", route + "/signature", link + "/signature", expect=303, headers=form, body=sign)
        day = (date.today() - timedelta(days=1)).isoformat()
        filed = urlencode({"filed_on": day, "opco_file_number": "ATL-9"})
        r.call("POST", route + "/depot", link + "/depot", expect=303, headers=form, body=filed)
        decided = urlencode({"outcome": "accord", "decided_on": day, "amount": "1000"})
        r.call("POST", route + "/decision", link + "/decision", expect=303, headers=form, body=decided)
        page = r.call(
            "POST", route + "/decision/fichier", link + "/decision/fichier", expect=200, headers=form, body=b"type=pdf"
        )
        _upload(rec, page.body.decode(), b"MZ not a pdf")
        r.call("GET", route + "/decision/recue", link + "/decision/recue", expect=303)
    _deliver_jobs(r, rec)  # signs the devis; refuses and deletes the upload
    pack = leads_store().get(lead_id).pack
    assert pack is not None
    pdf = aws.s3().get_object(Bucket=settings().bucket_name, Key=pack.keys["devis.pdf"])["Body"].read()
    with rec.as_function("api_handler"):
        page = r.call(
            "POST", route + "/decision/fichier", link + "/decision/fichier", expect=200, headers=form, body=b"type=pdf"
        )
        _upload(rec, page.body.decode(), pdf)
        r.call("GET", route + "/decision/recue", link + "/decision/recue", expect=303)
        countersign = urlencode(
            {"document": "devis.pdf", "name": "Jeanne Dupré", "role": "Directrice", "consent": "oui"}
        )
        r.page("POST", space + "/contresigner", base + "/contresigner", countersign, expect=303)
    _deliver_jobs(r, rec)  # the countersigned devis; the accepted letter
    with rec.as_function("api_handler"):
        r.page("GET", space + "/signes/{document}/{party}", base + "/signes/devis.pdf/client", expect=303)
        r.page("GET", space + "/decision", base + "/decision", expect=303)
        r.page("POST", space + "/confirmer/{what}", base + "/confirmer/depot", "rev=0", expect=(303, 422))
        r.call("GET", route + "/rappels/arret", link + "/rappels/arret", expect=200)
        one_click = b"List-Unsubscribe=One-Click"  # RFC 8058, as a mailbox posts it
        r.call("POST", route + "/rappels/arret", link + "/rappels/arret", expect=200, headers=form, body=one_click)
        r.call("POST", route + "/rappels", link + "/rappels", expect=303, headers=form, body=b"")
        r.page("POST", space + "/revoquer", base + "/revoquer", expect=303)
    other = _built_lead(r, rec, {**submission, "email": "autre.client@transports-voisins.fr"})
    with rec.as_function("api_handler"):  # sent to the client: its link goes with the status change
        r.api("POST", "/{lead_id}/status", f"/{other}/status", {"status": "envoye_client", "rev": 0})
    from chalicelib.pricing.deadline import deadline

    due = deadline(leads_store().get(other), date.today()).deposit_before
    assert due is not None
    with rec.as_function("client_reminders"):  # two days before the filing deadline: one reminder
        assert send_reminders(now=datetime.combine(due - timedelta(days=2), datetime.min.time(), UTC))["sent"] >= 1
    with rec.as_function("api_handler"):  # GDPR erasure of a lead with a decision letter: both buckets
        r.api("DELETE", "/{lead_id}", f"/{lead_id}")


def _visitor_routes(r: Routes, submission: dict[str, Any]) -> None:
    r.call("GET", "/", "/?utm_source=x", expect=200)
    r.call("GET", "/merci", "/merci", expect=200)
    r.call("GET", "/form-token", "/form-token", expect=200)
    r.call("GET", "/static/form.js", "/static/form.js", expect=200)
    r.call("GET", "/embed.js", "/embed.js", expect=200)
    r.call("OPTIONS", "/leads", "/leads", expect=204, headers={"Origin": "https://site.example"})
    r.call("OPTIONS", "/opco", "/opco", expect=204, headers={"Origin": "https://site.example"})
    r.call("GET", "/opco", "/opco?idcc=1486", expect=200)
    # The same visitor again, with an Idempotency-Key, then the key replayed.
    key = {"Content-Type": "application/json", "Idempotency-Key": "policy-test-key"}
    again = json.dumps({**submission, "phone": "07 98 76 54 32"}).encode()
    r.call("POST", "/leads", "/leads", expect=201, headers=key, body=again)
    r.call("POST", "/leads", "/leads", expect=200, headers=key, body=again)


def _consultant_routes(r: Routes, lead_id: str, erased: tuple[str, str]) -> None:
    r.api("GET", "", "")
    r.api("GET", ".csv", ".csv")
    r.api("GET", "/{lead_id}", f"/{lead_id}")
    r.api("PATCH", "/{lead_id}", f"/{lead_id}", {"trainees": 4, "rev": 0})
    r.api("POST", "/{lead_id}/status", f"/{lead_id}/status", {"status": "envoye_client", "rev": 1})
    r.api("GET", "/{lead_id}/dossier", f"/{lead_id}/dossier")
    download = r.api("GET", "/{lead_id}/dossier/{name}", f"/{lead_id}/dossier/devis.pdf")
    assert "X-Amz-Signature" in json.loads(download.body)["url"]
    r.api("DELETE", "/{lead_id}", f"/{erased[0]}")

    r.page("GET", "/consultants/connexion", "/consultants/connexion", expect=303)  # signed in: to the list
    r.page("GET", "/consultants/dev/connexion", "/consultants/dev/connexion", expect=404)  # local stage only
    # The hosted sign-in talks to Cognito's HTTPS endpoints, never to an AWS API (no IAM): without
    # a hosted UI configured they answer 404; tests/functional/consultants/test_hosted_sign_in.py runs the flow.
    r.page("GET", "/consultants/connexion/cognito", "/consultants/connexion/cognito", expect=404)
    r.page("GET", "/consultants/callback", "/consultants/callback?code=c&state=s", expect=404)
    r.page("GET", "/consultants/auth/refresh", "/consultants/auth/refresh?next=%2Fconsultants", expect=303)
    r.call("GET", "/openapi.json", "/openapi.json", expect=200)
    r.page("POST", "/consultants/dev/connexion", "/consultants/dev/connexion", "email=a%40b.fr", expect=404)
    r.page("GET", "/consultants", "/consultants")
    r.page("GET", "/consultants/leads.csv", "/consultants/leads.csv")
    r.page("GET", PAGES + "/{lead_id}", f"{PAGES}/{lead_id}")
    r.page("POST", PAGES + "/{lead_id}/dossier", f"{PAGES}/{lead_id}/dossier", "trainees=5&rev=2", expect=303)
    status = "status=demande_deposee&opco_file_number=AT-1&rev=3"
    r.page("POST", PAGES + "/{lead_id}/statut", f"{PAGES}/{lead_id}/statut", status, expect=303)
    r.page("GET", PAGES + "/{lead_id}/documents/{name}", f"{PAGES}/{lead_id}/documents/devis.pdf", expect=303)
    r.page("POST", PAGES + "/{lead_id}/effacer", f"{PAGES}/{erased[1]}/effacer", "confirmation=EFFACER", expect=303)
    r.page("POST", "/consultants/auth/deconnexion", "/consultants/auth/deconnexion", expect=303)


def _sweeper_and_digest(r: Routes, rec: Recorder, lead_id: str, submission: dict[str, Any]) -> None:
    from chalicelib.consultants.notify import send_digest
    from chalicelib.dossier.worker import sweep
    from chalicelib.leads.model import PackInfo
    from chalicelib.leads.store import leads_store
    from chalicelib.pricing.deadline import deadline

    now = datetime.now(UTC)
    store = leads_store()
    # A worker that died between recording the last version and clearing its marker: the sweeper clears it.
    last = store.get(lead_id).pack_requested
    store.record_pack(lead_id, PackInfo(version=last, built_at=now, keys={}), now=now)
    # A lead still without its pack 20 minutes later (its job lost): the sweeper sends it again.
    _post_lead(r, rec, {**submission, "email": "autre.contact@atelier-dupont.fr"})
    with rec.as_function("sweep_stuck_leads"):
        assert sweep(now=now + timedelta(minutes=20))["resent"] >= 1
    assert store.pending_packs() == []
    due = deadline(store.get(lead_id), now.date()).deposit_before
    with rec.as_function("deadline_digest"):
        assert send_digest(today=due - timedelta(days=2))["due"] >= 1


def test_each_function_is_allowed_exactly_the_calls_it_makes(
    consultants: Consultants,  # noqa: F811
    recorder: Recorder,
    valid_submission: dict[str, Any],
) -> None:
    from app import app

    r = Routes(consultants)
    start = date.today() + timedelta(days=40)
    submission = {**valid_submission, "start_date": start.isoformat(), "cf-turnstile-response": "any"}
    lead_id = _built_lead(r, recorder, submission)
    erased = (
        _built_lead(r, recorder, {**submission, "email": "efface.1@exemple.fr"}),
        _built_lead(r, recorder, {**submission, "email": "efface.2@exemple.fr"}),
    )
    with recorder.as_function("api_handler"):
        _visitor_routes(r, submission)
        _consultant_routes(r, lead_id, erased)
    _sweeper_and_digest(r, recorder, lead_id, submission)
    _erased_during_build(r, recorder, {**submission, "email": "efface.pendant@exemple.fr"})
    _client_space(r, recorder, {**submission, "email": "client.espace@exemple.fr"})

    every_route = {(path, method) for path, methods in app.routes.items() for method in methods}
    assert every_route - r.hit == set(), "routes this test does not exercise: add them above"

    assert recorder.unmapped == []
    refs = _refs()
    assert set(recorder.calls) <= set(_functions())
    for function in _functions():
        made = recorder.calls[function] | _platform_calls(function, refs)
        allowed = grants(function, refs)
        missing = sorted(str(c) for c in made if not any(g.allows(c) for g in allowed))
        unused = sorted(str(g) for g in allowed if not any(g.allows(c) for c in made))
        assert not missing, f"{function} ({policy_file(function)}) lacks {missing}"
        assert not unused, f"{function} ({policy_file(function)}) grants what it never calls: {unused}"
    assert recorder.calls["api_handler"] and recorder.calls["build_dossier"], "the recording is broken"


def test_presigned_url_lifetime_fits_the_policy_signature_age(
    consultants: Consultants,  # noqa: F811
    valid_submission: dict[str, Any],
) -> None:
    """A URL that lives longer than s3:signatureAge would be refused by S3 before it expires."""
    from pydantic import ValidationError

    from chalicelib.config import Settings
    from chalicelib.dossier.storage import PRESIGN_MAX_S

    policy = json.loads((ROOT / ".chalice" / "policy-api.json").read_text())
    presigns = [st for st in policy["Statement"] if "s3:signatureAge" in json.dumps(st)]
    ages = {int(st["Condition"]["NumericLessThanEquals"]["s3:signatureAge"]) for st in presigns}
    assert len(presigns) >= 2 and len(ages) == 1  # packs, and the client's signed documents and letters
    max_age_ms = ages.pop()
    assert max_age_ms == PRESIGN_MAX_S * 1000
    assert Settings(stage="test", presign_expiry_s=PRESIGN_MAX_S).presign_expiry_s == PRESIGN_MAX_S
    with pytest.raises(ValidationError, match="presign_expiry_s"):
        Settings(stage="test", presign_expiry_s=PRESIGN_MAX_S + 1)

    rec = Recorder("eu-west-3")
    lead_id = _built_lead(Routes(consultants), rec, valid_submission)
    resp = consultants.client.http.get(f"{API}/{lead_id}/dossier/devis.pdf", headers=consultants.bearer())
    url = json.loads(resp.body)["url"]
    assert int(parse_qs(urlsplit(url).query)["X-Amz-Expires"][0]) * 1000 <= max_age_ms
