"""Reporter services: rename, change of role, merging two rows that are the same person and its revert,
and the merged spelling kept as an alias that later imports map to the kept person."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import reporters, services
from articles.models import Article, ArticleCredit, Issue, Photo, Reporter, ReporterAlias, ReporterMerge
from importer.parsing import Credit
from importer.services import issue_purge, issues_import_batch
from tests.articles.test_locks import ISSUE_ROWS, _touched
from tests.conftest import SEEDS
from tests.factories import ArticleCreditFactory, ArticleFactory, PhotoFactory, ReporterFactory

pytestmark = pytest.mark.django_db


def credit_rows(*reporter_ids: int) -> set[tuple]:
    return set(
        ArticleCredit.objects.filter(reporter_id__in=reporter_ids).values_list(
            "pk", "article_id", "reporter_id", "role", "order"
        )
    )


@pytest.fixture
def two_spellings():
    """韦冰 and 韦兵, one person: two articles each, one article crediting both, a photo of each."""
    kept, other = ReporterFactory(name="韦冰"), ReporterFactory(name="韦兵")
    shared = ArticleFactory()
    ArticleCreditFactory(article=shared, reporter=kept, order=0)
    ArticleCreditFactory(article=shared, reporter=other, order=1)
    ArticleCreditFactory(reporter=kept)
    ArticleCreditFactory(reporter=other, role="通讯员")
    ArticleCreditFactory(reporter=other)
    PhotoFactory(photographer=kept)
    PhotoFactory(photographer=other)
    for article in Article.objects.all():
        services.article_refresh_search_document(article=article)
    return kept, other, shared


def test_a_merge_moves_credits_and_photos_collapses_a_repeated_credit_and_keeps_the_spelling(two_spellings, editor):
    kept, other, shared = two_spellings
    other_articles = set(ArticleCredit.objects.filter(reporter=other).values_list("article_id", flat=True))

    merge = reporters.reporter_merge(kept=kept, other=other, user=editor, kept_version=1, other_version=1)

    assert not Reporter.objects.filter(pk=other.pk).exists()
    assert ReporterAlias.objects.get(name="韦兵").reporter == kept
    assert set(ArticleCredit.objects.filter(reporter=kept).values_list("article_id", flat=True)) >= other_articles
    assert ArticleCredit.objects.filter(article=shared).count() == 1  # collapsed, not two credits of one person
    assert Photo.objects.filter(photographer=kept).count() == 2
    assert len(merge.moved_credits) == 2 and len(merge.collapsed_credits) == 1 and len(merge.moved_photos) == 1
    assert Reporter.objects.get(pk=kept.pk).version == 2
    for article in Article.objects.filter(pk__in=other_articles):
        assert "韦冰" in article.search_document and "韦兵" not in article.search_document
        assert not article.is_touched  # a merge changes who is credited, not the article: imports still own it
    deleted = Reporter.history.filter(id=other.pk).latest()
    assert deleted.history_type == "-" and deleted.history_user == editor
    assert ArticleCredit.history.filter(id=merge.moved_credits[0]).latest().reporter_id == kept.pk


def test_reverting_a_merge_restores_the_row_its_credits_and_photos_exactly(two_spellings, editor):
    kept, other, _ = two_spellings
    before = credit_rows(kept.pk, other.pk)
    photos_before = set(Photo.objects.values_list("pk", "photographer_id"))
    created_at = other.created_at
    merge = reporters.reporter_merge(kept=kept, other=other, user=editor)

    restored = reporters.reporter_merge_revert(merge=merge, user=editor)

    assert (restored.pk, restored.name, restored.created_at) == (other.pk, "韦兵", created_at)
    assert credit_rows(kept.pk, other.pk) == before
    assert set(Photo.objects.values_list("pk", "photographer_id")) == photos_before
    assert not ReporterAlias.objects.filter(name="韦兵").exists()
    assert ReporterMerge.objects.get(pk=merge.pk).reverted_by == editor
    for credit in ArticleCredit.objects.filter(reporter=restored):
        assert "韦兵" in Article.objects.get(pk=credit.article_id).search_document
    assert Reporter.history.filter(id=other.pk).latest().history_type == "+"
    with pytest.raises(ValueError, match="already reverted"):
        reporters.reporter_merge_revert(merge=merge, user=editor)


def test_a_merge_into_a_row_merged_again_is_reverted_last_first(editor):
    first, second, third = ReporterFactory(name="甲"), ReporterFactory(name="乙"), ReporterFactory(name="丙")
    ArticleCreditFactory(reporter=first)
    inner = reporters.reporter_merge(kept=second, other=first, user=editor)
    outer = reporters.reporter_merge(kept=third, other=second, user=editor)
    assert set(ReporterAlias.objects.filter(reporter=third).values_list("name", flat=True)) == {"甲", "乙"}
    with pytest.raises(ValueError, match="revert that merge first"):
        reporters.reporter_merge_revert(merge=inner, user=editor)
    reporters.reporter_merge_revert(merge=outer, user=editor)
    reporters.reporter_merge_revert(merge=inner, user=editor)
    assert set(Reporter.objects.values_list("name", flat=True)) >= {"甲", "乙", "丙"}
    assert not ReporterAlias.objects.exists()
    assert ArticleCredit.objects.get().reporter.name == "甲"


def test_a_stale_merge_and_a_merge_with_itself_are_refused(editor):
    kept, other = ReporterFactory(), ReporterFactory()
    reporters.reporter_rename(reporter=other, name="新名字", user=editor)
    with pytest.raises(services.ConcurrentEditError):
        reporters.reporter_merge(kept=kept, other=other, user=editor, other_version=1)
    with pytest.raises(ValueError, match="itself"):
        reporters.reporter_merge(kept=kept, other=kept, user=editor)
    assert Reporter.objects.filter(pk=other.pk).exists()


def test_rename_refuses_another_reporters_name_or_alias_and_swaps_with_an_own_alias(editor):
    kept, other, third = ReporterFactory(name="韦冰"), ReporterFactory(name="韦兵"), ReporterFactory(name="王五")
    credit = ArticleCreditFactory(reporter=kept)
    reporters.reporter_merge(kept=kept, other=other, user=editor)
    with pytest.raises(ValueError, match="merge the two instead"):
        reporters.reporter_rename(reporter=third, name="韦 兵", user=editor)
    with pytest.raises(ValueError, match="merge the two instead"):
        reporters.reporter_rename(reporter=third, name="韦冰", user=editor)

    reporters.reporter_rename(reporter=kept, name="韦兵", user=editor)

    assert Reporter.objects.get(pk=kept.pk).name == "韦兵"
    assert list(ReporterAlias.objects.values_list("name", "reporter_id")) == [("韦冰", kept.pk)]
    assert "韦兵" in Article.objects.get(pk=credit.article_id).search_document
    assert Reporter.history.filter(id=kept.pk).latest().history_change_reason == "renamed"


def test_change_of_role_collapses_a_credit_the_article_has_in_the_new_role(editor):
    reporter = ReporterFactory()
    both = ArticleCreditFactory(reporter=reporter, role="通讯员").article
    ArticleCreditFactory(article=both, reporter=reporter, role="记者")
    only = ArticleCreditFactory(reporter=reporter, role="通讯员")
    assert reporters.reporter_change_role(reporter=reporter, from_role="通讯员", to_role="记者", user=editor) == 2
    assert set(ArticleCredit.objects.values_list("article_id", "role")) == {
        (both.pk, "记者"),
        (only.article_id, "记者"),
    }


def test_reporter_get_or_create_maps_an_alias_to_the_merged_person(editor):
    kept, other = ReporterFactory(name="韦冰"), ReporterFactory(name="韦兵")
    reporters.reporter_merge(kept=kept, other=other, user=editor)
    assert services.reporter_get_or_create(name="韦 兵") == kept
    assert not Reporter.objects.filter(name="韦兵").exists()


def _credited_reporter() -> Reporter:
    return Reporter.objects.filter(credits__isnull=False).order_by("name").first()


def test_a_later_import_gives_an_alias_spellings_credits_to_the_merged_person(editor):
    assert not issues_import_batch(paths=[SEEDS[4]]).failed
    printed = _credited_reporter()
    credited = ArticleCredit.objects.filter(reporter=printed).count()
    person = ReporterFactory(name="合并后的名字")
    reporters.reporter_merge(kept=person, other=printed, user=editor)
    for issue in Issue.objects.all():
        issue_purge(issue=issue)

    assert not issues_import_batch(paths=[SEEDS[4]]).failed

    assert not Reporter.objects.filter(name=printed.name).exists()
    assert ArticleCredit.objects.filter(reporter=person).count() == credited


def test_a_forced_reimport_credits_both_spellings_of_one_person_once(editor, monkeypatch):
    from tests.importer.test_reimport import resegment

    assert not issues_import_batch(paths=[SEEDS[4]]).failed
    printed = _credited_reporter()
    article = Article.objects.filter(credits__reporter=printed).order_by("pk").first()
    person = ReporterFactory(name="合并后的名字")
    reporters.reporter_merge(kept=person, other=printed, user=editor)

    def credit_both(draft):
        for page in draft.pages:
            for article_draft in page.articles:
                names = [c.name for c in article_draft.reporters]
                if printed.name in names:
                    article_draft.reporters.append(Credit(name="合并后的名字", role=article_draft.reporters[0].role))

    resegment(monkeypatch, credit_both)
    assert not issues_import_batch(paths=[SEEDS[4]], force=True).failed

    credits = list(ArticleCredit.objects.filter(article__fingerprint=article.fingerprint, reporter=person))
    assert len(credits) == 1
    assert not Reporter.objects.filter(name=printed.name).exists()


@pytest.mark.parametrize("kind", ["reporter_rename", "reporter_change_role", "reporter_merge", "reporter_merge_revert"])
def test_reporter_writes_lock_issues_first_then_rows_then_reporters(kind, editor, db_vendor):
    """The lock order of articles.locks: the issues of the affected articles and photos before any of their
    rows, those rows before the reporter rows (a forced re-import locks the issue, then writes credits)."""
    if db_vendor != "postgresql":
        pytest.skip("SQLite has no row locks")
    kept, other = ReporterFactory(), ReporterFactory()
    ArticleCreditFactory(reporter=kept)
    ArticleCreditFactory(reporter=other)
    PhotoFactory(photographer=other)
    merge = reporters.reporter_merge(kept=kept, other=other, user=editor) if kind == "reporter_merge_revert" else None
    with CaptureQueriesContext(connection) as queries:
        if kind == "reporter_rename":
            reporters.reporter_rename(reporter=other, name="改名", user=editor)
        elif kind == "reporter_change_role":
            reporters.reporter_change_role(reporter=other, from_role="记者", to_role="通讯员", user=editor)
        elif kind == "reporter_merge":
            reporters.reporter_merge(kept=kept, other=other, user=editor)
        else:
            reporters.reporter_merge_revert(merge=merge, user=editor)
    touched = [t for q in queries.captured_queries if (t := _touched(q["sql"]))]
    first_issue_lock = touched.index(("lock", "articles_issue"))
    rows = [i for i, (_, table) in enumerate(touched) if table in (*ISSUE_ROWS, "articles_reporter")]
    assert rows and first_issue_lock < rows[0], touched
    reporter_lock = touched.index(("lock", "articles_reporter"))
    before = {t for t in touched[:reporter_lock] if t[1] != "articles_issue"}
    assert before == {("lock", "articles_article"), ("lock", "articles_photo")}, touched


def test_a_revert_after_renames_and_one_refused_while_the_spelling_names_another_reporter(editor):
    kept, other = ReporterFactory(name="韦冰"), ReporterFactory(name="韦兵")
    merge = reporters.reporter_merge(kept=kept, other=other, user=editor)
    reporters.reporter_rename(reporter=kept, name="韦兵", user=editor)  # the two spellings swap
    with pytest.raises(ValueError, match="names another reporter"):
        reporters.reporter_merge_revert(merge=merge, user=editor)
    reporters.reporter_rename(reporter=kept, name="韦冰", user=editor)  # and back: 韦兵 is the kept one's alias again
    assert reporters.reporter_merge_revert(merge=merge, user=editor).name == "韦兵"
    assert not ReporterAlias.objects.exists()
    third = ReporterFactory(name="王五")
    merge = reporters.reporter_merge(kept=third, other=Reporter.objects.get(name="韦兵"), user=editor)
    ReporterAlias.objects.filter(name="韦兵").update(reporter=kept)  # another reporter's spelling meanwhile
    with pytest.raises(ValueError, match="names another reporter"):
        reporters.reporter_merge_revert(merge=merge, user=editor)
