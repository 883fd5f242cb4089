"""Writes of the curated archive, as editors make them. Views, admin and commands call these.

Every write that changes an article marks it as the editors' (``edited_by``/``edited_at``) and bumps its
``version``; a save based on an older version is refused (optimistic concurrency) instead of silently
overwriting another editor's work. django-simple-history records each change with its author.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from importer.parsing.tokens import article_search_tokens

from .locks import issue_owned_lock
from .models import Article, ArticleCredit, ArticleStatus, Page, Photo, Reporter
from .search import build_search_document

#: Fields of an article an editor may change through ``article_update``.
EDITABLE_ARTICLE_FIELDS = frozenset({"headline", "kicker", "subheadline", "body", "kind", "status", "duplicate_of"})


class ConcurrentEditError(Exception):
    """Another editor saved the article since this one was loaded."""

    def __init__(self, article: Article, expected: int):
        self.article = article
        self.expected = expected
        super().__init__(
            f"Article {article.pk} was changed by someone else (now version {article.version}, you edited "
            f"version {expected}). Reload it, then make your change again."
        )


def history_baseline(*, objects: Iterable[Model]) -> int:
    """Record the imported state of objects that have no history yet, before an editor first changes them.

    Imports write no history rows; this makes the state the import wrote the first row of an object's
    history, so every editor change can be diffed against and reverted to it. Pass instances freshly
    loaded from the database (not ones a form has already changed). Returns how many rows it wrote.
    """
    by_model: dict[type[Model], list[Model]] = defaultdict(list)
    for obj in objects:
        by_model[type(obj)].append(obj)
    written = 0
    for model, instances in by_model.items():
        history = model.history
        have = set(history.filter(id__in=[i.pk for i in instances]).values_list("id", flat=True).distinct())
        missing = [i for i in instances if i.pk not in have]
        if missing:
            imported_at = {i.pk: getattr(i, "issue", None) and i.issue.imported_at for i in missing}
            for instance in missing:
                history.bulk_history_create(
                    [instance], default_change_reason="imported state", default_date=imported_at[instance.pk]
                )
            written += len(missing)
    return written


def article_history_baseline(*, article: Article) -> int:
    """The imported state of an article, its credits and its photos (what one admin page can change)."""
    fresh = Article.objects.select_related("issue").get(pk=article.pk)
    return history_baseline(
        objects=[
            fresh,
            *ArticleCredit.objects.filter(article=fresh).select_related("article__issue"),
            *Photo.objects.filter(article=fresh).select_related("issue"),
        ]
    )


def article_search_document(*, article: Article) -> str:
    captions = [photo.caption for photo in article.photos.all()]
    names = [credit.reporter.name for credit in article.credits.select_related("reporter")]
    return build_search_document(
        headline=article.headline,
        kicker=article.kicker,
        subheadline=article.subheadline,
        body=article.body,
        captions=captions,
        reporter_names=names,
    )


def article_refresh_search_document(*, article: Article) -> Article:
    """Recompute the search document and jieba words after an edit (no history row: both are derived)."""
    document = article_search_document(article=article)
    tokens = article_search_tokens(
        kicker=article.kicker, headline=article.headline, subheadline=article.subheadline, body=article.body
    )
    if document != article.search_document or tokens != article.search_tokens:
        Article.objects.filter(pk=article.pk).update(search_document=document, search_tokens=tokens)
        article.search_document, article.search_tokens = document, tokens
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    user: AbstractBaseUser | None,
    data: dict[str, Any],
    expected_version: int | None = None,
    change_reason: str = "",
) -> Article:
    """Change an article's fields as an editor; refuse if ``expected_version`` is stale."""
    unknown = set(data) - EDITABLE_ARTICLE_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    [current] = issue_owned_lock(model=Article, pks=[article.pk])
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError(current, expected_version)
    if "duplicate_of" in data and data["duplicate_of"] is not None:
        data = {**data, "duplicate_of": article_duplicate_target(article=current, original=data["duplicate_of"])}
    history_baseline(objects=[current])
    # the locked row is what gets saved: fields the caller did not name keep their stored values
    for name, value in data.items():
        setattr(current, name, value if value is not None or name == "duplicate_of" else "")
    current.version += 1
    current.edited_by = user if user is not None and user.is_authenticated else None
    current.edited_at = timezone.now()
    current._change_reason = change_reason or "edited"
    current._history_user = current.edited_by
    current.save()
    article_refresh_search_document(article=current)
    article.refresh_from_db()
    return article


@transaction.atomic
def article_set_status(
    *, articles: Iterable[Article], status: str, user: AbstractBaseUser | None, change_reason: str = ""
) -> int:
    """Publish or withdraw articles (bulk), recording who did it."""
    if status not in ArticleStatus.values:
        raise ValueError(f"unknown status {status!r}")
    changed = 0
    for article in articles:
        if article.status == status:
            continue
        article_update(article=article, user=user, data={"status": status}, change_reason=change_reason or status)
        changed += 1
    return changed


