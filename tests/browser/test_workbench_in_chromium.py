"""The page view (workbench) in a real headless Chromium, as an editor: open an imported seed page, split an
article with a new headline, merge it back, move a paragraph, undo. Screenshots land in test-artifacts/."""

from __future__ import annotations

import pytest

from articles.models import Article
from articles.spans import body_paragraphs
from tests.browser.test_admin_in_chromium import ARTIFACTS, browser_page  # noqa: F401 (a fixture)
from tests.browser.test_editing_in_chromium import _log_in, editor_with_password  # noqa: F401 (a fixture)
from tests.conftest import SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_split_merge_and_move_a_paragraph_in_the_page_view(live_server, browser_page, editor_with_password):  # noqa: F811
    from importer.services import issues_import_batch

    assert not issues_import_batch(paths=[SEEDS[4]]).failed
    article = next(
        a
        for a in Article.objects.select_related("page").order_by("page__index", "order")
        if len(body_paragraphs(a.body)) >= 3 and a.page.articles.filter(order__gt=a.order).exists()
    )
    body, page_row = article.body, article.page
    page = browser_page
    _log_in(page, live_server, editor_with_password)
    page.goto(f"{live_server.url}/admin/articles/page/{page_row.pk}/workbench/")
    page.wait_for_selector("#raw")
    page.screenshot(path=str(ARTIFACTS / "workbench-page.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / "workbench-page-top.png"))

    # select the article by clicking its text, then: type the headline, press "split here" (3 actions)
    page.click(f'#raw .seg[data-article="{article.pk}"] >> nth=0')
    card = page.locator(f"#article-{article.pk}")
    assert "selected" in (card.get_attribute("class") or "")
    card.locator("input[name=headline]").fill("浏览器里拆出的新闻")
    card.locator("button.split-here").nth(1).click()  # at the third paragraph
    page.wait_for_selector(".messagelist")
    created = Article.objects.get(page=page_row, headline="浏览器里拆出的新闻")
    assert body_paragraphs(created.body) == body_paragraphs(body)[2:]
    assert page.locator(f'#raw .seg[data-article="{created.pk}"]').count() > 0
    page.screenshot(path=str(ARTIFACTS / "workbench-after-split.png"))

    # merge it back: one click
    page.locator(f"#article-{article.pk} button.merge").click()
    page.wait_for_selector(".messagelist")
    article.refresh_from_db()
    assert article.body == body and not Article.objects.filter(pk=created.pk).exists()

    # move its last paragraph to the next article: tick it, pick the target, press "move"
    following = Article.objects.filter(page=page_row, order__gt=article.order).order_by("order").first()
    last = len(body_paragraphs(body)) - 1
    card = page.locator(f"#article-{article.pk}")
    card.locator(f"#p-{article.pk}-{last}").check()
    card.locator("select.target").select_option(str(following.pk))
    card.locator("button.move").click()
    page.wait_for_selector(".messagelist")
    following.refresh_from_db()
    assert body_paragraphs(following.body)[0] == body_paragraphs(body)[-1]
    page.screenshot(path=str(ARTIFACTS / "workbench-after-move.png"), full_page=True)

    page.locator("button.revert").first.click()  # undo the move
    page.wait_for_selector(".messagelist")
    article.refresh_from_db()
    assert article.body == body


def test_create_an_article_from_unassigned_text_and_move_a_photo(live_server, browser_page, editor_with_password):  # noqa: F811
    from articles.models import Page, Photo
    from tests.factories import ArticleFactory, PageFactory, PhotoFactory

    raw = "要闻\n本报标题\n　　第一篇的正文。\n没人认领的一段话。\n"
    page_row = PageFactory(
        raw_text=raw,
        unassigned=["没人认领的一段话。"],
        segments=[
            ["furniture", 0, 2, None, None, None],
            ["headline", 3, 7, 0, None, None],
            ["body", 8, 17, 0, None, None],
            ["unassigned", 18, 27, None, None, None],
        ],
    )
    article = ArticleFactory(
        page=page_row,
        order=0,
        headline="本报标题",
        body="第一篇的正文。",
        source_spans=[["headline", 3, 7], ["body", 8, 17]],
    )
    photo = PhotoFactory(page=page_row, caption="一张图")
    page = browser_page
    _log_in(page, live_server, editor_with_password)
    page.goto(f"{live_server.url}/admin/articles/page/{page_row.pk}/workbench/")
    page.click('#raw .seg[data-kind="unassigned"]')  # click the yellow text, name it, create: 3 actions
    page.fill("#create-form input[name=headline]", "捡回来的短讯")
    page.click("#create-button")
    page.wait_for_selector(".messagelist")
    created = Article.objects.get(page=page_row, headline="捡回来的短讯")
    assert created.body == "没人认领的一段话。" and created.order == 1
    assert Page.objects.get(pk=page_row.pk).unassigned == []

    form = page.locator(f'form.wb-photo:has(input[name=photo][value="{photo.pk}"])')
    form.locator("select[name=target]").select_option(str(article.pk))
    form.locator("button.photo-move").click()
    page.wait_for_selector(".messagelist")
    assert Photo.objects.get(pk=photo.pk).article_id == article.pk
    page.screenshot(path=str(ARTIFACTS / "workbench-created-and-photo-moved.png"), full_page=True)

    # select a range of the raw text with the mouse (here: the selection the mouse would make) and create
    page.evaluate(
        """() => {
          const span = Array.from(document.querySelectorAll('#raw .seg')).find(e => e.textContent.includes('第一篇'));
          const range = document.createRange();
          range.setStart(span.firstChild, 2);
          range.setEnd(span.firstChild, span.textContent.length);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          document.getElementById('raw').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }"""
    )
    assert page.input_value("#sel-start") == str(raw.index("第一篇"))
    page.click("#create-button")
    page.wait_for_selector(".messagelist")
    assert Article.objects.filter(page=page_row, body="第一篇的正文。").exclude(pk=article.pk).exists()
    assert Article.objects.get(pk=article.pk).body == ""


def test_a_4000_character_page_reads_without_a_scroll_box_of_its_own(live_server, browser_page, editor_with_password):  # noqa: F811
    from tests.factories import ArticleFactory, PageFactory

    lines = [
        f"　　第{n}段，这是一段用来测量页面长度的正文文字，一共有四十八段，每段大约一百个字符左右。" * 2
        for n in range(48)
    ]
    raw = "\n".join(lines) + "\n"
    assert len(raw) >= 4000
    page_row = PageFactory(raw_text=raw)
    spans, offset = [], 0
    for line in lines:
        spans.append(["body", offset, offset + len(line)])
        offset += len(line) + 1
    ArticleFactory(
        page=page_row, order=0, body="\n\n".join(line.strip() for line in lines[:24]), source_spans=spans[:24]
    )
    ArticleFactory(
        page=page_row, order=1, body="\n\n".join(line.strip() for line in lines[24:]), source_spans=spans[24:]
    )
    page = browser_page
    _log_in(page, live_server, editor_with_password)
    page.goto(f"{live_server.url}/admin/articles/page/{page_row.pk}/workbench/")
    page.wait_for_selector("#raw")
    scrolls = page.evaluate(
        "Array.from(document.querySelectorAll('#content-main *')).filter(e => "
        "['auto', 'scroll'].includes(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight + 1).length"
    )
    assert scrolls == 0  # one page scroll, no inner scroll boxes
    assert page.locator("#raw").inner_text().count("第47段") == 2
    page.screenshot(path=str(ARTIFACTS / "workbench-4000-characters.png"), full_page=True)
