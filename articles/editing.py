"""The editors' workbench operations: fix a page's segmentation, each as one transaction and one change set.

Every operation locks in the order of ``articles.locks`` (the issue row first, then the rows in id order),
refuses a stale ``expected_version``, bumps the version of everything it writes, marks the articles whose text
it changes as the editors' (a re-import keeps them), keeps their search documents current, moves the raw-text
spans with the paragraphs so ``Page.segments`` shows the current owners, and records one ``ChangeSet`` that
``changeset_revert`` can undo as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from importer.parsing import text_fingerprint
from importer.parsing.bodytext import build_body

from .changesets import ChangeSetRecorder
from .locks import issue_owned_lock, issue_rows_lock
from .models import Article, ArticleCredit, ChangeSet, ChangeSetKind, Page, Photo
from .services import (
    ConcurrentEditError,
    article_refresh_search_document,
    photo_article_check,
    text_normalise_line_ends,
)
from .spans import (
    BODY,
    Span,
    body_join,
    body_lines,
    body_paragraphs,
    segments_rebuild,
    segments_unassigned_texts,
    span_page,
    spans_by_paragraph,
    spans_relocate,
    spans_subtract,
)

#: Article fields a body line can be promoted to (and demoted from).
HEADING_FIELDS = ("headline", "kicker", "subheadline")
#: Their printed names, for change set descriptions (stored in Chinese: they are data, shown to every editor).
FIELD_NAMES = {"headline": "标题", "kicker": "引题", "subheadline": "副题"}


@dataclass(frozen=True)
class EditResult:
    """What an operation did: its change set, and the article it produced or changed."""

    change_set: ChangeSet
    article: Article | None


def _check(obj, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise ConcurrentEditError(obj, expected_version)


def _lock_articles(*pks: int) -> dict[int, Article]:
    return {a.pk: a for a in issue_owned_lock(model=Article, pks=list(pks))}


def _lock_page(page: Page) -> tuple[Page, dict[int, Article]]:
    """The page and all its articles locked (operations shift their orders), its issue first."""
    issue_rows_lock(
        issue_ids=Page.objects.filter(pk=page.pk).values_list("issue_id", flat=True)
    )  # a page may have no articles
    pks = list(Article.objects.filter(page_id=page.pk).values_list("pk", flat=True))
    articles = _lock_articles(*pks)
    return Page.objects.select_related("issue").get(pk=page.pk), articles


def _raws(issue_id: int) -> dict[int, str]:
    return dict(Page.objects.filter(issue_id=issue_id).values_list("index", "raw_text"))


def _edited(article: Article, recorder: ChangeSetRecorder) -> None:
    article.edited_by = recorder.user
    article.edited_at = timezone.now()
    article.fingerprint = text_fingerprint(article.body)


def _spans_of(article: Article) -> tuple[list[list[Span]], list[Span]]:
    """The article's spans by body paragraph, and its other spans (headline, byline …), read from its
    issue's raw pages: what every paragraph operation edits."""
    return spans_by_paragraph(
        spans=article.source_spans, body=article.body, raws=_raws(article.issue_id), home=article.page.index
    )


def _paragraph_check(article: Article, indexes: list[int]) -> list[str]:
    paragraphs = body_paragraphs(article.body)
    if not indexes or any(not 0 <= i < len(paragraphs) for i in indexes):
        raise ValueError(gettext("Choose paragraphs of the article “%(article)s”.") % {"article": article})
    return paragraphs


def _resegment(recorder: ChangeSetRecorder, *pages: Page) -> None:
    """Segments and unassigned text of pages from the current spans of their articles and photos."""
    for page in {p.pk: p for p in pages}.values():
        page = recorder.page(page)
        owners = []
        for article in Article.objects.filter(issue_id=page.issue_id).select_related("page"):
            for span in article.source_spans:
                if span_page(span, article.page.index) == page.index:
                    other_home = article.page.index if article.page_id != page.pk else None
                    owners.append((span[:3], article.order, None, other_home))
        for photo in Photo.objects.filter(page_id=page.pk):
            owners.extend((span[:3], None, photo.order, None) for span in photo.source_spans)
        page.segments = segments_rebuild(raw_text=page.raw_text, segments=page.segments, owners=owners)
        page.unassigned = segments_unassigned_texts(raw_text=page.raw_text, segments=page.segments)


