"""The review queue in the admin (pages needing an editor, with why), and the list filters that find the
same problems from the page and article lists."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Issue
from ..review import review_queue

#: Pages of the queue on one screen.
REVIEW_PAGE_SIZE = 100
#: Without dates, the queue shows the year up to the newest issue: one scan of a year's articles.
DEFAULT_DAYS = 365


class UnassignedTextFilter(admin.SimpleListFilter):
    """Pages where the segmenter left text for an editor to place."""

    title = _("has unassigned text")
    parameter_name = "unassigned"

    def lookups(self, request, model_admin):
        return [("yes", _("yes")), ("no", _("no"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(unassigned=[])
        if self.value() == "no":
            return queryset.filter(unassigned=[])
        return queryset


class HeadlineFilter(admin.SimpleListFilter):
    """Articles the segmenter found no headline for."""

    title = _("headline")
    parameter_name = "headline"

    def lookups(self, request, model_admin):
        return [("missing", _("no headline")), ("present", _("has a headline"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(headline="")
        if self.value() == "present":
            return queryset.filter(~Q(headline=""))
        return queryset


def _date_param(request, name: str) -> dt.date | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        messages.warning(request, gettext("“%(value)s” is not a date (YYYY-MM-DD); ignored.") % {"value": value})
    return parsed


class ReviewQueueAdminMixin:
    """For ``PageAdmin``: the review queue at ``review/`` and a link to it above the page list."""

    change_list_template = "admin/articles/page/change_list.html"

    def get_urls(self):
        review = path("review/", self.admin_site.admin_view(self.review_view), name="articles_page_review")
        return [review, *super().get_urls()]

    def review_view(self, request):
        """Pages needing an editor, newest first, filtered by issue date range and paper, a screen at a time."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        date_from, date_to = _date_param(request, "date_from"), _date_param(request, "date_to")
        everything = request.GET.get("all") == "1"
        if not everything and "date_from" not in request.GET and "date_to" not in request.GET:
            # a desk works through a year at a time; the whole decade is one click away (and takes seconds)
            newest = Issue.objects.aggregate(newest=Max("publication_date"))["newest"]
            if newest is not None:
                date_from, date_to = newest - dt.timedelta(days=DEFAULT_DAYS - 1), newest
        paper = request.GET.get("paper", "").strip()
        try:
            screen = max(int(request.GET.get("p", "1")), 1)
        except ValueError:
            screen = 1
        queue = review_queue(
            date_from=date_from,
            date_to=date_to,
            paper=paper or None,
            limit=REVIEW_PAGE_SIZE,
            offset=(screen - 1) * REVIEW_PAGE_SIZE,
        )
        screens = max((queue.total + REVIEW_PAGE_SIZE - 1) // REVIEW_PAGE_SIZE, 1)
        query = request.GET.copy()
        query.pop("p", None)

        def screen_url(number: int) -> str:
            query["p"] = str(number)
            return f"?{query.urlencode()}"

        rows = [
            {
                "page": row,
                "url": reverse("admin:articles_page_change", args=[row.page_id]),
                "issue_url": reverse("admin:articles_issue_change", args=[row.issue_id]),
            }
            for row in queue.pages
        ]
        reasons = [
            ("unassigned", gettext("Unassigned text"), gettext("text blocks")),
            ("no_headline", gettext("Articles without headline"), gettext("articles")),
            ("no_credits", gettext("Articles without credits"), gettext("articles")),
            ("suspected_merges", gettext("Suspected merges"), gettext("articles")),
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Review queue: pages needing an editor"),
            "opts": self.model._meta,
            "queue": queue,
            "rows": rows,
            "reasons": [
                {"label": label, "pages": queue.pages_by_reason[key], "items": queue.items_by_reason[key], "unit": unit}
                for key, label, unit in reasons
            ],
            "papers": Issue.objects.exclude(paper="").order_by("paper").values_list("paper", flat=True).distinct(),
            "paper": paper,
            "date_from": date_from.isoformat() if date_from else "",
            "date_to": date_to.isoformat() if date_to else "",
            "screen": screen,
            "screens": screens,
            "previous_url": screen_url(screen - 1) if screen > 1 else "",
            "next_url": screen_url(screen + 1) if screen < screens else "",
            "everything": everything,
        }
        return TemplateResponse(request, "admin/articles/page/review_queue.html", context)
