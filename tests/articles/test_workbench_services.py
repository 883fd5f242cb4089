"""Workbench operations (articles.editing): each one transaction and one change set, reverted as a whole,
refused over a newer save. Runs on SQLite and PostgreSQL like the whole suite."""

from __future__ import annotations

import pytest

from articles import editing
from articles.changesets import ChangeSetConflictError, change_set_revert
from articles.models import Article, ArticleCredit, ChangeSetKind, Page, Photo
from articles.services import ConcurrentEditError, article_update
from articles.spans import body_paragraphs
from tests.factories import ArticleCreditFactory, ArticleFactory, PageFactory, PhotoFactory

pytestmark = pytest.mark.django_db

RAW = (
    "要闻\n"
    "头条标题\n"
    "　　第一段的第一行，\n"
    "接着一行。\n"
    "　　第二段说完了。\n"
    "新故事的标题\n"
    "　　第三段另起一篇。\n"
    "　　第四段也是。\n"
    "另一篇标题\n"
    "　　另一篇的正文。\n"
    "没人认领的一行\n"
)


def _span(kind: str, text: str) -> list:
    start = RAW.index(text)
    return [kind, start, start + len(text)]


def _segments(first: Article, second: Article, photo_order: int | None = None) -> list[list]:
    segments = [[*_span("furniture", "要闻"), None, None, None]]
    for article in (first, second):
        segments.extend([*span, article.order, None, None] for span in article.source_spans)
    segments.append([*_span("unassigned", "没人认领的一行"), None, None, None])
    return sorted(segments, key=lambda s: s[1])


@pytest.fixture
def page_of_two():
    """A page whose first article is really two stories (the second starting at 新故事的标题)."""
    page = PageFactory(raw_text=RAW, unassigned=["没人认领的一行"])
    first = ArticleFactory(
        page=page,
        order=0,
        headline="头条标题",
        body="第一段的第一行，接着一行。\n\n第二段说完了。\n\n新故事的标题\n\n第三段另起一篇。\n\n第四段也是。",
        source_spans=[
            _span("headline", "头条标题"),
            _span("body", "　　第一段的第一行，\n接着一行。"),
            _span("body", "　　第二段说完了。"),
            _span("body", "新故事的标题"),
            _span("body", "　　第三段另起一篇。"),
            _span("body", "　　第四段也是。"),
        ],
    )
    second = ArticleFactory(
        page=page,
        order=1,
        headline="另一篇标题",
        body="另一篇的正文。",
        source_spans=[_span("headline", "另一篇标题"), _span("body", "　　另一篇的正文。")],
    )
    ArticleCreditFactory(article=first, reporter__name="张三", order=0)
    PhotoFactory(page=page, article=first, caption="头条的图")
    page.segments = _segments(first, second)
    page.save()
    return page, first, second


def _state(page: Page) -> dict:
    """Everything a revert must put back, by id."""
    page.refresh_from_db()
    return {
        "segments": page.segments,
        "unassigned": page.unassigned,
        "articles": list(
            Article.objects.filter(page=page)
            .order_by("pk")
            .values_list("pk", "order", "headline", "kicker", "subheadline", "body", "source_spans", "created_at")
        ),
        "credits": list(ArticleCredit.objects.filter(article__page=page).order_by("pk").values_list()),
        "photos": list(Photo.objects.filter(page=page).order_by("pk").values_list("pk", "article_id", "caption")),
    }


def _owners(page: Page) -> dict[str, set]:
    """Text of the page's segments by (kind, article order)."""
    page.refresh_from_db()
    owners: dict = {}
    for kind, start, end, article, _photo, _home in page.segments:
        owners.setdefault((kind, article), []).append(page.raw_text[start:end].strip())
    return owners


def test_split_at_a_paragraph_with_a_picked_headline_and_its_revert(page_of_two, editor):
    page, first, second = page_of_two
    before = _state(page)
    line = _span("body", "新故事的标题")
    result = editing.article_split(
        article=first, paragraph=2, headline_span=(line[1], line[2]), user=editor, expected_version=first.version
    )
    created = result.article
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.body == "第一段的第一行，接着一行。\n\n第二段说完了。"
    assert (created.headline, created.body, created.order) == ("新故事的标题", "第三段另起一篇。\n\n第四段也是。", 1)
    assert second.order == 2
    assert first.edited_by == editor and created.edited_by == editor
    assert first.credits.count() == 1 and first.photos.count() == 1
    assert "新故事" in created.search_document and "第三段" not in first.search_document
    owners = _owners(page)
    assert owners[("headline", 1)] == ["新故事的标题"]
    assert owners[("body", 1)] == ["第三段另起一篇。", "第四段也是。"]
    assert owners[("headline", 2)] == ["另一篇标题"]
    assert result.change_set.kind == ChangeSetKind.SPLIT
    assert first.history.latest().change_set == result.change_set

    revert = change_set_revert(change_set=result.change_set, user=editor)
    assert revert.kind == ChangeSetKind.REVERT and revert.reverts == result.change_set
    assert not Article.objects.filter(pk=created.pk).exists()
    assert _state(page) == before
    first.refresh_from_db()
    assert "第三段" in first.search_document
    with pytest.raises(ChangeSetConflictError):
        change_set_revert(change_set=result.change_set, user=editor)