def _make_room(recorder: ChangeSetRecorder, articles: dict[int, Article], *, page: Page, order: int) -> None:
    """Articles of ``page`` at ``order`` and after move one down (a new article goes to ``order``)."""
    for article in sorted(articles.values(), key=lambda a: -a.order):
        if article.page_id == page.pk and article.order >= order:
            article.order += 1
            recorder.save(article, reason="order")


def _save_article(recorder: ChangeSetRecorder, article: Article, *, reason: str) -> Article:
    _edited(article, recorder)
    recorder.save(article, reason=reason)
    article_refresh_search_document(article=article)
    return article


@transaction.atomic
def article_split(
    *,
    article: Article,
    paragraph: int,
    user: AbstractBaseUser | None,
    headline: str = "",
    headline_span: tuple[int, int] | None = None,
    expected_version: int | None = None,
) -> EditResult:
    """Split ``article`` before its paragraph ``paragraph`` (0-based): that paragraph and the rest become a new
    article right after it on the page, headed by ``headline`` or by the page line ``headline_span`` (start,
    end in the raw text). Credits and photos stay with the first part."""
    page, articles = _lock_page(article.page)
    current = articles[article.pk]
    _check(current, expected_version)
    paragraphs = body_paragraphs(current.body)
    if not 0 < paragraph < len(paragraphs):
        raise ValueError(gettext("Split at a paragraph after the first one."))
    recorder = ChangeSetRecorder(
        kind=ChangeSetKind.SPLIT,
        user=user,
        description=f"拆分《{current.headline or current}》",
        reverts=None,
    )
    raws = _raws(page.issue_id)
    by_paragraph, other = spans_by_paragraph(spans=current.source_spans, body=current.body, raws=raws, home=page.index)
    second_spans = [span for spans in by_paragraph[paragraph:] for span in spans]
    second_paragraphs = paragraphs[paragraph:]
    headline = " ".join(text_normalise_line_ends(headline).split())
    if headline_span is not None:
        start, end = headline_span
        picked = page.raw_text[start:end].strip()
        headline = headline or " ".join(picked.split())
        second_spans = spans_subtract(second_spans, page=page.index, start=start, end=end, home=page.index)
        second_paragraphs = [p for p in second_paragraphs if "".join(p.split()) != "".join(picked.split())]
        second_spans.append(["headline", start, end])
    current.body = body_join(paragraphs[:paragraph])
    current.source_spans = other + [span for spans in by_paragraph[:paragraph] for span in spans]
    _save_article(recorder, current, reason="split")
    _make_room(recorder, {k: v for k, v in articles.items() if k != current.pk}, page=page, order=current.order + 1)
    created = Article(
        issue_id=current.issue_id,
        page_id=page.pk,
        order=current.order + 1,
        headline=headline,
        body=body_join(second_paragraphs),
        kind=current.kind,
        status=current.status,
        publication_date=current.publication_date,
        source_spans=sorted(second_spans, key=lambda s: (span_page(s, page.index), s[1])),
    )
    _save_article(recorder, created, reason="split")
    _resegment(recorder, page)
    return EditResult(change_set=recorder.finish(), article=created)


