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
from django.db.models import Model, Q
from django.utils import timezone

from articles.counters import reporter_counts_add, reporters_mark, reporters_of_articles
from articles.models import Article, ArticleCredit, ArticleStatus, Issue, Page, Photo, Reporter
from articles.reporters import reporters_by_names
from articles.search.sqlite import grams_given
from articles.services import EDITABLE_PAGE_FIELDS

from ..models import EventResult, ImportEvent, ImportRun
from ..parsing import IssueDraft, PageDraft
from ..parsing.discovery import SourceFile
from ..parsing.tokens import index_draft
from .copy import bulk_insert, insert_in_order
from .matching import Place, ReimportMatch, article_spans, photo_spans, reimport_match

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
    """Reporter rows by name or alias, creating the missing ones.

    ``ignore_conflicts``: another import running at the same time may create the same person first;
    the rows are read back either way.
    """
    existing = reporters_by_names(names=names)  # a merged row's spelling is its alias: the kept person
    missing = [Reporter(name=name) for name in sorted(names - existing.keys())]
    if missing:
        bulk_insert(Reporter, missing, ignore_conflicts=True)
        existing.update({r.name: r for r in Reporter.objects.filter(name__in=[m.name for m in missing])})
        counts["reporters"] += len(missing)
    return existing


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


#: Article fields a forced re-import rewrites in place on an untouched article it matched to the new draft.
_REWRITTEN_ARTICLE_FIELDS = (
    "page",
    "order",
    "headline",
    "kicker",
    "subheadline",
    "body",
    "kind",
    "duplicate_of",
    "publication_date",
    "fingerprint",
    "search_tokens",
    "search_document",
    "keywords",
    "source_spans",
)
_REWRITTEN_PHOTO_FIELDS = ("page", "article", "order", "caption", "photographer", "source_spans")


@dataclass
class _Written:
    """What ``_write_pages_content`` wrote: the article at every place of the draft."""

    by_place: dict[Place, Article]
    created_articles: list[Article] = field(default_factory=list)
    created_credits: list[ArticleCredit] = field(default_factory=list)
    created_photos: list[Photo] = field(default_factory=list)