def test_split_with_a_typed_headline(page_of_two, editor):
    _page, first, _second = page_of_two
    created = editing.article_split(article=first, paragraph=3, headline="打出来的标题", user=editor).article
    assert created.headline == "打出来的标题"
    assert created.body == "第三段另起一篇。\n\n第四段也是。"
    with pytest.raises(ValueError):
        editing.article_split(article=first, paragraph=0, headline="x", user=editor)


def test_merge_with_the_next_article_and_its_revert(page_of_two, editor):
    page, first, second = page_of_two
    ArticleCreditFactory(article=second, reporter__name="李四", order=0)
    ArticleCreditFactory(article=second, reporter__name="张三", order=1)  # credited on both: once
    PhotoFactory(page=page, article=second, caption="第二篇的图")
    before = _state(page)
    result = editing.article_merge(article=first, user=editor, expected_version=first.version)
    merged = result.article
    assert not Article.objects.filter(pk=second.pk).exists()
    assert merged.body.endswith("第四段也是。\n\n另一篇的正文。")
    assert [c.reporter.name for c in merged.credits.order_by("order")] == ["张三", "李四"]
    assert sorted(merged.photos.values_list("caption", flat=True)) == ["头条的图", "第二篇的图"]
    assert "另一篇的正文" in merged.search_document
    assert _owners(page)[("body", 0)][-1] == "另一篇的正文。"

    change_set_revert(change_set=result.change_set, user=editor)
    assert _state(page) == before
    assert Article.objects.get(pk=second.pk).credits.count() == 2


def test_split_then_merge_back_keeps_the_text(page_of_two, editor):
    page, first, _second = page_of_two
    editing.article_split(article=first, paragraph=3, headline="新标题", user=editor)
    first.refresh_from_db()
    merged = editing.article_merge(article=first, user=editor).article
    assert (
        merged.body
        == "第一段的第一行，接着一行。\n\n第二段说完了。\n\n新故事的标题\n\n第三段另起一篇。\n\n第四段也是。"
    )
    assert Article.objects.filter(page=page).count() == 2


