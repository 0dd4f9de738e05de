from __future__ import annotations

import pytest

from tests.fake_registry import fake_registry  # noqa: F401 (pytest fixture)


@pytest.fixture
def registry_on(aws_env, fake_registry, monkeypatch: pytest.MonkeyPatch):  # noqa: F811 (the fixture imported above)
    """The worker's registry lookup switched on and pointed at the local fake."""
    from chalicelib import config

    monkeypatch.setenv("REGISTRY_ENABLED", "true")
    monkeypatch.setenv("REGISTRY_URL", fake_registry.url)
    monkeypatch.setenv("REGISTRY_TIMEOUT_S", "0.3")
    config.reset()
    yield fake_registry
    config.reset()
