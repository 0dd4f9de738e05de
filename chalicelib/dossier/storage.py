"""The only code that speaks to the dossier bucket (S3).

Keys: dossiers/<lead-id>/v<N>/<file>: no personal data in keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from chalicelib.ports import WrittenPack

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

# Presigned download URLs live this long at most: policy-api.json refuses older signatures
# (s3:signatureAge, in ms), so a longer URL would fail before it expires (tests/functional/test_policies.py).
PRESIGN_MAX_S = 600
CONTENT_TYPES = {".pdf": "application/pdf", ".json": "application/json", ".zip": "application/zip"}


def pack_prefix(lead_id: str, version: int) -> str:
    return f"dossiers/{lead_id}/v{version}/"


class DossierStorage:
    def __init__(self, client: S3Client, bucket: str):
        self._s3 = client
        self._bucket = bucket

    def put_pack(self, lead_id: str, version: int, files: Mapping[str, bytes]) -> WrittenPack:
        """Write every file of one pack version; return their keys and the S3 versions written."""
        written = WrittenPack()
        prefix = pack_prefix(lead_id, version)
        for name, body in files.items():
            key = prefix + name
            suffix = name[name.rfind(".") :]
            resp = self._s3.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=body,
                ContentType=CONTENT_TYPES.get(suffix, "application/octet-stream"),
                ServerSideEncryption="AES256",
            )
            written.keys[name] = key
            version_id = resp.get("VersionId")  # absent when the bucket is not versioned
            written.versions.append({"Key": key, "VersionId": version_id} if version_id else {"Key": key})
        return written

    def delete_written(self, written: WrittenPack) -> None:
        """Delete exactly the object versions a put_pack wrote (its lead was erased meanwhile)."""
        self._delete_versions(written.versions)

    def read(self, key: str) -> bytes:
        body: bytes = self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()
        return body

    def erase_lead(self, lead_id: str) -> int:
        """Delete every version and delete marker under dossiers/<id>/ (GDPR erasure); return the count."""
        paginator = self._s3.get_paginator("list_object_versions")
        deleted = 0
        for page in paginator.paginate(Bucket=self._bucket, Prefix=f"dossiers/{lead_id}/"):
            batch: list[ObjectIdentifierTypeDef] = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
            ]
            self._delete_versions(batch)
            deleted += len(batch)
        return deleted

    def _delete_versions(self, versions: list[ObjectIdentifierTypeDef]) -> None:
        for start in range(0, len(versions), 1000):  # DeleteObjects takes 1000 keys at most
            batch = versions[start : start + 1000]
            resp = self._s3.delete_objects(Bucket=self._bucket, Delete={"Objects": batch, "Quiet": True})
            if resp.get("Errors"):
                raise RuntimeError(f"S3 refused to delete {len(resp['Errors'])} object versions")

    def presigned_url(self, key: str, *, expires_s: int, filename: str) -> str:
        return presigned_download(self._s3, self._bucket, key, expires_s=expires_s, filename=filename)


def presigned_download(s3: S3Client, bucket: str, key: str, *, expires_s: int, filename: str) -> str:
    """A GET URL for one object that the browser saves as `filename` (signed with our credentials)."""
    return s3.generate_presigned_url(
        "get_object",
        ExpiresIn=expires_s,
        Params={"Bucket": bucket, "Key": key, "ResponseContentDisposition": f'attachment; filename="{filename}"'},
    )


def dossier_storage() -> DossierStorage:
    from chalicelib import aws
    from chalicelib.config import settings

    return DossierStorage(aws.s3(), settings().bucket_name)
