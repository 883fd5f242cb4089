"""The editors' word dictionary: words jieba must keep whole, applied in every process that tokenises, and
the services that save them and re-tokenise the articles they affect.

Web processes and commands learn the list lazily: ``ArticlesConfig.ready`` only registers
``dictionary_provider`` with ``importer.parsing.tokens`` (no query before migrations have run); the first
tokenisation loads the words, and later ones re-read them only when a cheap fingerprint (count, newest
change) moved, checked at most every ``CHECK_SECONDS``, so a word saved in another process is applied here
within seconds without a restart. Import workers get the list explicitly (``dictionary_entries``), at start.

Saving a word re-tokenises, in the same transaction, exactly the articles whose search document contains it
(or contained the word it replaced): candidates are found by the database (the API's substring filter), then
locked and rewritten in chunks with ``bulk_update``. Only ``search_tokens`` depends on jieba; the search
document does not, so it is left as it is. A re-tokenisation is not an editor's change of the article: its
version, ownership and history stay.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import SynchronousOnlyOperation
from django.db import DatabaseError, transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext

from importer.parsing.tokens import DictionaryEntry, article_search_tokens, keywords_from_tokens, use_dictionary

from .locks import issue_rows_lock
from .models import Article, DictionaryWord
from .search import SearchQuery, normalise_for_search
from .search.service import search_articles
from .services import ConcurrentEditError, history_baseline

logger = logging.getLogger(__name__)

#: How long a process trusts its copy of the word list before checking the fingerprint again.
CHECK_SECONDS = 2.0
#: Articles locked, re-tokenised and written per round: bounds memory and each statement's size.
CHUNK_SIZE = 500
#: How many re-tokenised articles a word's row lists (the count is always exact).
LISTED_ARTICLES = 100

#: Fields an editor may change through ``dictionary_word_update``.
EDITABLE_WORD_FIELDS = frozenset({"word", "frequency", "part_of_speech", "note"})


def dictionary_entries() -> list[DictionaryEntry]:
    """The stored words as ``importer.parsing`` takes them (picklable: import workers get this list)."""
    return [
        DictionaryEntry(word=word, frequency=frequency, tag=tag or None)
        for word, frequency, tag in DictionaryWord.objects.order_by("word").values_list(
            "word", "frequency", "part_of_speech"
        )
    ]


def _fingerprint() -> tuple:
    summary = DictionaryWord.objects.aggregate(count=Count("id"), newest=Max("updated_at"), last_id=Max("id"))
    return summary["count"], summary["newest"], summary["last_id"]


class _ProcessCopy:
    """What this process last loaded, and when it last checked: the state behind ``dictionary_provider``."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fingerprint: tuple | None = None
        self.checked_at = float("-inf")

    def forget(self) -> None:
        with self.lock:
            self.fingerprint, self.checked_at = None, float("-inf")


_copy = _ProcessCopy()


def dictionary_provider() -> list[DictionaryEntry] | None:
    """The word list when it changed since this process last loaded it, else None (see the module's note).

    A database that cannot answer (tables not migrated yet, a broken transaction, a caller not allowed to
    query, such as code running in an async context or a test without database access) leaves the list as it
    is: tokenising never fails because of the dictionary. The query runs in a savepoint, so a failure does not
    break the caller's transaction on PostgreSQL.
    """
    now = time.monotonic()
    if now - _copy.checked_at < CHECK_SECONDS:
        return None
    with _copy.lock:
        _copy.checked_at = now
        try:
            with transaction.atomic():
                fingerprint = _fingerprint()
                if fingerprint == _copy.fingerprint:
                    return None
                entries = dictionary_entries()
        except (DatabaseError, RuntimeError, SynchronousOnlyOperation):
            logger.warning("the word dictionary could not be read; jieba keeps the words it has", exc_info=True)
            return None
        _copy.fingerprint = fingerprint
        return entries


