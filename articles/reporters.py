"""Reporters as editors correct them: rename, change the role of their credits, merge two rows that are the
same person, and revert a merge.

The importer creates one row per printed spelling, so one person often has two rows ("韦冰" and "韦 冰" are
cleaned to one, but "韦冰" and "韦兵" are not). A merge moves every credit and photo of the other row to the
kept one, keeps the other spelling as a ``ReporterAlias`` so a later import maps it to the kept person, and
records exactly what moved in a ``ReporterMerge`` so that its revert restores the other row (under its id),
its credits and its photos. Every write takes the lock order of ``articles.locks``: the issues of the
affected articles and photos first, in id order, then those rows, then the reporter rows. Affected articles
are not marked as the editors' (a merge changes who they credit, not their text): a re-import keeps
re-segmenting them, and the alias gives their credits to the kept person again.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Model, Q
from django.utils import timezone
from django.utils.translation import gettext

from .counters import reporters_mark
from .locks import issue_rows_lock
from .models import Article, ArticleCredit, Photo, Reporter, ReporterAlias, ReporterMerge, Role
from .services import (
    ConcurrentEditError,
    article_refresh_search_document,
    history_baseline,
    reporter_clean_name,
)


def reporters_by_names(*, names: Iterable[str]) -> dict[str, Reporter]:
    """The reporter each (cleaned) name is, by its own name or by an alias of a merged row; unknown names
    are left out. Imports and ``reporter_get_or_create`` resolve spellings here."""
    names = set(names)
    found = {r.name: r for r in Reporter.objects.filter(name__in=names)}
    for alias in ReporterAlias.objects.filter(name__in=names - found.keys()).select_related("reporter"):
        found[alias.name] = alias.reporter
    return found


def reporter_name_check(*, name: str, reporter: Reporter | None = None) -> str:
    """The cleaned ``name``; ValueError when another reporter has it as its name or alias."""
    clean = reporter_clean_name(name)
    owner = reporters_by_names(names=[clean]).get(clean)
    if owner is not None and (reporter is None or owner.pk != reporter.pk):
        raise ValueError(
            gettext("“%(name)s” is already the reporter %(owner)s (name or alias): merge the two instead.")
            % {"name": clean, "owner": owner.name}
        )
    return clean


def _editor(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def _lock_reporters(*, reporter_ids: Iterable[int], article_ids: Iterable[int] = (), photo_ids: Iterable[int] = ()):
    """Lock in the order of ``articles.locks``: the issues of the reporters' articles and photos (and of
    ``article_ids`` / ``photo_ids``), then those articles, then the photos, then the reporter rows (a key
    lock: a merge deletes one, and an import crediting it must wait). Returns the locked reporters by id."""
    ids = sorted(set(reporter_ids))
    articles = set(article_ids) | set(
        ArticleCredit.objects.filter(reporter_id__in=ids).values_list("article_id", flat=True)
    )
    photos = set(photo_ids) | set(Photo.objects.filter(photographer_id__in=ids).values_list("pk", flat=True))
    issues = set(Article.objects.filter(pk__in=articles).values_list("issue_id", flat=True))
    issues |= set(Photo.objects.filter(pk__in=photos).values_list("issue_id", flat=True))
    issue_rows_lock(issue_ids=issues)
    list(Article.objects.select_for_update(no_key=True).filter(pk__in=articles).order_by("pk").values_list("pk"))
    list(Photo.objects.select_for_update(no_key=True).filter(pk__in=photos).order_by("pk").values_list("pk"))
    return {r.pk: r for r in Reporter.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _locked(locked: dict[int, Reporter], reporter: Reporter, expected_version: int | None) -> Reporter:
    current = locked.get(reporter.pk)
    if current is None:
        raise Reporter.DoesNotExist(
            gettext("reporter %(pk)s no longer exists; reload the page and make your change again")
            % {"pk": reporter.pk}
        )
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError(current, expected_version)
    return current


def _save_reporter(reporter: Reporter, *, user: AbstractBaseUser | None, reason: str) -> None:
    reporter.version += 1
    reporter._change_reason = reason
    reporter._history_user = _editor(user)
    reporter.save()


def _history_of_bulk_update(model: type[Model], pks: list[int], *, user, reason: str) -> None:
    """History rows for rows changed by a queryset ``update`` (no save signals run there)."""
    if pks:
        model.history.bulk_history_create(
            list(model.objects.filter(pk__in=pks)),
            update=True,
            default_user=_editor(user),
            default_change_reason=reason,
        )


def _refresh_search_documents(article_ids: Iterable[int]) -> None:
    for article in Article.objects.filter(pk__in=set(article_ids)).order_by("pk"):
        article_refresh_search_document(article=article)


@transaction.atomic
def reporter_rename(
    *,
    reporter: Reporter,
    name: str,
    user: AbstractBaseUser | None,
    expected_version: int | None = None,
    change_reason: str = "",
) -> Reporter:
    """Rename a reporter; the search documents of their articles follow. A name another reporter has (as
    name or alias) is refused: that is a merge. Renaming to one of the reporter's own aliases swaps the two
    spellings, so both still map to them at the next import."""
    current = _locked(_lock_reporters(reporter_ids=[reporter.pk]), reporter, expected_version)
    clean = reporter_name_check(name=name, reporter=current)
    if clean == current.name:
        return reporter
    history_baseline(objects=[current])
    own_alias = ReporterAlias.objects.filter(name=clean, reporter=current).first()
    if own_alias is not None:
        history_baseline(objects=[own_alias])
        own_alias.delete()  # its name is free for the reporter; the old name takes its place below
    old_name = current.name
    current.name = clean
    _save_reporter(current, user=user, reason=change_reason or "renamed")
    if own_alias is not None:
        alias = ReporterAlias(name=old_name, reporter=current)
        alias._change_reason, alias._history_user = "names swapped by a rename", _editor(user)
        alias.save()
    _refresh_search_documents(ArticleCredit.objects.filter(reporter=current).values_list("article_id", flat=True))
    reporter.refresh_from_db()
    return reporter


def _move_credits(
    credits: list[ArticleCredit], *, to_reporter_id: int, to_role: str | None, user, reason: str
) -> tuple[list[int], list[list]]:
    """Give ``credits`` to ``to_reporter_id`` (and ``to_role``); one that would repeat a credit the article
    already has is deleted instead (collapsed). Returns the moved ids and the collapsed credits as
    ``[id, article id, role, order]``."""
    history_baseline(objects=credits)
    taken = set(
        ArticleCredit.objects.filter(reporter_id=to_reporter_id, article_id__in={c.article_id for c in credits})
        .exclude(pk__in=[c.pk for c in credits])
        .values_list("article_id", "role")
    )
    moved: list[int] = []
    collapsed: list[list] = []
    for credit in credits:
        key = (credit.article_id, to_role or credit.role)
        if key in taken:
            collapsed.append([credit.pk, credit.article_id, credit.role, credit.order])
            credit._change_reason, credit._history_user = reason, _editor(user)
            credit.delete()
        else:
            taken.add(key)
            moved.append(credit.pk)
    if moved:
        changes = {"reporter_id": to_reporter_id, **({"role": to_role} if to_role else {})}
        ArticleCredit.objects.filter(pk__in=moved).update(**changes)
        _history_of_bulk_update(ArticleCredit, moved, user=user, reason=reason)
    return moved, collapsed


@transaction.atomic
def reporter_change_role(*, reporter: Reporter, from_role: str, to_role: str, user: AbstractBaseUser | None) -> int:
    """Credit a reporter as ``to_role`` wherever they are credited as ``from_role`` (the importer read every
    byline of a correspondent as 记者, say); a credit the article already has in ``to_role`` is collapsed.
    Returns how many credits changed."""
    if to_role not in Role.values or from_role not in Role.values:
        raise ValueError(gettext("unknown role"))
    if to_role == from_role:
        return 0
    current = _locked(_lock_reporters(reporter_ids=[reporter.pk]), reporter, None)
    credits = list(ArticleCredit.objects.filter(reporter=current, role=from_role).order_by("pk"))
    moved, collapsed = _move_credits(
        credits, to_reporter_id=current.pk, to_role=to_role, user=user, reason=f"role {from_role} → {to_role}"
    )
    _refresh_search_documents(c.article_id for c in credits)
    reporters_mark(reporter_ids=[current.pk])  # bulk updates send no signals
    return len(moved) + len(collapsed)


@transaction.atomic
def reporter_merge(
    *,
    kept: Reporter,
    other: Reporter,
    user: AbstractBaseUser | None,
    kept_version: int | None = None,
    other_version: int | None = None,
) -> ReporterMerge:
    """Merge ``other`` into ``kept``, the same person: every credit and photo of ``other`` becomes the kept
    one's (a credit the article already has for the kept one is collapsed), its aliases follow, its name
    becomes an alias of ``kept`` and the row is deleted. Stale versions are refused. Returns the record a
    revert works from."""
    if kept.pk == other.pk:
        raise ValueError(gettext("a reporter cannot be merged with itself"))
    locked = _lock_reporters(reporter_ids=[kept.pk, other.pk])
    kept_row = _locked(locked, kept, kept_version)
    other_row = _locked(locked, other, other_version)
    history_baseline(objects=[kept_row, other_row])
    reason = f"merged {other_row.name} into {kept_row.name}"
    credits = list(ArticleCredit.objects.filter(reporter=other_row).order_by("pk"))
    moved, collapsed = _move_credits(credits, to_reporter_id=kept_row.pk, to_role=None, user=user, reason=reason)
    photos = list(Photo.objects.filter(photographer=other_row).order_by("pk"))
    history_baseline(objects=photos)
    photo_ids = [p.pk for p in photos]
    Photo.objects.filter(pk__in=photo_ids).update(photographer=kept_row, version=F("version") + 1)
    _history_of_bulk_update(Photo, photo_ids, user=user, reason=reason)
    alias_ids = list(ReporterAlias.objects.filter(reporter=other_row).order_by("pk").values_list("pk", flat=True))
    history_baseline(objects=ReporterAlias.objects.filter(pk__in=alias_ids))
    ReporterAlias.objects.filter(pk__in=alias_ids).update(reporter=kept_row)
    _history_of_bulk_update(ReporterAlias, alias_ids, user=user, reason=reason)

    merge = ReporterMerge(
        kept=kept_row,
        other_pk=other_row.pk,
        other_name=other_row.name,
        other_created_at=other_row.created_at,
        other_version=other_row.version,
        moved_credits=moved,
        collapsed_credits=collapsed,
        moved_photos=photo_ids,
        moved_aliases=alias_ids,
        merged_by=_editor(user),
    )
    other_row._change_reason, other_row._history_user = reason, _editor(user)
    other_row.delete()
    alias = ReporterAlias(name=merge.other_name, reporter=kept_row)
    alias._change_reason, alias._history_user = reason, _editor(user)
    alias.save()
    merge.alias = alias
    merge.save()
    _save_reporter(kept_row, user=user, reason=reason)
    _refresh_search_documents(c.article_id for c in credits)
    reporters_mark(reporter_ids=[kept_row.pk])  # bulk updates send no signals
    kept.refresh_from_db()
    return merge


@transaction.atomic
def reporter_merge_revert(*, merge: ReporterMerge, user: AbstractBaseUser | None) -> Reporter:
    """Undo a merge: the other row comes back under its id, name and creation time, with the credits and
    photos that moved (those still the kept one's) and the collapsed credits (where their article still
    exists); its name stops being an alias. Refused when already reverted, or when the kept row was merged
    into a third one since (revert that merge first). Returns the restored reporter."""
    collapsed_articles = [row[1] for row in merge.collapsed_credits]
    moved_articles = list(ArticleCredit.objects.filter(pk__in=merge.moved_credits).values_list("article_id", flat=True))
    locked = _lock_reporters(
        reporter_ids=[merge.kept_id],
        article_ids=[*moved_articles, *collapsed_articles],
        photo_ids=merge.moved_photos,
    )
    merge = ReporterMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.reverted_at is not None:
        raise ValueError(gettext("This merge was already reverted."))
    kept = locked.get(merge.kept_id)
    if kept is None:
        raise ValueError(gettext("The kept reporter was merged into another one since: revert that merge first."))
    # the merge's alias, or the same spelling kept again after renames swapped it: the kept reporter's
    alias = ReporterAlias.objects.filter(name=merge.other_name).first()
    taken_as_alias = alias is not None and alias.reporter_id != kept.pk
    if taken_as_alias or Reporter.objects.filter(Q(pk=merge.other_pk) | Q(name=merge.other_name)).exists():
        raise ValueError(
            gettext("“%(name)s” names another reporter again (as name or alias): rename it before reverting.")
            % {"name": merge.other_name}
        )
    reason = f"merge of {merge.other_name} into {kept.name} reverted"
    if alias is not None:
        alias._change_reason, alias._history_user = reason, _editor(user)
        alias.delete()
    other = Reporter(pk=merge.other_pk, name=merge.other_name, version=merge.other_version + 1)
    other.skip_history_when_saving = True
    other.save(force_insert=True)
    Reporter.objects.filter(pk=other.pk).update(created_at=merge.other_created_at)
    del other.skip_history_when_saving
    Reporter.history.bulk_history_create(
        [Reporter.objects.get(pk=other.pk)], default_user=_editor(user), default_change_reason=reason
    )

    aliases = list(ReporterAlias.objects.filter(pk__in=merge.moved_aliases, reporter=kept).values_list("pk", flat=True))
    ReporterAlias.objects.filter(pk__in=aliases).update(reporter=other)
    _history_of_bulk_update(ReporterAlias, aliases, user=user, reason=reason)
    credits = list(ArticleCredit.objects.filter(pk__in=merge.moved_credits, reporter=kept).values_list("pk", flat=True))
    ArticleCredit.objects.filter(pk__in=credits).update(reporter=other)
    _history_of_bulk_update(ArticleCredit, credits, user=user, reason=reason)
    existing_articles = set(Article.objects.filter(pk__in=collapsed_articles).values_list("pk", flat=True))
    for credit_id, article_id, role, order in merge.collapsed_credits:
        if (
            article_id not in existing_articles
            or ArticleCredit.objects.filter(article_id=article_id, reporter=other, role=role).exists()
        ):
            continue
        pk = None if ArticleCredit.objects.filter(pk=credit_id).exists() else credit_id
        credit = ArticleCredit(pk=pk, article_id=article_id, reporter=other, role=role, order=order)
        credit._change_reason, credit._history_user = reason, _editor(user)
        credit.save(force_insert=True)
    photos = list(Photo.objects.filter(pk__in=merge.moved_photos, photographer=kept).values_list("pk", flat=True))
    Photo.objects.filter(pk__in=photos).update(photographer=other, version=F("version") + 1)
    _history_of_bulk_update(Photo, photos, user=user, reason=reason)

    _save_reporter(kept, user=user, reason=reason)
    merge.reverted_at, merge.reverted_by = timezone.now(), _editor(user)
    merge.save(update_fields=["reverted_at", "reverted_by"])
    _refresh_search_documents([*moved_articles, *collapsed_articles])
    reporters_mark(reporter_ids=[kept.pk, other.pk])  # bulk updates send no signals
    return Reporter.objects.get(pk=other.pk)
