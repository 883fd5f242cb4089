"""An editor merges two reporter rows that are the same person in a real headless Chromium, then reverts
the merge from the kept reporter's history. Screenshots land in test-artifacts/."""

from __future__ import annotations

import pytest

from articles.models import ArticleCredit, Photo, Reporter, ReporterAlias
from tests.browser.test_admin_in_chromium import ARTIFACTS, browser_page  # noqa: F401 (a fixture)
from tests.browser.test_editing_in_chromium import PASSWORD, _log_in, editor_with_password  # noqa: F401
from tests.factories import ArticleCreditFactory, PhotoFactory, ReporterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_merges_two_reporters_and_reverts_the_merge(live_server, browser_page, editor_with_password):  # noqa: F811
    kept, other = ReporterFactory(name="韦冰"), ReporterFactory(name="韦兵")
    ArticleCreditFactory(reporter=kept)
    moved = ArticleCreditFactory(reporter=other, role="通讯员")
    photo = PhotoFactory(photographer=other)
    page = browser_page
    _log_in(page, live_server, editor_with_password)

    page.goto(f"{live_server.url}/admin/articles/reporter/")
    page.check(f"input[name=_selected_action][value='{kept.pk}']")
    page.check(f"input[name=_selected_action][value='{other.pk}']")
    page.select_option("select[name=action]", "merge_reporters")
    page.click("button[name=index]")
    page.wait_for_selector("#merge-choice")
    page.check(f"#keep-{kept.pk}")
    page.screenshot(path=str(ARTIFACTS / "admin-reporter-merge-confirmation.png"), full_page=True)
    page.click("input[type=submit].default")
    page.wait_for_selector(".messagelist .success")
    page.screenshot(path=str(ARTIFACTS / "admin-reporter-merged.png"), full_page=True)
    assert not Reporter.objects.filter(pk=other.pk).exists()
    assert ReporterAlias.objects.get(name="韦兵").reporter_id == kept.pk
    assert ArticleCredit.objects.get(pk=moved.pk).reporter_id == kept.pk

    page.click("a.historylink")
    page.wait_for_selector("#reporter-merges")
    page.screenshot(path=str(ARTIFACTS / "admin-reporter-history-merges.png"), full_page=True)
    page.click("a.revert-merge")
    page.click("input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    page.screenshot(path=str(ARTIFACTS / "admin-reporter-merge-reverted.png"), full_page=True)
    assert Reporter.objects.get(pk=other.pk).name == "韦兵"
    assert ArticleCredit.objects.get(pk=moved.pk).reporter_id == other.pk
    assert Photo.objects.get(pk=photo.pk).photographer_id == other.pk
    assert not ReporterAlias.objects.exists()
