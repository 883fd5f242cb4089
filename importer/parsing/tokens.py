"""jieba word segmentation of articles, done once at import time and stored for ranking and keywords.

Substring recall comes from the normalised search document (see ``articles.search``); jieba tokens add
whole-word matching and keywords. jieba is loaded lazily, once per process (the parser's worker
processes each load it once), with an optional user dictionary file and the editors' word dictionary.

The editors' dictionary (words jieba must keep whole, kept in the database) reaches this pure layer in two
ways, neither importing Django: ``use_dictionary(entries)`` applies a word list given explicitly (import
workers get it through their pool's initializer), and a *provider* registered by a Django process (see
``set_dictionary_provider``) is asked before each tokenisation, so web processes and commands follow changes
made in another process without a restart.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from .drafts import IssueDraft
from .searchtext import build_search_document, index_grams_text, is_searchable

#: Keywords kept per article.
KEYWORDS_PER_ARTICLE = 8

# jieba's add_word is not thread-safe against a running cut: changes and cuts take this lock (jieba holds
# the GIL throughout, so serialising cuts costs a threaded web process nothing)
_lock = threading.RLock()


@dataclass(frozen=True)
class DictionaryEntry:
    """A word jieba must keep whole; ``frequency`` None lets jieba pick one that keeps it whole."""

    word: str
    frequency: int | None = None
    tag: str | None = None


#: What ``use_dictionary`` last applied, by word, and what jieba held for those words before it (restored
#: when a word leaves the dictionary, so removing a word gives back the tokens it had before).
_applied: dict[str, DictionaryEntry] = {}
_original: dict[str, tuple[int | None, str | None]] = {}
#: Called before each tokenisation to learn the current word list, or None (see ``set_dictionary_provider``).
_provider: Callable[[], Iterable[DictionaryEntry] | None] | None = None


@cache
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    with _lock:
        tokenizer.initialize()
        user_dict = os.environ.get("NEWSROOM_JIEBA_USER_DICT")
        if user_dict and os.path.exists(user_dict):
            tokenizer.load_userdict(user_dict)
    return tokenizer


@cache
def prepare_for_import() -> None:
    """Load jieba and jieba.analyse's IDF table, then freeze what the process holds out of the cyclic collector.

    jieba's dictionary is some 350,000 objects that live as long as an import process: frozen, every
    full collection skips them (about 2 % of an import's time). Only import processes (the command and
    its workers) do this: a web process keeps its collector as it is.
    """
    _tokenizer()
    _idf()
    gc.freeze()


def _entry(item: DictionaryEntry | str) -> DictionaryEntry:
    entry = item if isinstance(item, DictionaryEntry) else DictionaryEntry(word=item)
    return DictionaryEntry(word="".join(entry.word.split()), frequency=entry.frequency, tag=entry.tag or None)


def use_dictionary(entries: Iterable[DictionaryEntry | str]) -> bool:
    """Make exactly these words jieba's dictionary additions; idempotent. Returns whether anything changed.

    Words no longer listed get back what jieba's own dictionary said about them (usually nothing), so the
    tokens of a text depend only on the current list, not on the order of earlier changes.
    """
    wanted = {entry.word: entry for entry in map(_entry, entries) if entry.word}
    with _lock:
        if wanted == _applied:
            return False
        tokenizer = _tokenizer()
        for word in [word for word in _applied if word not in wanted]:
            _restore(tokenizer, word)
        for word, entry in wanted.items():
            if _applied.get(word) == entry:
                continue
            if word in _applied:
                _restore(tokenizer, word)  # a changed frequency is suggested against jieba's own state
            _original[word] = (tokenizer.FREQ.get(word), tokenizer.user_word_tag_tab.get(word))
            tokenizer.add_word(word, freq=entry.frequency, tag=entry.tag)
            _applied[word] = entry
        return True


def _restore(tokenizer, word: str) -> None:
    frequency, tag = _original.pop(word, (None, None))
    tokenizer.total += (frequency or 0) - tokenizer.FREQ.get(word, 0)
    tokenizer.FREQ[word] = frequency or 0  # 0: a known prefix, never a word (jieba's own meaning)
    if tag is None:
        tokenizer.user_word_tag_tab.pop(word, None)
    else:
        tokenizer.user_word_tag_tab[word] = tag
    del _applied[word]


def dictionary_words() -> list[str]:
    """The words ``use_dictionary`` has applied in this process, sorted."""
    with _lock:
        return sorted(_applied)


def set_dictionary_provider(provider: Callable[[], Iterable[DictionaryEntry] | None] | None) -> None:
    """Register what a process asks for the current word list before each tokenisation (None: nobody).

    The provider answers None when its cached list is still current (it should be cheap: it runs once per
    text), or the full list when it changed. A Django process registers one that reads the database; an
    import worker registers none, it is given its list when it starts.
    """
    global _provider
    _provider = provider


def _follow_provider() -> None:
    provider = _provider
    if provider is not None:
        entries = provider()
        if entries is not None:
            use_dictionary(entries)


def tokenise(text: str) -> list[str]:
    """Words of a text for search (jieba's search mode: long words and their parts), white space dropped."""
    if not text:
        return []
    _follow_provider()
    tokenizer = _tokenizer()
    with _lock:
        # white space is gone before jieba sees the text, so every word it yields is a real one
        return list(tokenizer.cut_for_search("".join(text.split())))


def tokenise_article(*, kicker: str | None, headline: str | None, subheadline: str | None, body: str) -> list[str]:
    """The words an article is indexed by: its kicker, headline, subheadline and body."""
    return tokenise(" ".join(filter(None, [kicker, headline, subheadline, body])))


def article_search_tokens(*, kicker: str | None, headline: str | None, subheadline: str | None, body: str) -> str:
    """An article's words as stored in ``Article.search_tokens``: space-separated."""
    return " ".join(tokenise_article(kicker=kicker, headline=headline, subheadline=subheadline, body=body))


#: jieba.analyse's stop words (``KeywordExtractor.STOP_WORDS``, all its TF-IDF ranking leaves out by default).
_JIEBA_STOP_WORDS = """the of is and to in that we for an are by be as on with can if from which you it this then at
have all not one has or"""
JIEBA_STOP_WORDS = frozenset(_JIEBA_STOP_WORDS.split())


@cache
def _idf() -> tuple[dict[str, float], float, frozenset[str]]:
    """jieba.analyse's IDF table, its median and its stop words, read as its ``TFIDF`` reads them (the same
    ``idf.txt``; a test compares the two) without importing ``jieba.analyse``, which also imports
    ``jieba.posseg`` and builds a TextRank extractor: about 0.55 s of CPU in every import process, against
    0.15 s for the table alone, and the first file of a batch waits for it."""
    import jieba

    with open(os.path.join(os.path.dirname(jieba.__file__), "analyse", "idf.txt"), "rb") as table:
        fields = table.read().decode("utf-8").split()  # "word frequency" lines: one split is twice as fast
    idf = dict(zip(fields[0::2], map(float, fields[1::2]), strict=True))
    return idf, sorted(idf.values())[len(idf) // 2], JIEBA_STOP_WORDS


def keywords_from_tokens(tokens: Iterable[str], *, count: int = KEYWORDS_PER_ARTICLE) -> str:
    """The article's keywords, space-separated, the most telling first: jieba.analyse's TF-IDF ranking
    (``extract_tags``) over the words already cut for search, so the text is not cut a second time.

    Words of one character, stop words and words without a letter are left out, and so are the parts of a
    chosen word; ties go alphabetically, so the same text always gives the same keywords."""
    idf, median, stop_words = _idf()
    frequency: dict[str, int] = {}
    for word in tokens:
        if len(word) > 1 and word.lower() not in stop_words and any(map(is_searchable, word)):
            frequency[word] = frequency.get(word, 0) + 1
    scores = {word: hits * idf.get(word, median) for word, hits in frequency.items()}
    chosen: list[str] = []
    for word in sorted(scores, key=lambda word: (-scores[word], word)):
        if len(chosen) == count:
            break
        if any(word in kept for kept in chosen):
            continue  # a part of a word already chosen (search mode also yields 二十 of 二十大)
        parts = [index for index, kept in enumerate(chosen) if kept in word]
        if parts:  # the whole word replaces its parts, at the best one's place
            chosen = [kept for index, kept in enumerate(chosen) if index not in parts[1:]]
            chosen[parts[0]] = word
        else:
            chosen.append(word)
    return " ".join(chosen)


def index_draft(draft: IssueDraft, *, grams: bool = False) -> IssueDraft:
    """Fill ``search_tokens``, ``keywords`` and ``search_document`` of every article of a draft (import workers),
    and with ``grams`` its ``search_grams`` (for the SQLite index): all that can be derived from the text is
    derived here, in parallel, so the single writer only writes.

    jieba is most of an import's work, so a text printed twice in an issue (a copy) is tokenised once.
    """
    tokens_by_text: dict[tuple, tuple[str, str]] = {}
    captions: dict[tuple[int, int], list[str]] = {}
    for page in draft.pages:
        for photo in page.photos:
            if photo.article is not None and photo.caption:
                captions.setdefault((photo.article_page or page.index, photo.article), []).append(photo.caption)
    for page in draft.pages:
        for order, article in enumerate(page.articles):
            _ = article.fingerprint  # computed here, in the worker, and carried to the writer
            text = (article.kicker, article.headline, article.subheadline, article.body)
            if text not in tokens_by_text:
                tokens = article_search_tokens(
                    kicker=article.kicker, headline=article.headline, subheadline=article.subheadline, body=article.body
                )
                tokens_by_text[text] = (tokens, keywords_from_tokens(tokens.split()))
            article.search_tokens, article.keywords = tokens_by_text[text]
            article.search_document = build_search_document(
                headline=article.headline or "",
                kicker=article.kicker or "",
                subheadline=article.subheadline or "",
                body=article.body,
                captions=captions.get((page.index, order), []),
                reporter_names=[credit.name for credit in article.reporters],
            )
            article.search_grams = index_grams_text(article.search_document) if grams else ""
    draft.indexed = True
    return draft
