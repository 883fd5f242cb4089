"""Writing one issue: a parsed draft becomes model rows in one transaction; re-import; purge.

The parser hands over plain dataclasses (``importer.parsing``); this module is the only one that turns
them into model rows. It writes in bulk and never touches an article an editor has changed or verified.
Imports write no history rows (a decade of issues would double every table for nothing): the editors'
services record the imported state as the first history row the moment an object is first changed, so
every edit can still be reverted to what the import wrote.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from articles.models import Article, ArticleCredit, Issue, Page, Photo, Reporter
from articles.services import EDITABLE_PAGE_FIELDS

from ..models import EventResult, ImportEvent, ImportRun
from ..parsing import IssueDraft, PageDraft, SegmentKind
from ..parsing.files import SourceFile
from ..parsing.tokens import index_draft
from .copy import bulk_insert, insert_in_order

COUNT_KEYS = ("issues", "pages", "articles", "photos", "reporters", "credits")


@dataclass
class IssueImportResult:
    """What writing one draft did."""

    issue: Issue | None
    result: str  # an EventResult value
    counts: Counter = field(default_factory=Counter)
    #: articles an editor owns that the new segmentation no longer matches: left for an editor to review
    conflicts: list[str] = field(default_factory=list)
    kept: int = 0  # touched articles left as the editors made them


def apply_overrides(
    draft: IssueDraft,
    *,
    paper: str | None = None,
    date: dt.date | None = None,
    edition: str | None = None,
    source: SourceFile | None = None,
) -> IssueDraft:
    """Command-line options beat the file's manifest, which beats what the text says."""
    manifest = source.manifest if source else None
    draft.paper = paper or (manifest and manifest.paper) or draft.paper or settings.NEWSROOM_DEFAULT_PAPER or None
    draft.date = date or (manifest and manifest.date) or draft.date
    draft.edition = edition or (manifest and manifest.edition) or draft.edition or ""
    return draft


def _clean_name(name: str) -> str:
    return "".join(name.split())


def _reporters_for(names: set[str], counts: Counter) -> dict[str, Reporter]:
    """Reporter rows by name, creating the missing ones.

    ``ignore_conflicts``: another import running at the same time may create the same person first;
    the rows are read back either way.
    """
    existing = {r.name: r for r in Reporter.objects.filter(name__in=names)}
    missing = [Reporter(name=name) for name in sorted(names - existing.keys())]
    if missing:
        bulk_insert(Reporter, missing, ignore_conflicts=True)
        existing.update({r.name: r for r in Reporter.objects.filter(name__in=[m.name for m in missing])})
        counts["reporters"] += len(missing)
    return existing


def _photo_key(page_index: int, spans: list[list], caption: str) -> tuple:
    """Where a photo's caption starts in the raw text: the same photo on a re-import, even after an
    editor rewrote its caption (the caption text is the fallback for a photo without spans)."""
    if spans:
        return page_index, min(span[1] for span in spans)
    return page_index, "".join(caption.split())


def _article_spans(draft: IssueDraft) -> dict[tuple[int, int], list[list]]:
    """Spans of every article, keyed by (page index, order): ``[kind, start, end]`` on the article's own
    page, ``[kind, start, end, page index]`` on another page (a headline printed on the next page)."""
    spans: dict[tuple[int, int], list[list]] = {}
    for page in draft.pages:
        for s in page.segments:
            if s.article is None or s.kind not in SegmentKind.ARTICLE_KINDS:
                continue
            home = s.owner_page or page.index
            span = [s.kind, s.start, s.end] if home == page.index else [s.kind, s.start, s.end, page.index]
            spans.setdefault((home, s.article), []).append(span)
    return spans


def _photo_spans(page: PageDraft) -> dict[int, list[list]]:
    """Spans of every photo of a page, keyed by its order on the page (one pass over the segments)."""
    spans: dict[int, list[list]] = {}
    for s in page.segments:
        if s.photo is not None and s.kind in SegmentKind.PHOTO_KINDS:
            spans.setdefault(s.photo, []).append([s.kind, s.start, s.end])
    return spans


