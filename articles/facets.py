"""Facet counts of an article list (its query and filters applied): by year, month, paper, section, kind and
reporter, the top ones of each.

Bounded work at any archive size: the facets count the newest ``NEWSROOM_FACET_CAP`` matches, read in the
list's own index order (one range read of the date index, as the first page is). When the list has no more
matches than that, the facets are exact (``exact: true``); when it has more, they describe its newest
``rows`` matches and say so (``exact: false``): counting a million matches per request would cost seconds,
and a reader narrowing the search (a year, a paper, a reporter) gets exact facets again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from rest_framework.exceptions import ValidationError

from .models import ArticleCredit, Issue, Page
from .search.service import NEWEST_COLUMNS, ids_in, newest_rows
from .selectors import ARTICLE_ORDER

FACETS = ("year", "month", "paper", "section", "kind", "reporter")
FACETS_PARAM = "facets"
MSG_UNKNOWN_FACET = "Unknown facet: %(names)s. Facets: %(known)s, or all."

#: the article columns each facet reads (reporter counts come from the credits)
_COLUMNS = {
    "year": "publication_date",
    "month": "publication_date",
    "paper": "issue_id",
    "section": "page_id",
    "kind": "kind",
}
#: columns that are ids of another table, and the value a facet counts there: read by primary key for the
#: ids found, not joined (a join of the counted rows read the whole issue and page tables at a million)
_JOINED = {"issue_id": (Issue, "paper"), "page_id": (Page, "section")}


def _lookup(column: str, ids: list) -> dict:
    """The facet value of each id of ``column`` among ``ids``."""
    model, field = _JOINED[column]
    wanted = {pk for pk in ids if pk is not None}
    return dict(model.objects.filter(ids_in(sorted(wanted))).order_by().values_list("pk", field)) if wanted else {}


_BUCKETS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["value", "count"],
        "properties": {
            "value": {"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": True},
            "count": {"type": "integer"},
        },
    },
}
#: the OpenAPI schema of ``facets`` in a list response
FACETS_SCHEMA = {
    "type": "object",
    "description": "Present when `facets` was asked for. Years and months newest first (null: undated); papers, "
    "sections, kinds and reporters (value: id, with name) the most frequent first.",
    "required": ["exact", "rows"],
    "properties": {
        "exact": {"type": "boolean", "description": "false: counted over the newest `rows` matches only."},
        "rows": {"type": "integer", "description": "How many matches were counted."},
        **{name: _BUCKETS for name in ("year", "month", "paper", "section", "kind")},
        "reporter": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["value", "name", "count"],
                "properties": {"value": {"type": "integer"}, "name": {"type": "string"}, "count": {"type": "integer"}},
            },
        },
    },
}


@dataclass(frozen=True)
class FacetRequest:
    names: tuple[str, ...]
    top: int
    cap: int


def facets_requested(value: str | None) -> FacetRequest | None:
    """Parse ``facets=year,paper`` (or ``all``); ``None`` when no facets were asked for. Unknown names: 400."""
    if value is None:
        return None
    names = [name.strip().lower() for name in value.split(",") if name.strip()]
    if not names:
        return None
    if "all" in names:
        names = list(FACETS)
    unknown = sorted(set(names) - set(FACETS))
    if unknown:
        raise ValidationError(
            {FACETS_PARAM: [MSG_UNKNOWN_FACET % {"names": ", ".join(unknown), "known": ", ".join(FACETS)}]}
        )
    chosen = tuple(name for name in FACETS if name in names)
    return FacetRequest(names=chosen, top=settings.NEWSROOM_FACET_TOP, cap=settings.NEWSROOM_FACET_CAP)


def _by_date(counter: Counter) -> list[dict]:
    """Every year (or month), newest first, undated last: a time line, not a ranking."""
    dated = sorted((kv for kv in counter.items() if kv[0] is not None), key=lambda kv: kv[0], reverse=True)
    return [{"value": value, "count": n} for value, n in dated + [kv for kv in counter.items() if kv[0] is None]]


def _top(counter: Counter, top: int) -> list[dict]:
    """The ``top`` most frequent values, ties by value."""
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]
    return [{"value": value, "count": n} for value, n in ranked]


def article_facets(*, queryset: QuerySet, request: FacetRequest) -> dict:
    """The facets of ``queryset`` (the filtered, visible list) as
    ``{"exact": bool, "rows": n, "year": [{"value": 2024, "count": 12}, …], …}``."""
    columns = sorted({_COLUMNS[name] for name in request.names if name in _COLUMNS})
    window = newest_rows(queryset)
    if window is not None:  # a ranked search read its matches' columns already, newest first
        index = [NEWEST_COLUMNS.index(column) for column in ("pk", *columns)]
        rows = [tuple(row[i] for i in index) for row in window[: request.cap + 1]]
    else:
        rows = list(queryset.order_by(*ARTICLE_ORDER).values_list("pk", *columns)[: request.cap + 1])
    exact = len(rows) <= request.cap
    rows = rows[: request.cap]
    result: dict = {"exact": exact, "rows": len(rows)}
    position = {column: index + 1 for index, column in enumerate(columns)}
    lookups = {c: _lookup(c, [row[position[c]] for row in rows]) for c in _JOINED if c in position}
    for name in request.names:
        if name == "reporter":
            continue
        column = _COLUMNS[name]
        values = (row[position[column]] for row in rows)
        if column in lookups:
            values = (lookups[column].get(value) for value in values)
        if name == "year":
            result[name] = _by_date(Counter(d.year if d else None for d in values))
        elif name == "month":
            months = Counter(f"{d.year:04d}-{d.month:02d}" if d else None for d in values)
            result[name] = _by_date(months)
        else:
            result[name] = _top(Counter(values), request.top)
    if "reporter" in request.names:
        # the ids just read (at most the cap): the filtered query again as a subquery cost more
        ids = [row[0] for row in rows]
        credited = (
            ArticleCredit.objects.filter(article_id__in=ids)
            .values("reporter_id", "reporter__name")
            .annotate(n=Count("article", distinct=True))
            .order_by("-n", "reporter__name")[: request.top]
        )
        result["reporter"] = [
            {"value": row["reporter_id"], "name": row["reporter__name"], "count": row["n"]} for row in credited
        ]
    return result
