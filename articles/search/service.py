"""The one search interface of the archive; it hides which database answers.

- ``search_articles(queryset=, query=)``: the articles of ``queryset`` that contain every term of ``query``
  (exact substrings of one field of the search document; see ``importer.parsing.searchtext``). The index
  narrows the rows (``postgres``: GIN over a tsvector of grams; ``sqlite``: FTS5 over the same grams) and
  terms of three or more characters are then checked with ``LIKE``, so the result is exact. A query without
  terms matches nothing.
- ``search_order(queryset=, query=)``: the ranked window of the queryset's matches: its newest matches
  (at most ``ranked_window()``, read nearest months first by ``newest_matches``), ordered by rank:
  headline hits, then whole-word (jieba token) hits, then more hits, then newer. Ranking, counting or
  sorting every match of a common word is what made ranked search slow (seconds at 225,000 matches, more
  at a million); a ranked search therefore lists its best matches among the newest, and every match, in
  date order, is ``ordering=newest``. The window holds one row more than the count cap and the facet cap,
  so the list's bounded count and its facets, read from the window, still say whether there are more.
- ``search_newest(queryset=)``: the order of ``ordering=newest``.
- ``filter_keyword(queryset=, keyword=)``: articles with that jieba.analyse keyword (from the same index).
- ``article_snippet(text=, query=)`` / ``article_search_snippet(article=, query=)``: escaped HTML with
  ``<mark>`` around the matches and some context (``snippets``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Coalesce

from importer.parsing.searchtext import SearchQuery

from ..models import Article
from ..selectors import ARTICLE_ORDER
from . import postgres, sqlite
from .expressions import TableSQL
from .snippets import article_search_snippet, article_snippet

__all__ = [
    "RANK_CANDIDATES",
    "article_search_snippet",
    "article_snippet",
    "filter_keyword",
    "ids_in",
    "newest_date",
    "newest_matches",
    "newest_rows",
    "ranked_ids",
    "ranked_window",
    "search_articles",
    "search_newest",
    "search_order",
]

#: Matches ranked per query at least (the newest); see ``ranked_window``.
RANK_CANDIDATES = 1000
#: Newest first: the order of ties and of ``ordering=newest``.
NEWEST = ARTICLE_ORDER


def _backend():
    return postgres if connection.vendor == "postgresql" else sqlite


def ids_in(ids: list[int]) -> TableSQL:
    """A filter: the row's id is one of ``ids``, passed as one parameter, on any table (the search's windows
    and the facets' lookups hold a thousand ids: an ``IN`` of that many parameters cost more than the query)."""
    return _backend().ids_in(ids)


def _match(
    *, terms: tuple[str, ...] = (), keywords: tuple[str, ...] = (), months: tuple[tuple[int, int], ...] = ()
) -> TableSQL:
    """The index's match; ``months`` narrows it inside the index where the index knows them (PostgreSQL),
    and is otherwise left to the caller's date filter (SQLite's FTS table has no dates)."""
    backend = _backend()
    if backend is postgres:
        text = postgres.tsquery(terms=terms, keywords=keywords, months=months)
    else:
        text = sqlite.fts_query(terms=terms, keywords=keywords)
    return TableSQL(backend.MATCH_SQL, [text], BooleanField())


def search_articles(*, queryset: QuerySet, query: SearchQuery, months: tuple[tuple[int, int], ...] = ()) -> QuerySet:
    """The articles of ``queryset`` containing every term of ``query`` (none when it has no terms); with
    ``months`` (year, month), the index may leave out articles of other months (the caller filters the
    dates too)."""
    if not query.terms:
        return queryset.none()
    queryset = queryset.filter(_match(terms=query.terms, months=months))
    for term in query.terms:
        if len(term) > 2:  # one or two characters: the gram is the term; longer: its pairs, then the substring
            queryset = queryset.filter(search_document__contains=term)
    return queryset


def _rank(query: SearchQuery) -> TableSQL:
    """Rank of an article for ``query``, higher first: per term, a headline hit (1,000), a whole-word hit among
    the jieba words (100), then the number of hits (up to 99). The whole-word test ignores case only for a
    term with cased letters (``backend.word_hit``): lower-casing every candidate's words cost as much as the
    rest of the ranking."""
    backend = _backend()
    parts, params = [], []
    for term in query.terms:
        word_sql, word_param = backend.word_hit(term)
        parts.append(backend.RANK_TERM_SQL.replace("{word_hit}", word_sql))
        params += [term, word_param, term, term]
    return TableSQL(" + ".join(parts), params, IntegerField())


def ranked_window() -> int:
    """How many of the newest matches a ranked search holds: enough for the reader's first pages
    (``RANK_CANDIDATES``), and one more than the list counts or the facets read, so that both still tell
    "exact" from "at least" (``NEWSROOM_COUNT_CAP``, ``NEWSROOM_FACET_CAP``)."""
    return max(RANK_CANDIDATES, settings.NEWSROOM_COUNT_CAP, settings.NEWSROOM_FACET_CAP) + 1


#: What ``newest_matches`` reads of each match: its id and what the facets count.
NEWEST_COLUMNS = ("pk", "publication_date", "issue_id", "kind", "page_id")
#: The spans that ``newest_matches`` reads first, nearest first: how many months back from the newest.
RECENT_MONTHS = (1, 3, 12, 36)
#: The list's order (newest first, then the newest id) as an expression no index serves: see ``newest_matches``.
_UNINDEXED_NEWEST = (Coalesce(F("publication_date"), Value(dt.date.min)).desc(), F("id").desc())


