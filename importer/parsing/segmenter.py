"""``parse_issue``: one raw issue text -> an :class:`IssueDraft` (pages, articles, photos, segments).

The steps, each in its own module: pages (:mod:`.pages`) -> classified units (:mod:`.blocks`) ->
headline groups and headline orientation (:mod:`.layout`) -> articles and photos with their
spans (:mod:`.assemble`) -> duplicates (:mod:`.duplicates`) -> drafts and conservation-checked
segments (here). It never raises: should a step fail on an odd text, the pages are still cut and
all their text is reported as unassigned, so nothing is lost silently.
"""

from __future__ import annotations

from itertools import pairwise

from .assemble import Assembler
from .blocks import split_units
from .builds import Assembly, Span
from .drafts import ArticleDraft, IssueDraft, PageDraft, PhotoDraft, Segment, SegmentKind
from .duplicates import mark_duplicates
from .headlines import decide_directions
from .layout import mark_units, page_orientations
from .pages import split_pages
from .photolinks import link_photos

#: Segments of these kinds keep apart even when only white space separates them.
_DISTINCT = frozenset({SegmentKind.FURNITURE, SegmentKind.UNASSIGNED, SegmentKind.PHOTO_CREDIT})


def parse_issue(text: str, *, source: str) -> IssueDraft:
    """Segment one decoded issue text. Never raises for a ``str``."""
    try:
        return _parse(text, source)
    except Exception:  # the contract is "never raise"; the text is then kept as unassigned
        return _fallback(text, source)


def _parse(text: str, source: str) -> IssueDraft:
    pages = split_pages(text)
    raws = [raw for _, raw in pages]
    items = [mark_units(split_units(raw)) for raw in raws]
    prevailing = page_orientations(items)
    items = [decide_directions(page, direction) for page, direction in zip(items, prevailing, strict=True)]
    assembly = Assembler(raws, items, prevailing).run()
    mark_duplicates(assembly.articles)
    link_photos(assembly.articles, assembly.photos)
    return _drafts(text, source, pages, assembly)


def _drafts(text: str, source: str, pages: list[tuple[int, str]], assembly: Assembly) -> IssueDraft:
    issue = IssueDraft(source=source)
    local_article: list[int] = []
    local_photo: list[int] = []
    drafts: list[PageDraft] = []
    line_numbers = _first_lines(text, pages)
    for index, (_offset, raw) in enumerate(pages):
        info = assembly.infos[index]
        drafts.append(
            PageDraft(
                index=index + 1,
                raw_text=raw,
                first_line=line_numbers[index],
                number=info.number,
                section=info.section or assembly.labels.get(index),
                date=info.date,
                paper=info.paper,
                staff=dict(info.staff) or None,
            )
        )
    for article in assembly.articles:
        page = drafts[article.page]
        local_article.append(len(page.articles))
        page.articles.append(
            ArticleDraft(
                headline=article.headline or None,
                kicker=article.kicker or None,
                subheadline=article.subheadline or None,
                body=article.body,
                kind=article.kind,
                reporters=list(article.reporters),
                duplicate_of=article.duplicate_of,
            )
        )
    for photo in assembly.photos:
        page = drafts[photo.page]
        local_photo.append(len(page.photos))
        photographer = photo.photographer
        if photographer is None and not photo.credited and not photo.qr:
            photographer = assembly.page_photographers.get(photo.page)
            story = photo.article if photo.article is not None else photo.after_article
            if photographer is None and story is not None:
                photographer = assembly.articles[story].photos_by  # "文/图 本报记者 张三"
        draft = PhotoDraft(caption=photo.caption, photographer=photographer)
        if photo.article is not None:
            draft.article = local_article[photo.article]
            home = assembly.articles[photo.article].page
            draft.article_page = home + 1 if home != photo.page else None
        page.photos.append(draft)
    spans_by_page: dict[int, list[Span]] = {}
    for span in assembly.spans:
        spans_by_page.setdefault(span.page, []).append(span)
    for index, page in enumerate(drafts):
        spans = spans_by_page.get(index, [])
        page.segments = _segments(page.raw_text, spans, assembly, local_article, local_photo, index)
        for segment in page.segments:
            if segment.kind == SegmentKind.FURNITURE:
                page.furniture.append("".join(page.raw_text[segment.start : segment.end].split()))
            elif segment.kind == SegmentKind.UNASSIGNED:
                page.unassigned.append("".join(page.raw_text[segment.start : segment.end].split()))
    issue.pages = drafts
    issue.date = next((page.date for page in drafts if page.date), None)
    issue.paper = next((page.paper for page in drafts if page.paper), None)
    return issue


