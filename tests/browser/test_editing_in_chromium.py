"""Editors' corrections in a real headless Chromium: a textarea's text arrives with CRLF (HTML's form
encoding) and must be stored with LF; two editors saving the same photo; reverting a caption from history.

Screenshots land in test-artifacts/ like the other browser test's.
"""

from __future__ import annotations

import pytest

from articles.models import Article, Photo
from tests.browser.test_admin_in_chromium import ARTIFACTS, browser_page  # noqa: F401 (a fixture)
from tests.factories import ArticleFactory, PhotoFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-browser-test-password"


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


@pytest.fixture
def editor_with_password(editor):
    editor.set_password(PASSWORD)
    editor.save()
    return editor


def test_a_body_typed_in_chromium_is_stored_with_lf(live_server, browser_page, editor_with_password):  # noqa: F811
    article = ArticleFactory(body="第一段。\n\n第二段。")
    page = browser_page
    _log_in(page, live_server, editor_with_password)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.fill("#id_body", "改过的第一段，\n有两行。\n\n第二段。\n\n新加的第三段。")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    stored = Article.objects.get(pk=article.pk)
    assert "\r" not in stored.body
    assert stored.body == "改过的第一段，\n有两行。\n\n第二段。\n\n新加的第三段。"
    assert "\r" not in stored.history.latest().body

    response = page.request.get(f"{live_server.url}/api/articles/{article.pk}/")
    assert response.ok
    assert response.json()["paragraphs"] == ["改过的第一段，\n有两行。", "第二段。", "新加的第三段。"]

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/history/")
    page.wait_for_selector("#change-history")
    assert page.locator(".paragraph-diff ins").all_inner_texts() == ["改过的第一段，\n有两行。", "新加的第三段。"]
    assert page.locator(".paragraph-diff del").all_inner_texts() == ["第一段。"]
    page.screenshot(path=str(ARTIFACTS / "admin-history-paragraph-diff.png"), full_page=True)


def test_two_editors_save_the_same_photo(live_server, browser_page, editor_with_password):  # noqa: F811
    photo = PhotoFactory(caption="原图说")
    first = browser_page
    _log_in(first, live_server, editor_with_password)
    second = first.context.new_page()  # the same editor in a second tab: the same stale form
    url = f"{live_server.url}/admin/articles/photo/{photo.pk}/change/"
    first.goto(url)
    second.goto(url)
    first.fill("#id_caption", "第一位编辑的图说\n第二行")
    first.click("input[name=_save]")
    first.wait_for_selector(".messagelist")
    second.fill("#id_caption", "第二位编辑的图说")
    second.click("input[name=_save]")
    second.wait_for_selector(".errornote")
    assert "Someone else saved this" in second.content()
    second.screenshot(path=str(ARTIFACTS / "admin-photo-stale-save.png"), full_page=True)
    stored = Photo.objects.get(pk=photo.pk)
    assert (stored.caption, stored.version) == ("第一位编辑的图说\n第二行", 2)

    imported = stored.history.order_by("history_id").first()
    first.goto(f"{live_server.url}/admin/articles/photo/{photo.pk}/history/{imported.history_id}/")
    first.click("input[name=_save]")
    first.wait_for_selector(".messagelist")
    stored = Photo.objects.get(pk=photo.pk)
    assert (stored.caption, stored.version) == ("原图说", 3)


def test_an_unknown_issue_is_given_its_paper_and_date(live_server, browser_page, editor_with_password):  # noqa: F811
    from articles.models import Issue, Page
    from tests.factories import IssueFactory, PageFactory

    issue = IssueFactory(paper="", publication_date=None)
    page_row = PageFactory(issue=issue, section="导入的版名")
    page = browser_page
    _log_in(page, live_server, editor_with_password)
    page.goto(f"{live_server.url}/admin/articles/issue/{issue.pk}/change/")
    page.fill("#id_paper", "焦作日报")
    page.fill("#id_publication_date", "2023-03-07")
    page.fill("#id_pages-0-section", "编辑改的版名")
    page.screenshot(path=str(ARTIFACTS / "admin-issue-change.png"), full_page=True)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    stored = Issue.objects.get(pk=issue.pk)
    assert (stored.paper, str(stored.publication_date), stored.version) == ("焦作日报", "2023-03-07", 2)
    corrected = Page.objects.get(pk=page_row.pk)
    assert corrected.section == "编辑改的版名" and corrected.edited_at is not None and corrected.version == 2
