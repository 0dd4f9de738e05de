from tests.fake_registry import fake_registry  # noqa: F401 (pytest fixture)
