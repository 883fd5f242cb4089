"""The editors' admin through Django's test client: lists, search, edits, concurrency, history, escaping."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article
from tests.factories import (
    ArticleCreditFactory,
    ArticleFactory,
    PageFactory,
    PhotoFactory,
    ReporterFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_browser(client, editor):
    client.force_login(editor)
    return client


def change_form_data(article: Article, **overrides) -> dict:
    data = {
        "headline": article.headline,
        "kicker": article.kicker,
        "subheadline": article.subheadline,
        "body": article.body,
        "kind": article.kind,
        "status": article.status,
        "duplicate_of": article.duplicate_of_id or "",
        "expected_version": article.version,
        "credits-TOTAL_FORMS": 0,
        "credits-INITIAL_FORMS": 0,
        "photos-TOTAL_FORMS": 0,
        "photos-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def test_every_admin_list_opens_for_an_editor(editor_browser):
    article = ArticleFactory()
    ArticleCreditFactory(article=article)
    PhotoFactory(page=article.page, article=article)
    for name in ["article", "page", "issue", "photo", "reporter"]:
        response = editor_browser.get(reverse(f"admin:articles_{name}_changelist"))
        assert response.status_code == 200, name
    for name in ["importrun", "importevent"]:
        assert editor_browser.get(reverse(f"admin:importer_{name}_changelist")).status_code == 200


def test_search_finds_text_split_by_whitespace(editor_browser):
    ArticleFactory(headline="甲", body="党工委副书记宫卫\n红出席")
    ArticleFactory(headline="乙", body="无关")
    response = editor_browser.get(reverse("admin:articles_article_changelist"), {"q": "宫卫红"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_editor_edits_an_article_and_history_records_it(editor_browser, editor):
    article = ArticleFactory(headline="原标题")
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_browser.post(url, change_form_data(article, headline="改正后的标题"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    article.refresh_from_db()
    assert article.headline == "改正后的标题" and article.version == 2 and article.edited_by == editor
    history = editor_browser.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert history.status_code == 200 and editor.username in history.content.decode()
    latest = article.history.latest()
    assert latest.history_user == editor and latest.prev_record.headline == "原标题"


def test_stale_save_is_refused_with_a_message(editor_browser):
    article = ArticleFactory(headline="原标题")
    url = reverse("admin:articles_article_change", args=[article.pk])
    stale = change_form_data(article, headline="第二位编辑")
    assert editor_browser.post(url, change_form_data(article, headline="第一位编辑")).status_code == 302
    response = editor_browser.post(url, stale)
    assert response.status_code == 200
    assert "Someone else saved this article" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "第一位编辑"


def test_credits_inline_uses_reporter_autocomplete(editor_browser):
    article = ArticleFactory()
    response = editor_browser.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert b"admin-autocomplete" in response.content
    ReporterFactory(name="自动补全")
    found = editor_browser.get(
        reverse("admin:autocomplete"),
        {"term": "自动", "app_label": "articles", "model_name": "articlecredit", "field_name": "reporter"},
    )
    assert found.status_code == 200
    assert [row["text"] for row in found.json()["results"]] == ["自动补全"]


def test_imported_text_is_escaped(editor_browser):
    page = PageFactory(raw_text=" 要闻\n<script>alert('x')</script>\n", unassigned=["<script>alert('y')</script>"])
    ArticleFactory(page=page, headline="<script>alert('z')</script>")
    html = editor_browser.get(reverse("admin:articles_page_change", args=[page.pk])).content.decode()
    assert "<script>alert(" not in html and "&lt;script&gt;alert(" in html


def test_staff_without_the_editors_group_cannot_change(client):
    outsider = UserFactory(username="outsider", is_staff=True)
    client.force_login(outsider)
    article = ArticleFactory(headline="不可改")
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, change_form_data(article, headline="改了")).status_code == 403
    assert Article.objects.get(pk=article.pk).headline == "不可改"


def test_editors_group_has_the_workflow_rights():
    group = Group.objects.get(name="Editors")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_article", "view_article", "change_photo", "add_reporter", "add_articlecredit"} <= codenames
    assert "delete_article" not in codenames and "delete_issue" not in codenames


def test_bulk_actions(editor_browser):
    articles = ArticleFactory.create_batch(2)
    url = reverse("admin:articles_article_changelist")
    response = editor_browser.post(url, {"action": "withdraw", "_selected_action": [a.pk for a in articles]})
    assert response.status_code == 302
    assert set(Article.objects.values_list("status", flat=True)) == {"withdrawn"}
    editor_browser.post(url, {"action": "verify", "_selected_action": [a.pk for a in articles]})
    assert all(a.verified_at for a in Article.objects.all())


def inline_data(article: Article, credits=(), photos=()) -> dict:
    data = change_form_data(article)
    data.update({"credits-TOTAL_FORMS": len(credits), "credits-INITIAL_FORMS": len(credits)})
    for i, credit in enumerate(credits):
        data.update(
            {
                f"credits-{i}-id": credit.pk,
                f"credits-{i}-article": article.pk,
                f"credits-{i}-reporter": credit.reporter_id,
                f"credits-{i}-role": credit.role,
                f"credits-{i}-order": credit.order,
            }
        )
    data.update({"photos-TOTAL_FORMS": len(photos), "photos-INITIAL_FORMS": len(photos)})
    for i, photo in enumerate(photos):
        data.update(
            {
                f"photos-{i}-id": photo.pk,
                f"photos-{i}-article": article.pk,
                f"photos-{i}-caption": photo.caption,
                f"photos-{i}-photographer": photo.photographer_id or "",
            }
        )
    return data


def test_editing_only_a_credit_makes_the_article_the_editors(editor_browser, editor):
    article = ArticleFactory()
    credit = ArticleCreditFactory(article=article, role="记者")
    data = inline_data(article, credits=[credit])
    data["credits-0-role"] = "通讯员"
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert editor_browser.post(url, data).status_code == 302
    article.refresh_from_db()
    credit.refresh_from_db()
    assert credit.role == "通讯员"
    assert article.version == 2 and article.edited_by == editor and article.is_touched


def test_editing_a_caption_inline_goes_through_the_photo_service(editor_browser, editor):
    article = ArticleFactory()
    photo = PhotoFactory(page=article.page, article=article, caption="旧图说")
    data = inline_data(article, photos=[photo])
    data["photos-0-caption"] = "新图说里的关键词"
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert editor_browser.post(url, data).status_code == 302
    photo.refresh_from_db()
    article.refresh_from_db()
    assert photo.caption == "新图说里的关键词" and photo.edited_at is not None
    assert "新图说里的关键词" in article.search_document and article.is_touched
    assert [h.caption for h in photo.history.order_by("history_id")] == ["旧图说", "新图说里的关键词"]


def test_revert_from_history_restores_the_imported_headline(editor_browser, editor):
    article = ArticleFactory(headline="导入时的标题")
    article.history.all().delete()
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert editor_browser.post(url, change_form_data(article, headline="改错了的标题")).status_code == 302
    imported = article.history.order_by("history_id").first()
    assert imported.headline == "导入时的标题"
    revert_url = reverse("admin:articles_article_simple_history", args=[article.pk, imported.history_id])
    page = editor_browser.get(revert_url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        **change_form_data(Article.objects.get(pk=article.pk)),
        **{
            name: form.initial.get(name) if form.initial.get(name) is not None else ""
            for name in ("headline", "kicker", "subheadline", "body", "kind", "status")
        },
    }
    data["expected_version"] = form.fields["expected_version"].initial
    response = editor_browser.post(revert_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.headline == "导入时的标题" and article.version == 3
    assert article.history.latest().history_user == editor


def test_admin_refuses_a_duplicate_loop(editor_browser):
    first = ArticleFactory()
    copy = ArticleFactory(duplicate_of=first)
    url = reverse("admin:articles_article_change", args=[first.pk])
    response = editor_browser.post(url, change_form_data(first, duplicate_of=copy.pk))
    assert response.status_code == 200
    assert Article.objects.get(pk=first.pk).duplicate_of_id is None


def test_reporter_rename_strips_spaces_and_updates_search(editor_browser, editor):
    article = ArticleFactory()
    credit = ArticleCreditFactory(article=article, reporter=ReporterFactory(name="旧名字"))
    from articles.services import article_refresh_search_document

    article_refresh_search_document(article=article)
    url = reverse("admin:articles_reporter_change", args=[credit.reporter_id])
    assert editor_browser.post(url, {"name": "新 名字"}).status_code == 302
    credit.reporter.refresh_from_db()
    article.refresh_from_db()
    assert credit.reporter.name == "新名字"
    assert "新名字" in article.search_document and "旧名字" not in article.search_document