def _write_pages_content(
    issue: Issue,
    draft: IssueDraft,
    pages: dict[int, Page],
    counts: Counter,
    *,
    match: ReimportMatch | None = None,
    new_pages: Sequence[Page] = (),
) -> _Written:
    """Write the articles, credits and photos of every page of the draft (and ``new_pages``, the unsaved
    pages they are on): inserts in one ``insert_in_order``, then the in-place updates.

    ``match`` (a forced re-import) says which stored row each draft article and photo is. An editor's
    article or photo is left exactly as it is (the draft's copy of it is not written again); an untouched
    one is rewritten in place from the draft, keeping its id; the rest is created. Articles whose text
    overlaps an editor's article are created as drafts (not public), for review.
    """
    match = match or ReimportMatch()
    status = settings.NEWSROOM_IMPORT_STATUS
    names = {_clean_name(c.name) for a in draft.articles for c in a.reporters if _clean_name(c.name)} | {
        _clean_name(p.photographer)
        for pg in draft.pages
        for p in pg.photos
        if p.photographer and _clean_name(p.photographer)
    }
    reporters = _reporters_for(names, counts)
    issue_order: list[Article] = []  # the draft's issue-level article order, for duplicate_of
    by_place: dict[Place, Article] = {}
    first_copies: set[int] = set()  # id() of the first copies written here
    created: list[Article] = []
    updated: list[Article] = []
    copies: list[tuple[Article, int]] = []
    credits_for: list[tuple[Article, list]] = []
    spans = article_spans(draft)
    for page_draft in draft.pages:
        page = pages[page_draft.index]
        for order, article_draft in enumerate(page_draft.articles):
            place = (page_draft.index, order)
            stored = match.articles.get(place)
            if stored is not None and stored.is_touched:
                issue_order.append(stored)
                by_place[place] = stored
                continue
            values = {
                "page": page,
                "order": order,
                "headline": article_draft.headline or "",
                "kicker": article_draft.kicker or "",
                "subheadline": article_draft.subheadline or "",
                "body": article_draft.body,
                "kind": article_draft.kind,
                "duplicate_of": None,
                "publication_date": issue.publication_date,
                "fingerprint": article_draft.fingerprint,
                "search_tokens": article_draft.search_tokens,
                "search_document": article_draft.search_document,
                "keywords": article_draft.keywords,
                "source_spans": spans.get(place, []),
            }
            if stored is None:
                article = Article(
                    issue=issue, status=ArticleStatus.DRAFT if place in match.review else status, **values
                )
                created.append(article)
            else:
                article = stored
                for name, value in values.items():
                    setattr(article, name, value)
                updated.append(article)
            issue_order.append(article)
            by_place[place] = article
            # an untouched article an editor's copy points at stays a first copy (a copy never points at a copy)
            if article_draft.duplicate_of is not None and article.pk not in match.copy_targets:
                copies.append((article, article_draft.duplicate_of))
            else:
                first_copies.add(id(article))
            credits_for.append((article, article_draft.reporters))

    for article, original in copies:
        target = issue_order[original] if 0 <= original < len(issue_order) else None
        if target is not None and target.is_touched and target.duplicate_of_id is not None:
            # an editor made the printed first copy a copy itself: point at the first copy they chose
            article.duplicate_of_id = target.duplicate_of_id
        # a later copy points at a first copy: one written here, or one an editor kept as a first copy
        elif target is not None and (id(target) in first_copies or target.is_touched):
            article.duplicate_of = target
    counts["articles"] += len(created)

    credits = _credits_to_write(credits_for, reporters, updated)
    counts["credits"] += len(credits)

    photos: list[Photo] = []
    updated_photos: list[Photo] = []
    for page_draft in draft.pages:
        spans_of_photos = photo_spans(page_draft)
        for order, photo_draft in enumerate(page_draft.photos):
            place = (page_draft.index, order)
            if place in match.owned_photo_places:
                continue
            photographer = _clean_name(photo_draft.photographer or "")
            illustrates = None
            if photo_draft.article is not None:
                illustrates = by_place.get((photo_draft.article_page or page_draft.index, photo_draft.article))
            values = {
                "page": pages[page_draft.index],
                "article": illustrates,
                "order": order,
                "caption": photo_draft.caption,
                "photographer": reporters.get(photographer) if photographer else None,
                "source_spans": spans_of_photos.get(order, []),
            }
            stored_photo = match.photos.get(place)
            if stored_photo is None:
                photos.append(Photo(issue=issue, **values))
            else:
                for name, value in values.items():
                    setattr(stored_photo, name, value)
                updated_photos.append(stored_photo)
    counts["photos"] += len(photos)
    # the SQLite index's grams, computed by the parse workers: its triggers take them instead of computing them
    with grams_given({a.search_document: a.search_grams for a in draft.articles if a.search_grams}):
        insert_in_order(
            [
                (Page, list(new_pages)),
                (Article, [a for a in created if id(a) in first_copies]),
                (Article, [a for a in created if id(a) not in first_copies]),
                (ArticleCredit, credits),
                (Photo, photos),
            ]
        )
        _update_changed(Article, updated, _REWRITTEN_ARTICLE_FIELDS)
    _update_changed(Photo, updated_photos, _REWRITTEN_PHOTO_FIELDS)
    return _Written(by_place=by_place, created_articles=created, created_credits=credits, created_photos=photos)


def _credits_to_write(
    credits_for: list[tuple[Article, list]], reporters: dict[str, Reporter], updated: list[Article]
) -> list[ArticleCredit]:
    """The draft's credits of every article written, minus those an updated article already has as they
    are; an updated article whose credits changed loses its old ones here (they are written again)."""
    stored: dict[int, list[tuple]] = {}
    if updated:
        for credit in ArticleCredit.objects.filter(article__in=[a.pk for a in updated]).order_by("article", "order"):
            stored.setdefault(credit.article_id, []).append((credit.reporter_id, credit.role, credit.order))
    credits: list[ArticleCredit] = []
    replaced: list[int] = []
    for article, article_credits in credits_for:
        seen: set[tuple[int, str]] = set()
        wanted: list[ArticleCredit] = []
        for credit in article_credits:
            name = _clean_name(credit.name)
            # two spellings of one person (a name and its alias) are one credit
            key = (reporters[name].pk, credit.role) if name else None
            if key is None or key in seen:
                continue
            seen.add(key)
            wanted.append(
                ArticleCredit(article=article, reporter=reporters[name], role=credit.role, order=len(seen) - 1)
            )
        if article.pk is not None:
            if stored.get(article.pk, []) == [(c.reporter.pk, c.role, c.order) for c in wanted]:
                continue
            replaced.append(article.pk)
        credits.extend(wanted)
    if replaced:
        ArticleCredit.objects.filter(article__in=replaced).delete()
    return credits


