"""The editors' screens as a Chinese browser (Accept-Language zh-CN) shows them: the page view (workbench),
an article's change form, the article list and the review queue, all in Simplified Chinese. Screenshots
land in test-artifacts/ for a person to look at."""

from __future__ import annotations

import pytest

from articles.models import Article
from tests.browser.test_admin_in_chromium import ARTIFACTS, chinese_browser_page  # noqa: F401 (a fixture)
from tests.browser.test_editing_in_chromium import PASSWORD, editor_with_password  # noqa: F401 (a fixture)
from tests.conftest import SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_editors_screens_are_chinese_in_a_chinese_browser(
    live_server,
    chinese_browser_page,  # noqa: F811
    editor_with_password,  # noqa: F811
):
    from importer.services import issues_import_batch

    assert not issues_import_batch(paths=[SEEDS[4]]).failed
    article = Article.objects.select_related("page").exclude(headline="").order_by("page__index", "order").first()
    page = chinese_browser_page
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    assert page.locator("input[type=submit]").get_attribute("value") == "登录"
    page.fill("#id_username", editor_with_password.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    assert page.locator("#site-name").inner_text() == "报纸数字档案"
    page.screenshot(path=str(ARTIFACTS / "zh-admin-index.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/articles/page/{article.page.pk}/workbench/")
    page.wait_for_selector("#raw")
    assert page.locator("#create-button").inner_text() == "用所选文字新建稿件"
    assert page.locator(".wb-legend").inner_text().startswith("图例：")
    assert "与下一篇合并" in page.locator(".wb-card").first.inner_text()
    assert "从此处拆分" in page.locator("button.split-here").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "zh-workbench.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / "zh-workbench-top.png"))

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.wait_for_selector("#article_form")
    assert page.locator("label[for=id_headline]").inner_text().startswith("标题")
    assert page.locator("label[for=id_kicker]").inner_text().startswith("引题")
    assert page.locator("input[name=_save]").get_attribute("value") == "保存"
    page.screenshot(path=str(ARTIFACTS / "zh-article-change.png"), full_page=True)
    page.fill("#id_headline", article.headline + "（改）")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert "成功" in page.locator(".messagelist").inner_text()

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/history/")
    page.wait_for_selector("#content")
    assert "历史" in page.locator("h1").inner_text()
    history = page.locator("#change-history").inner_text()
    assert "导入时的状态" in history and "改动" in history and "imported state" not in history
    page.screenshot(path=str(ARTIFACTS / "zh-article-history.png"), full_page=True)

    reporter = article.page.articles.filter(credits__isnull=False).first().credits.first().reporter
    page.goto(f"{live_server.url}/admin/articles/reporter/{reporter.pk}/change/")
    page.wait_for_selector("#reporter_form")
    assert page.locator("label[for=id_name]").inner_text().startswith("姓名")
    page.screenshot(path=str(ARTIFACTS / "zh-reporter-change.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/articles/article/")
    page.wait_for_selector("#result_list")
    assert "发布所选稿件" in page.locator("select[name=action]").inner_text()
    page.screenshot(path=str(ARTIFACTS / "zh-article-list.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/articles/page/review/?all=1")
    page.wait_for_selector("#content")
    assert "待审队列" in page.locator("h1").inner_text()
    page.screenshot(path=str(ARTIFACTS / "zh-review-queue.png"), full_page=True)
