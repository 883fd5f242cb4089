"""Editor writes beyond articles: line ends, versions of photos, pages, reporters and issues, photo rules,
issue corrections and credits with history."""

from __future__ import annotations

import datetime as dt

import pytest

from articles import services
from articles.models import Article, ArticleCredit, Issue, Page, Photo, Reporter
from tests.factories import (
    ArticleCreditFactory,
    ArticleFactory,
    IssueFactory,
    PageFactory,
    PhotoFactory,
    ReporterFactory,
)

pytestmark = pytest.mark.django_db

CRLF_BODY = "第一段第一行\r\n第一段第二行\r\n\r\n第二段\r第三行"
LF_BODY = "第一段第一行\n第一段第二行\n\n第二段\n第三行"


def test_article_update_stores_lf_only(editor):
    article = ArticleFactory()
    services.article_update(
        article=article, user=editor, data={"body": CRLF_BODY, "headline": "标题\r\n续", "kicker": "引\r题"}
    )
    stored = Article.objects.get(pk=article.pk)
    assert (stored.body, stored.headline, stored.kicker) == (LF_BODY, "标题\n续", "引\n题")
    assert article.history.latest().body == LF_BODY


def test_photo_page_issue_and_reporter_writes_store_lf_only(editor):
    photo = PhotoFactory()
    services.photo_update(photo=photo, user=editor, data={"caption": "图说\r\n第二行"})
    assert Photo.objects.get(pk=photo.pk).caption == "图说\n第二行"

    page = PageFactory()
    services.page_update(page=page, user=editor, data={"section": "要\r\n闻", "staff": {"编辑": "甲\r\n乙"}})
    stored = Page.objects.get(pk=page.pk)
    assert (stored.section, stored.staff) == ("要\n闻", {"编辑": "甲\n乙"})

    issue = IssueFactory()
    services.issue_update(issue=issue, user=editor, data={"paper": "焦作日报\r\n", "edition": "孟\r\n州"})
    stored = Issue.objects.get(pk=issue.pk)
    assert (stored.paper, stored.edition) == ("焦作日报", "孟\n州")

    reporter = ReporterFactory(name="旧名")
    services.reporter_update(reporter=reporter, user=editor, name="新\r\n名")
    assert Reporter.objects.get(pk=reporter.pk).name == "新名"


def test_text_normalise_line_ends():
    assert services.text_normalise_line_ends("a\r\nb\rc\n\r\n") == "a\nb\nc\n\n"
    assert services.normalised_value({"k": ["a\r\n", 1]}) == {"k": ["a\n", 1]}


def test_second_caption_save_of_the_same_version_is_refused(editor):
    photo = PhotoFactory(caption="原图说")
    first, second = Photo.objects.get(pk=photo.pk), Photo.objects.get(pk=photo.pk)
    services.photo_update(photo=first, user=editor, data={"caption": "甲"}, expected_version=1)
    with pytest.raises(services.ConcurrentEditError, match="version 2"):
        services.photo_update(photo=second, user=editor, data={"caption": "乙"}, expected_version=1)
    stored = Photo.objects.get(pk=photo.pk)
    assert (stored.caption, stored.version) == ("甲", 2)


@pytest.mark.parametrize(
    ("make", "write"),
    [
        (
            PageFactory,
            lambda obj, user, v: services.page_update(page=obj, user=user, data={"section": "新"}, expected_version=v),
        ),
        (
            IssueFactory,
            lambda obj, user, v: services.issue_update(issue=obj, user=user, data={"paper": "新"}, expected_version=v),
        ),
        (
            ReporterFactory,
            lambda obj, user, v: services.reporter_update(reporter=obj, user=user, name="新名", expected_version=v),
        ),
    ],
    ids=["page", "issue", "reporter"],
)
def test_pages_issues_and_reporters_refuse_a_stale_version(editor, make, write):
    obj = make()
    write(obj, editor, 1)
    obj.refresh_from_db()
    assert obj.version == 2
    with pytest.raises(services.ConcurrentEditError):
        write(obj, editor, 1)
    write(obj, editor, 2)
    obj.refresh_from_db()
    assert obj.version == 3