def _page_fields(page: PageDraft) -> dict:
    return {
        "number": page.number or "",
        "section": page.section or "",
        "printed_date": page.date,
        "staff": page.staff or {},
        "raw_text": page.raw_text,
        "first_line": page.first_line,
        "furniture": list(page.furniture),
        "unassigned": list(page.unassigned),
        "segments": [[s.kind, s.start, s.end, s.article, s.photo, s.owner_page] for s in page.segments],
    }


def _write_pages_content(
    issue: Issue,
    draft: IssueDraft,
    pages: dict[int, Page],
    counts: Counter,
    *,
    kept: Sequence[Article] = (),
    kept_photos: frozenset[tuple] = frozenset(),
    new_pages: Sequence[Page] = (),
) -> dict[str, Article]:
    """Create the articles, credits and photos of every page of the draft (and ``new_pages``, the
    unsaved pages they are on), all in one ``insert_in_order``.

    ``kept`` are articles an editor owns (on a forced re-import). The draft's article with the same text
    (fingerprint), and the same role, first copy or later printed copy, is not created again: the
    editor's version is the only one, and copies printed later point at it. ``kept_photos`` are
    the ``_photo_key`` of photos that stayed; the draft's copies of them are not created again.
    Returns the created first copies by fingerprint.
    """
    kept_first = {a.fingerprint: a for a in kept if a.duplicate_of_id is None}
    kept_copies: dict[str, list[Article]] = {}
    for article in kept:
        if article.duplicate_of_id is not None:
            kept_copies.setdefault(article.fingerprint, []).append(article)
    status = settings.NEWSROOM_IMPORT_STATUS
    names = {_clean_name(c.name) for a in draft.articles for c in a.reporters if _clean_name(c.name)} | {
        _clean_name(p.photographer)
        for pg in draft.pages
        for p in pg.photos
        if p.photographer and _clean_name(p.photographer)
    }
    reporters = _reporters_for(names, counts)

    issue_order: list[Article | None] = []  # the draft's issue-level article order, for duplicate_of
    by_place: dict[tuple[int, int], Article] = {}  # (page index, order) -> article
    plain: list[Article] = []
    copies: list[tuple[Article, int]] = []
    credits_for: list[tuple[Article, list]] = []
    photos: list[Photo] = []
    spans = _article_spans(draft)
    for page_draft in draft.pages:
        page = pages[page_draft.index]
        for order, article_draft in enumerate(page_draft.articles):
            fingerprint = article_draft.fingerprint
            if article_draft.duplicate_of is None:
                owned = kept_first.pop(fingerprint, None)
            else:
                owned = kept_copies[fingerprint].pop(0) if kept_copies.get(fingerprint) else None
            if owned is not None:
                issue_order.append(owned)
                by_place[(page_draft.index, order)] = owned
                continue
            article = Article(
                issue=issue,
                page=page,
                order=order,
                headline=article_draft.headline or "",
                kicker=article_draft.kicker or "",
                subheadline=article_draft.subheadline or "",
                body=article_draft.body,
                kind=article_draft.kind,
                status=status,
                fingerprint=article_draft.fingerprint,
                search_tokens=article_draft.search_tokens,
                source_spans=spans.get((page_draft.index, order), []),
                search_document=article_draft.search_document,
            )
            issue_order.append(article)
            by_place[(page_draft.index, order)] = article
            if article_draft.duplicate_of is not None:
                copies.append((article, article_draft.duplicate_of))
            else:
                plain.append(article)
            credits_for.append((article, article_draft.reporters))
    for page_draft in draft.pages:
        spans_of_photos = _photo_spans(page_draft)
        for order, photo_draft in enumerate(page_draft.photos):
            photo_spans = spans_of_photos.get(order, [])
            if _photo_key(page_draft.index, photo_spans, photo_draft.caption) in kept_photos:
                continue
            photographer = _clean_name(photo_draft.photographer or "")
            illustrates = None
            if photo_draft.article is not None:
                illustrates = by_place.get((photo_draft.article_page or page_draft.index, photo_draft.article))
            photos.append(
                Photo(
                    issue=issue,
                    page=pages[page_draft.index],
                    article=illustrates,
                    order=order,
                    caption=photo_draft.caption,
                    photographer=reporters.get(photographer) if photographer else None,
                    source_spans=photo_spans,
                )
            )

    first_copies = {id(article) for article in plain}
    for article, original in copies:
        target = issue_order[original] if 0 <= original < len(issue_order) else None
        # a later copy points at a first copy: one created here, or one an editor kept (already saved)
        if target is not None and (id(target) in first_copies or target.pk is not None):
            article.duplicate_of = target
    counts["articles"] += len(plain) + len(copies)

    credits: list[ArticleCredit] = []
    for article, article_credits in credits_for:
        seen: set[tuple[str, str]] = set()
        for credit in article_credits:
            key = (_clean_name(credit.name), credit.role)
            if not key[0] or key in seen:
                continue
            seen.add(key)
            credits.append(
                ArticleCredit(article=article, reporter=reporters[key[0]], role=credit.role, order=len(seen) - 1)
            )
    counts["credits"] += len(credits)
    counts["photos"] += len(photos)
    insert_in_order(
        [
            (Page, list(new_pages)),
            (Article, plain),
            (Article, [article for article, _ in copies]),
            (ArticleCredit, credits),
            (Photo, photos),
        ]
    )
    return {article.fingerprint: article for article in plain}