@transaction.atomic
def article_merge(
    *,
    article: Article,
    user: AbstractBaseUser | None,
    expected_version: int | None = None,
    next_expected_version: int | None = None,
) -> EditResult:
    """Merge the next article of the page into ``article``: its body after this one's, its credits after
    this one's (a reporter credited on both in the same role once), its photos and spans; empty heading
    fields are filled from it. The next article is deleted (its history keeps it for a revert)."""
    following = (
        Article.objects.filter(page_id=article.page_id)
        .filter(Q(order__gt=article.order) | Q(order=article.order, pk__gt=article.pk))
        .order_by("order", "pk")
        .first()
    )
    if following is None:
        raise ValueError(gettext("“%(article)s” is the last article of its page.") % {"article": article})
    if Article.objects.filter(duplicate_of_id=following.pk).exists():
        raise ValueError(
            gettext("Other articles are marked as duplicates of “%(article)s”: mark them otherwise first.")
            % {"article": following}
        )
    page, articles = _lock_page(article.page)
    current, other = articles[article.pk], articles[following.pk]
    _check(current, expected_version)
    _check(other, next_expected_version)
    recorder = ChangeSetRecorder(
        kind=ChangeSetKind.MERGE,
        user=user,
        description=f"合并《{current}》和《{other}》",
        reverts=None,
    )
    credits = list(ArticleCredit.objects.filter(article_id=current.pk).order_by("order", "pk"))
    have = {(c.reporter_id, c.role) for c in credits}
    next_order = max((c.order for c in credits), default=-1) + 1
    for credit in ArticleCredit.objects.filter(article_id=other.pk).order_by("order", "pk"):
        if (credit.reporter_id, credit.role) in have:
            recorder.delete(credit, reason="merge")
            continue
        credit.article_id, credit.order = current.pk, next_order
        next_order += 1
        recorder.save(credit, reason="merge")
    for photo in Photo.objects.filter(article_id=other.pk).order_by("order", "pk"):
        photo.article_id = current.pk
        photo.edited_at = timezone.now()
        recorder.save(photo, reason="merge")
    for name in HEADING_FIELDS:
        if not getattr(current, name):
            setattr(current, name, getattr(other, name))
    current.body = body_join([*body_paragraphs(current.body), *body_paragraphs(other.body)])
    current.source_spans = current.source_spans + spans_relocate(
        other.source_spans, old_home=other.page.index, new_home=page.index
    )
    recorder.delete(other, reason="merge")
    _save_article(recorder, current, reason="merge")
    _resegment(recorder, page)
    return EditResult(change_set=recorder.finish(), article=current)


@transaction.atomic
def paragraphs_move(
    *,
    article: Article,
    paragraphs: list[int],
    target: Article,
    user: AbstractBaseUser | None,
    expected_version: int | None = None,
    target_expected_version: int | None = None,
) -> EditResult:
    """Move paragraphs (0-based indexes) of ``article`` to ``target``, an article of the same issue: to its
    end when the target is printed before, to its start when after (reading order), with their spans."""
    if target.pk == article.pk or target.issue_id != article.issue_id:
        raise ValueError(gettext("Move paragraphs to another article of the same issue."))
    locked = _lock_articles(article.pk, target.pk)
    current, into = locked[article.pk], locked[target.pk]
    _check(current, expected_version)
    _check(into, target_expected_version)
    chosen = sorted(set(paragraphs))
    texts = _paragraph_check(current, chosen)
    recorder = ChangeSetRecorder(
        kind=ChangeSetKind.MOVE_PARAGRAPHS,
        user=user,
        description=f"把《{current}》的 {len(chosen)} 段移到《{into}》",
        reverts=None,
    )
    by_paragraph, other = _spans_of(current)
    moved_texts = [texts[i] for i in chosen]
    moved_spans = spans_relocate(
        [span for i in chosen for span in by_paragraph[i]], old_home=current.page.index, new_home=into.page.index
    )
    current.body = body_join(t for i, t in enumerate(texts) if i not in chosen)
    current.source_spans = other + [s for i, spans in enumerate(by_paragraph) if i not in chosen for s in spans]
    before = (into.page.index, into.order) < (current.page.index, current.order)
    target_paragraphs = body_paragraphs(into.body)
    into.body = body_join([*target_paragraphs, *moved_texts] if before else [*moved_texts, *target_paragraphs])
    into.source_spans = into.source_spans + moved_spans
    _save_article(recorder, current, reason="paragraphs moved out")
    _save_article(recorder, into, reason="paragraphs moved in")
    _resegment(recorder, current.page, into.page)
    return EditResult(change_set=recorder.finish(), article=into)


