"""Writes of the curated archive, as editors make them. Views, admin and commands call these.

Every write that changes an article marks it as the editors' (``edited_by``/``edited_at``) and bumps its
``version``; a save based on an older version is refused (optimistic concurrency) instead of silently
overwriting another editor's work. Photos, pages, reporters and issues carry a version the same way.
django-simple-history records each change with its author.

Text arrives from browsers with CRLF line ends (HTML form encoding); every write here stores ``\n`` only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from importer.parsing.tokens import article_search_tokens, keywords_from_tokens

from .locks import issue_owned_lock, versioned_row_lock
from .models import Article, ArticleCredit, ArticleStatus, Issue, Page, Photo, Reporter, ReporterAlias
from .search import build_search_document

#: Fields of an article an editor may change through ``article_update``.
EDITABLE_ARTICLE_FIELDS = frozenset({"headline", "kicker", "subheadline", "body", "kind", "status", "duplicate_of"})


class ConcurrentEditError(Exception):
    """Another editor saved the object (article, photo, page, reporter, issue) since this one was loaded."""

    def __init__(self, instance: Model, expected: int):
        self.instance = instance
        self.expected = expected
        super().__init__(
            gettext(
                "%(model)s %(pk)s was changed by someone else (now version %(current)s, you edited version "
                "%(expected)s). Reload it, then make your change again."
            )
            % {
                "model": capfirst(instance._meta.verbose_name),
                "pk": instance.pk,
                "current": instance.version,
                "expected": expected,
            }
        )

    @property
    def article(self) -> Model:
        return self.instance


def text_normalise_line_ends(text: str) -> str:
    """``\r\n`` and lone ``\r`` become ``\n``: a browser's textarea sends CRLF, and a body stored with it
    would split into one paragraph, show phantom changes in history and revert not byte for byte."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalised_value(value: Any) -> Any:
    """``value`` with line ends normalised in every string it holds (JSON fields included)."""
    if isinstance(value, str):
        return text_normalise_line_ends(value)
    if isinstance(value, dict):
        return {key: normalised_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(normalised_value(item) for item in value)
    return value


def _normalised(data: dict[str, Any]) -> dict[str, Any]:
    return {name: normalised_value(value) for name, value in data.items()}


def _refuse_unknown(data: dict[str, Any], editable: frozenset[str]) -> None:
    unknown = set(data) - editable
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")


def _lock_checked(model: type[Model], *, pk: Any, expected_version: int | None) -> Any:
    """The stored row, locked until the transaction ends in the lock order of ``articles.locks`` (its issue
    first); ConcurrentEditError when it is newer than expected, ``DoesNotExist`` when it is gone."""
    current = versioned_row_lock(model=model, pk=pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError(current, expected_version)
    return current


def _editor(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


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
            imported_at = {
                i.pk: i.imported_at if isinstance(i, Issue) else getattr(i, "issue", None) and i.issue.imported_at
                for i in missing
            }
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
    """Recompute the search document, jieba words and keywords after an edit (no history row: all derived).

    The database derives the search index from the document and keywords (``articles.search``)."""
    document = article_search_document(article=article)
    tokens = article_search_tokens(
        kicker=article.kicker, headline=article.headline, subheadline=article.subheadline, body=article.body
    )
    keywords = keywords_from_tokens(tokens.split())
    if (document, tokens, keywords) != (article.search_document, article.search_tokens, article.keywords):
        Article.objects.filter(pk=article.pk).update(search_document=document, search_tokens=tokens, keywords=keywords)
        article.search_document, article.search_tokens, article.keywords = document, tokens, keywords
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
    _refuse_unknown(data, EDITABLE_ARTICLE_FIELDS)
    data = _normalised(data)
    current = _lock_checked(Article, pk=article.pk, expected_version=expected_version)
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
        raise ValueError(gettext("An article cannot be a duplicate of itself."))
    if Article.objects.filter(duplicate_of_id=article.pk).exists():
        raise ValueError(
            gettext(
                "Other articles are marked as duplicates of this one; mark them as duplicates of the new original "
                "first."
            )
        )
    return original


def article_mark_duplicate(*, article: Article, original: Article, user: AbstractBaseUser | None) -> Article:
    return article_update(article=article, user=user, data={"duplicate_of": original}, change_reason="duplicate")


#: Fields of a photo an editor may change through ``photo_update``.
EDITABLE_PHOTO_FIELDS = frozenset({"caption", "photographer", "article", "order"})


def photo_article_check(*, photo: Photo, article: Article | None) -> None:
    """A photo illustrates an article of its own issue (it was printed there); ValueError otherwise."""
    if article is not None and article.issue_id != photo.issue_id:
        raise ValueError(
            gettext(
                "This photo was printed in another issue than the article “%(article)s”: link it to an article "
                "of its own issue (%(issue)s)."
            )
            % {"article": article, "issue": photo.issue}
        )


@transaction.atomic
def photo_update(
    *,
    photo: Photo,
    user: AbstractBaseUser | None,
    data: dict[str, Any],
    expected_version: int | None = None,
    change_reason: str = "",
) -> Photo:
    """Edit a caption, photographer, order or the article a photo illustrates; refuse a stale
    ``expected_version`` and an article of another issue; keeps search documents current."""
    _refuse_unknown(data, EDITABLE_PHOTO_FIELDS)
    data = _normalised(data)
    stored = _lock_checked(Photo, pk=photo.pk, expected_version=expected_version)
    if data.get("article") is not None:
        photo_article_check(photo=stored, article=data["article"])
    history_baseline(objects=[stored])
    previous_article_id = stored.article_id
    for name, value in data.items():
        setattr(stored, name, "" if value is None and name == "caption" else value)
    stored.version += 1
    stored.edited_at = timezone.now()
    stored._change_reason = change_reason or "edited"
    stored._history_user = _editor(user)
    stored.save()
    for article_id in {previous_article_id, stored.article_id} - {None}:
        article_refresh_search_document(article=Article.objects.get(pk=article_id))
    photo.refresh_from_db()
    return photo


#: Page fields an editor may correct (the raw text and segmentation are the import's).
EDITABLE_PAGE_FIELDS = frozenset({"number", "section", "printed_date", "staff"})


@transaction.atomic
def page_update(
    *,
    page: Page,
    user: AbstractBaseUser | None,
    data: dict[str, Any],
    expected_version: int | None = None,
    change_reason: str = "",
) -> Page:
    """Correct a page's printed number, section, date or staff; a forced re-import keeps the correction.
    A stale ``expected_version`` is refused."""
    _refuse_unknown(data, EDITABLE_PAGE_FIELDS)
    if not data:
        return page
    data = _normalised(data)
    stored = _lock_checked(Page, pk=page.pk, expected_version=expected_version)
    history_baseline(objects=[stored])
    for name, value in data.items():
        if value is None and name != "printed_date":
            value = {} if name == "staff" else ""
        setattr(stored, name, value)
    stored.version += 1
    stored.edited_at = timezone.now()
    stored._change_reason = change_reason or "edited"
    stored._history_user = _editor(user)
    stored.save()
    page.refresh_from_db()
    return page


def reporter_clean_name(name: str) -> str:
    """Names are stored without inner spaces ("韦 冰" is 韦冰); an empty name is refused."""
    clean = "".join(name.split())
    if not clean:
        raise ValueError(gettext("A reporter needs a name."))
    return clean


@transaction.atomic
def reporter_update(
    *,
    reporter: Reporter,
    user: AbstractBaseUser | None,
    name: str,
    expected_version: int | None = None,
    change_reason: str = "",
) -> Reporter:
    """Rename a reporter (a stale ``expected_version`` is refused); the search documents of their articles follow."""
    stored = _lock_checked(Reporter, pk=reporter.pk, expected_version=expected_version)
    history_baseline(objects=[stored])
    stored.name = reporter_clean_name(name)
    stored.version += 1
    stored._change_reason = change_reason or "renamed"
    stored._history_user = _editor(user)
    stored.save()
    # their issues first, then the articles in id order (articles.locks): as every write of an issue's rows
    credited = Article.objects.filter(credits__reporter=stored).values_list("pk", flat=True).distinct()
    for article in issue_owned_lock(model=Article, pks=list(credited)):
        article_refresh_search_document(article=article)
    reporter.refresh_from_db()
    return reporter


def article_credits_changed(*, article: Article, user: AbstractBaseUser | None) -> Article:
    """Credits (or photos) of an article were edited in place: the article is now the editors'."""
    return article_update(article=article, user=user, data={}, change_reason="credits or photos edited")


def reporter_get_or_create(*, name: str) -> Reporter:
    """Reporter by name or by an alias of a merged row; names are stored without inner spaces ("韦 冰" is 韦冰)."""
    clean = reporter_clean_name(name)
    alias = ReporterAlias.objects.select_related("reporter").filter(name=clean).first()
    if alias is not None:
        return alias.reporter
    reporter, _ = Reporter.objects.get_or_create(name=clean)
    return reporter


#: Issue fields an editor may correct (the file's name, hash and encoding are the import's).
EDITABLE_ISSUE_FIELDS = frozenset({"paper", "publication_date", "edition"})


@transaction.atomic
def issue_update(
    *,
    issue: Issue,
    user: AbstractBaseUser | None,
    data: dict[str, Any],
    expected_version: int | None = None,
    change_reason: str = "",
) -> Issue:
    """Give an issue its paper, date or edition (the text did not say, or said it wrong); a stale
    ``expected_version`` is refused, and history records the change with its editor."""
    _refuse_unknown(data, EDITABLE_ISSUE_FIELDS)
    if not data:
        return issue
    data = _normalised(data)
    stored = _lock_checked(Issue, pk=issue.pk, expected_version=expected_version)
    history_baseline(objects=[stored])
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(stored, name, "" if value is None and name != "publication_date" else value)
    stored.version += 1
    stored.edited_at = timezone.now()
    stored._change_reason = change_reason or "edited"
    stored._history_user = _editor(user)
    stored.save()
    # the articles' copy of the date (their order and date filters read it) follows the issue's
    Article.objects.filter(issue=stored).update(publication_date=stored.publication_date)
    issue.refresh_from_db()
    return issue


#: Fields of a credit an editor may change through ``credit_update``.
EDITABLE_CREDIT_FIELDS = frozenset({"reporter", "role", "order"})


def credit_check_unique(*, article_id: int, reporter: Reporter, role: str, exclude_pk: int | None) -> None:
    """A reporter is credited once per role on an article; ValueError otherwise."""
    clash = ArticleCredit.objects.filter(article_id=article_id, reporter=reporter, role=role)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValueError(
            gettext("%(reporter)s is already credited as %(role)s on this article.")
            % {"reporter": reporter, "role": role}
        )


def _credit_locked(credit: ArticleCredit) -> ArticleCredit:
    """The stored credit, locked after its article's issue and its article (the lock order of articles.locks)."""
    article_id = ArticleCredit.objects.filter(pk=credit.pk).values_list("article_id", flat=True).first()
    if article_id is not None:
        issue_owned_lock(model=Article, pks=[article_id])
    stored = ArticleCredit.objects.select_for_update().select_related("article").filter(pk=credit.pk).first()
    if stored is None:
        raise ArticleCredit.DoesNotExist(
            gettext("Credit %(id)s no longer exists; reload the page and make your change again.") % {"id": credit.pk}
        )
    return stored


def _credit_save(credit: ArticleCredit, *, user: AbstractBaseUser | None, reason: str) -> ArticleCredit:
    credit._change_reason = reason
    credit._history_user = _editor(user)
    credit.save()
    return credit


@transaction.atomic
def credit_create(
    *,
    article: Article,
    reporter: Reporter,
    role: str,
    order: int = 0,
    user: AbstractBaseUser | None,
    credit_id: int | None = None,
    change_reason: str = "",
) -> ArticleCredit:
    """Credit a reporter on an article (``credit_id`` restores a deleted credit under its old id); the
    article becomes the editors' and its search document follows."""
    issue_owned_lock(model=Article, pks=[article.pk])  # its issue first, then the article (articles.locks)
    article_history_baseline(article=article)
    credit_check_unique(article_id=article.pk, reporter=reporter, role=role, exclude_pk=None)
    credit = ArticleCredit(pk=credit_id, article=article, reporter=reporter, role=role, order=order or 0)
    _credit_save(credit, user=user, reason=change_reason or "credit added")
    article_credits_changed(article=article, user=user)
    return credit


@transaction.atomic
def credit_update(
    *, credit: ArticleCredit, user: AbstractBaseUser | None, data: dict[str, Any], change_reason: str = ""
) -> ArticleCredit:
    """Change who is credited, in which role or order; the article becomes the editors'."""
    _refuse_unknown(data, EDITABLE_CREDIT_FIELDS)
    stored = _credit_locked(credit)
    article_history_baseline(article=stored.article)
    for name, value in data.items():
        setattr(stored, name, value if value is not None or name != "order" else 0)
    credit_check_unique(article_id=stored.article_id, reporter=stored.reporter, role=stored.role, exclude_pk=stored.pk)
    _credit_save(stored, user=user, reason=change_reason or "credit changed")
    article_credits_changed(article=stored.article, user=user)
    credit.refresh_from_db()
    return credit


@transaction.atomic
def credit_delete(*, credit: ArticleCredit, user: AbstractBaseUser | None) -> None:
    """Remove a credit; history keeps it, so it can be restored from the credit's history."""
    stored = _credit_locked(credit)
    article = stored.article
    article_history_baseline(article=article)
    stored._change_reason = "credit removed"
    stored._history_user = _editor(user)
    stored.delete()
    article_credits_changed(article=article, user=user)