def _month_start(day: dt.date, back: int) -> tuple[int, int]:
    """(year, month) of the month ``back`` months before ``day``'s."""
    index = day.year * 12 + day.month - 1 - back
    return index // 12, index % 12 + 1


def newest_matches(*, queryset: QuerySet, query: SearchQuery, limit: int, newest: dt.date | None) -> list[tuple]:
    """The ``limit`` newest articles of ``queryset`` that match ``query`` (rows of ``NEWEST_COLUMNS``, the id
    first), in the list's order,
    read nearest months first; ``newest`` is the archive's newest date (the months are counted back from it).

    Read as one query, the newest matches of a word in a tenth of a million articles cost either a sort of
    all 100,000 matches (through the GIN index) or a walk down the date index testing each row's grams, and
    the planner, guessing how common a pair of characters is, walked the date index for a rare name too
    (half a second). So the matches are read span by span, the newest month first: the span's months are
    part of the index's query (PostgreSQL: each article's grams hold its month), so the index itself yields
    only the matches of those months; a common word fills the window in the first span, and older spans
    (then the rest of the archive, its undated rows last) are read only while the window is not full. The
    order is written so that no index serves it, which keeps the planner from walking the date index; each
    span is small enough to sort."""
    ordered = queryset.order_by(*_UNINDEXED_NEWEST).values_list(*NEWEST_COLUMNS)
    if newest is None:
        return list(search_articles(queryset=ordered, query=query)[:limit])
    found: list[tuple] = []
    upper = None
    for back in RECENT_MONTHS:
        months = tuple(_month_start(newest, step) for step in range(0 if upper is None else upper[1], back))
        lower = dt.date(*months[-1], 1)
        span = ordered.filter(publication_date__gte=lower)
        if upper is not None:
            span = span.filter(publication_date__lt=upper[0])
        found += search_articles(queryset=span, query=query, months=months)[: limit - len(found)]
        if len(found) >= limit:
            return found
        upper = (lower, back)
    rest = search_articles(queryset=ordered, query=query)
    found += rest.filter(publication_date__lt=upper[0])[: limit - len(found)]
    if len(found) < limit:
        found += rest.filter(publication_date__isnull=True)[: limit - len(found)]
    return found


def newest_date(*, queryset: QuerySet) -> dt.date | None:
    """The newest publication date of ``queryset`` (one read of the date index)."""
    dates = queryset.exclude(publication_date__isnull=True).order_by(*ARTICLE_ORDER)
    return next(iter(dates.values_list("publication_date", flat=True)[:1]), None)


def search_order(*, queryset: QuerySet, query: SearchQuery, unfiltered: QuerySet | None = None) -> QuerySet:
    """The ranked window of the articles of ``queryset`` (filtered, not yet searched) that match ``query``;
    see the module docstring.

    The candidates are read first, as ids, newest first (``newest_matches``: a few bounded queries, nearest
    months first). A second query ranks those rows only, on the article table alone, and the window comes
    back in that order, so no request sorts or ranks more than the window, whatever the archive's size. The
    window is taken from ``unfiltered`` (the same rows before the filters, with what the list selects) when
    given: the candidates already passed every filter, and testing the match again on each of them would
    read every candidate's grams once more."""
    if not query.terms:
        return queryset.none()
    newest = newest_date(queryset=queryset if unfiltered is None else unfiltered)
    candidates = newest_matches(queryset=queryset, query=query, limit=ranked_window(), newest=newest)
    ranked = list(
        Article.objects.filter(ids_in([row[0] for row in candidates]))
        .annotate(search_rank=_rank(query))
        .order_by(F("search_rank").desc(), *ARTICLE_ORDER)
        .values_list("pk", flat=True)
    )
    window = (queryset if unfiltered is None else unfiltered).filter(ids_in(ranked))
    window = window.order_by(_backend().position(ranked)) if ranked else window
    setattr(window, RANKED_IDS, ranked)
    setattr(window, NEWEST_ROWS, candidates)
    return window


#: The attribute of a ranked window (the queryset ``search_order`` returns, not its clones) that holds its
#: ids in rank order: the list's pagination reads a page's ids from it and fetches those rows only (sorting
#: the whole window through the list's joins cost more than the search), and counts it without a query.
RANKED_IDS = "ranked_ids"


def ranked_ids(queryset) -> list[int] | None:
    """The ids of a ranked window in rank order, or None for any other queryset."""
    return getattr(queryset, RANKED_IDS, None)


#: The attribute of a ranked window that holds its rows newest first, as ``NEWEST_COLUMNS`` (read with the
#: candidates, in the same queries): the facets count them without reading the window again.
NEWEST_ROWS = "newest_rows"


def newest_rows(queryset) -> list[tuple] | None:
    """A ranked window's rows newest first (``NEWEST_COLUMNS``), or None for any other queryset."""
    return getattr(queryset, NEWEST_ROWS, None)


def search_newest(*, queryset: QuerySet) -> QuerySet:
    return queryset.order_by(*NEWEST)


def filter_keyword(*, queryset: QuerySet, keyword: str) -> QuerySet:
    """Articles whose stored keywords include ``keyword`` (white space ignored)."""
    keyword = "".join(keyword.split())
    if not keyword:
        return queryset
    return queryset.filter(_match(keywords=(keyword,)))