def dictionary_apply() -> bool:
    """Apply the stored words in this process now (after a save, whatever the cache says)."""
    _copy.forget()
    entries = dictionary_provider()
    return use_dictionary(entries) if entries is not None else False


def dictionary_forget() -> None:
    """Drop this process's copy: the next tokenisation reloads the words (tests roll the database back)."""
    _copy.forget()


def _editor(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def dictionary_clean_word(word: str) -> str:
    """Words are stored without white space (jieba never sees any); an empty word is refused."""
    clean = "".join((word or "").split())
    if not clean:
        raise ValueError(gettext("A dictionary word cannot be empty."))
    return clean


@dataclass(frozen=True)
class RetokenisedArticle:
    id: int
    headline: str


@dataclass
class DictionaryChange:
    """What saving a word did: the word (None once removed), the articles whose tokens changed, and how
    many articles contained it (re-tokenised, changed or not)."""

    word: DictionaryWord | None
    articles: list[RetokenisedArticle] = field(default_factory=list)
    examined: int = 0

    @property
    def count(self) -> int:
        return len(self.articles)


def articles_retokenise(*, words: list[str]) -> DictionaryChange:
    """Re-tokenise, with the dictionary this process holds, every article whose search document contains one
    of ``words``; writes only those whose tokens changed. Call inside a transaction, after ``dictionary_apply``.

    Locks in the order of ``articles.locks``: every candidate's issue first (in id order), then the articles
    in id order, chunk after chunk.
    """
    terms = sorted({normalise_for_search(word) for word in words} - {""})
    change = DictionaryChange(word=None)
    if not terms:
        return change
    condition = Q()
    for term in terms:
        matching = search_articles(queryset=Article.objects.all(), query=SearchQuery(text=term, terms=(term,)))
        condition |= Q(pk__in=matching.values("pk"))
    # the search index finds the candidates and their issues: ids only, a few bytes per article even at a million
    found = list(Article.objects.filter(condition).order_by("pk").values_list("pk", "issue_id"))
    issue_rows_lock(issue_ids={issue_id for _, issue_id in found})
    ids = [pk for pk, _ in found]
    change.examined = len(ids)
    for start in range(0, len(ids), CHUNK_SIZE):
        rows = list(
            Article.objects.select_for_update(no_key=True, of=("self",))
            .filter(pk__in=ids[start : start + CHUNK_SIZE])
            .order_by("pk")
            .only("pk", "issue_id", "headline", "kicker", "subheadline", "body", "search_tokens", "keywords")
        )
        changed = []
        for article in rows:
            tokens = article_search_tokens(
                kicker=article.kicker, headline=article.headline, subheadline=article.subheadline, body=article.body
            )
            if tokens != article.search_tokens:
                article.search_tokens, article.keywords = tokens, keywords_from_tokens(tokens.split())
                changed.append(article)
                change.articles.append(RetokenisedArticle(id=article.pk, headline=str(article)))
        if changed:
            Article.objects.bulk_update(changed, ["search_tokens", "keywords"], batch_size=CHUNK_SIZE)
    return change


def dictionary_catch_up(*, since: list[DictionaryEntry]) -> DictionaryChange:
    """Re-tokenise for the words that changed since ``since`` was read (an import batch's start).

    A batch's workers tokenise with the list as it was when the batch started; a word saved meanwhile was
    applied to the articles stored then, not to those the batch wrote afterwards. Run when the batch ends.
    """
    changed = {entry.word for entry in set(since) ^ set(dictionary_entries())}
    if not changed:
        return DictionaryChange(word=None)
    with transaction.atomic():
        dictionary_apply()
        return articles_retokenise(words=sorted(changed))


def _record(word: DictionaryWord, change: DictionaryChange) -> None:
    word.retokenised_count = change.count
    word.retokenised_articles = [[article.id, article.headline] for article in change.articles[:LISTED_ARTICLES]]
    DictionaryWord.objects.filter(pk=word.pk).update(
        retokenised_count=word.retokenised_count, retokenised_articles=word.retokenised_articles
    )


def _check_frequency(frequency: int | None) -> None:
    if frequency is not None and frequency < 1:
        raise ValueError(gettext("A dictionary word's frequency is at least 1 (0 would make jieba split it)."))


def _word_taken(word: str, *, exclude_pk: int | None = None) -> None:
    clash = DictionaryWord.objects.filter(word=word)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValueError(gettext("%(word)s is already in the dictionary.") % {"word": word})


@transaction.atomic
def dictionary_word_add(
    *,
    word: str,
    user: AbstractBaseUser | None,
    frequency: int | None = None,
    part_of_speech: str = "",
    note: str = "",
) -> DictionaryChange:
    """Add a word jieba must keep whole, and re-tokenise the articles that contain it."""
    clean = dictionary_clean_word(word)
    _word_taken(clean)
    _check_frequency(frequency)
    editor = _editor(user)
    row = DictionaryWord(
        word=clean,
        frequency=frequency,
        part_of_speech=(part_of_speech or "").strip(),
        note=note or "",
        created_by=editor,
        updated_by=editor,
    )
    row._change_reason = "added"
    row._history_user = editor
    row.save()
    dictionary_apply()
    change = articles_retokenise(words=[clean])
    change.word = row
    _record(row, change)
    return change


@transaction.atomic
def dictionary_word_update(
    *,
    dictionary_word: DictionaryWord,
    user: AbstractBaseUser | None,
    data: dict[str, Any],
    expected_version: int | None = None,
    change_reason: str = "",
) -> DictionaryChange:
    """Change a word (its spelling, frequency, tag or note); a stale ``expected_version`` is refused.

    Articles that contain the old spelling or the new one are re-tokenised (a note alone re-tokenises nothing).
    """
    unknown = set(data) - EDITABLE_WORD_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    stored = DictionaryWord.objects.select_for_update(no_key=True).filter(pk=dictionary_word.pk).first()
    if stored is None:
        raise DictionaryWord.DoesNotExist(
            gettext("Dictionary word %(id)s no longer exists; reload the page and make your change again.")
            % {"id": dictionary_word.pk}
        )
    if expected_version is not None and stored.version != expected_version:
        raise ConcurrentEditError(stored, expected_version)
    history_baseline(objects=[stored])
    old = (stored.word, stored.frequency, stored.part_of_speech)
    for name, value in data.items():
        if name == "word":
            value = dictionary_clean_word(value)
            _word_taken(value, exclude_pk=stored.pk)
        elif name == "frequency":
            _check_frequency(value)
        elif name in ("part_of_speech", "note"):
            value = (value or "").strip() if name == "part_of_speech" else value or ""
        setattr(stored, name, value)
    stored.version += 1
    stored.updated_by = _editor(user)
    stored._change_reason = change_reason or "edited"
    stored._history_user = stored.updated_by
    stored.save()
    change = DictionaryChange(word=stored)
    if (stored.word, stored.frequency, stored.part_of_speech) != old:
        dictionary_apply()
        change = articles_retokenise(words=[old[0], stored.word])
        change.word = stored
        _record(stored, change)
    dictionary_word.refresh_from_db()
    return change


@transaction.atomic
def dictionary_word_remove(*, dictionary_word: DictionaryWord, user: AbstractBaseUser | None) -> DictionaryChange:
    """Remove a word: the articles that contain it get back the tokens jieba gives them without it."""
    stored = DictionaryWord.objects.select_for_update(no_key=True).filter(pk=dictionary_word.pk).first()
    if stored is None:
        return DictionaryChange(word=None)
    history_baseline(objects=[stored])
    word = stored.word
    stored._change_reason = "removed"
    stored._history_user = _editor(user)
    stored.delete()
    dictionary_apply()
    return articles_retokenise(words=[word])