@transaction.atomic
def article_promote_line(
    *,
    article: Article,
    paragraph: int,
    field: str,
    user: AbstractBaseUser | None,
    expected_version: int | None = None,
) -> EditResult:
    """A body paragraph (a line the segmenter took for text) becomes the headline, kicker or subheadline; what
    that field held before goes to the start of the body, so no text is lost."""
    if field not in HEADING_FIELDS:
        raise ValueError(f"not a heading field: {field}")
    current = _lock_articles(article.pk)[article.pk]
    _check(current, expected_version)
    texts = _paragraph_check(current, [paragraph])
    recorder = ChangeSetRecorder(
        kind=ChangeSetKind.PROMOTE_LINE,
        user=user,
        description=f"把“{texts[paragraph][:40]}”提升为{FIELD_NAMES[field]}",
        reverts=None,
    )
    by_paragraph, other = _spans_of(current)
    old = getattr(current, field)
    old_spans = [[BODY, *span[1:]] for span in other if span[0] == field]
    rest = [t for i, t in enumerate(texts) if i != paragraph]
    current.body = body_join([old, *rest] if old else rest)
    setattr(current, field, " ".join(texts[paragraph].split()))
    current.source_spans = (
        [span for span in other if span[0] != field]
        + old_spans
        + [[field, *span[1:]] for span in by_paragraph[paragraph]]
        + [s for i, spans in enumerate(by_paragraph) if i != paragraph for s in spans]
    )
    _save_article(recorder, current, reason=f"promoted to {field}")
    _resegment(recorder, current.page)
    return EditResult(change_set=recorder.finish(), article=current)


@transaction.atomic
def article_demote_line(
    *, article: Article, field: str, user: AbstractBaseUser | None, expected_version: int | None = None
) -> EditResult:
    """The headline, kicker or subheadline goes back to being the body's first paragraph (with its spans)."""
    if field not in HEADING_FIELDS:
        raise ValueError(f"not a heading field: {field}")
    current = _lock_articles(article.pk)[article.pk]
    _check(current, expected_version)
    text = getattr(current, field)
    if not text:
        raise ValueError(gettext("The article has no %(field)s to demote.") % {"field": field})
    recorder = ChangeSetRecorder(
        kind=ChangeSetKind.DEMOTE_LINE,
        user=user,
        description=f"把{FIELD_NAMES[field]}“{text[:40]}”降为正文",
        reverts=None,
    )
    current.body = body_join([text, *body_paragraphs(current.body)])
    setattr(current, field, "")
    current.source_spans = [[BODY, *span[1:]] if span[0] == field else span for span in current.source_spans]
    _save_article(recorder, current, reason=f"{field} demoted")
    _resegment(recorder, current.page)
    return EditResult(change_set=recorder.finish(), article=current)


def _take_range(recorder: ChangeSetRecorder, articles: dict[int, Article], page: Page, start: int, end: int) -> None:
    """Text of ``start:end`` leaves the articles that own it: whole paragraphs and headings inside it go
    with it, the spans of the rest are cut."""
    raws = _raws(page.issue_id)
    for article in articles.values():
        home = article.page.index
        spans = article.source_spans
        if not any(span_page(s, home) == page.index and s[1] < end and s[2] > start for s in spans):
            continue
        by_paragraph, other = spans_by_paragraph(spans=spans, body=article.body, raws=raws, home=home)
        texts = body_paragraphs(article.body)

        def inside(group: list, home: int = home) -> bool:
            """Is every printed character of these spans in the range (indents and line ends aside)?"""
            return bool(group) and all(
                span_page(s, home) == page.index
                and all(start <= pos < end for pos in range(s[1], s[2]) if not page.raw_text[pos].isspace())
                for s in group
            )

        for name in HEADING_FIELDS:
            if inside([s for s in other if s[0] == name]):
                setattr(article, name, "")
        article.body = body_join(t for t, group in zip(texts, by_paragraph, strict=True) if not inside(group))
        kept = other + [s for group in by_paragraph if not inside(group) for s in group]
        article.source_spans = spans_subtract(kept, page=page.index, start=start, end=end, home=home)
        _save_article(recorder, article, reason="text taken for a new article")


