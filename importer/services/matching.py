"""Which stored rows of an issue are which rows of its new draft, for a forced re-import.

A forced re-import reads the same file again (same SHA-256, so the same raw text and the same character
offsets) with a possibly changed segmenter. Matching decides, before anything is written, which stored
article or photo each draft article or photo *is*: a match keeps its id (links to it keep working), an
editor's row is never rewritten, and new text that overlaps an editor's article is held back for review
instead of publishing that text twice. Nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from articles.models import Article, Photo

from ..parsing import IssueDraft, PageDraft, SegmentKind

Place = tuple[int, int]  # (page index, order on the page) of a draft article or photo


def article_spans(draft: IssueDraft) -> dict[Place, list[list]]:
    """Spans of every article, keyed by (page index, order): ``[kind, start, end]`` on the article's own
    page, ``[kind, start, end, page index]`` on another page (a headline printed on the next page)."""
    spans: dict[Place, list[list]] = {}
    for page in draft.pages:
        for s in page.segments:
            if s.article is None or s.kind not in SegmentKind.ARTICLE_KINDS:
                continue
            home = s.owner_page or page.index
            span = [s.kind, s.start, s.end] if home == page.index else [s.kind, s.start, s.end, page.index]
            spans.setdefault((home, s.article), []).append(span)
    return spans


def photo_spans(page: PageDraft) -> dict[int, list[list]]:
    """Spans of every photo of a page, keyed by its order on the page (one pass over the segments)."""
    spans: dict[int, list[list]] = {}
    for s in page.segments:
        if s.photo is not None and s.kind in SegmentKind.PHOTO_KINDS:
            spans.setdefault(s.photo, []).append([s.kind, s.start, s.end])
    return spans


def photo_key(page_index: int, spans: list[list], caption: str) -> tuple:
    """Where a photo's caption starts in the raw text: the same photo on a re-import, even after an
    editor rewrote its caption (the caption text is the fallback for a photo without spans)."""
    if spans:
        return page_index, min(span[1] for span in spans)
    return page_index, "".join(caption.split())


def _intervals(home: int, spans: Iterable[list]) -> list[tuple[int, int, int]]:
    """``(page index, start, end)`` of spans stored relative to an article's home page."""
    return [(span[3] if len(span) > 3 else home, span[1], span[2]) for span in spans]


def _overlap(a: list[tuple[int, int, int]], b: list[tuple[int, int, int]]) -> int:
    """How many characters two sets of intervals share."""
    return sum(max(0, min(ea, eb) - max(sa, sb)) for pa, sa, ea in a for pb, sb, eb in b if pa == pb)


def _start(spans: list[list]) -> int:
    starts = [span[1] for span in spans if len(span) <= 3]
    return min(starts) if starts else 0


@dataclass
class ReimportMatch:
    """What a forced re-import does with each stored row, decided before it writes."""

    #: draft place -> the stored article it is (an editor's, kept as it is, or an untouched one, updated in place)
    articles: dict[Place, Article] = field(default_factory=dict)
    #: stored untouched articles no draft article is: deleted (their text was re-segmented)
    gone: list[Article] = field(default_factory=list)
    #: editors' articles the draft no longer holds unchanged: kept as they are, reported
    unmatched_owned: list[Article] = field(default_factory=list)
    #: untouched articles kept as they are although the draft no longer holds them: an editor's copy points at them
    pinned: list[Article] = field(default_factory=list)
    #: draft places whose text overlaps an article an editor owns (or a pinned one): written as drafts, reported
    review: dict[Place, list[Article]] = field(default_factory=dict)
    #: draft (page index, photo order) -> the stored untouched photo it is, updated in place
    photos: dict[Place, Photo] = field(default_factory=dict)
    #: draft photo places that are an editor's photo (or a photo of an editor's article): not written again
    owned_photo_places: dict[Place, Photo] = field(default_factory=dict)
    #: stored untouched photos no draft photo is: deleted
    gone_photos: list[Photo] = field(default_factory=list)
    #: ids of the first copies editors' copies point at: they stay first copies
    copy_targets: set[int] = field(default_factory=set)
    #: editors' photos whose article is deleted (re-segmented) -> the draft article they go with (None: none)
    relink: dict[int, Place | None] = field(default_factory=dict)


