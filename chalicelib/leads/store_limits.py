"""Per-IP submission counter in the leads table (the door's rate limit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class RateLimited(Exception):
    def __init__(self, retry_after_s: int):
        super().__init__(f"retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


class SubmissionRateLimiter:
    """Per-IP limit on submissions: one counter item per hashed IP and clock hour, expiring with it.

    The conditional ADD is atomic, so concurrent posts cannot slip past the limit.
    """

    def __init__(self, client: DynamoDBClient, table_name: str, limit_per_hour: int, scope: str = ""):
        self._ddb = client
        self._table = table_name
        self._limit = limit_per_hour
        self._scope = scope  # "" for the form; "CLIENT#" for the client pages: separate counters

    def hit(self, ip_hash: str, *, now_s: int) -> None:
        """Count one submission; raise RateLimited once the hour's limit is reached (0 = off)."""
        if self._limit <= 0:
            return
        window = now_s // 3600
        try:
            self._ddb.update_item(
                TableName=self._table,
                Key={"pk": {"S": f"RATE#{self._scope}{ip_hash}#{window}"}, "sk": {"S": "RATE"}},
                UpdateExpression="ADD hits :one SET expires_at = if_not_exists(expires_at, :exp)",
                ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":limit": {"N": str(self._limit)},
                    ":exp": {"N": str((window + 2) * 3600)},
                },
            )
        except self._ddb.exceptions.ConditionalCheckFailedException:
            raise RateLimited((window + 1) * 3600 - now_s) from None


def rate_limiter() -> SubmissionRateLimiter:
    from chalicelib import aws
    from chalicelib.config import settings

    return SubmissionRateLimiter(aws.dynamodb(), settings().table_name, settings().rate_limit_per_hour)


def client_rate_limiter() -> SubmissionRateLimiter:
    """Requests on the client pages (personal links) per IP and hour: guessing tokens gets nowhere."""
    from chalicelib import aws
    from chalicelib.config import settings

    return SubmissionRateLimiter(
        aws.dynamodb(), settings().table_name, settings().client_rate_limit_per_hour, scope="CLIENT#"
    )
