"""The only code that speaks to the client bucket (S3, Object Lock enabled): signed documents,
written once and locked, and the OPCO decisions the clients upload.

Keys: signed/<lead-id>/v<N>/<document>-<party>.pdf and uploads/<lead-id>/<random>: no personal data.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.dossier.storage import presigned_download

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def signed_key(lead_id: str, version: int, document: str, party: str) -> str:
    return f"signed/{lead_id}/v{version}/{document.removesuffix('.pdf')}-{party}.pdf"


class ClientFiles:
    def __init__(self, client: S3Client, bucket: str, retention_days: int):
        self._s3 = client
        self._bucket = bucket
        self._retention = timedelta(days=retention_days)

    def put_signed(self, key: str, body: bytes, *, now: datetime) -> None:
        """Write-once: refuse to replace an existing object, then lock it (COMPLIANCE: no one, not
        even the account's root, can delete or overwrite it before the retention date)."""
        self._s3.put_object(
            Bucket=self._bucket,
            Key=key,
            Body=body,
            ContentType="application/pdf",
            ServerSideEncryption="AES256",
            IfNoneMatch="*",
            ObjectLockMode="COMPLIANCE",
            ObjectLockRetainUntilDate=now + self._retention,
            ChecksumAlgorithm="SHA256",
        )

    def upload_form(self, key: str, *, content_type: str, expires_s: int, redirect: str) -> dict[str, Any]:
        """A presigned POST whose policy fixes the key, the type and the size (10 MB at most)."""
        return dict(
            self._s3.generate_presigned_post(
                Bucket=self._bucket,
                Key=key,
                Fields={
                    "Content-Type": content_type,
                    "success_action_redirect": redirect,
                    "x-amz-server-side-encryption": "AES256",
                },
                Conditions=[
                    {"Content-Type": content_type},
                    {"success_action_redirect": redirect},
                    {"x-amz-server-side-encryption": "AES256"},
                    ["content-length-range", 1, MAX_UPLOAD_BYTES],
                ],
                ExpiresIn=expires_s,
            )
        )

    def head(self, key: str) -> dict[str, Any] | None:
        try:
            return dict(self._s3.head_object(Bucket=self._bucket, Key=key))
        except self._s3.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def read(self, key: str, *, first_bytes: int | None = None) -> bytes:
        kwargs: dict[str, Any] = {"Bucket": self._bucket, "Key": key}
        if first_bytes:
            kwargs["Range"] = f"bytes=0-{first_bytes - 1}"
        return bytes(self._s3.get_object(**kwargs)["Body"].read())

    def delete_upload(self, key: str) -> int:
        """Remove an upload, every version of it (uploads carry no retention); return the count."""
        return self._delete_versions(key, exact=True)

    def erase_uploads(self, lead_id: str) -> int:
        """GDPR erasure: the OPCO letters a client sent. Signed documents stay (locked: docs/client.md)."""
        return self._delete_versions(f"uploads/{lead_id}/", exact=False)

    def _delete_versions(self, prefix: str, *, exact: bool) -> int:
        deleted = 0
        for page in self._s3.get_paginator("list_object_versions").paginate(Bucket=self._bucket, Prefix=prefix):
            for v in page.get("Versions", []) + page.get("DeleteMarkers", []):
                if not exact or v["Key"] == prefix:
                    self._s3.delete_object(Bucket=self._bucket, Key=v["Key"], VersionId=v["VersionId"])
                    deleted += 1
        return deleted

    def presigned_url(self, key: str, *, expires_s: int, filename: str) -> str:
        return presigned_download(self._s3, self._bucket, key, expires_s=expires_s, filename=filename)


def client_files() -> ClientFiles:
    from chalicelib import aws
    from chalicelib.config import settings

    s = settings()
    return ClientFiles(aws.s3(), s.client_bucket_name, s.signed_retention_days)