def reimport_match(
    *, draft: IssueDraft, articles: list[Article], photos: list[Photo], copy_targets: set[int]
) -> ReimportMatch:
    """Match the stored articles and photos of an issue (with ``page`` loaded) to its new draft.

    ``copy_targets`` are the ids of the issue's articles that editors' copies (of any issue) point at.

    Articles are the same when their text is (same fingerprint); among several with one fingerprint (an
    article printed twice, articles without body text) identical spans decide first, then editors' articles
    take the nearest draft article before untouched ones do, so an editor's article is never reported as a
    conflict while its text is published again. Photos are the same when their captions start at the same
    place of the raw text.
    """
    match = ReimportMatch(copy_targets=copy_targets)
    spans = article_spans(draft)
    drafts_by_fingerprint: dict[str, list[Place]] = defaultdict(list)
    for page in draft.pages:
        for order, article_draft in enumerate(page.articles):
            drafts_by_fingerprint[article_draft.fingerprint].append((page.index, order))
    stored_by_fingerprint: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        stored_by_fingerprint[article.fingerprint].append(article)

    for fingerprint, stored in stored_by_fingerprint.items():
        free = list(drafts_by_fingerprint.get(fingerprint, ()))
        left = []
        for article in stored:
            same = next((place for place in free if spans.get(place, []) == article.source_spans), None)
            if same is None:
                left.append(article)
            else:
                match.articles[same] = article
                free.remove(same)
        for group in ([a for a in left if a.is_touched], [a for a in left if not a.is_touched]):
            pairs = sorted(
                (
                    abs(a.page.index - place[0]),
                    abs(_start(a.source_spans) - _start(spans.get(place, []))),
                    a.pk,
                    place,
                )
                for a in group
                for place in free
            )
            taken: set[int] = set()
            for *_, pk, place in pairs:
                if pk in taken or place not in free:
                    continue
                match.articles[place] = next(a for a in group if a.pk == pk)
                taken.add(pk)
                free.remove(place)

    matched_ids = {a.pk for a in match.articles.values()}
    for article in articles:
        if article.pk in matched_ids:
            continue
        if article.is_touched:
            match.unmatched_owned.append(article)
        elif article.pk in copy_targets:
            match.pinned.append(article)
        else:
            match.gone.append(article)

    guarded = [(a, _intervals(a.page.index, a.source_spans)) for a in articles if a.is_touched] + [
        (a, _intervals(a.page.index, a.source_spans)) for a in match.pinned
    ]
    for place, place_spans in spans.items():
        if place in match.articles:
            continue
        mine = _intervals(place[0], place_spans)
        overlapping = [a for a, theirs in guarded if _overlap(mine, theirs)]
        if overlapping:
            match.review[place] = overlapping

    owned_article_ids = {a.pk for a in articles if a.is_touched} | {a.pk for a in match.pinned}
    for place, photo in _pair_photos(draft, photos).items():
        if photo.edited_at is not None or photo.article_id in owned_article_ids:
            match.owned_photo_places[place] = photo
        else:
            match.photos[place] = photo
    placed = {p.pk for p in match.photos.values()} | {p.pk for p in match.owned_photo_places.values()}
    match.gone_photos = [
        p for p in photos if p.pk not in placed and p.edited_at is None and p.article_id not in owned_article_ids
    ]
    _relink_editors_photos(match, draft, spans, photos)
    return match


def _pair_photos(draft: IssueDraft, photos: list[Photo]) -> dict[Place, Photo]:
    """Draft photo place -> the stored photo it is: the caption starts at the same place of the raw text,
    or else (the new segmenter moved the caption's start) the caption spans overlap most on that page."""
    by_key: dict[tuple, list[Photo]] = defaultdict(list)
    for photo in photos:
        by_key[photo_key(photo.page.index, photo.source_spans, photo.caption)].append(photo)
    paired: dict[Place, Photo] = {}
    unpaired: dict[Place, list[tuple[int, int, int]]] = {}
    for page in draft.pages:
        spans_of_photos = photo_spans(page)
        for order, photo_draft in enumerate(page.photos):
            place_spans = spans_of_photos.get(order, [])
            candidates = by_key.get(photo_key(page.index, place_spans, photo_draft.caption))
            if candidates:
                paired[(page.index, order)] = candidates.pop(0)
            else:
                unpaired[(page.index, order)] = _intervals(page.index, place_spans)
    left = [photo for group in by_key.values() for photo in group]
    pairs = sorted(
        (-shared, photo.pk, place)
        for photo in left
        for place, mine in unpaired.items()
        if (shared := _overlap(mine, _intervals(photo.page.index, photo.source_spans)))
    )
    taken: set[int] = set()
    for _, pk, place in pairs:
        if pk not in taken and place not in paired:
            paired[place] = next(photo for photo in left if photo.pk == pk)
            taken.add(pk)
    return paired


def _relink_editors_photos(
    match: ReimportMatch, draft: IssueDraft, spans: dict[Place, list[list]], photos: list[Photo]
) -> None:
    """An editor's photo of an article the re-import deletes goes with what replaces that article: the
    draft article its caption illustrates, or else the draft article over most of the old article's text."""
    gone = {a.pk: a for a in match.gone}
    places = {photo.pk: place for place, photo in match.owned_photo_places.items()}
    pages = {page.index: page for page in draft.pages}
    for photo in photos:
        if photo.edited_at is None or photo.article_id not in gone:
            continue
        if photo.pk in places:
            page_index, order = places[photo.pk]
            photo_draft = pages[page_index].photos[order]
            if photo_draft.article is not None:
                match.relink[photo.pk] = (photo_draft.article_page or page_index, photo_draft.article)
                continue
        old = gone[photo.article_id]
        theirs = _intervals(old.page.index, old.source_spans)
        shared = {place: _overlap(_intervals(place[0], place_spans), theirs) for place, place_spans in spans.items()}
        best = max(shared, key=lambda place: shared[place], default=None)
        match.relink[photo.pk] = best if best is not None and shared[best] else None