@transaction.atomic
def article_create_from_text(
    *, page: Page, start: int, end: int, user: AbstractBaseUser | None, headline: str = ""
) -> EditResult:
    """A new article from the characters ``start:end`` of the page's raw text (unassigned text, or a range an
    editor selected): lines joined into paragraphs as the importer joins them, placed on the page in reading
    order. Articles that owned part of the range give it up (whole paragraphs inside it leave their bodies)."""
    page, articles = _lock_page(page)
    start, end = max(0, start), min(len(page.raw_text), end)
    lines = body_lines(raw_text=page.raw_text, segments=page.segments, start=start, end=end)
    if not lines:
        raise ValueError(gettext("The selected text is empty."))
    recorder = ChangeSetRecorder(
        kind=ChangeSetKind.CREATE_FROM_TEXT,
        user=user,
        description=f"从原文新建《{headline or page.raw_text[lines[0].start : lines[0].end].strip()[:30]}》",
        reverts=None,
    )
    _take_range(recorder, articles, page, start, end)
    ahead = [a for a in articles.values() if a.page_id == page.pk and a.source_spans and _first(a) < start]
    order = max((a.order for a in ahead), default=-1) + 1
    _make_room(recorder, articles, page=page, order=order)
    created = Article(
        issue_id=page.issue_id,
        page_id=page.pk,
        order=order,
        headline=" ".join(text_normalise_line_ends(headline).split()),
        body=build_body([page.raw_text], lines),
        publication_date=page.issue.publication_date,
        source_spans=[[BODY, line.start, line.end] for line in lines],
    )
    _save_article(recorder, created, reason="created from text")
    _resegment(recorder, page)
    return EditResult(change_set=recorder.finish(), article=created)


def _first(article: Article) -> int:
    starts = [s[1] for s in article.source_spans if len(s) <= 3]
    return min(starts) if starts else 0


@transaction.atomic
def text_unassign(
    *, article: Article, paragraphs: list[int], user: AbstractBaseUser | None, expected_version: int | None = None
) -> EditResult:
    """Paragraphs leave the article and their raw text is unassigned again (for another article to take)."""
    current = _lock_articles(article.pk)[article.pk]
    _check(current, expected_version)
    chosen = sorted(set(paragraphs))
    texts = _paragraph_check(current, chosen)
    recorder = ChangeSetRecorder(
        kind=ChangeSetKind.UNASSIGN,
        user=user,
        description=f"把《{current}》的 {len(chosen)} 段退回未分配",
        reverts=None,
    )
    by_paragraph, other = _spans_of(current)
    current.body = body_join(t for i, t in enumerate(texts) if i not in chosen)
    current.source_spans = other + [s for i, spans in enumerate(by_paragraph) if i not in chosen for s in spans]
    _save_article(recorder, current, reason="text unassigned")
    _resegment(recorder, current.page)
    return EditResult(change_set=recorder.finish(), article=current)


@transaction.atomic
def articles_reorder(*, page: Page, article_ids: list[int], user: AbstractBaseUser | None) -> EditResult:
    """Put the page's articles in the order of ``article_ids`` (all of them, each once)."""
    page, articles = _lock_page(page)
    on_page = {pk for pk, a in articles.items() if a.page_id == page.pk}
    if sorted(article_ids) != sorted(on_page):
        raise ValueError(gettext("List every article of the page once."))
    recorder = ChangeSetRecorder(
        kind=ChangeSetKind.REORDER,
        user=user,
        description=f"调整 {page} 的文章顺序",
        reverts=None,
    )
    for order, pk in enumerate(article_ids):
        article = articles[pk]
        if article.order != order:
            article.order = order
            recorder.save(article, reason="reordered")
    _resegment(recorder, page)
    return EditResult(change_set=recorder.finish(), article=None)


@transaction.atomic
def photo_move(
    *, photo: Photo, article: Article | None, user: AbstractBaseUser | None, expected_version: int | None = None
) -> EditResult:
    """A photo illustrates another article of its issue, or none (standalone); both search documents follow."""
    pks = [pk for pk in {photo.article_id, article.pk if article else None} if pk is not None]
    _lock_articles(*pks)
    [stored] = issue_owned_lock(model=Photo, pks=[photo.pk])
    _check(stored, expected_version)
    photo_article_check(photo=stored, article=article)
    recorder = ChangeSetRecorder(
        kind=ChangeSetKind.MOVE_PHOTO,
        user=user,
        description="图片“{photo}”移到《{article}》".format(photo=stored, article=article or "独立图片"),
        reverts=None,
    )
    previous = stored.article_id
    stored.article = article
    stored.edited_at = timezone.now()
    recorder.save(stored, reason="photo moved")
    for pk in {previous, stored.article_id} - {None}:
        _save_article(recorder, Article.objects.get(pk=pk), reason="photo moved")
    _resegment(recorder, stored.page)
    return EditResult(change_set=recorder.finish(), article=article)
