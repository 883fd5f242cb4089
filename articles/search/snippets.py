"""Snippets: where a search matched, in the article's own text, escaped, with ``<mark>`` around the matches.

Matching is done on the normalised text (NFKC, case-folded, without white space), so each character of the
original is normalised on its own and mapped back: the snippet shows the text as printed (spaces in Latin
text kept) while "宫卫\\n红" is still marked as one match of 宫卫红.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.html import escape

from importer.parsing.searchtext import SearchQuery, normalise_for_search

#: Characters of context before the first match, and the longest snippet.
CONTEXT_BEFORE = 30
SNIPPET_CHARS = 120


@lru_cache(maxsize=65_536)
def _fold(char: str) -> str:
    """One character normalised on its own (memoised: a page of snippets normalises some 60,000 characters,
    drawn from a few thousand distinct ones)."""
    return normalise_for_search(char)


def _normalised_with_map(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for folded in _fold(char):
            chars.append(folded)
            origin.append(index)
    return "".join(chars), origin


def _spans(text: str, query: SearchQuery) -> list[tuple[int, int]]:
    """Spans of the original text that match a term, in order, not overlapping."""
    normalised, origin = _normalised_with_map(text)
    found: list[tuple[int, int]] = []
    for term in query.terms:
        start = normalised.find(term)
        while start >= 0:
            found.append((origin[start], origin[start + len(term) - 1] + 1))
            start = normalised.find(term, start + len(term))
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def article_snippet(*, text: str, query: SearchQuery) -> str:
    """Escaped HTML: about ``SNIPPET_CHARS`` characters of ``text`` around its first match, matches marked."""
    return _snippet(text, _spans(text, query))


def _snippet(text: str, spans: list[tuple[int, int]]) -> str:
    first = spans[0][0] if spans else 0
    start = max(0, first - CONTEXT_BEFORE)
    end = min(len(text), start + SNIPPET_CHARS)
    parts = ["…" if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        parts += [escape(text[position:span_start]), "<mark>", escape(text[span_start:span_end]), "</mark>"]
        position = span_end
    parts += [escape(text[position:end]), "…" if end < len(text) else ""]
    return " ".join("".join(parts).split())


def article_search_snippet(*, article, query: SearchQuery) -> str | None:
    """The snippet of the first field of an article that matches (body, headline, kicker, subheadline,
    captions and credits when prefetched), or of its body when no single field matches; None without a query."""
    if not query.terms:
        return None
    prefetched = getattr(article, "_prefetched_objects_cache", {})  # never a query per listed article
    captions = [photo.caption for photo in prefetched.get("photos", [])]
    names = [credit.reporter.name for credit in prefetched.get("credits", [])]
    fields = [article.body, article.headline, article.kicker, article.subheadline, *captions, " ".join(names)]
    for text in fields:
        if text and (spans := _spans(text, query)):
            return _snippet(text, spans)
    return _snippet(article.body, [])