def _segments(
    raw: str,
    spans: list[Span],
    assembly: Assembly,
    local_article: list[int],
    local_photo: list[int],
    page_index: int,
) -> list[Segment]:
    """Segments that cover every non-white-space character exactly once.

    Spans are laid on a per-character owner map (an earlier span wins a contested character), so
    the result cannot overlap even if a rule misfires; characters no span claimed become
    ``unassigned`` segments. The owner can only change at a span's edge, so the map is read once per
    piece between two edges rather than once per character.
    """
    size = len(raw)
    owners: list[int] = [-1] * size
    edges = [0, size]
    # body spans are laid last: a credit cut from the end of a body line must win its characters
    spans = sorted(spans, key=lambda span: span.kind == SegmentKind.BODY)
    # painted from the last span to the first, so the earliest span claiming a character keeps it
    for number in range(len(spans) - 1, -1, -1):
        span = spans[number]
        low = span.start if span.start > 0 else 0
        high = span.end if span.end < size else size
        if low < high:
            owners[low:high] = [number] * (high - low)
            edges += (low, high)
    edges_in_order = sorted(set(edges))
    span_keys = [
        (span.kind, span.owner, span.key if span.kind in _DISTINCT or span.owner is None else 0) for span in spans
    ]
    segments: list[Segment] = []
    current_key = None
    start = end = 0
    unassigned_run = 0
    for low, high in pairwise(edges_in_order):
        piece = raw[low:high].rstrip()
        if not piece:
            continue  # white space only: it joins whatever surrounds it
        number = owners[low]
        if number < 0:
            if current_key is None or current_key[0] != SegmentKind.UNASSIGNED:
                unassigned_run += 1
            key = (SegmentKind.UNASSIGNED, None, -unassigned_run)
        else:
            key = span_keys[number]
        if key != current_key:
            if current_key is not None:
                segments.append(_segment(current_key, start, end, assembly, local_article, local_photo, page_index))
            current_key, start = key, low + len(piece) - len(piece.lstrip())
        end = low + len(piece)
    if current_key is not None:
        segments.append(_segment(current_key, start, end, assembly, local_article, local_photo, page_index))
    return segments


def _segment(key, start, end, assembly, local_article, local_photo, page_index) -> Segment:
    kind, owner, _ = key
    article = photo = owner_page = None
    if owner is not None and owner[0] == "article":
        article = local_article[owner[1]]
        home = assembly.articles[owner[1]].page
        if home != page_index:
            owner_page = home + 1
    elif owner is not None and owner[0] == "photo":
        photo = local_photo[owner[1]]
    return Segment(kind=kind, start=start, end=end, article=article, photo=photo, owner_page=owner_page)


def _first_lines(text: str, pages: list[tuple[int, str]]) -> list[int]:
    """The line number each page starts on, counted once through the text (counting from the start
    for every page would take time in the square of the pages)."""
    numbers = []
    line, counted = 1, 0
    for offset, _raw in pages:
        line += text.count("\n", counted, offset)
        counted = offset
        numbers.append(line)
    return numbers


def _fallback(text: str, source: str) -> IssueDraft:
    """Pages cut as usual (or the whole text as one page), all text unassigned."""
    try:
        pages = split_pages(text)
    except Exception:
        pages = [(0, text)]
    issue = IssueDraft(source=source)
    line_numbers = _first_lines(text, pages)
    for index, (_offset, raw) in enumerate(pages):
        page = PageDraft(index=index + 1, raw_text=raw, first_line=line_numbers[index])
        stripped = raw.strip()
        if stripped:
            start = len(raw) - len(raw.lstrip())
            end = len(raw.rstrip())
            page.segments = [Segment(kind=SegmentKind.UNASSIGNED, start=start, end=end)]
            page.unassigned = ["".join(stripped.split())]
        issue.pages.append(page)
    return issue
