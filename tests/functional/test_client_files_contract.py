"""One contract, two client buckets: InMemoryClientFiles (tests/fakes_client.py) and ClientFiles on
moto's Object Lock bucket keep signed copies and uploaded letters the same way."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from botocore.exceptions import ClientError

from tests.fakes_client import InMemoryClientFiles
from tests.functional.conftest import in_memory_or_real

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
LEAD, OTHER = "01jclientfilescontract0000a", "01jclientfilescontract0000b"
SIGNED = f"signed/{LEAD}/v1/devis-client.pdf"


def _s3():
    from chalicelib.dossier.client_files import client_files

    return client_files()


@pytest.fixture(params=["in-memory", "s3"])
def files(request):
    return in_memory_or_real(request, InMemoryClientFiles, _s3)


def _upload(files, key: str, body: bytes, content_type: str = "application/pdf") -> None:
    """What the browser's POST does with the presigned form (its policy fixes the Content-Type)."""
    if isinstance(files, InMemoryClientFiles):
        files.upload(key, body, content_type=content_type)
        return
    from chalicelib import aws
    from chalicelib.config import settings

    aws.s3().put_object(Bucket=settings().client_bucket_name, Key=key, Body=body, ContentType=content_type)


def test_a_signed_copy_is_written_once(files):
    files.put_signed(SIGNED, b"%PDF-signed", now=NOW)
    with pytest.raises(ClientError):
        files.put_signed(SIGNED, b"%PDF-another", now=NOW)
    assert files.read(SIGNED) == b"%PDF-signed"
    assert int(files.head(SIGNED)["ContentLength"]) == len(b"%PDF-signed")


def test_an_upload_is_read_in_part_and_deleted(files):
    key = f"uploads/{LEAD}/0123456789abcdef01234567"
    assert files.head(key) is None
    _upload(files, key, b"%PDF-1.7 the OPCO's letter", "image/png")  # the type the client chose, not the content's
    assert files.read(key, first_bytes=5) == b"%PDF-"
    head = files.head(key)
    assert (int(head["ContentLength"]), head["ContentType"]) == (len(b"%PDF-1.7 the OPCO's letter"), "image/png")
    assert files.delete_upload(key) == 1
    assert files.head(key) is None and files.delete_upload(key) == 0
    with pytest.raises(ClientError):
        files.read(key)


def test_erasing_a_lead_s_uploads_keeps_its_signed_copies_and_other_leads_uploads(files):
    files.put_signed(SIGNED, b"%PDF-signed", now=NOW)
    _upload(files, f"uploads/{LEAD}/one", b"%PDF-1")
    _upload(files, f"uploads/{LEAD}/two", b"%PDF-2")
    _upload(files, f"uploads/{OTHER}/one", b"%PDF-3")
    assert files.erase_uploads(LEAD) == 2
    assert files.erase_uploads(LEAD) == 0
    assert files.read(SIGNED) == b"%PDF-signed" and files.read(f"uploads/{OTHER}/one") == b"%PDF-3"


def test_the_upload_form_fixes_the_key_the_type_and_the_way_back(files):
    form = files.upload_form(
        f"uploads/{LEAD}/abc", content_type="application/pdf", expires_s=600, redirect="https://x.fr/recue"
    )
    fields = form["fields"]
    assert (fields["key"], fields["Content-Type"], fields["success_action_redirect"]) == (
        f"uploads/{LEAD}/abc",
        "application/pdf",
        "https://x.fr/recue",
    )
    assert fields["x-amz-server-side-encryption"] == "AES256" and form["url"].startswith("https://")


def test_a_download_link_names_the_object_its_lifetime_and_the_saved_name(files):
    url = unquote(files.presigned_url(SIGNED, expires_s=300, filename="a1b2c3d4-v1-devis-signe.pdf"))
    assert f"/{SIGNED}?" in url and "X-Amz-Expires=300" in url
    assert 'attachment; filename="a1b2c3d4-v1-devis-signe.pdf"' in url
