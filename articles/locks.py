"""Row locks in one order for every write of an issue's rows: the issue first, then its rows in id order.

A forced re-import locks the issue row and then rewrites its articles and photos; an editor's save used to
lock its article or photo first and then the issue (``select_for_update`` with ``select_related("issue")``
locks both), so each waited for the other and PostgreSQL killed one with ``deadlock detected``. Taking the
issue first everywhere makes a save wait for a running re-import (and the re-import for a running save)
instead. Editors take ``FOR NO KEY UPDATE`` locks: they never change a key, so their locks do not block the
foreign-key checks of rows inserted meanwhile. SQLite has no row locks; there these only read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext

from .models import Issue

M = TypeVar("M", bound=Model)


def issue_rows_lock(*, issue_ids: Iterable[int]) -> None:
    """Lock issue rows, in id order; call inside the transaction that writes their rows."""
    ids = sorted(set(issue_ids))
    if ids:
        list(Issue.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))


def issue_owned_lock(*, model: type[M], pks: Iterable[int]) -> list[M]:
    """Lock rows of an issue-owned model (article, photo, page): their issues first, then the rows in id
    order. Returns the locked rows, fresh from the database, with their issue; raises ``model.DoesNotExist``
    with a message an editor can act on when a row is gone (a re-import replaced it meanwhile)."""
    wanted = sorted(set(pks))
    issue_rows_lock(issue_ids=model.objects.filter(pk__in=wanted).values_list("issue_id", flat=True))
    rows = list(
        model.objects.select_for_update(no_key=True, of=("self",))
        .select_related("issue")
        .filter(pk__in=wanted)
        .order_by("pk")
    )
    missing = set(wanted) - {row.pk for row in rows}
    if missing:
        name = model._meta.verbose_name
        raise model.DoesNotExist(
            gettext(
                "%(model)s %(ids)s no longer exists (a re-import replaced it); reload the page and make your change "
                "again."
            )
            % {"model": capfirst(name), "ids": ", ".join(map(str, sorted(missing)))}
        )
    return rows


def versioned_row_lock(*, model: type[M], pk: int) -> M:
    """Lock the one row an editor's save changes, in the lock order: an issue through ``issue_rows_lock``,
    a row an issue owns (article, photo, page) through ``issue_owned_lock``, any other (a reporter) alone.
    Returns it fresh from the database; raises ``model.DoesNotExist`` with a message when it is gone."""
    if model is Issue:
        issue_rows_lock(issue_ids=[pk])
        row = model.objects.filter(pk=pk).first()
    elif any(field.name == "issue" for field in model._meta.concrete_fields):
        [row] = issue_owned_lock(model=model, pks=[pk])
    else:
        row = model.objects.select_for_update(no_key=True).filter(pk=pk).first()
    if row is None:
        raise model.DoesNotExist(
            gettext("%(model)s %(id)s no longer exists; reload the page and make your change again.")
            % {"model": capfirst(model._meta.verbose_name), "id": pk}
        )
    return row
