"""Which characters of a page's raw text an article or photo owns, as the workbench changes them.

An article keeps ``source_spans`` (``[kind, start, end]`` on its own page, ``[kind, start, end, page index]``
on another page) and a page keeps ``segments`` (``[kind, start, end, article order, photo order, owner page
index]``), so the page view can colour the raw text by owner and a re-import can tell editors' text from new
text. Operations move whole paragraphs; their spans go with them. Pure functions: no database.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from importer.parsing.bodytext import BodyLine

PARAGRAPH_BREAK = re.compile(r"\n[ \t\u3000]*\n")
BODY = "body"
UNASSIGNED = "unassigned"
#: segment kinds no article or photo owns; they stay as the import found them
OWNERLESS = frozenset({"furniture", "doubled"})

Span = list  # [kind, start, end] or [kind, start, end, page index]


def body_paragraphs(body: str) -> list[str]:
    """A body's paragraphs (separated by a blank line); an empty body has none."""
    return [part.strip("\n") for part in PARAGRAPH_BREAK.split(body or "") if part.strip()]


def body_join(paragraphs: Iterable[str]) -> str:
    return "\n\n".join(p for p in paragraphs if p.strip())


def span_page(span: Span, home: int) -> int:
    return span[3] if len(span) > 3 else home


def _squeezed_length(text: str) -> int:
    return sum(1 for char in text if not char.isspace())


def spans_by_paragraph(
    *, spans: Sequence[Span], body: str, raws: dict[int, str], home: int
) -> tuple[list[list[Span]], list[Span]]:
    """The body spans of each paragraph of ``body``, and the spans that are not body (headlines, bylines).

    Paragraphs are matched to the raw text by their count of non-space characters in reading order (the
    body is the raw lines joined, so the counts agree unless an editor rewrote it; then the cut points are
    scaled). A span that holds the end of one paragraph and the start of the next is cut between them.
    """
    paragraphs = body_paragraphs(body)
    other = [list(span) for span in spans if span[0] != BODY]
    body_spans = sorted((list(s) for s in spans if s[0] == BODY), key=lambda s: (span_page(s, home), s[1]))
    result: list[list[Span]] = [[] for _ in paragraphs]
    if not paragraphs:
        return result, other + body_spans
    positions = [
        (index, pos)
        for index, span in enumerate(body_spans)
        for pos in range(span[1], span[2])
        if not raws.get(span_page(span, home), "")[pos : pos + 1].isspace()
    ]
    if not positions:
        result[0] = body_spans
        return result, other
    lengths = [_squeezed_length(p) for p in paragraphs]
    total = sum(lengths) or 1
    cuts: list[tuple[int, int]] = []
    done = 0
    for length in lengths[:-1]:
        done += length
        index, pos = positions[min(len(positions) - 1, round(done * len(positions) / total))]
        raw, span = raws.get(span_page(body_spans[index], home), ""), body_spans[index]
        while pos > span[1] and raw[pos - 1 : pos].isspace():  # a paragraph's indent goes with it
            pos -= 1
        cuts.append((index, pos))
    for index, span in enumerate(body_spans):
        inside = sorted(pos for span_index, pos in cuts if span_index == index and span[1] < pos < span[2])
        bounds = [span[1], *inside, span[2]]
        for start, end in itertools.pairwise(bounds):
            paragraph = sum(1 for cut in cuts if cut <= (index, start))
            result[min(paragraph, len(paragraphs) - 1)].append([BODY, start, end, *span[3:]])
    return result, other


def spans_subtract(spans: Iterable[Span], *, page: int, start: int, end: int, home: int) -> list[Span]:
    """``spans`` without the characters ``start:end`` of page ``page``."""
    kept: list[Span] = []
    for span in spans:
        if span_page(span, home) != page or span[2] <= start or span[1] >= end:
            kept.append(list(span))
            continue
        if span[1] < start:
            kept.append([span[0], span[1], start, *span[3:]])
        if span[2] > end:
            kept.append([span[0], end, span[2], *span[3:]])
    return kept


def spans_relocate(spans: Iterable[Span], *, old_home: int, new_home: int) -> list[Span]:
    """Spans written relative to another home page (a paragraph moved to an article of another page)."""
    moved = []
    for span in spans:
        page = span_page(span, old_home)
        moved.append(span[:3] if page == new_home else [*span[:3], page])
    return moved


def segments_rebuild(
    *, raw_text: str, segments: Sequence[list], owners: Iterable[tuple[Span, int | None, int | None, int | None]]
) -> list[list]:
    """A page's segments after an edit: every span of ``owners`` (``(span, article order, photo order,
    owner page index)``) is its owner's; furniture stays furniture; text no one owns any more is unassigned.

    Segment boundaries of the import and of the spans are kept, so paragraphs stay separate segments.
    """
    size = len(raw_text)
    cells: list[tuple | None] = [None] * size
    bounds = {0, size}
    for kind, start, end, *_ in segments:
        bounds.update((start, end))
        cell = (kind, None, None, None) if kind in OWNERLESS else (UNASSIGNED, None, None, None)
        for pos in range(max(0, start), min(size, end)):
            cells[pos] = cell
    for span, article, photo, owner_page in owners:
        bounds.update((span[1], span[2]))
        cell = (span[0], article, photo, owner_page)
        for pos in range(max(0, span[1]), min(size, span[2])):
            cells[pos] = cell
    rebuilt: list[list] = []
    ordered = sorted(b for b in bounds if 0 <= b <= size)
    for start, end in itertools.pairwise(ordered):
        pos = start
        while pos < end:
            cell = cells[pos]
            run = pos
            while run < end and cells[run] == cell:
                run += 1
            if cell is not None and (cell[0] != UNASSIGNED or raw_text[pos:run].strip()):
                rebuilt.append([cell[0], pos, run, cell[1], cell[2], cell[3]])
            pos = run
    return rebuilt


def segments_unassigned_texts(*, raw_text: str, segments: Iterable[list]) -> list[str]:
    """The texts of a page's unassigned segments, in reading order (what ``Page.unassigned`` lists)."""
    texts = [raw_text[s[1] : s[2]].strip() for s in sorted(segments, key=lambda s: s[1]) if s[0] == UNASSIGNED]
    return [text for text in texts if text]


def body_lines(*, raw_text: str, segments: Iterable[list], start: int, end: int) -> list[BodyLine]:
    """The lines of ``raw_text[start:end]`` that are text (not blank, not page furniture), as the body lines
    the importer joins into paragraphs; an indented line opens a paragraph, as one after a blank line does."""
    ownerless = [(s[1], s[2]) for s in segments if s[0] in OWNERLESS]
    lines, blank, offset = [], False, start
    for piece in raw_text[start:end].split("\n"):
        text_start, text_end = offset, offset + len(piece)
        offset = text_end + 1
        if not piece.strip():
            blank = True
            continue
        if any(s <= text_start and text_end <= e for s, e in ownerless):
            continue
        indented = piece.startswith(("\u3000", "  ", "\t"))
        lines.append(BodyLine(page=0, start=text_start, end=text_end, blank_before=blank or indented))
        blank = False
    return lines
