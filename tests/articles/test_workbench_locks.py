"""Workbench operations under concurrency (PostgreSQL): the lock order of articles.locks (the issue row before
any of its rows), and two editors splitting the same article at once (one wins, the other is refused)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import editing
from articles.changesets import change_set_revert
from articles.models import Article
from articles.services import ConcurrentEditError
from tests.articles.test_locks import ISSUE_ROWS, _touched
from tests.factories import ArticleCreditFactory, ArticleFactory, PageFactory, PhotoFactory


def _two_articles():
    first = ArticleFactory(order=0, body="第一段。\n\n第二段。\n\n第三段。")
    second = ArticleFactory(page=first.page, order=1)
    ArticleCreditFactory(article=second)
    photo = PhotoFactory(page=first.page, article=first)
    return first, second, photo


OPERATIONS = {
    "split": lambda f, s, p, u: editing.article_split(article=f, paragraph=1, headline="新", user=u),
    "merge": lambda f, s, p, u: editing.article_merge(article=f, user=u),
    "move": lambda f, s, p, u: editing.paragraphs_move(article=f, paragraphs=[2], target=s, user=u),
    "promote": lambda f, s, p, u: editing.article_promote_line(article=f, paragraph=0, field="kicker", user=u),
    "demote": lambda f, s, p, u: editing.article_demote_line(article=f, field="headline", user=u),
    "create": lambda f, s, p, u: editing.article_create_from_text(page=f.page, start=0, end=3, user=u),
    "unassign": lambda f, s, p, u: editing.text_unassign(article=f, paragraphs=[0], user=u),
    "reorder": lambda f, s, p, u: editing.articles_reorder(page=f.page, article_ids=[s.pk, f.pk], user=u),
    "photo": lambda f, s, p, u: editing.photo_move(photo=p, article=s, user=u),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [*OPERATIONS, "revert"])
def test_every_operation_locks_the_issue_before_any_of_its_rows(kind, editor, db_vendor):
    if db_vendor != "postgresql":
        pytest.skip("SQLite has no row locks")
    first, second, photo = _two_articles()
    done = OPERATIONS["merge"](first, second, photo, editor) if kind == "revert" else None
    with CaptureQueriesContext(connection) as queries:
        if done is not None:
            change_set_revert(change_set=done.change_set, user=editor)
        else:
            OPERATIONS[kind](first, second, photo, editor)
    touched = [t for q in queries.captured_queries if (t := _touched(q["sql"]))]
    first_issue_lock = touched.index(("lock", "articles_issue"))
    rows = [i for i, (_, table) in enumerate(touched) if table in ISSUE_ROWS]
    assert not rows or first_issue_lock < rows[0], touched


@pytest.mark.django_db
def test_creating_the_first_article_of_an_empty_page_locks_its_issue_first(editor, db_vendor):
    if db_vendor != "postgresql":
        pytest.skip("SQLite has no row locks")
    page = PageFactory(raw_text="没人认领的一行\n")
    with CaptureQueriesContext(connection) as queries:
        editing.article_create_from_text(page=page, start=0, end=7, user=editor)
    touched = [t for q in queries.captured_queries if (t := _touched(q["sql"]))]
    rows = [i for i, (_, table) in enumerate(touched) if table in ISSUE_ROWS]
    assert touched.index(("lock", "articles_issue")) < rows[0], touched


@pytest.mark.django_db(transaction=True)
def test_two_editors_splitting_the_same_article_at_once(editor, db_vendor):
    if db_vendor != "postgresql":
        pytest.skip("SQLite serialises writers")
    article = ArticleFactory(body="第一段。\n\n第二段。\n\n第三段。")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def split(headline: str) -> None:
        try:
            start.wait()
            editing.article_split(
                article=article, paragraph=1, headline=headline, user=editor, expected_version=article.version
            )
            outcomes.append("split")
        except ConcurrentEditError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=split, args=(h,)) for h in ("甲拆的", "乙拆的")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "split"]
    assert Article.objects.filter(page=article.page).count() == 2
