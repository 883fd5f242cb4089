"""Editor writes: ownership, optimistic concurrency, history and the search document."""

from __future__ import annotations

import pytest

from articles import services
from articles.models import Article, ArticleStatus
from tests.factories import ArticleCreditFactory, ArticleFactory, PhotoFactory, ReporterFactory

pytestmark = pytest.mark.django_db


def test_update_marks_the_article_as_the_editors_and_keeps_history(editor):
    article = ArticleFactory(headline="旧标题")
    assert not article.is_touched
    services.article_update(article=article, user=editor, data={"headline": "新标题"}, expected_version=1)
    article.refresh_from_db()
    assert article.headline == "新标题" and article.version == 2
    assert article.edited_by == editor and article.is_touched
    latest = article.history.latest()
    assert latest.history_user == editor and latest.headline == "新标题"
    assert latest.prev_record.headline == "旧标题"
    assert "新标题" in article.search_document


def test_second_save_of_the_same_version_is_refused(editor):
    article = ArticleFactory()
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    services.article_update(article=first, user=editor, data={"headline": "甲"}, expected_version=1)
    with pytest.raises(services.ConcurrentEditError, match="version"):
        services.article_update(article=second, user=editor, data={"headline": "乙"}, expected_version=1)
    assert Article.objects.get(pk=article.pk).headline == "甲"


def test_unknown_fields_are_refused(editor):
    with pytest.raises(ValueError, match="not editable"):
        services.article_update(article=ArticleFactory(), user=editor, data={"fingerprint": "x"})


def test_status_changes_and_verify(editor):
    articles = ArticleFactory.create_batch(3)
    assert services.article_set_status(articles=articles, status=ArticleStatus.WITHDRAWN, user=editor) == 3
    assert Article.objects.public().count() == 0
    assert services.article_verify(articles=Article.objects.all(), user=editor) == 3
    assert all(a.verified_by == editor and a.is_touched for a in Article.objects.all())
    with pytest.raises(ValueError):
        services.article_set_status(articles=articles, status="gone", user=editor)


def test_mark_duplicate_points_at_the_first_copy(editor):
    first = ArticleFactory()
    second = ArticleFactory(duplicate_of=first)
    third = ArticleFactory()
    services.article_mark_duplicate(article=third, original=second, user=editor)
    assert Article.objects.get(pk=third.pk).duplicate_of_id == first.pk
    with pytest.raises(ValueError):
        services.article_mark_duplicate(article=first, original=first, user=editor)


def test_search_document_follows_credits_and_captions(editor):
    article = ArticleFactory(body="正文")
    ArticleCreditFactory(article=article, reporter=ReporterFactory(name="赵 六".replace(" ", "")))
    photo = PhotoFactory(page=article.page, caption="一张照片")
    services.photo_update(photo=photo, user=editor, data={"article": article})
    article.refresh_from_db()
    assert "一张照片" in article.search_document and "赵六" in article.search_document
    services.photo_update(photo=photo, user=editor, data={"article": None})
    article.refresh_from_db()
    assert "一张照片" not in article.search_document


def test_reporter_names_lose_inner_spaces():
    assert services.reporter_get_or_create(name="韦 冰").name == "韦冰"
    assert services.reporter_get_or_create(name="韦冰") == services.reporter_get_or_create(name=" 韦　冰 ")
    with pytest.raises(ValueError):
        services.reporter_get_or_create(name="   ")


def test_first_change_records_the_imported_state_first(editor):
    from articles.models import Photo

    article = ArticleFactory(headline="导入的标题")
    article.history.all().delete()  # as the importer leaves it: no history rows
    photo = PhotoFactory(page=article.page, article=article, caption="导入的图说")
    photo.history.all().delete()
    services.article_update(article=article, user=editor, data={"headline": "编辑的标题"})
    rows = list(article.history.order_by("history_date", "history_id"))
    assert [(r.headline, r.history_change_reason) for r in rows] == [
        ("导入的标题", "imported state"),
        ("编辑的标题", "edited"),
    ]
    assert rows[0].history_date == article.issue.imported_at
    services.photo_update(photo=Photo.objects.get(pk=photo.pk), user=editor, data={"caption": "新图说"})
    assert [r.caption for r in photo.history.order_by("history_id")] == ["导入的图说", "新图说"]
    assert services.history_baseline(objects=[Article.objects.get(pk=article.pk)]) == 0
    reverted = rows[0].instance
    services.article_update(
        article=Article.objects.get(pk=article.pk), user=editor, data={"headline": reverted.headline}
    )
    assert Article.objects.get(pk=article.pk).headline == "导入的标题"


def test_duplicate_loops_and_chains_are_refused(editor):
    first = ArticleFactory()
    copy = ArticleFactory(duplicate_of=first)
    with pytest.raises(ValueError, match="itself"):
        services.article_mark_duplicate(article=first, original=copy, user=editor)
    other = ArticleFactory()
    with pytest.raises(ValueError, match="Other articles"):
        services.article_mark_duplicate(article=first, original=other, user=editor)
    assert Article.objects.get(pk=first.pk).duplicate_of_id is None


def test_update_saves_the_stored_row_not_the_callers_stale_copy(editor):
    article = ArticleFactory(headline="甲", body="正文一")
    stale = Article.objects.get(pk=article.pk)
    services.article_update(article=article, user=editor, data={"body": "正文二"})
    services.article_update(article=stale, user=editor, data={"headline": "乙"})
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.body, stored.version) == ("乙", "正文二", 3)
    assert stale.body == "正文二", "the caller's object is refreshed"


def test_page_update_keeps_history(editor):
    from articles.models import Page
    from tests.factories import PageFactory

    page = PageFactory(section="旧版名")
    services.page_update(page=page, user=editor, data={"section": "新版名"})
    stored = Page.objects.get(pk=page.pk)
    assert stored.section == "新版名" and stored.edited_at is not None
    assert [h.section for h in stored.history.order_by("history_id")] == ["旧版名", "新版名"]
    with pytest.raises(ValueError):
        services.page_update(page=page, user=editor, data={"raw_text": "x"})
