"""An editor's session in a real headless Chromium (Debian's, driven by Playwright): log in, find an
imported article, correct its headline, see the change in history and on the public API.

Screenshots land in test-artifacts/ for a person to look at. Without a Chromium the test is skipped,
unless NEWSROOM_REQUIRE_BROWSER is set (CI sets it), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.db import close_old_connections

from articles.models import Article
from tests.conftest import SEEDS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    """A page of a browser asking for English (Accept-Language en-US): these tests click English labels."""
    yield from _browser_page(locale="en-US")


@pytest.fixture
def chinese_browser_page():
    """A page of a browser asking for Chinese, as the editors' browsers do."""
    yield from _browser_page(locale="zh-CN")


def _browser_page(*, locale: str):
    if not CHROMIUM:
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (NEWSROOM_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("no chromium installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
        page = context.new_page()
        page.set_default_timeout(20_000)
        # Playwright's greenlets switch the context Django's connections live in; there, a connection a
        # previous browser test used was ended by its clean-up below: drop it, as Django does per request
        close_old_connections()
        yield page
        context.close()
        browser.close()
    _close_server_thread_connections()


def _close_server_thread_connections() -> None:
    """The live server's request threads may still hold a PostgreSQL session when the test ends, which
    would keep the test database from being dropped; end those sessions (never our own)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def test_editor_corrects_a_headline(live_server, browser_page, editor):
    from importer.services import issues_import_batch

    assert not issues_import_batch(paths=[SEEDS[4]]).failed
    editor.set_password("a-long-browser-test-password")
    editor.save()
    article = Article.objects.order_by("page__index", "order").first()
    page = browser_page

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "a-long-browser-test-password")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    page.screenshot(path=str(ARTIFACTS / "admin-index.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/articles/article/")
    page.wait_for_selector("#result_list")
    page.screenshot(path=str(ARTIFACTS / "admin-article-list.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.fill("#id_headline", "浏览器里改正的标题")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert "浏览器里改正的标题" in page.content()
    page.screenshot(path=str(ARTIFACTS / "admin-after-save.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/history/")
    page.wait_for_selector("#change-history")
    assert editor.username in page.content()
    page.screenshot(path=str(ARTIFACTS / "admin-history.png"), full_page=True)

    article.refresh_from_db()
    assert article.headline == "浏览器里改正的标题" and article.edited_by_id == editor.pk

    response = page.request.get(f"{live_server.url}/api/articles/?q=浏览器里改正")
    assert response.ok
    assert [row["id"] for row in response.json()["results"]] == [article.pk]
