"""Actions on reporters in the admin: merging two rows that are the same person (and reverting a merge),
and changing the role they are credited in.

The merge action asks on a confirmation page (the admin's own style, as "delete selected" does) which
of the two rows to keep; the reporter's history page lists the merges into it, each with a revert that asks
again. Both call ``articles.reporters``; nothing is written here.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import reporters
from ..models import ArticleCredit, Reporter, ReporterMerge, Role
from ..services import ConcurrentEditError


def role_counts(*, reporter_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    """Credits of each reporter by role, in one query."""
    counts: dict[int, list[tuple[str, int]]] = {pk: [] for pk in reporter_ids}
    rows = (
        ArticleCredit.objects.filter(reporter_id__in=reporter_ids)
        .values_list("reporter_id", "role")
        .annotate(total=Count("pk"))
        .order_by("reporter_id", "role")
    )
    for reporter_id, role, total in rows:
        counts[reporter_id].append((role, total))
    return counts


def merge_summary(merge: ReporterMerge) -> str:
    return gettext("%(credits)s credit(s) moved, %(collapsed)s collapsed, %(photos)s photo(s) moved") % {
        "credits": len(merge.moved_credits),
        "collapsed": len(merge.collapsed_credits),
        "photos": len(merge.moved_photos),
    }


class ReporterMergeAdminMixin:
    """For ``ReporterAdmin``: the "merge into one person" action, the merges on the history page and
    their revert view."""

    actions = ["merge_reporters", "change_role"]
    object_history_template = "admin/articles/reporter/object_history.html"

    def get_urls(self):
        urls = [
            path(
                "merge/<int:merge_id>/revert/",
                self.admin_site.admin_view(self.merge_revert_view),
                name="articles_reporter_merge_revert",
            )
        ]
        return urls + super().get_urls()

    @admin.action(description=_("Merge into one person"), permissions=["change"])
    def merge_reporters(self, request, queryset):
        """Two selected rows: the confirmation page; its "yes" comes back here with the one to keep."""
        chosen = list(queryset.order_by("pk"))
        if len(chosen) != 2:
            self.message_user(request, gettext("Select exactly two reporters to merge."), messages.WARNING)
            return None
        if request.POST.get("post") == "yes":
            return self._merge_confirmed(request, chosen)
        counts = role_counts(reporter_ids=[r.pk for r in chosen])
        rows = [
            {
                "reporter": reporter,
                "roles": counts[reporter.pk],
                "photos": reporter.photos.count(),
                "aliases": list(reporter.aliases.values_list("name", flat=True)),
            }
            for reporter in chosen
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Merge two reporters into one person"),
            "opts": self.model._meta,
            "rows": rows,
            "queryset": chosen,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "keep": max(chosen, key=lambda r: sum(total for _, total in counts[r.pk])).pk,
        }
        return TemplateResponse(request, "admin/articles/reporter/merge_confirmation.html", context)

    def _merge_confirmed(self, request, chosen: list[Reporter]):
        try:
            keep_pk = int(request.POST.get("keep", ""))
        except ValueError:
            keep_pk = None
        if keep_pk not in {r.pk for r in chosen}:
            self.message_user(request, gettext("Choose which of the two reporters to keep."), messages.ERROR)
            return None
        kept = next(r for r in chosen if r.pk == keep_pk)
        other = next(r for r in chosen if r.pk != keep_pk)
        versions = {r.pk: request.POST.get(f"version_{r.pk}") for r in chosen}
        try:
            merge = reporters.reporter_merge(
                kept=kept,
                other=other,
                user=request.user,
                kept_version=int(versions[kept.pk]) if versions[kept.pk] else None,
                other_version=int(versions[other.pk]) if versions[other.pk] else None,
            )
        except (ValueError, ConcurrentEditError, Reporter.DoesNotExist) as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        history = reverse("admin:articles_reporter_history", args=[kept.pk])
        self.message_user(
            request,
            format_html(
                gettext(
                    '“{other}” was merged into “{kept}” ({summary}). It can be reverted from <a href="{history}">the '
                    "history</a>."
                ),
                other=merge.other_name,
                kept=kept.name,
                summary=merge_summary(merge),
                history=history,
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:articles_reporter_change", args=[kept.pk]))

    @admin.action(description=_("Change the role of their credits"), permissions=["change"])
    def change_role(self, request, queryset):
        """Asks for the role to change and the new one, then changes it on every credit of the selected
        reporters (``reporter_change_role``; a credit the article already has in the new role collapses)."""
        chosen = list(queryset.order_by("name"))
        from_role, to_role = request.POST.get("from_role"), request.POST.get("to_role")
        if request.POST.get("post") == "yes" and from_role in Role.values and to_role in Role.values:
            changed = sum(
                reporters.reporter_change_role(
                    reporter=reporter, from_role=from_role, to_role=to_role, user=request.user
                )
                for reporter in chosen
            )
            self.message_user(
                request,
                ngettext(
                    "%(count)s credit changed from %(from)s to %(to)s.",
                    "%(count)s credits changed from %(from)s to %(to)s.",
                    changed,
                )
                % {"count": changed, "from": from_role, "to": to_role},
                messages.SUCCESS,
            )
            return None
        counts = role_counts(reporter_ids=[r.pk for r in chosen])
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Change the role of their credits"),
            "opts": self.model._meta,
            "rows": [{"reporter": r, "roles": counts[r.pk]} for r in chosen],
            "queryset": chosen,
            "roles": Role.choices,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/reporter/change_role_confirmation.html", context)

    def history_view(self, request, object_id, extra_context=None):
        """The history page also lists the merges into this reporter (or of it, once merged), with a revert."""
        merges = ReporterMerge.objects.filter(Q(kept_id=object_id) | Q(other_pk=object_id)).select_related(
            "merged_by", "reverted_by"
        )
        rows = [
            {
                "merge": merge,
                "summary": merge_summary(merge),
                "revert_url": reverse("admin:articles_reporter_merge_revert", args=[merge.pk]),
            }
            for merge in merges
        ]
        return super().history_view(request, object_id, extra_context={**(extra_context or {}), "merges": rows})

    def merge_revert_view(self, request, merge_id: int):
        """GET asks (the admin's confirmation style); POST reverts through ``reporter_merge_revert``."""
        merge = get_object_or_404(ReporterMerge, pk=merge_id)
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            try:
                restored = reporters.reporter_merge_revert(merge=merge, user=request.user)
            except ValueError as error:
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(reverse("admin:articles_reporter_history", args=[merge.kept_id]))
            self.message_user(
                request,
                gettext("The merge was reverted: “%(name)s” is a reporter of its own again.") % {"name": restored.name},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:articles_reporter_change", args=[restored.pk]))
        kept = Reporter.objects.filter(pk=merge.kept_id).first()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Revert a merge of reporters"),
            "opts": self.model._meta,
            "merge": merge,
            "kept": kept,
            "summary": merge_summary(merge),
        }
        return TemplateResponse(request, "admin/articles/reporter/merge_revert_confirmation.html", context)


def aliases_html(reporter: Reporter) -> str:
    names = list(reporter.aliases.values_list("name", flat=True))
    return "、".join(names) or "—"


def role_counts_html(reporter: Reporter) -> str:
    """Credits by role, and a link to the reporter's articles in the article list."""
    rows = role_counts(reporter_ids=[reporter.pk])[reporter.pk]
    url = reverse("admin:articles_article_changelist") + f"?credits__reporter__id__exact={reporter.pk}"
    roles = "、".join(f"{role} {total}" for role, total in rows) or "—"
    total = reporter.articles.distinct().count()
    return format_html(
        '{} · <a href="{}">{}</a>',
        roles,
        url,
        ngettext("%(count)s article", "%(count)s articles", total) % {"count": total},
    )
