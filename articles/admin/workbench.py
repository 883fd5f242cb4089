"""The page view ("workbench"): a page's raw text coloured by owner beside its articles and photos, with
the operations of ``articles.editing`` one click away. The view only reads and calls services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import editing
from ..changesets import ChangeSetConflictError, change_set_revert
from ..models import Article, ChangeSet, Page, Photo
from ..services import ConcurrentEditError
from ..spans import body_paragraphs, segments_rebuild, span_page

#: Kinds of the raw text as the page view names them.
KIND_LABELS = {
    "headline": gettext_lazy("headline"),
    "kicker": gettext_lazy("kicker"),
    "subheadline": gettext_lazy("subheadline"),
    "byline": gettext_lazy("byline"),
    "body": gettext_lazy("body"),
    "caption": gettext_lazy("caption"),
    "photo_credit": gettext_lazy("photo credit"),
    "furniture": gettext_lazy("furniture"),
    "doubled": gettext_lazy("doubled text"),
    "unassigned": gettext_lazy("unassigned"),
}
#: Colours of articles, in page order (light backgrounds that keep black text readable).
PALETTE = ["#dbeafe", "#dcfce7", "#fce7f3", "#ede9fe", "#ffedd5", "#ccfbf1", "#fef9c3", "#e0e7ff", "#fee2e2"]


def workbench_allowed(user) -> bool:
    """Editors (the Editors group's change rights on articles and pages), and superusers."""
    return user.is_active and user.has_perm("articles.change_article") and user.has_perm("articles.change_page")


def _chunks(page: Page, articles: list[Article], photos: list[Photo]) -> list[dict]:
    """The raw text in pieces, each with its kind and owner (the spaces between segments as plain pieces).

    Owners come from the articles' and photos' own spans, not from the stored segments' article orders: a
    forced re-import rewrites those in its own order while keeping the editors' articles, so the spans are
    what stays true. The stored segments give the furniture and what no one owns.
    """
    colours = {a.pk: PALETTE[i % len(PALETTE)] for i, a in enumerate(articles)}
    photo_by_pk = {p.pk: p for p in photos}
    owners = []
    others = Article.objects.filter(issue_id=page.issue_id).exclude(page_id=page.pk).select_related("page")
    # drafts (a re-import's held-back copies) first: a published owner of the same text wins
    for article in sorted([*articles, *others], key=lambda a: a.status != "draft"):
        home = page.index if article.page_id == page.pk else article.page.index
        owners.extend(
            (span[:3], article.pk, None, None) for span in article.source_spans if span_page(span, home) == page.index
        )
    for photo in photos:
        owners.extend((span[:3], photo.article_id, photo.pk, None) for span in photo.source_spans)
    segments = segments_rebuild(raw_text=page.raw_text, segments=page.segments, owners=owners)
    chunks, pos = [], 0
    raw = page.raw_text
    for kind, start, end, article_pk, photo_pk, _home in segments:
        if start > pos:
            chunks.append({"text": raw[pos:start], "start": pos, "kind": "gap"})
        photo = photo_by_pk.get(photo_pk)
        chunks.append(
            {
                "text": raw[start:end],
                "start": start,
                "kind": kind,
                "label": KIND_LABELS.get(kind, kind),
                "article": article_pk or "",
                "photo": photo.pk if photo else "",
                "colour": colours.get(article_pk, "#e5e7eb" if article_pk else ""),
            }
        )
        pos = max(pos, end)
    if pos < len(raw):
        chunks.append({"text": raw[pos:], "start": pos, "kind": "gap"})
    return chunks


def _targets(page: Page) -> list[tuple[int, str]]:
    """Articles of the page's issue a paragraph can move to: date, page and headline, in reading order."""
    date = page.issue.publication_date.isoformat() if page.issue.publication_date else _("undated")
    rows = Article.objects.filter(issue_id=page.issue_id).select_related("page").order_by("page__index", "order")
    return [(a.pk, f"{date} · {a.page.number or a.page.index} · {a}") for a in rows]


def workbench_context(page: Page) -> dict:
    articles = list(Article.objects.filter(page=page).order_by("order", "pk").prefetch_related("credits__reporter"))
    photos = list(Photo.objects.filter(page=page).select_related("article").order_by("order", "pk"))
    colours = {a.pk: PALETTE[i % len(PALETTE)] for i, a in enumerate(articles)}
    cards = [
        {
            "article": a,
            "colour": colours[a.pk],
            "paragraphs": list(enumerate(body_paragraphs(a.body))),
            "short_lines": [p for p in body_paragraphs(a.body) if len(p) <= 40],
            "credits": ", ".join(f"{c.role} {c.reporter}" for c in a.credits.all()),
            "photos": [p for p in photos if p.article_id == a.pk],
            "is_last": i == len(articles) - 1,
            "history_url": reverse("admin:articles_article_history", args=[a.pk]),
            "change_url": reverse("admin:articles_article_change", args=[a.pk]),
        }
        for i, a in enumerate(articles)
    ]
    return {
        "page_obj": page,
        "chunks": _chunks(page, articles, photos),
        "cards": cards,
        "standalone_photos": [p for p in photos if not p.article_id],
        "targets": _targets(page),
        "kinds": [(k, v) for k, v in KIND_LABELS.items() if k != "body"],
        "change_sets": ChangeSet.objects.filter(page_states__has_key=str(page.pk)).select_related("user")[:8],
    }


def _int(request: HttpRequest, name: str) -> int | None:
    value = request.POST.get(name, "").strip()
    return int(value) if value.lstrip("-").isdigit() else None


def _ints(request: HttpRequest, name: str) -> list[int]:
    return [int(v) for v in request.POST.getlist(name) if v.isdigit()]


def _line_of(article: Article, page: Page, headline: str) -> tuple[int, int] | None:
    """Where the article's own text prints ``headline`` as a line of its own (the editor picked a line of
    the page as the new headline): that line's span then becomes the headline's, not the body's."""
    wanted = "".join(headline.split())
    if not wanted:
        return None
    for _kind, start, end, *rest in article.source_spans:
        if rest and rest[0] != page.index:
            continue
        offset = start
        for line in page.raw_text[start:end].split("\n"):
            if "".join(line.split()) == wanted:
                lead = len(line) - len(line.lstrip())
                return offset + lead, offset + len(line.rstrip())
            offset += len(line) + 1
    return None


def _operate(request: HttpRequest, page: Page) -> tuple[editing.EditResult | ChangeSet, int | None]:
    """Run the operation the form names; returns its result and the article to show afterwards."""
    op, user = request.POST.get("op", ""), request.user
    if op == "revert":
        change_set = get_object_or_404(ChangeSet, pk=_int(request, "change_set"))
        return change_set_revert(change_set=change_set, user=user), None
    if op == "create":
        result = editing.article_create_from_text(
            page=page,
            start=_int(request, "start") or 0,
            end=_int(request, "end") or 0,
            headline=request.POST.get("headline", ""),
            user=user,
        )
        return result, result.article.pk
    if op == "photo_move":
        photo = get_object_or_404(Photo, pk=_int(request, "photo"), page=page)
        target = Article.objects.filter(pk=_int(request, "target") or 0).first()
        result = editing.photo_move(photo=photo, article=target, user=user, expected_version=_int(request, "version"))
        return result, target.pk if target else None
    article = get_object_or_404(Article, pk=_int(request, "article"), page=page)
    version = _int(request, "version")
    if op.startswith("split:"):
        headline = request.POST.get("headline", "")
        result = editing.article_split(
            article=article,
            paragraph=int(op.split(":")[1]),
            headline=headline,
            headline_span=_line_of(article, page, headline),
            user=user,
            expected_version=version,
        )
        return result, result.article.pk
    if op == "merge":
        return editing.article_merge(article=article, user=user, expected_version=version), article.pk
    if op == "move":
        target = get_object_or_404(Article, pk=_int(request, "target"))
        result = editing.paragraphs_move(
            article=article, paragraphs=_ints(request, "paragraphs"), target=target, user=user, expected_version=version
        )
        return result, article.pk
    if op == "unassign":
        result = editing.text_unassign(
            article=article, paragraphs=_ints(request, "paragraphs"), user=user, expected_version=version
        )
        return result, article.pk
    if op == "promote":
        chosen = _ints(request, "paragraphs")
        if not chosen:
            raise ValueError(_("Tick the paragraph to promote."))
        result = editing.article_promote_line(
            article=article,
            paragraph=chosen[0],
            field=request.POST.get("field", ""),
            user=user,
            expected_version=version,
        )
        return result, article.pk
    if op == "up":
        ids = list(Article.objects.filter(page=page).order_by("order", "pk").values_list("pk", flat=True))
        at = ids.index(article.pk)
        if at > 0:
            ids[at - 1], ids[at] = ids[at], ids[at - 1]
        return editing.articles_reorder(page=page, article_ids=ids, user=user), article.pk
    if op.startswith("demote:"):
        result = editing.article_demote_line(
            article=article, field=op.split(":")[1], user=user, expected_version=version
        )
        return result, article.pk
    raise ValueError(_("Unknown operation."))


def workbench_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    if not workbench_allowed(request.user):
        raise PermissionDenied
    page = get_object_or_404(Page.objects.select_related("issue"), pk=object_id)
    if request.method == "POST":
        anchor = ""
        try:
            result, show = _operate(request, page)
        except (ValueError, ConcurrentEditError, ChangeSetConflictError, Article.DoesNotExist, Photo.DoesNotExist) as e:
            messages.error(request, str(e))
        else:
            change_set = result if isinstance(result, ChangeSet) else result.change_set
            messages.success(request, _("Done: %(what)s. You can undo it below.") % {"what": change_set.description})
            anchor = f"#article-{show}" if show else ""
        return HttpResponseRedirect(request.path + anchor)
    context = {
        **model_admin.admin_site.each_context(request),
        **workbench_context(page),
        "opts": model_admin.model._meta,
        "original": page,
        "title": _("Workbench: %(page)s") % {"page": page},
        "has_view_permission": True,
    }
    return TemplateResponse(request, "admin/articles/page/workbench.html", context)


class WorkbenchAdminMixin:
    """Adds the page view to the page admin, and a link to it on the page's change form."""

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request, object_id: workbench_view(self, request, object_id))
        return [path("<path:object_id>/workbench/", view, name="articles_page_workbench"), *super().get_urls()]

    def workbench_link(self, page: Page) -> str:
        if page.pk is None:
            return "—"
        url = reverse("admin:articles_page_workbench", args=[page.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Open the workbench"))

    workbench_link.short_description = gettext_lazy("workbench")
