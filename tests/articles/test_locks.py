"""The lock order of editors' writes (``articles.locks``): what a save does when its row is gone."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.admin.article import ArticleAdminForm
from articles.admin.page import PageAdminForm
from articles.admin.photo import PhotoAdminForm
from articles.models import Article, ArticleCredit, Issue, Page, Photo, Reporter
from tests.articles.admin_helpers import form_post_data
from tests.factories import ArticleCreditFactory, ArticleFactory, PhotoFactory, ReporterFactory

pytestmark = pytest.mark.django_db


def test_saving_an_article_a_reimport_replaced_meanwhile_is_refused_with_a_message(editor):
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).delete()
    with pytest.raises(Article.DoesNotExist, match=rf"Article {article.pk} no longer exists .*reload the page"):
        services.article_update(article=article, user=editor, data={"headline": "改"})


def test_saving_a_photo_a_reimport_replaced_meanwhile_is_refused_with_a_message(editor):
    photo = PhotoFactory()
    Photo.objects.filter(pk=photo.pk).delete()
    with pytest.raises(Photo.DoesNotExist, match=rf"Photo {photo.pk} no longer exists"):
        services.photo_update(photo=photo, user=editor, data={"caption": "改"})


def test_verifying_articles_of_two_issues_locks_and_verifies_each(editor):
    first, second = ArticleFactory(), ArticleFactory()
    assert first.issue_id != second.issue_id
    assert services.article_verify(articles=[second, first], user=editor) == 2
    assert Article.objects.filter(verified_by=editor).count() == 2


# every service an editor saves through (the admin branch's issue, page, reporter and credit writes too)
def _save(kind: str, editor, *, article: Article, credit: ArticleCredit, photo: Photo, reporter: Reporter) -> None:
    if kind == "article_update":
        services.article_update(article=article, user=editor, data={"headline": "改"}, expected_version=1)
    elif kind == "photo_update":
        services.photo_update(photo=photo, user=editor, data={"caption": "改"}, expected_version=1)
    elif kind == "page_update":
        services.page_update(page=article.page, user=editor, data={"section": "改"}, expected_version=1)
    elif kind == "issue_update":
        services.issue_update(issue=article.issue, user=editor, data={"edition": "改"}, expected_version=1)
    elif kind == "reporter_update":
        services.reporter_update(reporter=credit.reporter, user=editor, name="改名", expected_version=1)
    elif kind == "credit_create":
        services.credit_create(article=article, reporter=reporter, role="通讯员", user=editor)
    elif kind == "credit_update":
        services.credit_update(credit=credit, user=editor, data={"role": "通讯员"})
    else:
        services.credit_delete(credit=credit, user=editor)


SERVICES = [
    "article_update",
    "photo_update",
    "page_update",
    "issue_update",
    "reporter_update",
    "credit_create",
    "credit_update",
    "credit_delete",
]
ISSUE_ROWS = ("articles_article", "articles_photo", "articles_page", "articles_articlecredit")


def _touched(sql: str) -> tuple[str, str] | None:
    """(``lock`` or ``write``, table) of a statement that locks or writes a row; None for a plain read."""
    tables = re.findall(r'(?:FROM|UPDATE|INTO) "(\w+)"', sql)
    if not tables:
        return None
    if sql.startswith(("UPDATE", "DELETE", "INSERT")):
        return "write", tables[0]
    if " FOR UPDATE" in sql or " FOR NO KEY UPDATE" in sql:
        return "lock", tables[0]
    return None


@pytest.mark.parametrize("kind", SERVICES)
def test_every_editor_save_locks_the_issue_before_any_of_its_rows(kind, editor, db_vendor):
    """The lock order of articles.locks in every service: the first statement that locks or writes an
    article, photo, page or credit comes after the lock of the issue row (a forced re-import locks the issue
    first and then rewrites its rows; a save that locked a row first deadlocked with it)."""
    if db_vendor != "postgresql":
        pytest.skip("SQLite has no row locks")
    article = ArticleFactory()
    credit = ArticleCreditFactory(article=article)
    photo = PhotoFactory(page=article.page, article=article)
    reporter = ReporterFactory()
    with CaptureQueriesContext(connection) as queries:
        _save(kind, editor, article=article, credit=credit, photo=photo, reporter=reporter)
    touched = [t for q in queries.captured_queries if (t := _touched(q["sql"]))]
    first_issue_lock = touched.index(("lock", "articles_issue"))
    rows = [i for i, (_, table) in enumerate(touched) if table in ISSUE_ROWS]
    assert not rows or first_issue_lock < rows[0], touched
    if kind == "issue_update":
        assert touched[first_issue_lock + 1 :].count(("lock", "articles_issue")) == 0  # one lock, no upgrade


@pytest.mark.parametrize(
    ("model", "kind", "message"),
    [
        (Page, "page_update", "Page {pk} no longer exists"),
        (Issue, "issue_update", "Issue {pk} no longer exists"),
        (Reporter, "reporter_update", "Reporter {pk} no longer exists"),
        (ArticleCredit, "credit_update", "Credit {pk} no longer exists"),
        (ArticleCredit, "credit_delete", "Credit {pk} no longer exists"),
    ],
)
def test_saving_a_row_that_is_gone_is_refused_with_a_message(model, kind, message, editor):
    article = ArticleFactory()
    credit = ArticleCreditFactory(article=article)
    row = {Page: article.page, Issue: article.issue, Reporter: ReporterFactory(), ArticleCredit: credit}[model]
    model.objects.filter(pk=row.pk).delete()
    with pytest.raises(model.DoesNotExist, match=message.format(pk=row.pk)):
        if kind == "page_update":
            services.page_update(page=row, user=editor, data={"section": "改"})
        elif kind == "issue_update":
            services.issue_update(issue=row, user=editor, data={"edition": "改"})
        elif kind == "reporter_update":
            services.reporter_update(reporter=row, user=editor, name="改名")
        elif kind == "credit_update":
            services.credit_update(credit=row, user=editor, data={"role": "通讯员"})
        else:
            services.credit_delete(credit=row, user=editor)


@pytest.mark.parametrize("form_class", [ArticleAdminForm, PhotoAdminForm, PageAdminForm])
def test_an_admin_form_whose_row_a_reimport_replaced_meanwhile_shows_an_error(form_class):
    """The version check of every versioned change form locks in the lock order; a row gone meanwhile is a
    form error, not a 500."""
    photo = PhotoFactory(article=ArticleFactory())
    instance = {ArticleAdminForm: photo.article, PhotoAdminForm: photo, PageAdminForm: photo.page}[form_class]
    data = form_post_data(form_class(instance=instance))
    form = form_class(data=data, instance=instance)
    type(instance).objects.filter(pk=instance.pk).delete()
    assert not form.is_valid()
    assert "no longer exists" in str(form.non_field_errors())