@transaction.atomic
def article_verify(*, articles: Iterable[Article], user: AbstractBaseUser) -> int:
    """Mark articles as checked by an editor: imports will not re-segment them any more."""
    now = timezone.now()
    count = 0
    articles = list(articles)
    locked = {a.pk: a for a in issue_owned_lock(model=Article, pks=[a.pk for a in articles])}
    for article in articles:
        current = locked[article.pk]
        history_baseline(objects=[current])
        current.verified_by = user
        current.verified_at = now
        current.version += 1
        current._change_reason = "verified"
        current._history_user = user
        current.save(update_fields=["verified_by", "verified_at", "version", "updated_at"])
        count += 1
    return count


def article_duplicate_target(*, article: Article, original: Article) -> Article:
    """The first copy an article may be marked a duplicate of; ValueError when that would make a loop.

    Copies always point at the first copy (never at another copy), and an article that other copies
    point at cannot itself become a copy (they would dangle in a chain).
    """
    while original.duplicate_of_id is not None:
        original = original.duplicate_of
    if original.pk == article.pk:
        raise ValueError("an article cannot be a duplicate of itself")
    if Article.objects.filter(duplicate_of_id=article.pk).exists():
        raise ValueError(
            "other articles are marked as duplicates of this one; mark them as duplicates of the new original first"
        )
    return original


def article_mark_duplicate(*, article: Article, original: Article, user: AbstractBaseUser | None) -> Article:
    return article_update(article=article, user=user, data={"duplicate_of": original}, change_reason="duplicate")


@transaction.atomic
def photo_update(*, photo: Photo, user: AbstractBaseUser | None, data: dict[str, Any]) -> Photo:
    """Edit a caption, photographer or the article a photo illustrates; keeps search documents current."""
    allowed = {"caption", "photographer", "article"}
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    [stored] = issue_owned_lock(model=Photo, pks=[photo.pk])
    history_baseline(objects=[stored])
    previous_article_id = stored.article_id
    for name, value in data.items():
        setattr(stored, name, value)
    stored.edited_at = timezone.now()
    stored._change_reason = "edited"
    stored._history_user = user if user is not None and user.is_authenticated else None
    stored.save()
    for article_id in {previous_article_id, stored.article_id} - {None}:
        article_refresh_search_document(article=Article.objects.get(pk=article_id))
    photo.refresh_from_db()
    return photo


#: Page fields an editor may correct (the raw text and segmentation are the import's).
EDITABLE_PAGE_FIELDS = frozenset({"number", "section", "printed_date", "staff"})


@transaction.atomic
def page_update(*, page: Page, user: AbstractBaseUser | None, data: dict[str, Any]) -> Page:
    """Correct a page's printed number, section, date or staff; a forced re-import keeps the correction."""
    unknown = set(data) - EDITABLE_PAGE_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    if not data:
        return page
    [stored] = issue_owned_lock(model=Page, pks=[page.pk])
    history_baseline(objects=[stored])
    for name, value in data.items():
        setattr(stored, name, value if value is not None or name == "printed_date" else "")
    stored.edited_at = timezone.now()
    stored._change_reason = "edited"
    stored._history_user = user if user is not None and user.is_authenticated else None
    stored.save()
    page.refresh_from_db()
    return page


def reporter_clean_name(name: str) -> str:
    """Names are stored without inner spaces ("韦 冰" is 韦冰); an empty name is refused."""
    clean = "".join(name.split())
    if not clean:
        raise ValueError("a reporter needs a name")
    return clean


@transaction.atomic
def reporter_update(*, reporter: Reporter, user: AbstractBaseUser | None, name: str) -> Reporter:
    """Rename a reporter; the search documents of their articles follow."""
    # no key changes: a rename must not block imports inserting credits of this reporter meanwhile
    stored = Reporter.objects.select_for_update(no_key=True).get(pk=reporter.pk)
    history_baseline(objects=[stored])
    stored.name = reporter_clean_name(name)
    stored._change_reason = "renamed"
    stored._history_user = user if user is not None and user.is_authenticated else None
    stored.save()
    for article in Article.objects.filter(credits__reporter=stored).distinct():
        article_refresh_search_document(article=article)
    reporter.refresh_from_db()
    return reporter


def article_credits_changed(*, article: Article, user: AbstractBaseUser | None) -> Article:
    """Credits (or photos) of an article were edited in place: the article is now the editors'."""
    return article_update(article=article, user=user, data={}, change_reason="credits or photos edited")


def reporter_get_or_create(*, name: str) -> Reporter:
    """Reporter by name; names are stored without inner spaces ("韦 冰" is 韦冰)."""
    clean = reporter_clean_name(name)
    reporter, _ = Reporter.objects.get_or_create(name=clean)
    return reporter
