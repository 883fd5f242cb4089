"""Pagination of the API's lists: numbered pages, and cursors for deep lists, with counts that stay bounded.

A full ``COUNT`` of a million matching rows per request cost more than the page itself, so the count is exact
up to ``NEWSROOM_COUNT_CAP`` rows and beyond that a lower bound, and every list says which
(``count_is_exact``). Numbered pages (``page=``) read ``OFFSET`` rows of an index, fine for the first few
hundred pages; a cursor (``cursor=``) continues after the last row seen, through the same index, so page
10,000 costs what page 1 costs.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections import OrderedDict

from django.conf import settings
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .search.service import ids_in, ranked_ids
from .selectors import ARTICLE_ORDER

PAGE_PARAM = "page"
PAGE_SIZE_PARAM = "page_size"
CURSOR_PARAM = "cursor"

MSG_BAD_CURSOR = "Invalid cursor: pass back the `next` link of a previous response, or an empty cursor to start."
MSG_CURSOR_ORDER = (
    "Cursor pagination follows the date order (newest first): leave out `ordering` (with `q`: "
    "`ordering=newest`), or use `page`."
)
MSG_BAD_PAGE = "Invalid page: a whole number from 1."
MSG_NO_PAGE = "Invalid page: there are no rows on this page."
MSG_BOTH = "Use either `page` or `cursor`, not both."


def bounded_count(queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """How many rows ``queryset`` has, counted up to ``cap``: (count, exact). Past the cap the database stops
    counting and the count is ``cap`` (a lower bound)."""
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return (counted, True) if counted <= cap else (cap, False)


def _encode_cursor(row) -> str:
    date = row.publication_date.isoformat() if row.publication_date else None
    return base64.urlsafe_b64encode(json.dumps([date, row.pk]).encode()).decode().rstrip("=")


def _decode_cursor(value: str) -> tuple[dt.date | None, int]:
    try:
        date, pk = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        if not isinstance(pk, int) or isinstance(pk, bool) or not 0 <= pk < 2**63:
            raise ValueError(pk)
        return (dt.date.fromisoformat(date) if date is not None else None), pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise ValidationError({CURSOR_PARAM: [MSG_BAD_CURSOR]}) from error


def keyset_after(queryset: QuerySet, after: tuple[dt.date | None, int] | None, limit: int) -> list:
    """Up to ``limit`` rows of ``queryset`` (in ``ARTICLE_ORDER``) that come after ``after`` = (date, id).

    In up to three range reads that the (publication_date DESC NULLS LAST, id DESC) index serves as they
    are: the rest of the cursor's date, the older dates, then the undated rows (last on every database).
    One ``OR`` of the three would make PostgreSQL filter the index from its start instead.
    """
    ordered = queryset.order_by(*ARTICLE_ORDER)
    if after is None:
        return list(ordered[:limit])
    date, pk = after
    if date is None:
        return list(ordered.filter(publication_date__isnull=True, pk__lt=pk)[:limit])
    keys = ordered.values_list("pk", flat=True)
    found = list(keys.filter(publication_date=date, pk__lt=pk)[:limit])
    if len(found) < limit:
        found += keys.filter(publication_date__lt=date)[: limit - len(found)]
    if len(found) < limit:
        found += keys.filter(publication_date__isnull=True)[: limit - len(found)]
    # the rows themselves in one read (and one prefetch of their credits), in the order found
    rows = {row.pk: row for row in ordered.filter(pk__in=found)}
    return [rows[pk] for pk in found]


def _rows(queryset: QuerySet, offset: int, limit: int) -> list:
    """``limit`` rows of ``queryset`` from ``offset``; of a ranked search's window, the page's ids are taken
    from the window and only those rows read (one query by primary key, however the list joins)."""
    window = ranked_ids(queryset)
    if window is None:
        return list(queryset[offset : offset + limit])
    ids = window[offset : offset + limit]
    found = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


class ArchivePagination(BasePagination):
    """Numbered pages by default; ``cursor`` (empty to start) switches an article list to cursor pages.

    Both answer ``count`` (exact up to the cap), ``count_is_exact``, ``next``, ``previous`` and
    ``results``. Page sizes up to 200 rows.
    """

    page_size = 20
    max_page_size = 200
    cursor_allowed = False  # set by the views whose queryset has the article order

    def get_page_size(self, request) -> int:
        value = request.query_params.get(PAGE_SIZE_PARAM)
        if value is None or value == "":
            return self.page_size
        try:
            size = int(value)
        except ValueError as error:
            raise ValidationError({PAGE_SIZE_PARAM: ["A whole number from 1."]}) from error
        if size < 1:
            raise ValidationError({PAGE_SIZE_PARAM: ["A whole number from 1."]})
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.size = self.get_page_size(request)
        self.cursor_mode = CURSOR_PARAM in request.query_params
        if self.cursor_mode and PAGE_PARAM in request.query_params:
            raise ValidationError({CURSOR_PARAM: [MSG_BOTH]})
        queryset = self._counted(queryset, settings.NEWSROOM_COUNT_CAP)
        if self.cursor_mode:
            return self._cursor_page(queryset, request, view)
        return self._numbered_page(queryset, request)

    def _counted(self, queryset: QuerySet, cap: int) -> QuerySet:
        """Count the list (up to ``cap``) and return the queryset to page through.

        The count reads the matching ids, not a number: when there are at most ``cap`` of them, the pages are
        read among those ids. A filter that matches few rows (a reporter credited once) otherwise had the
        planner walk the date index from the newest row, testing every article of the archive for that
        one credit (650 ms at a million); among a thousand ids it sorts them instead. A ranked search's
        window holds its ids already, and is paged by them (``_rows``)."""
        window = ranked_ids(queryset)
        ids = window if window is not None else list(queryset.order_by().values_list("pk", flat=True)[: cap + 1])
        self.count_is_exact = len(ids) <= cap
        self.count = len(ids) if self.count_is_exact else cap
        return queryset.filter(ids_in(ids)) if window is None and self.count_is_exact else queryset

    def _numbered_page(self, queryset, request) -> list:
        value = request.query_params.get(PAGE_PARAM) or "1"
        if not value.isdigit() or int(value) < 1 or len(value) > 9:
            raise NotFound(MSG_BAD_PAGE)
        self.number = int(value)
        offset = (self.number - 1) * self.size
        if self.count_is_exact and offset >= self.count and self.number > 1:
            raise NotFound(MSG_NO_PAGE)
        rows = _rows(queryset, offset, self.size + 1)
        if not rows and self.number > 1:
            raise NotFound(MSG_NO_PAGE)
        self.has_next = len(rows) > self.size
        rows = rows[: self.size]
        if not self.count_is_exact:
            # past the cap the count is a lower bound: at least every row up to this page
            self.count = max(self.count, offset + len(rows) + (1 if self.has_next else 0))
        return rows

    def _cursor_page(self, queryset, request, view) -> list:
        if not getattr(view, "cursor_allowed", False):
            raise ValidationError({CURSOR_PARAM: ["This list has numbered pages only."]})
        ordering = request.query_params.get("ordering")
        if ordering not in (None, "", "newest") or tuple(queryset.query.order_by) != ARTICLE_ORDER:
            raise ValidationError({CURSOR_PARAM: [MSG_CURSOR_ORDER]})
        value = request.query_params.get(CURSOR_PARAM, "")
        after = _decode_cursor(value) if value else None
        rows = keyset_after(queryset, after, self.size + 1)
        self.has_next = len(rows) > self.size
        rows = rows[: self.size]
        self.next_cursor = _encode_cursor(rows[-1]) if self.has_next else None
        self.started = after is None
        return rows

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        if self.cursor_mode:
            return replace_query_param(url, CURSOR_PARAM, self.next_cursor)
        return replace_query_param(url, PAGE_PARAM, self.number + 1)

    def get_previous_link(self) -> str | None:
        url = self.request.build_absolute_uri()
        if self.cursor_mode:
            # cursors go forward; the first page is one request away
            return None if self.started else replace_query_param(url, CURSOR_PARAM, "")
        if self.number <= 1:
            return None
        if self.number == 2:
            return remove_query_param(url, PAGE_PARAM)
        return replace_query_param(url, PAGE_PARAM, self.number - 1)

    def get_paginated_response(self, data) -> Response:
        return Response(
            OrderedDict(
                [
                    ("count", self.count),
                    ("count_is_exact", self.count_is_exact),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["count", "count_is_exact", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "Matching rows: exact up to NEWSROOM_COUNT_CAP, past it a lower bound.",
                    "example": 123,
                },
                "count_is_exact": {"type": "boolean", "description": "false when `count` is a lower bound."},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = [
            {
                "name": PAGE_PARAM,
                "required": False,
                "in": "query",
                "description": "Page number (from 1); deep pages are faster with `cursor`.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": PAGE_SIZE_PARAM,
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {self.page_size}, at most {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
        if getattr(view, "cursor_allowed", False):
            parameters.append(
                {
                    "name": CURSOR_PARAM,
                    "required": False,
                    "in": "query",
                    "description": "Cursor pagination for deep lists, newest first: pass an empty value to start, "
                    "then follow `next`. Not with `page` or `ordering`.",
                    "schema": {"type": "string"},
                    "allowEmptyValue": True,
                }
            )
        return parameters


class ArticlePagination(ArchivePagination):
    """The article list's pages, which carry ``facets`` when asked for (``facets=``)."""

    def get_paginated_response_schema(self, schema: dict) -> dict:
        from .facets import FACETS_SCHEMA

        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["facets"] = FACETS_SCHEMA
        return paginated
