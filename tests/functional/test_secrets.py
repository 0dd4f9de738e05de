"""The form key comes from Secrets Manager at run time, cached: the environment holds its id only."""

from __future__ import annotations

import json
import os
import time
from typing import Any


def test_the_form_key_is_read_from_secrets_manager_once_and_kept(client: Any) -> None:
    from chalicelib import aws
    from chalicelib.intake.antispam import TokenPolicy, check_token

    sm = aws.client("secretsmanager")
    reads: list[str] = []
    sm.meta.events.register("before-call.secrets-manager.GetSecretValue", lambda **kw: reads.append("read"))
    tokens = [json.loads(client.http.get("/form-token").body)["form_token"] for _ in range(3)]
    assert reads == ["read"]  # one read, then Powertools' cache (SECRET_MAX_AGE_S)

    value = sm.get_secret_value(SecretId=os.environ["FORM_TOKEN_SECRET"])["SecretString"]
    assert value not in os.environ.values()
    policy = TokenPolicy(secret=value, min_fill_s=0, max_age_s=60)
    assert {check_token(t, policy, time.time()) for t in tokens} == {"valid"}
    wrong = TokenPolicy(secret="local-form-token-secret-not-for-production", min_fill_s=0, max_age_s=60)
    assert check_token(tokens[0], wrong, time.time()) != "valid"