def issue_import(*, draft: IssueDraft, force: bool = False) -> IssueImportResult:
    """Write one parsed issue in one transaction.

    A file already imported (same SHA-256) is skipped, unless ``force``: then pages are refreshed and
    every article no editor has touched is re-segmented; touched or verified articles stay byte for byte,
    and those the new segmentation no longer finds are reported as conflicts.
    """
    try:
        with transaction.atomic():
            return issue_import_in_transaction(draft=draft, force=force)
    except IntegrityError as error:
        return issue_import_conflict(draft=draft, force=force, error=error)


def issue_import_in_transaction(*, draft: IssueDraft, force: bool = False) -> IssueImportResult:
    """The body of ``issue_import``, for a caller that holds the transaction (a batch adds the file's log
    event to it). If it raises ``IntegrityError``, roll back and ask ``issue_import_conflict``."""
    if not draft.sha256:
        raise ValueError("draft has no sha256: parse it with importer.parsing.parse_bytes")
    if not draft.indexed:
        index_draft(draft)
    existing = Issue.objects.select_for_update().filter(sha256=draft.sha256).first()
    if existing is not None and not force:
        return IssueImportResult(issue=existing, result=EventResult.SKIPPED)
    if existing is not None:
        return _reimport(existing, draft)
    return _import_new(draft)


def issue_import_conflict(*, draft: IssueDraft, force: bool, error: IntegrityError) -> IssueImportResult:
    """After an ``IntegrityError`` rolled a file back: if another process imported the same file in the
    meantime, this one is skipped (no savepoint per file needed for that rare race); else ``error`` stands."""
    issue = Issue.objects.filter(sha256=draft.sha256).first()
    if force or issue is None:
        raise error
    return IssueImportResult(issue=issue, result=EventResult.SKIPPED)


def _import_new(draft: IssueDraft) -> IssueImportResult:
    counts: Counter = Counter()
    issue = Issue.objects.create(
        paper=draft.paper or "",
        publication_date=draft.date,
        edition=draft.edition or "",
        source_name=draft.source,
        sha256=draft.sha256,
        encoding=draft.encoding,
        size_bytes=draft.size,
    )
    counts["issues"] += 1
    pages = {p.index: Page(issue=issue, index=p.index, **_page_fields(p)) for p in draft.pages}
    counts["pages"] += len(pages)
    _write_pages_content(issue, draft, pages, counts, new_pages=list(pages.values()))
    return IssueImportResult(issue=issue, result=EventResult.IMPORTED, counts=counts)


