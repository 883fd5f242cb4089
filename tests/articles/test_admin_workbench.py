"""The page view (workbench) through the admin as a server runs it: each request in its own autocommit
session (``transaction=True``), on an imported seed page; editors only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.models import Article, ChangeSet, ChangeSetKind, Page
from articles.spans import body_paragraphs
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _page_with_a_long_article() -> tuple[Page, Article]:
    article = next(
        a for a in Article.objects.select_related("page").order_by("pk") if len(body_paragraphs(a.body)) >= 3
    )
    return article.page, article


@pytest.fixture
def editor_browser(client, editor):
    client.force_login(editor)
    return client


def test_the_page_view_shows_every_segment_by_kind_and_owner(editor_browser, imported_seeds):
    page, article = _page_with_a_long_article()
    response = editor_browser.get(reverse("admin:articles_page_workbench", args=[page.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-article="{article.pk}"' in html and 'class="seg k-headline"' in html
    assert f'id="article-{article.pk}"' in html
    shown = "".join(chunk["text"] for chunk in response.context["chunks"])
    assert shown == page.raw_text  # every character once, in order
    change_page = editor_browser.get(reverse("admin:articles_page_change", args=[page.pk]))
    assert reverse("admin:articles_page_workbench", args=[page.pk]) in change_page.content.decode()


def test_staff_without_the_editors_group_get_403(client, imported_seeds):
    client.force_login(UserFactory(username="staff-not-editor", is_staff=True))
    page = Page.objects.first()
    assert client.get(reverse("admin:articles_page_workbench", args=[page.pk])).status_code == 403


def test_split_merge_and_undo_through_the_page_view(editor_browser, imported_seeds):
    page, article = _page_with_a_long_article()
    url = reverse("admin:articles_page_workbench", args=[page.pk])
    body = article.body
    response = editor_browser.post(
        url, {"op": "split:1", "article": article.pk, "version": article.version, "headline": "编辑拆出的标题"}
    )
    assert response.status_code == 302
    created = Article.objects.get(page=page, headline="编辑拆出的标题")
    assert created.order == article.order + 1
    article.refresh_from_db()
    response = editor_browser.post(url, {"op": "merge", "article": article.pk, "version": article.version})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == body and not Article.objects.filter(pk=created.pk).exists()
    merge = ChangeSet.objects.filter(kind=ChangeSetKind.MERGE).latest("pk")
    response = editor_browser.post(url, {"op": "revert", "change_set": merge.pk})
    assert response.status_code == 302
    assert Article.objects.filter(pk=created.pk, headline="编辑拆出的标题").exists()
    stale = editor_browser.post(
        url, {"op": "merge", "article": article.pk, "version": article.version - 1}, follow=True
    )
    assert "changed by someone else" in stale.content.decode()


def test_after_a_forced_reimport_the_page_view_colours_by_the_editors_articles(editor_browser, editor):
    from articles import editing
    from tests.conftest import SEEDS
    from tests.importer.test_reimport import run

    run(str(SEEDS[4]))
    page, article = _page_with_a_long_article()
    created = editing.article_split(article=article, paragraph=1, headline="编辑拆出的标题", user=editor).article
    run(str(SEEDS[4]), "--force")
    response = editor_browser.get(reverse("admin:articles_page_workbench", args=[page.pk]))
    owned = "".join("".join(c["text"].split()) for c in response.context["chunks"] if c.get("article") == created.pk)
    assert "".join(body_paragraphs(created.body)[0].split()) in owned


def test_an_articles_history_names_the_change_set_it_is_part_of(editor_browser, editor):
    from articles import editing
    from tests.factories import ArticleFactory

    article = ArticleFactory(body="第一段。\n\n第二段。")
    editing.article_split(article=article, paragraph=1, headline="拆出来的", user=editor)
    response = editor_browser.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "Part of the workbench change" in response.content.decode()


def test_a_headline_picked_from_the_articles_own_lines_takes_that_line(editor_browser):
    from tests.articles.test_workbench_services import RAW, _span
    from tests.factories import ArticleFactory, PageFactory

    page = PageFactory(raw_text=RAW)
    article = ArticleFactory(
        page=page,
        order=0,
        body="第二段说完了。\n\n新故事的标题\n\n第三段另起一篇。",
        source_spans=[_span("body", "　　第二段说完了。\n新故事的标题\n　　第三段另起一篇。")],
    )
    url = reverse("admin:articles_page_workbench", args=[page.pk])
    assert '<option value="新故事的标题">' in editor_browser.get(url).content.decode()
    editor_browser.post(
        url, {"op": "split:1", "article": article.pk, "version": article.version, "headline": "新故事的标题"}
    )
    created = Article.objects.get(page=page, order=1)
    assert (created.headline, created.body) == ("新故事的标题", "第三段另起一篇。")
    assert _span("headline", "新故事的标题") in created.source_spans


def test_every_form_of_the_page_view_reaches_its_operation(editor_browser):
    from articles.models import Photo
    from tests.articles.test_workbench_services import RAW, _span
    from tests.factories import ArticleFactory, PageFactory, PhotoFactory

    page = PageFactory(raw_text=RAW, segments=[[*_span("unassigned", "没人认领的一行"), None, None, None]])
    first = ArticleFactory(page=page, order=0, body="第一段。\n\n第二段。\n\n第三段。")
    second = ArticleFactory(page=page, order=1, body="另一篇。")
    photo = PhotoFactory(page=page)
    url = reverse("admin:articles_page_workbench", args=[page.pk])

    def post(**data):
        response = editor_browser.post(url, data, follow=True)
        assert response.status_code == 200
        assert not [m for m in response.context["messages"] if m.level_tag == "error"], response.content.decode()
        return response

    post(op="promote", article=first.pk, paragraphs=[1], field="kicker")
    first.refresh_from_db()
    assert first.kicker == "第二段。"
    post(op="demote:kicker", article=first.pk)
    post(op="unassign", article=first.pk, paragraphs=[2])
    first.refresh_from_db()
    assert first.body == "第二段。\n\n第一段。"
    post(op="up", article=second.pk)
    assert Article.objects.get(pk=second.pk).order == 0
    post(op="photo_move", photo=photo.pk, target=first.pk)
    assert Photo.objects.get(pk=photo.pk).article_id == first.pk
    start = RAW.index("没人认领的一行")
    post(op="create", start=start, end=start + len("没人认领的一行"), headline="新建的")
    assert Article.objects.filter(page=page, headline="新建的", body="没人认领的一行").exists()
    response = editor_browser.post(url, {"op": "merge", "article": first.pk, "version": 1}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]  # a stale version: refused
    assert ChangeSet.objects.filter(page_states__has_key=str(page.pk)).count() == 6


def test_the_page_list_links_each_page_to_its_workbench(editor_browser):
    from tests.factories import PageFactory

    page = PageFactory()
    html = editor_browser.get(reverse("admin:articles_page_changelist")).content.decode()
    assert reverse("admin:articles_page_workbench", args=[page.pk]) in html
