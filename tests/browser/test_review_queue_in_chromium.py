"""The review queue of an imported seed in a real headless Chromium: an editor opens it from the page
list, filters it and follows a page. Screenshots land in test-artifacts/."""

from __future__ import annotations

import pytest

from articles.review import review_queue
from tests.browser.test_admin_in_chromium import ARTIFACTS, browser_page  # noqa: F401 (a fixture)
from tests.browser.test_editing_in_chromium import _log_in, editor_with_password  # noqa: F401
from tests.conftest import SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_works_from_the_review_queue(live_server, browser_page, editor_with_password):  # noqa: F811
    from importer.services import issues_import_batch

    assert not issues_import_batch(paths=[SEEDS[4]]).failed
    queue = review_queue()
    assert queue.total > 0
    page = browser_page
    _log_in(page, live_server, editor_with_password)
    page.goto(f"{live_server.url}/admin/articles/page/")
    page.click("a.review-queue-link")
    page.wait_for_selector("#review-totals")
    page.screenshot(path=str(ARTIFACTS / "admin-review-queue.png"), full_page=True)
    assert page.locator("#result_list tbody tr").count() == min(queue.total, 100)
    page.click("#result_list tbody tr th a")
    page.wait_for_selector("#page_form")
    assert f"/admin/articles/page/{queue.pages[0].page_id}/change/" in page.url