def _reimport(issue: Issue, draft: IssueDraft) -> IssueImportResult:
    """Re-segment an imported issue, leaving everything editors own as they left it.

    Kept: articles an editor changed or verified (and their credits and photos), photos an editor
    changed, and the printed number, section, date and staff of pages an editor corrected. The rest is
    deleted and written again from the draft; history records those deletions, so what a re-import
    replaced stays auditable.
    """
    counts: Counter = Counter()
    issue.paper = draft.paper or issue.paper
    issue.publication_date = draft.date or issue.publication_date
    issue.edition = draft.edition or issue.edition
    issue.encoding = draft.encoding
    issue.save(update_fields=["paper", "publication_date", "edition", "encoding"])

    touched = list(
        Article.objects.filter(issue=issue)
        .filter(Q(edited_at__isnull=False) | Q(verified_at__isnull=False))
        .select_related("page", "duplicate_of")
    )
    touched_ids = {a.pk for a in touched}
    new_fingerprints = {a.fingerprint for a in draft.articles}
    conflicts = [
        f"article {a.pk} ({a.headline or a.body[:20]}) was edited; the new segmentation does not hold it unchanged"
        for a in touched
        if a.fingerprint not in new_fingerprints
    ]
    # copies an editor owns whose first copy is about to be re-created: re-point them afterwards
    repoint = {
        a.pk: a.duplicate_of.fingerprint for a in touched if a.duplicate_of_id and a.duplicate_of_id not in touched_ids
    }
    Photo.objects.filter(issue=issue, edited_at__isnull=True).exclude(article_id__in=touched_ids).delete()
    Article.objects.filter(issue=issue).exclude(pk__in=touched_ids).delete()
    kept_photos = list(Photo.objects.filter(issue=issue).select_related("page"))

    pages = {page.index: page for page in Page.objects.filter(issue=issue)}
    for page_draft in draft.pages:
        page = pages.get(page_draft.index)
        if page is None:
            page = Page.objects.create(issue=issue, index=page_draft.index, **_page_fields(page_draft))
            pages[page.index] = page
            counts["pages"] += 1
            continue
        fields = _page_fields(page_draft)
        if page.edited_at is not None:
            for name in EDITABLE_PAGE_FIELDS:
                fields.pop(name, None)
        Page.objects.filter(pk=page.pk).update(**fields)
        for name, value in fields.items():
            setattr(page, name, value)
    keep_pages = {p.index for p in draft.pages} | {a.page.index for a in touched} | {p.page.index for p in kept_photos}
    Page.objects.filter(issue=issue).exclude(index__in=keep_pages).delete()
    created = _write_pages_content(
        issue,
        draft,
        pages,
        counts,
        kept=touched,
        kept_photos=frozenset(_photo_key(p.page.index, p.source_spans, p.caption) for p in kept_photos),
    )
    for article_id, fingerprint in repoint.items():
        if fingerprint in created:
            Article.objects.filter(pk=article_id).update(duplicate_of=created[fingerprint])
    return IssueImportResult(
        issue=issue, result=EventResult.REIMPORTED, counts=counts, conflicts=conflicts, kept=len(touched)
    )


def issue_purge(*, issue: Issue, chunk_size: int = 500, run: ImportRun | None = None) -> Counter:
    """Delete an issue with everything it owns, in chunks so a large issue never holds one huge lock.

    History rows stay: what was deleted, and by which purge, remains auditable.
    """
    counts: Counter = Counter()
    label = str(issue)
    for model, key in ((Photo, "photos"), (ArticleCredit, "credits"), (Article, "articles"), (Page, "pages")):
        lookup = "article__issue" if model is ArticleCredit else "issue"
        while True:
            with transaction.atomic():
                ids = list(model.objects.filter(**{lookup: issue}).values_list("pk", flat=True)[:chunk_size])
                if not ids:
                    break
                if model is Article:
                    Article.objects.filter(duplicate_of_id__in=ids).update(duplicate_of=None)
                model.objects.filter(pk__in=ids).delete()
                counts[key] += len(ids)
    sha = issue.sha256
    issue.delete()
    counts["issues"] += 1
    if run is not None:
        ImportEvent.objects.create(
            run=run, path=label, sha256=sha, result=EventResult.PURGED, message=f"purged {label}", counts=dict(counts)
        )
    return counts
