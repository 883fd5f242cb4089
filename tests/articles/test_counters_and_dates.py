"""The values kept for the API's speed stay true through every writer: the reporters' stored counters
(compared with a recount) and the article's copy of its issue's date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from articles.changesets import change_set_revert
from articles.counters import reporter_counts_recompute, reporter_counts_stale
from articles.editing import article_merge, article_split
from articles.models import Article, ArticleCredit, ArticleStatus, Issue, Photo, Reporter
from articles.reporters import reporter_merge, reporter_merge_revert
from articles.services import (
    article_mark_duplicate,
    article_set_status,
    credit_create,
    credit_delete,
    issue_update,
    photo_update,
)
from importer.services import issue_purge, issues_import_batch
from tests.conftest import SEEDS_DIR
from tests.factories import ArticleCreditFactory, ArticleFactory, PageFactory, PhotoFactory, ReporterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write as if its transaction committed (the counters are recounted on commit)."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


def _dates_in_step() -> bool:
    return all(a.publication_date == a.issue.publication_date for a in Article.objects.select_related("issue"))


def test_import_reimport_and_purge_keep_counters_and_dates(committed):
    report = committed(issues_import_batch, paths=[SEEDS_DIR])
    assert not report.failed
    assert Reporter.objects.filter(public_article_count__gt=0).exists()
    assert reporter_counts_stale() == [] and _dates_in_step()
    committed(issues_import_batch, paths=[SEEDS_DIR], force=True)
    assert reporter_counts_stale() == [] and _dates_in_step()
    issue = Issue.objects.order_by("pk").first()
    committed(issue_purge, issue=issue)
    assert reporter_counts_stale() == []


def test_editor_writes_keep_counters(committed, editor):
    page = PageFactory()
    first, second, third = (ArticleFactory(page=page, order=n, body=f"第{n}段。\n\n又一段。") for n in range(3))
    reporter, other = ReporterFactory(name="计数记者"), ReporterFactory(name="计数二")
    committed(ArticleCreditFactory, article=first, reporter=reporter)
    committed(ArticleCreditFactory, article=second, reporter=reporter)
    committed(ArticleCreditFactory, article=third, reporter=other)
    committed(PhotoFactory, page=page, article=None, photographer=other)  # standalone: public with the page
    assert reporter_counts_stale() == []
    reporter.refresh_from_db()
    assert (reporter.article_count, reporter.public_article_count) == (2, 2)

    committed(article_set_status, articles=[first], status=ArticleStatus.WITHDRAWN, user=editor)
    reporter.refresh_from_db()
    assert (reporter.article_count, reporter.public_article_count) == (2, 1)
    second.refresh_from_db()
    committed(article_mark_duplicate, article=second, original=third, user=editor)
    credit = committed(credit_create, article=third, reporter=reporter, role="通讯员", user=editor)
    assert reporter_counts_stale() == []
    committed(credit_delete, credit=credit, user=editor)
    photo = Photo.objects.get(photographer=other)
    committed(photo_update, photo=photo, user=editor, data={"photographer": reporter}, expected_version=photo.version)
    assert reporter_counts_stale() == []

    merge = committed(reporter_merge, kept=reporter, other=other, user=editor)
    assert reporter_counts_stale() == []
    committed(reporter_merge_revert, merge=merge, user=editor)
    assert reporter_counts_stale() == []


def test_workbench_operations_and_their_revert_keep_counters_and_dates(committed, editor):
    page = PageFactory()
    article = ArticleFactory(page=page, order=0, body="第一段。\n\n第二段。\n\n第三段。")
    following = ArticleFactory(page=page, order=1, body="另一篇。")
    committed(ArticleCreditFactory, article=article, reporter=ReporterFactory(name="拆分记者"))
    committed(ArticleCreditFactory, article=following, reporter=ReporterFactory(name="合并记者"))
    split = committed(article_split, article=article, paragraph=1, user=editor, headline="新的一篇")
    assert split.article.publication_date == page.issue.publication_date
    assert reporter_counts_stale() == [] and _dates_in_step()
    article.refresh_from_db()
    merged = committed(article_merge, article=article, user=editor)
    assert reporter_counts_stale() == []
    committed(change_set_revert, change_set=merged.change_set, user=editor)
    assert reporter_counts_stale() == [] and _dates_in_step()


def test_an_editor_changing_an_issue_date_moves_its_articles(editor):
    article = ArticleFactory()
    issue = article.issue
    issue_update(issue=issue, user=editor, data={"publication_date": dt.date(1999, 9, 9)}, expected_version=1)
    article.refresh_from_db()
    assert article.publication_date == dt.date(1999, 9, 9)
    issue_update(issue=issue, user=editor, data={"publication_date": None}, expected_version=2)
    article.refresh_from_db()
    assert article.publication_date is None


def test_recount_command_repairs_counters_changed_behind_the_services(committed):
    credit = committed(ArticleCreditFactory)
    Reporter.objects.filter(pk=credit.reporter_id).update(article_count=40, public_article_count=40)
    assert reporter_counts_stale() == [credit.reporter_id]
    from io import StringIO

    out = StringIO()
    call_command("recount_archive", stdout=out)
    from articles.management.commands.recount_archive import MSG_DONE

    assert out.getvalue().strip() == MSG_DONE % {"stale": 1}
    assert reporter_counts_stale() == [] and reporter_counts_recompute() == 0
    assert ArticleCredit.objects.get(pk=credit.pk).reporter.article_count == 1
