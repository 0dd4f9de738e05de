"""The SES adapters: one message to one address, skipped (not failed) when an address is unset."""

import boto3
import pytest
from botocore.stub import Stubber

from chalicelib.mailer import ClientMailer, Notifier


@pytest.fixture
def ses():
    client = boto3.client("ses", region_name="eu-west-3", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def _expected(to: str) -> dict:
    return {
        "Source": "dossiers@formation.example",
        "Destination": {"ToAddresses": [to]},
        "Message": {
            "Subject": {"Data": "Objet", "Charset": "UTF-8"},
            "Body": {"Text": {"Data": "Texte", "Charset": "UTF-8"}},
        },
    }


def test_the_consultants_notice_goes_to_their_address_only(ses):
    client, stub = ses
    stub.add_response("send_email", {"MessageId": "m-1"}, _expected("equipe@formation.example"))
    notifier = Notifier(client, "dossiers@formation.example", "equipe@formation.example")
    assert notifier.send("Objet", "Texte") == "m-1"


def test_a_client_message_goes_to_the_given_address(ses):
    client, stub = ses
    stub.add_response("send_email", {"MessageId": "m-2"}, _expected("client@atelier.example"))
    assert ClientMailer(client, "dossiers@formation.example").send("client@atelier.example", "Objet", "Texte") == "m-2"


@pytest.mark.parametrize(
    ("sender", "recipient"), [("", "equipe@formation.example"), ("dossiers@formation.example", "")]
)
def test_nothing_is_sent_without_a_sender_or_the_consultants_address(ses, sender, recipient):
    client, _ = ses  # no response queued: a send_email call would raise
    assert Notifier(client, sender, recipient).send("Objet", "Texte") is None


def test_no_client_message_is_sent_without_a_sender(ses):
    client, _ = ses
    assert ClientMailer(client, "").send("client@atelier.example", "Objet", "Texte") is None