def test_paragraphs_move_and_revert(page_of_two, editor):
    page, first, second = page_of_two
    before = _state(page)
    result = editing.paragraphs_move(
        article=first, paragraphs=[4], target=second, user=editor, target_expected_version=second.version
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert "第四段" not in first.body
    assert second.body == "第四段也是。\n\n另一篇的正文。"  # printed before the target: goes to its start
    assert _owners(page)[("body", 1)] == ["第四段也是。", "另一篇的正文。"]
    change_set_revert(change_set=result.change_set, user=editor)
    assert _state(page) == before


def test_paragraphs_move_to_another_issue_is_refused(page_of_two, editor):
    _page, first, _second = page_of_two
    with pytest.raises(ValueError):
        editing.paragraphs_move(article=first, paragraphs=[0], target=ArticleFactory(), user=editor)


def test_promote_and_demote_a_line(page_of_two, editor):
    page, first, _second = page_of_two
    before = _state(page)
    promoted = editing.article_promote_line(article=first, paragraph=2, field="subheadline", user=editor)
    first.refresh_from_db()
    assert first.subheadline == "新故事的标题" and "新故事的标题" not in first.body
    assert _owners(page)[("subheadline", 0)] == ["新故事的标题"]
    demoted = editing.article_demote_line(article=first, field="subheadline", user=editor)
    first.refresh_from_db()
    assert first.subheadline == "" and first.body.startswith("新故事的标题\n\n")
    assert demoted.change_set.kind == ChangeSetKind.DEMOTE_LINE
    change_set_revert(change_set=demoted.change_set, user=editor)
    change_set_revert(change_set=promoted.change_set, user=editor)
    assert _state(page) == before


def test_unassign_then_create_from_the_unassigned_text(page_of_two, editor):
    page, first, second = page_of_two
    _state(page)
    unassigned = editing.text_unassign(article=first, paragraphs=[3, 4], user=editor)
    page.refresh_from_db()
    assert page.unassigned == ["第三段另起一篇。", "第四段也是。", "没人认领的一行"]
    span = _span("x", "　　第三段另起一篇。\n　　第四段也是。")
    created = editing.article_create_from_text(
        page=page, start=span[1], end=span[2], headline="捡回来的", user=editor
    ).article
    assert (created.body, created.order) == ("第三段另起一篇。\n\n第四段也是。", 1)
    second.refresh_from_db()
    assert second.order == 2
    page.refresh_from_db()
    assert page.unassigned == ["没人认领的一行"]
    with pytest.raises(ChangeSetConflictError):  # the unassigned text was taken since
        change_set_revert(change_set=unassigned.change_set, user=editor)


def test_create_from_a_range_takes_it_from_its_article(page_of_two, editor):
    page, first, _second = page_of_two
    before = _state(page)
    span = _span("x", "新故事的标题\n　　第三段另起一篇。\n　　第四段也是。")
    result = editing.article_create_from_text(page=page, start=span[1], end=span[2], user=editor)
    first.refresh_from_db()
    assert first.body == "第一段的第一行，接着一行。\n\n第二段说完了。"
    assert result.article.body.startswith("新故事的标题")
    change_set_revert(change_set=result.change_set, user=editor)
    assert _state(page) == before


def test_reorder_and_photo_move(page_of_two, editor):
    page, first, second = page_of_two
    before = _state(page)
    reorder = editing.articles_reorder(page=page, article_ids=[second.pk, first.pk], user=editor)
    assert list(Article.objects.filter(page=page).order_by("order").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    with pytest.raises(ValueError):
        editing.articles_reorder(page=page, article_ids=[first.pk], user=editor)
    photo = first.photos.get()
    moved = editing.photo_move(photo=photo, article=second, user=editor, expected_version=photo.version)
    second.refresh_from_db()
    assert "头条的图" in second.search_document
    standalone = editing.photo_move(photo=photo, article=None, user=editor)
    assert Photo.objects.get(pk=photo.pk).article is None
    with pytest.raises(ValueError):
        editing.photo_move(photo=photo, article=ArticleFactory(), user=editor)
    for result in (standalone, moved, reorder):
        change_set_revert(change_set=result.change_set, user=editor)
    assert _state(page) == before


def test_a_stale_version_is_refused_and_a_revert_over_a_later_edit_too(page_of_two, editor):
    page, first, _second = page_of_two
    with pytest.raises(ConcurrentEditError):
        editing.article_split(article=first, paragraph=2, headline="x", user=editor, expected_version=first.version - 1)
    result = editing.article_split(article=first, paragraph=2, headline="x", user=editor)
    article_update(article=result.article, user=editor, data={"headline": "后来改的标题"})
    after = _state(page)
    with pytest.raises(ChangeSetConflictError):
        change_set_revert(change_set=result.change_set, user=editor)
    assert _state(page) == after


def _random_operation(rng, page: Page, editor):
    """One operation an editor could make on the page now, chosen by ``rng``; None when it does not apply."""
    articles = list(Article.objects.filter(page=page).order_by("order", "pk"))
    article = rng.choice(articles)
    paragraphs = len(body_paragraphs(article.body))
    choice = rng.choice(["split", "merge", "move", "promote", "demote", "unassign", "reorder", "photo"])
    if choice == "split" and paragraphs >= 2:
        return editing.article_split(
            article=article, paragraph=rng.randrange(1, paragraphs), headline="随", user=editor
        )
    if choice == "merge" and article != articles[-1]:
        return editing.article_merge(article=article, user=editor)
    if choice == "move" and paragraphs >= 1 and len(articles) > 1:
        target = rng.choice([a for a in articles if a.pk != article.pk])
        return editing.paragraphs_move(
            article=article, paragraphs=[rng.randrange(paragraphs)], target=target, user=editor
        )
    if choice == "promote" and paragraphs >= 1:
        field = rng.choice(editing.HEADING_FIELDS)
        return editing.article_promote_line(
            article=article, paragraph=rng.randrange(paragraphs), field=field, user=editor
        )
    if choice == "demote" and article.headline:
        return editing.article_demote_line(article=article, field="headline", user=editor)
    if choice == "unassign" and paragraphs >= 1:
        return editing.text_unassign(article=article, paragraphs=[rng.randrange(paragraphs)], user=editor)
    if choice == "reorder":
        ids = [a.pk for a in articles]
        rng.shuffle(ids)
        return editing.articles_reorder(page=page, article_ids=ids, user=editor)
    if choice == "photo":
        photo = Photo.objects.filter(page=page).first()
        return editing.photo_move(photo=photo, article=rng.choice([*articles, None]), user=editor)
    return None


@pytest.mark.parametrize("seed", range(6))
def test_any_sequence_of_operations_reverted_in_reverse_puts_the_page_back(seed, page_of_two, editor):
    import random

    page, _first, _second = page_of_two
    before = _state(page)
    rng = random.Random(seed)
    done = [r for r in (_random_operation(rng, page, editor) for _ in range(8)) if r is not None]
    assert done
    for result in reversed(done):
        change_set_revert(change_set=result.change_set, user=editor)
    assert _state(page) == before
