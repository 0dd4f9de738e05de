"""Unit-tier fixtures."""

from __future__ import annotations

import pytest

BASE_URL = "https://formation.example"


@pytest.fixture
def local_settings(monkeypatch):
    """The settings services on fakes read through their messages and documents: the local stage
    (the organisme's profile), the site's address (links in e-mails), the registry switched off."""
    from chalicelib import config

    monkeypatch.setenv("STAGE", "local")
    monkeypatch.setenv("PUBLIC_BASE_URL", BASE_URL)
    monkeypatch.delenv("REGISTRY_ENABLED", raising=False)
    config.reset()
    yield
    config.reset()
