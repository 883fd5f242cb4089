"""Pieces every endpoint of the API shares: strict query parameters, orderings an index serves, and
conditional requests (ETag / Last-Modified) on details."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.core.cache import cache
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response

#: query parameters every list takes besides its filters
COMMON_PARAMS = frozenset({"page", "page_size", "cursor", "ordering", "format"})
MSG_UNKNOWN_PARAMS = "Unknown query parameter(s): %(names)s. This endpoint takes: %(known)s."
MSG_BAD_ORDERING = "Unknown ordering %(value)s. Choose one of: %(choices)s."
ORDERING_PARAM = "ordering"
#: how long a representation's first-seen time is kept (its Last-Modified)
LAST_MODIFIED_TIMEOUT = 60 * 60 * 24 * 30


def query_params_check(*, request, filterset_class, extra: frozenset[str] = frozenset()) -> None:
    """A misspelt filter (``reporer=…``) would silently return the whole archive: answer 400 naming it."""
    known = COMMON_PARAMS | extra | (set(filterset_class.base_filters) if filterset_class else set())
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ValidationError(
            {"detail": MSG_UNKNOWN_PARAMS % {"names": ", ".join(unknown), "known": ", ".join(sorted(known))}}
        )


class StrictQueryParamsMixin:
    """Lists refuse query parameters that are neither a filter of their filterset nor a common one."""

    extra_query_params: frozenset[str] = frozenset()

    def list(self, request, *args, **kwargs):
        query_params_check(request=request, filterset_class=self.filterset_class, extra=self.extra_query_params)
        return super().list(request, *args, **kwargs)


class IndexedOrdering(BaseFilterBackend):
    """``ordering=`` over the orders a view declares in ``orderings`` (name → order_by expressions), each one
    an index serves; an unknown one is a 400 (DRF's OrderingFilter would ignore it)."""

    def filter_queryset(self, request, queryset, view):
        orderings = getattr(view, "orderings", None)
        value = request.query_params.get(ORDERING_PARAM)
        if not orderings or not value:
            return queryset
        if value not in orderings:
            raise ValidationError(
                {ORDERING_PARAM: [MSG_BAD_ORDERING % {"value": value, "choices": ", ".join(orderings)}]}
            )
        return queryset.order_by(*orderings[value])

    def get_schema_operation_parameters(self, view):
        orderings = getattr(view, "orderings", None)
        if not orderings:
            return []
        return [
            {
                "name": ORDERING_PARAM,
                "required": False,
                "in": "query",
                "description": "Order of the list (each one served by an index); default: the first.",
                "schema": {"type": "string", "enum": list(orderings)},
            }
        ]


def representation_etag(data) -> str:
    """A strong validator of exactly what is sent: a hash of the document. The document shows related rows
    (the issue's date and paper, the page, reporters' names, photos, counts) whose changes do not touch the
    object's own version, and what a reader and an editor see differs: a hash of the document is never stale
    for either."""
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()
    return '"' + hashlib.sha256(encoded).hexdigest()[:40] + '"'


def representation_last_modified(etag: str, floor: dt.datetime | None) -> dt.datetime:
    """When this representation was first served (kept in the cache under its ETag), never before ``floor``
    (the object's own last change): a changed document has a new ETag and so a new time, and a forgotten one
    starts again from now, which can only cost a client a full answer, never give it a stale 304."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    first_seen = cache.get_or_set(f"newsroom:last-modified:{etag}", now.timestamp(), LAST_MODIFIED_TIMEOUT)
    seen = dt.datetime.fromtimestamp(first_seen, dt.UTC)
    return max(seen, floor.astimezone(dt.UTC).replace(microsecond=0)) if floor else seen


class ConditionalDetailMixin:
    """Details answer 304 Not Modified to a matching If-None-Match or a later If-Modified-Since."""

    def changed_at(self, instance) -> dt.datetime | None:
        """The object's own last change, a floor for Last-Modified (``None``: no such stamp)."""
        return None

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        etag = representation_etag(data)
        last_modified = representation_last_modified(etag, self.changed_at(instance))
        response = get_conditional_response(request, etag=etag, last_modified=int(last_modified.timestamp()))
        if response is None:
            response = Response(data)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified.timestamp())
        response["Cache-Control"] = "private, no-cache"  # revalidate: what a user sees depends on who they are
        patch_vary_headers(response, ("Cookie", "Authorization"))
        return response
