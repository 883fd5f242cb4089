"""The editors' admin for photos, pages, reporters, issues and credits: line ends, reverts from history,
full-text diffs, versions, photo rules, the issue's page inline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article, ArticleCredit, Issue, Page, Photo, Reporter
from tests.articles.admin_helpers import form_post_data, revert
from tests.articles.test_admin import change_form_data, inline_data
from tests.factories import (
    ArticleCreditFactory,
    ArticleFactory,
    IssueFactory,
    PageFactory,
    PhotoFactory,
    ReporterFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_browser(client, editor):
    client.force_login(editor)
    return client


def change_url(obj) -> str:
    return reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])


def history_url(obj) -> str:
    return reverse(f"admin:articles_{obj._meta.model_name}_history", args=[obj.pk])


def revert_url(obj, record) -> str:
    return reverse(f"admin:articles_{obj._meta.model_name}_simple_history", args=[obj.pk, record.history_id])


def opened_form(client, obj):
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return response.context["adminform"].form


def test_a_body_posted_with_crlf_is_stored_with_lf(editor_browser):
    article = ArticleFactory()
    data = change_form_data(article, body="第一段\r\n续行\r\n\r\n第二段", headline="标题")
    assert editor_browser.post(change_url(article), data).status_code == 302
    assert Article.objects.get(pk=article.pk).body == "第一段\n续行\n\n第二段"


def test_resaving_an_lf_body_as_crlf_is_no_change(editor_browser):
    article = ArticleFactory(body="第一段\n\n第二段")
    data = change_form_data(article, body="第一段\r\n\r\n第二段")
    assert editor_browser.post(change_url(article), data).status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert stored.version == 1 and not stored.is_touched


def test_captions_sections_and_papers_posted_with_crlf_are_stored_with_lf(editor_browser):
    photo = PhotoFactory()
    form = opened_form(editor_browser, photo)
    assert editor_browser.post(change_url(photo), form_post_data(form, caption="图说\r\n二行")).status_code == 302
    assert Photo.objects.get(pk=photo.pk).caption == "图说\n二行"

    page = PageFactory()
    form = opened_form(editor_browser, page)
    data = form_post_data(form, section="要\r\n闻", staff='{"编辑": "甲\\r\\n乙"}')
    data.update({"articles-TOTAL_FORMS": 0, "articles-INITIAL_FORMS": 0, "photos-TOTAL_FORMS": 0})
    data["photos-INITIAL_FORMS"] = 0
    assert editor_browser.post(change_url(page), data).status_code == 302
    stored = Page.objects.get(pk=page.pk)
    assert (stored.section, stored.staff) == ("要\n闻", {"编辑": "甲\n乙"})

    issue = IssueFactory()
    form = opened_form(editor_browser, issue)
    data = form_post_data(form, edition="孟\r\n州", **{"pages-TOTAL_FORMS": 0, "pages-INITIAL_FORMS": 0})
    assert editor_browser.post(change_url(issue), data).status_code == 302
    assert Issue.objects.get(pk=issue.pk).edition == "孟\n州"


def _edit_through_admin(client, obj, inline_prefixes=(), **changes):
    form = opened_form(client, obj)
    data = form_post_data(form, **changes)
    for prefix in inline_prefixes:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(change_url(obj), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


@pytest.mark.parametrize(
    ("make", "field", "old", "new", "inlines"),
    [
        (lambda: PhotoFactory(caption="导入的图说"), "caption", "导入的图说", "改错的图说", ()),
        (lambda: PageFactory(section="导入的版名"), "section", "导入的版名", "改错的版名", ("articles", "photos")),
        (lambda: ReporterFactory(name="导入的名字"), "name", "导入的名字", "改错的名字", ()),
        (lambda: IssueFactory(paper="导入的报名"), "paper", "导入的报名", "改错的报名", ("pages",)),
    ],
    ids=["photo", "page", "reporter", "issue"],
)
def test_revert_from_history_really_restores(editor_browser, editor, make, field, old, new, inlines):
    obj = make()
    obj.history.all().delete()  # as an import leaves it
    _edit_through_admin(editor_browser, obj, inlines, **{field: new})
    obj.refresh_from_db()
    assert getattr(obj, field) == new and obj.version == 2
    imported = obj.history.order_by("history_id").first()
    assert getattr(imported, field) == old
    response = revert(editor_browser, revert_url(obj, imported))
    assert response.status_code == 302, response.context["adminform"].form.errors
    obj.refresh_from_db()
    assert getattr(obj, field) == old and obj.version == 3
    latest = obj.history.latest()
    assert getattr(latest, field) == old and latest.history_user == editor
    assert latest.history_change_reason == "reverted from history"


def test_a_stale_revert_is_refused(editor_browser):
    photo = PhotoFactory(caption="导入的图说")
    services.photo_update(photo=photo, user=None, data={"caption": "第一次"})
    imported = photo.history.order_by("history_id").first()
    page = editor_browser.get(revert_url(photo, imported))
    stale = form_post_data(page.context["adminform"].form)
    services.photo_update(photo=photo, user=None, data={"caption": "别人又改了"})
    response = editor_browser.post(revert_url(photo, imported), stale)
    assert response.status_code == 200 and "Someone else saved this" in response.content.decode()
    assert Photo.objects.get(pk=photo.pk).caption == "别人又改了"


def test_two_editors_saving_the_same_photo(client, editor):
    photo = PhotoFactory(caption="原图说")
    client.force_login(editor)
    first = form_post_data(opened_form(client, photo), caption="第一位编辑的图说")
    second = form_post_data(opened_form(client, photo), caption="第二位编辑的图说")
    assert client.post(change_url(photo), first).status_code == 302
    response = client.post(change_url(photo), second)
    assert response.status_code == 200 and "Someone else saved this" in response.content.decode()
    assert Photo.objects.get(pk=photo.pk).caption == "第一位编辑的图说"


def test_a_photo_inline_save_over_a_newer_one_is_refused(editor_browser):
    article = ArticleFactory()
    photo = PhotoFactory(page=article.page, article=article, caption="原图说")
    data = inline_data(article, photos=[photo])
    data["photos-0-expected_version"] = 1
    data["photos-0-caption"] = "晚到的图说"
    services.photo_update(photo=photo, user=None, data={"caption": "先到的图说"})
    response = editor_browser.post(change_url(article), data)
    assert response.status_code == 200 and "Someone else saved this" in response.content.decode()
    assert Photo.objects.get(pk=photo.pk).caption == "先到的图说"


def test_a_photo_cannot_be_linked_to_an_article_of_another_issue(editor_browser):
    photo = PhotoFactory()
    elsewhere = ArticleFactory()
    response = editor_browser.post(
        change_url(photo), form_post_data(opened_form(editor_browser, photo), article=elsewhere.pk)
    )
    assert response.status_code == 200
    assert "another issue" in str(response.context["adminform"].form.errors)
    assert Photo.objects.get(pk=photo.pk).article_id is None


def test_the_photo_order_field_is_saved(editor_browser):
    photo = PhotoFactory(order=0)
    assert (
        editor_browser.post(change_url(photo), form_post_data(opened_form(editor_browser, photo), order=4)).status_code
        == 302
    )
    stored = Photo.objects.get(pk=photo.pk)
    assert stored.order == 4 and stored.edited_at is not None


def test_the_issue_page_inline_saves_through_page_update(editor_browser, editor):
    page = PageFactory(section="导入的版名")
    issue = page.issue
    data = form_post_data(opened_form(editor_browser, issue))
    data.update(
        {
            "pages-TOTAL_FORMS": 1,
            "pages-INITIAL_FORMS": 1,
            "pages-0-id": page.pk,
            "pages-0-issue": issue.pk,
            "pages-0-number": page.number,
            "pages-0-section": "编辑改的版名",
            "pages-0-printed_date": "",
            "pages-0-expected_version": 1,
        }
    )
    response = editor_browser.post(change_url(issue), data)
    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"]
    stored = Page.objects.get(pk=page.pk)
    assert stored.section == "编辑改的版名" and stored.edited_at is not None and stored.version == 2
    assert stored.history.latest().history_user == editor


def test_an_editor_gives_an_unknown_issue_its_paper_and_date(editor_browser, editor):
    issue = IssueFactory(paper="", publication_date=None)
    data = form_post_data(
        opened_form(editor_browser, issue),
        paper="焦作日报",
        publication_date="2023-03-07",
        **{"pages-TOTAL_FORMS": 0, "pages-INITIAL_FORMS": 0},
    )
    assert editor_browser.post(change_url(issue), data).status_code == 302
    stored = Issue.objects.get(pk=issue.pk)
    assert (stored.paper, stored.publication_date, stored.version) == ("焦作日报", dt.date(2023, 3, 7), 2)
    history = editor_browser.get(history_url(issue)).content.decode()
    assert editor.username in history and "焦作日报" in history


def test_history_shows_the_changed_paragraph_in_full(editor_browser):
    kept = "这是没有改动的一段很长的正文，" * 12
    before = f"{kept}\n\n原来的第二段写错了一个地名，后面还有很多字很多字很多字很多字很多字。\n\n{kept}结尾"
    after = before.replace("写错了一个地名", "改正为正确的地名孟州")
    article = ArticleFactory(body=before)
    assert editor_browser.post(change_url(article), change_form_data(article, body=after)).status_code == 302
    html = editor_browser.get(history_url(article)).content.decode()
    assert "<del>原来的第二段写错了一个地名，后面还有很多字很多字很多字很多字很多字。</del>" in html
    assert "<ins>原来的第二段改正为正确的地名孟州，后面还有很多字很多字很多字很多字很多字。</ins>" in html
    assert "chars]" not in html


def test_a_changed_credit_has_history_and_can_be_reverted(editor_browser, editor):
    article = ArticleFactory()
    credit = ArticleCreditFactory(article=article, role="记者")
    credit.history.all().delete()
    data = inline_data(article, credits=[credit])
    data["credits-0-role"] = "通讯员"
    assert editor_browser.post(change_url(article), data).status_code == 302
    assert ArticleCredit.objects.get(pk=credit.pk).role == "通讯员"
    history = editor_browser.get(history_url(credit))
    assert history.status_code == 200 and editor.username in history.content.decode()
    imported = credit.history.order_by("history_id").first()
    assert imported.role == "记者"
    assert revert(editor_browser, revert_url(credit, imported)).status_code == 302
    assert ArticleCredit.objects.get(pk=credit.pk).role == "记者"
    assert credit.history.latest().history_user == editor


def test_a_removed_credit_is_listed_on_its_article_and_can_be_restored(editor_browser):
    article = ArticleFactory()
    credit = ArticleCreditFactory(article=article, reporter=ReporterFactory(name="被删的记者"))
    data = inline_data(article, credits=[credit])
    data["credits-0-DELETE"] = "on"
    assert editor_browser.post(change_url(article), data).status_code == 302
    assert not ArticleCredit.objects.filter(pk=credit.pk).exists()
    page = editor_browser.get(change_url(article)).content.decode()
    assert history_url(credit) in page and "被删的记者" in page
    before_removal = credit.history.filter(history_type="+").latest()
    assert revert(editor_browser, revert_url(credit, before_removal)).status_code == 302
    restored = ArticleCredit.objects.get(pk=credit.pk)
    assert restored.article_id == article.pk and restored.reporter.name == "被删的记者"
    assert "被删的记者" in Article.objects.get(pk=article.pk).search_document


def test_editors_may_change_issues():
    from django.contrib.auth.models import Group

    codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert "change_issue" in codenames and "delete_issue" not in codenames


def test_reporter_rename_refuses_a_stale_version(editor_browser):
    reporter = ReporterFactory(name="原名")
    stale = form_post_data(opened_form(editor_browser, reporter), name="后来的名字")
    services.reporter_update(reporter=reporter, user=None, name="先改的名字")
    response = editor_browser.post(change_url(reporter), stale)
    assert response.status_code == 200
    assert Reporter.objects.get(pk=reporter.pk).name == "先改的名字"


def test_paragraph_diff_keeps_every_paragraph_in_reading_order():
    from articles.admin.history import paragraph_diff

    old = "甲段\n\n乙段\n\n丙段"
    new = "甲段\n\n乙段改\n\n丙段\n\n丁段"
    assert paragraph_diff(old, new) == [
        ("same", "甲段"),
        ("removed", "乙段"),
        ("added", "乙段改"),
        ("same", "丙段"),
        ("added", "丁段"),
    ]
    assert paragraph_diff("", "新") == [("added", "新")]
