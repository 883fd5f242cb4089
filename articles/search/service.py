"""The one search interface of the archive; it hides which database answers.

- ``search_articles(queryset=, query=)``: the articles of ``queryset`` that contain every term of ``query``
  (exact substrings of one field of the search document; see ``importer.parsing.searchtext``). The index
  narrows the rows (``postgres``: GIN over a tsvector of grams; ``sqlite``: FTS5 over the same grams) and
  terms of three or more characters are then checked with ``LIKE``, so the result is exact. A query without
  terms matches nothing.
- ``search_order(queryset=, query=)``: the same queryset ordered by rank: headline hits, then whole-word
  (jieba token) hits, then more hits, then newer. Only a bounded candidate set is ranked (the newest
  ``RANK_CANDIDATES`` matches by id); older matches follow, newest first. Ranking every match of a common
  word is what made ranked search slow (seconds at 225,000 matches).
- ``search_newest(queryset=)``: the order of ``ordering=newest``.
- ``search_total(queryset=)``: how many match, exact up to ``TOTAL_CAP`` and then "at least".
- ``filter_keyword(queryset=, keyword=)``: articles with that jieba.analyse keyword (from the same index).
- ``article_snippet(text=, query=)`` / ``article_search_snippet(article=, query=)``: escaped HTML with
  ``<mark>`` around the matches and some context (``snippets``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Case, Expression, F, IntegerField, QuerySet, Value, When

from importer.parsing.searchtext import SearchQuery

from . import postgres, sqlite
from .snippets import article_search_snippet, article_snippet

__all__ = [
    "RANK_CANDIDATES",
    "TOTAL_CAP",
    "SearchTotal",
    "article_search_snippet",
    "article_snippet",
    "filter_keyword",
    "search_articles",
    "search_newest",
    "search_order",
    "search_total",
]

#: Matches ranked per query (the newest by id); the rest follow newest first.
RANK_CANDIDATES = 1000
#: Totals are exact up to this many matches, then reported as "at least".
TOTAL_CAP = 10_000
#: Newest first: the order of ties and of ``ordering=newest``.
NEWEST = (F("issue__publication_date").desc(nulls_last=True), F("pk").desc())


class TableSQL(Expression):
    """SQL over the article table, with ``{table}`` replaced by its alias in the query being compiled
    (``articles_article`` at the top, ``U0`` inside a subquery)."""

    def __init__(self, sql: str, params: list, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, list(params)

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return self.sql.format(table=table), self.params

    def get_group_by_cols(self):
        return [self]


def _backend():
    return postgres if connection.vendor == "postgresql" else sqlite


def _match(*, terms: tuple[str, ...] = (), keywords: tuple[str, ...] = ()) -> TableSQL:
    backend = _backend()
    if backend is postgres:
        text = postgres.tsquery(terms=terms, keywords=keywords)
    else:
        text = sqlite.fts_query(terms=terms, keywords=keywords)
    return TableSQL(backend.MATCH_SQL, [text], BooleanField())


def search_articles(*, queryset: QuerySet, query: SearchQuery) -> QuerySet:
    """The articles of ``queryset`` containing every term of ``query`` (none when it has no terms)."""
    if not query.terms:
        return queryset.none()
    queryset = queryset.filter(_match(terms=query.terms))
    for term in query.terms:
        if len(term) > 2:  # one or two characters: the gram is the term; longer: its pairs, then the substring
            queryset = queryset.filter(search_document__contains=term)
    return queryset


def _rank(query: SearchQuery) -> TableSQL:
    backend = _backend()
    sql = " + ".join([backend.RANK_TERM_SQL] * len(query.terms))
    params = [value for term in query.terms for value in (term, f" {term} ", term, len(term))]
    return TableSQL(sql, params, IntegerField())


def search_order(*, queryset: QuerySet, query: SearchQuery) -> QuerySet:
    """``queryset`` (already searched) ordered by rank; see the module docstring for what is ranked."""
    if not query.terms:
        return queryset
    threshold = queryset.order_by("-pk").values_list("pk", flat=True)[RANK_CANDIDATES - 1 : RANK_CANDIDATES]
    threshold = next(iter(threshold), None)
    rank = _rank(query)
    if threshold is not None:
        rank = Case(When(pk__gte=threshold, then=rank), default=Value(-1), output_field=IntegerField())
    return queryset.annotate(search_rank=rank).order_by(F("search_rank").desc(), *NEWEST)


def search_newest(*, queryset: QuerySet) -> QuerySet:
    return queryset.order_by(*NEWEST)


@dataclass(frozen=True)
class SearchTotal:
    count: int
    exact: bool


def search_total(*, queryset: QuerySet, cap: int = TOTAL_CAP) -> SearchTotal:
    """How many rows ``queryset`` has, counting at most ``cap + 1`` of them."""
    count = queryset.order_by()[: cap + 1].count()
    return SearchTotal(count=min(count, cap), exact=count <= cap)


def filter_keyword(*, queryset: QuerySet, keyword: str) -> QuerySet:
    """Articles whose stored keywords include ``keyword`` (white space ignored)."""
    keyword = "".join(keyword.split())
    if not keyword:
        return queryset
    return queryset.filter(_match(keywords=(keyword,)))
