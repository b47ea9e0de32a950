"""The browser layer skips with a reason when Chromium is missing, and fails instead when REQUIRE_BROWSER=1."""
import pytest

from tests.browser import conftest as browser


def test_missing_chromium_skips_with_the_reason(monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="browser tests need /nonexistent/chromium"):
        browser._require_browser()


def test_missing_chromium_fails_when_required(monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_BROWSER=1"):
        browser._require_browser()