def _stored_value(instance: Model, model_field) -> object:
    """A field's value as the database will hold it; a foreign key read from the instance it was set to
    (that may have got its key only when it was inserted, after the assignment)."""
    if model_field.is_relation:
        related = getattr(instance, model_field.name)
        return related.pk if related is not None else None
    return getattr(instance, model_field.attname)


def _update_changed(model: type[Model], instances: list[Model], fields: Sequence[str]) -> None:
    """Write back the rows a re-import rewrote in place, only those that differ from what is stored
    (an unchanged article keeps its row as it was, ``updated_at`` included)."""
    if not instances:
        return
    model_fields = [model._meta.get_field(name) for name in fields]
    rows = model.objects.filter(pk__in=[i.pk for i in instances]).values_list("pk", *(f.attname for f in model_fields))
    stored = {row[0]: row[1:] for row in rows}
    changed = [i for i in instances if tuple(_stored_value(i, f) for f in model_fields) != stored.get(i.pk)]
    if changed and any(f.name == "updated_at" for f in model._meta.concrete_fields):
        now = timezone.now()
        for instance in changed:
            instance.updated_at = now
        fields = [*fields, "updated_at"]
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=500)


def issue_import(*, draft: IssueDraft, force: bool = False) -> IssueImportResult:
    """Write one parsed issue in one transaction.

    A file already imported (same SHA-256) is skipped, unless ``force``: then pages are refreshed and
    every article no editor has touched is re-segmented; touched or verified articles stay byte for byte,
    and those the new segmentation no longer finds are reported as conflicts.
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return issue_import_in_transaction(draft=draft, force=force)
        except IntegrityError as error:
            result = issue_import_conflict(draft=draft, force=force, error=error)
            if result is not None:
                return result
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


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


def issue_import_conflict(*, draft: IssueDraft, force: bool, error: IntegrityError) -> IssueImportResult | None:
    """After an ``IntegrityError`` rolled a file back: if another process imported the same file in the
    meantime, this one is skipped (no savepoint per file needed for that rare race); else ``error`` stands.

    Forced, the file is to be written again instead (None): the other import had inserted the issue but
    not committed it when this one looked for it under lock, so this one tried to insert it too. Now
    that the row is committed, a new transaction finds it, locks it and re-imports it."""
    issue = Issue.objects.filter(sha256=draft.sha256).first()
    if issue is None:
        raise error
    if force:
        return None
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
    written = _write_pages_content(issue, draft, pages, counts, new_pages=list(pages.values()))
    reporter_counts_add(
        articles=written.created_articles, credits=written.created_credits, photos=written.created_photos
    )
    return IssueImportResult(issue=issue, result=EventResult.IMPORTED, counts=counts)


def _reimport(issue: Issue, draft: IssueDraft) -> IssueImportResult:
    """Re-segment an imported issue, leaving everything editors own as they left it.

    The caller holds the issue row's lock; the issue's articles and then its photos are locked next, in id
    order, the order editors' saves take them too (``articles.locks``), so a save waits for a re-import
    instead of deadlocking with it. Kept exactly as they are: articles an editor changed or verified (with
    their credits and photos), photos an editor changed, the printed number, section, date and staff of
    pages an editor corrected, and the paper, date and edition of an issue an editor corrected. Untouched
    articles and photos the new draft still holds keep their ids and are rewritten in place; the rest is
    deleted and written again from the draft (history records the deletions, so what a re-import replaced
    stays auditable). New text that overlaps an editor's article is
    written as a draft, not published, and reported with the editors' articles it no longer finds.
    """
    counts: Counter = Counter()
    if issue.edited_at is None:  # an issue an editor gave its paper, date or edition keeps them
        issue.paper = draft.paper or issue.paper
        issue.publication_date = draft.date or issue.publication_date
        issue.edition = draft.edition or issue.edition
    issue.encoding = draft.encoding
    issue.save(update_fields=["paper", "publication_date", "edition", "encoding"])
    # the editors' articles, left as they are otherwise, still take the issue's date
    Article.objects.filter(issue=issue).update(publication_date=issue.publication_date)

    stored = list(
        Article.objects.select_for_update(of=("self",)).filter(issue=issue).select_related("page").order_by("pk")
    )
    stored_photos = list(
        Photo.objects.select_for_update(of=("self",)).filter(issue=issue).select_related("page").order_by("pk")
    )
    # first copies that editors' copies point at (from any issue): never deleted under them
    copy_targets = set(
        Article.objects.filter(duplicate_of__issue=issue)
        .filter(Q(edited_at__isnull=False) | Q(verified_at__isnull=False))
        .values_list("duplicate_of_id", flat=True)
    )
    match = reimport_match(draft=draft, articles=stored, photos=stored_photos, copy_targets=copy_targets)
    # the counters of everyone credited before and after are recounted at commit (bulk writes send no signals)
    counted = reporters_of_articles(article_ids=[a.pk for a in stored])
    counted |= {p.photographer_id for p in stored_photos}
    gone_ids = {a.pk for a in match.gone}
    Photo.objects.filter(pk__in=[p.pk for p in match.gone_photos]).delete()
    Article.objects.filter(pk__in=gone_ids).delete()

    pages = {page.index: page for page in Page.objects.filter(issue=issue)}
    new_pages = []
    for page_draft in draft.pages:
        page = pages.get(page_draft.index)
        if page is None:
            page = Page(issue=issue, index=page_draft.index, **_page_fields(page_draft))
            pages[page.index] = page
            new_pages.append(page)
            continue
        fields = _page_fields(page_draft)
        if page.edited_at is not None:
            for name in EDITABLE_PAGE_FIELDS:
                fields.pop(name, None)
        Page.objects.filter(pk=page.pk).update(**fields)
        for name, value in fields.items():
            setattr(page, name, value)
    counts["pages"] += len(new_pages)
    written = _write_pages_content(issue, draft, pages, counts, match=match, new_pages=new_pages)
    # an editor's photo of an article that was re-segmented goes with what replaced it
    for photo_id, place in match.relink.items():
        Photo.objects.filter(pk=photo_id).update(article=written.by_place.get(place) if place else None)

    pinned_ids = {a.pk for a in match.pinned}
    keep_pages = {p.index for p in draft.pages} | {a.page.index for a in stored if a.is_touched or a.pk in pinned_ids}
    keep_pages |= {p.page.index for p in match.owned_photo_places.values()}
    keep_pages |= {p.page.index for p in stored_photos if p.edited_at is not None}
    Page.objects.filter(issue=issue).exclude(index__in=keep_pages).delete()
    owned = [a for a in stored if a.is_touched]
    reporters_mark(reporter_ids=counted | reporters_of_articles(article_ids=[a.pk for a in written.by_place.values()]))
    return IssueImportResult(
        issue=issue,
        result=EventResult.REIMPORTED,
        counts=counts,
        conflicts=_conflicts(match, written),
        kept=len(owned),
    )


def _label(article: Article) -> str:
    return article.headline or article.body[:20]


def _conflicts(match: ReimportMatch, written: _Written) -> list[str]:
    """What an editor has to review after a forced re-import, one line each."""
    conflicts = [
        f"article {a.pk} ({_label(a)}) was edited; the new segmentation does not hold it unchanged"
        for a in match.unmatched_owned
    ]
    conflicts += [
        f"article {a.pk} ({_label(a)}) is kept as it was: an editor marked a copy of it, and the new "
        f"segmentation does not hold it unchanged"
        for a in match.pinned
    ]
    for place, owners in match.review.items():
        article = written.by_place[place]
        conflicts.append(
            f"new article {article.pk} ({_label(article)}) overlaps article "
            f"{', '.join(str(a.pk) for a in owners)} that editors keep: saved as a draft (not public) for review"
        )
    return conflicts


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
                    # copies elsewhere become first copies (public): their reporters are recounted too
                    copies = Article.objects.filter(duplicate_of_id__in=ids)
                    reporters_mark(
                        reporter_ids=reporters_of_articles(article_ids=list(copies.values_list("pk", flat=True)))
                    )
                    copies.update(duplicate_of=None)
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
