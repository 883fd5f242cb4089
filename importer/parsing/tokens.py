"""jieba word segmentation of articles, done once at import time and stored for ranking and keywords.

Substring recall comes from the normalised search document (see ``articles.search``); jieba tokens add
whole-word matching and keywords. jieba is loaded lazily, once per process (the parser's worker
processes each load it once), with an optional user dictionary of local names.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from functools import cache

from .drafts import IssueDraft
from .searchtext import build_search_document

_lock = threading.Lock()


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
    """Load jieba, then freeze what the process holds out of the cyclic garbage collector.

    jieba's dictionary is some 350,000 objects that live as long as an import process: frozen, every
    full collection skips them (about 2 % of an import's time). Only import processes (the command and
    its workers) do this: a web process keeps its collector as it is.
    """
    _tokenizer()
    gc.freeze()


def tokenise(text: str) -> list[str]:
    """Words of a text for search (jieba's search mode: long words and their parts), white space dropped."""
    if not text:
        return []
    # white space is gone before jieba sees the text, so every word it yields is a real one
    return list(_tokenizer().cut_for_search("".join(text.split())))


def tokenise_article(*, kicker: str | None, headline: str | None, subheadline: str | None, body: str) -> list[str]:
    """The words an article is indexed by: its kicker, headline, subheadline and body."""
    return tokenise(" ".join(filter(None, [kicker, headline, subheadline, body])))


def article_search_tokens(*, kicker: str | None, headline: str | None, subheadline: str | None, body: str) -> str:
    """An article's words as stored in ``Article.search_tokens``: space-separated."""
    return " ".join(tokenise_article(kicker=kicker, headline=headline, subheadline=subheadline, body=body))


def index_draft(draft: IssueDraft) -> IssueDraft:
    """Fill ``search_tokens`` and ``search_document`` of every article of a draft (import workers do this).

    jieba is most of an import's work, so a text printed twice in an issue (a copy) is tokenised once.
    """
    tokens_by_text: dict[tuple, str] = {}
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
                tokens_by_text[text] = article_search_tokens(
                    kicker=article.kicker, headline=article.headline, subheadline=article.subheadline, body=article.body
                )
            article.search_tokens = tokens_by_text[text]
            article.search_document = build_search_document(
                headline=article.headline or "",
                kicker=article.kicker or "",
                subheadline=article.subheadline or "",
                body=article.body,
                captions=captions.get((page.index, order), []),
                reporter_names=[credit.name for credit in article.reporters],
            )
    draft.indexed = True
    return draft