def test_a_photo_cannot_illustrate_an_article_of_another_issue(editor):
    photo = PhotoFactory()
    elsewhere = ArticleFactory()
    assert elsewhere.issue_id != photo.issue_id
    with pytest.raises(ValueError, match="another issue"):
        services.photo_update(photo=photo, user=editor, data={"article": elsewhere})
    assert Photo.objects.get(pk=photo.pk).article_id is None
    same_issue = ArticleFactory(page=PageFactory(issue=photo.issue))
    services.photo_update(photo=photo, user=editor, data={"article": same_issue})
    assert Photo.objects.get(pk=photo.pk).article_id == same_issue.pk


def test_photo_order_is_saved(editor):
    photo = PhotoFactory(order=0)
    services.photo_update(photo=photo, user=editor, data={"order": 3})
    assert Photo.objects.get(pk=photo.pk).order == 3


def test_issue_update_gives_an_undated_issue_its_paper_and_date_with_history(editor):
    issue = IssueFactory(paper="", publication_date=None, edition="")
    assert "unknown paper undated" in str(issue)
    services.issue_update(
        issue=issue, user=editor, data={"paper": "焦作日报", "publication_date": dt.date(2023, 3, 7), "edition": "孟州"}
    )
    stored = Issue.objects.get(pk=issue.pk)
    assert (stored.paper, stored.publication_date, stored.edition) == ("焦作日报", dt.date(2023, 3, 7), "孟州")
    assert stored.edited_at is not None and stored.version == 2
    rows = list(stored.history.order_by("history_id"))
    assert [(r.paper, r.history_user) for r in rows][-1] == ("焦作日报", editor)
    assert rows[-2].paper == ""
    with pytest.raises(ValueError, match="not editable"):
        services.issue_update(issue=issue, user=editor, data={"sha256": "x"})


def test_credit_changes_are_recorded_and_mark_the_article(editor):
    article = ArticleFactory()
    first, second = ReporterFactory(name="甲记者"), ReporterFactory(name="乙记者")
    credit = services.credit_create(article=article, reporter=first, role="记者", user=editor)
    article.refresh_from_db()
    assert article.version == 2 and article.edited_by == editor and "甲记者" in article.search_document

    services.credit_update(credit=credit, user=editor, data={"reporter": second, "role": "通讯员"})
    article.refresh_from_db()
    assert article.version == 3 and "乙记者" in article.search_document and "甲记者" not in article.search_document
    assert [(h.reporter_id, h.role, h.history_user) for h in credit.history.order_by("history_id")] == [
        (first.pk, "记者", editor),
        (second.pk, "通讯员", editor),
    ]

    credit_id = credit.pk
    services.credit_delete(credit=credit, user=editor)
    assert not ArticleCredit.objects.filter(pk=credit_id).exists()
    assert ArticleCredit.history.filter(id=credit_id).latest().history_type == "-"
    restored = services.credit_create(article=article, reporter=second, role="通讯员", user=editor, credit_id=credit_id)
    assert restored.pk == credit_id and ArticleCredit.objects.get(pk=credit_id).reporter == second


def test_a_reporter_is_credited_once_per_role(editor):
    credit = ArticleCreditFactory(role="记者")
    with pytest.raises(ValueError, match="already credited"):
        services.credit_create(article=credit.article, reporter=credit.reporter, role="记者", user=editor)
    assert ArticleCredit.objects.filter(article=credit.article).count() == 1


def test_the_migration_repairs_text_saved_with_crlf():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("articles.migrations.0007_line_ends_normalised")
    article = ArticleFactory(body="甲\r\n\r\n乙\r丙", headline="标\r\n题")
    page = PageFactory(raw_text="原文\r\n保持原样\r\n", section="要\r\n闻")
    migration.normalise(apps, None)
    article.refresh_from_db()
    page.refresh_from_db()
    assert (article.body, article.headline) == ("甲\n\n乙\n丙", "标\n题")
    assert page.section == "要\n闻" and page.raw_text == "原文\r\n保持原样\r\n"
