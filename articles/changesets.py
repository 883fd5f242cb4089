"""Change sets: one workbench operation, recorded as one, reverted as one.

Every history row an operation writes points at its ``ChangeSet`` (the ``change_set`` column the historical
models get from ``ChangeSetHistory``), so the state before an operation is, for each object it touched, the
history row just before the change set's first row of that object. Page segmentation is not in history (it
is excluded, being large and derived) and is kept in the change set itself, before and after.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.signals import pre_create_historical_record

from .locks import issue_owned_lock, issue_rows_lock
from .models import Article, ArticleCredit, ChangeSet, ChangeSetKind, Issue, Page, Photo
from .services import article_refresh_search_document, history_baseline

#: Restore order: articles before the credits and photos that point at them.
MODELS: dict[str, type[Model]] = {
    "article": Article,
    "photo": Photo,
    "articlecredit": ArticleCredit,
}


class ChangeSetConflictError(Exception):
    """An object a change set touched was changed since: reverting it would lose that change."""


@receiver(pre_create_historical_record)
def _history_row_change_set(sender, instance, history_instance, **kwargs) -> None:
    history_instance.change_set_id = getattr(instance, "_change_set_id", None)


class ChangeSetRecorder:
    """Writes of one operation: each saved or deleted object gets a history row pointing at the change set."""

    def __init__(self, *, kind: str, user: AbstractBaseUser | None, description: str, reverts: ChangeSet | None):
        self.user = user if user is not None and user.is_authenticated else None
        self.change_set = ChangeSet.objects.create(
            kind=kind, user=self.user, description=description[:500], reverts=reverts
        )
        self.touched: dict[str, list[int]] = defaultdict(list)
        self.pages_before: dict[int, dict[str, Any]] = {}
        self.pages: dict[int, Page] = {}

    def _mark(self, obj: Model, reason: str) -> None:
        if obj.pk is not None and obj.pk not in self.touched[obj._meta.model_name]:
            self.touched[obj._meta.model_name].append(obj.pk)
        obj._change_set_id = self.change_set.pk
        obj._change_reason = reason
        obj._history_user = self.user

    def baseline(self, *objects: Model) -> None:
        """The imported state of objects without history yet: the state a revert goes back to."""
        history_baseline(objects=[o for o in objects if o.pk is not None])

    def save(self, obj: Model, *, reason: str | None = None, bump: bool = True) -> Model:
        """Save ``obj`` (bumping its version), its history row marked with the change set."""
        if obj.pk is not None:
            self.baseline(type(obj).objects.get(pk=obj.pk))
            if bump and hasattr(obj, "version"):
                obj.version += 1
        self._mark(obj, reason or self.change_set.kind)
        obj.save()
        if obj.pk not in self.touched[obj._meta.model_name]:
            self.touched[obj._meta.model_name].append(obj.pk)
        return obj

    def delete(self, obj: Model, *, reason: str | None = None) -> None:
        self.baseline(type(obj).objects.get(pk=obj.pk))
        pk = obj.pk
        self._mark(obj, reason or self.change_set.kind)
        obj.delete()
        obj.pk = pk

    def page(self, page: Page) -> Page:
        """A page whose segmentation the operation changes: its state before is kept for the revert."""
        if page.pk not in self.pages_before:
            self.pages_before[page.pk] = {"segments": page.segments, "unassigned": page.unassigned}
            self.pages[page.pk] = page
        return self.pages[page.pk]

    def finish(self) -> ChangeSet:
        states = {}
        for pk, before in self.pages_before.items():
            page = self.pages[pk]
            Page.objects.filter(pk=pk).update(segments=page.segments, unassigned=page.unassigned)
            states[str(pk)] = {"before": before, "after": {"segments": page.segments, "unassigned": page.unassigned}}
        self.change_set.touched = dict(self.touched)
        self.change_set.page_states = states
        self.change_set.save(update_fields=["touched", "page_states"])
        return self.change_set


def _rows_of(model: type[Model], pk: int, change_set: ChangeSet) -> tuple[Any, Any]:
    """(the object's state before the change set, None if it did not exist; the change set's last row of it)."""
    history = model.history.filter(id=pk)
    mine = list(history.filter(change_set=change_set).order_by("history_id"))
    if not mine:
        return None, None
    before = history.filter(history_id__lt=mine[0].history_id).order_by("-history_id").first()
    if before is not None and before.history_type == "-":
        before = None
    return before, mine[-1]


def _field_values(model: type[Model], row: Any) -> dict[str, Any]:
    """The tracked field values of a history row, by attribute name (``article_id``, …)."""
    tracked = {f.attname for f in row._meta.fields}
    return {
        f.attname: getattr(row, f.attname)
        for f in model._meta.concrete_fields
        if f.attname in tracked and not f.primary_key
    }


@transaction.atomic
def change_set_revert(*, change_set: ChangeSet, user: AbstractBaseUser | None) -> ChangeSet:
    """Put every object ``change_set`` touched back as it was before it, as one new change set (kind revert).

    Objects it created are deleted, objects it deleted come back under their ids, the others get their
    earlier fields back (with a new version, so forms opened meanwhile are refused; articles name the reverting
    editor as their last editor, so a re-import leaves them as they are now). Refused with
    ChangeSetConflictError, changing nothing, when any of them was changed since or it was reverted already.
    """
    ChangeSet.objects.select_for_update().filter(pk=change_set.pk).first()
    if change_set.reverted_by.exists():
        raise ChangeSetConflictError(gettext("This change set was already reverted."))
    rows = {
        (label, pk): _rows_of(MODELS[label], pk, change_set)
        for label, pks in change_set.touched.items()
        for pk in pks
        if label in MODELS
    }
    issue_ids = {getattr(row, "issue_id", None) for pair in rows.values() for row in pair if row is not None}
    issue_rows_lock(issue_ids=[i for i in issue_ids if i is not None])
    for model in (Article, Photo):
        issue_owned_lock(model=model, pks=[pk for (label, pk) in rows if MODELS[label] is model and _exists(model, pk)])
    for (label, pk), (_before, last) in rows.items():
        if last is None or not _unchanged_since(MODELS[label], pk, last):
            raise ChangeSetConflictError(
                gettext("%(model)s %(pk)s was changed after this change set; it cannot be reverted as a whole.")
                % {"model": MODELS[label]._meta.verbose_name, "pk": pk}
            )
    for pk_text, states in change_set.page_states.items():
        page = Page.objects.get(pk=int(pk_text))
        if page.segments != states["after"]["segments"] or page.unassigned != states["after"]["unassigned"]:
            raise ChangeSetConflictError(
                gettext("The segmentation of page %(page)s was changed after this change set.") % {"page": page}
            )
    recorder = ChangeSetRecorder(
        kind=ChangeSetKind.REVERT,
        user=user,
        description=f"撤销：{change_set.description or change_set.get_kind_display()}",
        reverts=change_set,
    )
    now = timezone.now()
    # deletions of what it created first (credits before their articles), then restores (articles first)
    for label in ("articlecredit", "photo", "article"):
        for (row_label, pk), (before, _last) in rows.items():
            if row_label == label and before is None and _exists(MODELS[label], pk):
                recorder.delete(MODELS[label].objects.get(pk=pk), reason="reverted")
    for label in ("article", "photo", "articlecredit"):
        model = MODELS[label]
        for (row_label, pk), (before, _last) in rows.items():
            if row_label != label or before is None:
                continue
            current = model.objects.filter(pk=pk).first()
            obj = current or model(pk=pk)
            for name, value in _field_values(model, before).items():
                setattr(obj, name, value)
            if hasattr(obj, "version"):
                obj.version = (current.version if current is not None else before.version) + 1
            if model is Article:
                obj.edited_by, obj.edited_at = recorder.user, now
                # history does not keep the issue's date copied on the article
                obj.publication_date = Issue.objects.values_list("publication_date", flat=True).get(pk=obj.issue_id)
            recorder._mark(obj, "reverted")
            obj.save()
            if current is None and hasattr(before, "created_at"):  # auto_now_add stamped it anew
                model.objects.filter(pk=pk).update(created_at=before.created_at)
    for pk_text, states in change_set.page_states.items():
        page = recorder.page(Page.objects.get(pk=int(pk_text)))
        page.segments, page.unassigned = states["before"]["segments"], states["before"]["unassigned"]
    for label, pk in rows:
        if label == "article" and _exists(Article, pk):
            article_refresh_search_document(article=Article.objects.get(pk=pk))
    return recorder.finish()


#: Fields a revert does not compare: bookkeeping every write (a revert included) changes.
BOOKKEEPING = frozenset({"version", "edited_by_id", "edited_at"})


def _unchanged_since(model: type[Model], pk: int, last: Any) -> bool:
    """Is the object as the change set left it? (Also after a later change set was reverted.)"""
    current = model.objects.filter(pk=pk).first()
    if last.history_type == "-":
        return current is None
    if current is None:
        return False
    wanted = _field_values(model, last)
    return all(getattr(current, name) == value for name, value in wanted.items() if name not in BOOKKEEPING)


def _exists(model: type[Model], pk: int) -> bool:
    return model.objects.filter(pk=pk).exists()
