"""One contract, two dossier storages: the in-memory fake (tests/fakes_storage.py) and DossierStorage on
moto's versioned bucket answer every case the same way, so unit tests on the fake hold for S3."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from botocore.exceptions import ClientError

from tests.fakes_storage import InMemoryPackStorage

LEAD, OTHER = "01jstoragecontract00000000a", "01jstoragecontract00000000b"
FILES = {"devis.pdf": b"%PDF-devis", "prefill.json": b"{}"}


@pytest.fixture(params=["in-memory", "s3"])
def storage(request):
    if request.param == "in-memory":
        return InMemoryPackStorage()
    request.getfixturevalue("aws_env")
    from chalicelib.dossier.storage import dossier_storage

    return dossier_storage()


def test_a_pack_is_written_under_its_lead_and_version_and_read_back(storage):
    written = storage.put_pack(LEAD, 1, FILES)
    assert written.keys == {name: f"dossiers/{LEAD}/v1/{name}" for name in FILES}
    assert len(written.versions) == len(FILES)
    assert {name: storage.read(key) for name, key in written.keys.items()} == FILES
    with pytest.raises(ClientError):
        storage.read(f"dossiers/{LEAD}/v2/devis.pdf")


def test_taking_back_a_write_deletes_exactly_what_it_wrote(storage):
    first = storage.put_pack(LEAD, 1, FILES)
    again = storage.put_pack(LEAD, 1, {"devis.pdf": b"%PDF-second"})  # the same key written twice
    storage.delete_written(again)
    assert storage.read(first.keys["devis.pdf"]) == b"%PDF-devis"  # the earlier object version is back
    storage.delete_written(first)
    for key in first.keys.values():
        with pytest.raises(ClientError):
            storage.read(key)


def test_erasing_a_lead_deletes_all_its_versions_and_nothing_of_another_lead(storage):
    storage.put_pack(LEAD, 1, FILES)
    storage.put_pack(LEAD, 2, FILES)
    kept = storage.put_pack(OTHER, 1, FILES)
    assert storage.erase_lead(LEAD) == 2 * len(FILES)
    assert storage.erase_lead(LEAD) == 0
    with pytest.raises(ClientError):
        storage.read(f"dossiers/{LEAD}/v2/devis.pdf")
    assert storage.read(kept.keys["devis.pdf"]) == FILES["devis.pdf"]


def test_a_download_link_names_the_object_its_lifetime_and_the_saved_name(storage):
    key = storage.put_pack(LEAD, 1, FILES).keys["devis.pdf"]
    url = unquote(storage.presigned_url(key, expires_s=600, filename="a1b2c3d4-v1-devis.pdf"))
    assert f"/{key}?" in url and "X-Amz-Expires=600" in url
    assert 'attachment; filename="a1b2c3d4-v1-devis.pdf"' in url
