"""The per-article search document, the reader's query and the index's grams (pure Python, no Django).

It lives with the parser so that import workers can build documents in parallel; ``articles.search``
re-exports it for the API and the editors' services, and the SQLite index calls ``document_grams``.

Chinese text is matched as substrings after Unicode NFKC with all white space removed (column line
breaks split names: "宫卫\\n红"), and case-folded for Latin letters.

**The document** has one field per line, always in the same order: headline (line 1, empty when there is
none: ranking reads it there), kicker, subheadline, body, then one line per caption and one line per
reporter name. A query term never contains white space, so no match can span two lines: not headline and
body, not the last character of one reporter's name and the first of the next.

**A query** is space-separated terms that must all occur, and "quoted phrases" (ASCII quotes or “…”) that
must occur as written (white space inside them is dropped, as in the document). A term is matched as
written, punctuation included ("3.5%"), but a term needs at least one *searchable* character (a letter of
any script, Chinese characters included, or a digit): a lone “ or "——" is no term at all. A query with no
term matches nothing, never everything. A query is bounded (``MAX_QUERY_CHARS``, ``MAX_TERMS``): over the
bounds ``parse_query`` raises ``SearchQueryError`` with a message for the reader.

**Grams** are what the index stores: every character and every pair of neighbouring characters of each
line. A term of one or two characters is exactly one gram; a longer term is found among the articles that
have all its pairs and then checked as a substring. The SQLite index stores each gram as an ASCII token
(``index_token``: six hex digits per character); ``index_grams_text`` is a document's grams so written, which
import workers compute so that the single writer does not (``articles.search.sqlite``).
"""

from __future__ import annotations

import operator
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .drafts import nfkc

#: Longest query accepted (characters, as typed).
MAX_QUERY_CHARS = 200
#: Most terms (words and phrases) in one query.
MAX_TERMS = 20
#: Opening and closing quotes that delimit a phrase.
_QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"'})


class SearchQueryError(ValueError):
    """A query over the bounds: its message is meant for the reader (the API answers 400 with it)."""


def normalise_for_search(text: str | None) -> str:
    if not text:
        return ""
    return "".join(nfkc(text).casefold().split())


def is_searchable(char: str) -> bool:
    """Letters (of any script: Chinese characters are letters to Unicode) and digits."""
    return unicodedata.category(char)[0] in "LN"


def build_search_document(
    *,
    headline: str = "",
    kicker: str = "",
    subheadline: str = "",
    body: str = "",
    captions: Iterable[str] = (),
    reporter_names: Iterable[str] = (),
) -> str:
    """The fields normalised, one per line: headline, kicker, subheadline, body, captions, names (see above)."""
    fixed = [normalise_for_search(field) for field in (headline, kicker, subheadline, body)]
    extra = [normalised for normalised in map(normalise_for_search, [*captions, *reporter_names]) if normalised]
    return "\n".join(fixed + extra).rstrip("\n")


def document_headline(document: str) -> str:
    """The normalised headline of a search document (its first line)."""
    return document.split("\n", 1)[0]


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: its normalised terms, in the order given, without repeats."""

    text: str
    terms: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    def matches(self, document: str) -> bool:
        """Whether a search document matches: every term occurs within one of its lines (brute force)."""
        lines = document.split("\n")
        return bool(self.terms) and all(any(term in line for line in lines) for term in self.terms)


def parse_query(text: str | None) -> SearchQuery:
    """A reader's query as terms (see the module docstring); raises ``SearchQueryError`` over the bounds."""
    text = text or ""
    if len(text) > MAX_QUERY_CHARS:
        raise SearchQueryError(f"A search may be at most {MAX_QUERY_CHARS} characters long (this one has {len(text)}).")
    terms: list[str] = []
    for index, part in enumerate(text.translate(_QUOTES).split('"')):
        pieces = [part] if index % 2 else part.split()
        for piece in pieces:
            term = normalise_for_search(piece)
            if any(map(is_searchable, term)) and term not in terms:
                terms.append(term)
    if len(terms) > MAX_TERMS:
        raise SearchQueryError(f"A search may have at most {MAX_TERMS} words or phrases (this one has {len(terms)}).")
    return SearchQuery(text=text, terms=tuple(terms))


def query_terms(query: str) -> list[str]:
    """Terms of a reader's query: space-separated words (all must occur), quoted phrases kept whole."""
    return list(parse_query(query).terms)


def term_grams(term: str) -> list[str]:
    """The grams an article must have to contain ``term``: the term itself up to two characters, else its pairs."""
    if len(term) <= 2:
        return [term]
    return list(dict.fromkeys(term[i : i + 2] for i in range(len(term) - 1)))


def document_grams(document: str) -> set[str]:
    """Every character and every pair of neighbouring characters of each line of a search document."""
    grams: set[str] = set()
    for line in document.split("\n"):
        grams.update(line)
        grams.update(line[i : i + 2] for i in range(len(line) - 1))
    return grams


class _HexCodes(dict):
    """Six hex digits of each character code, formatted once per character (formatting every character of
    every gram was three quarters of the time of ``index_grams_text``)."""

    def __missing__(self, code: int) -> str:
        value = self[code] = f"{code:06x}"
        return value


_HEX = _HexCodes()


def index_token(text: str) -> str:
    """A gram or keyword as the SQLite index stores it: six hex digits per character (FTS5's unicode61
    tokenizer keeps such a token whole, where it would keep a run of Chinese characters as one word)."""
    return "".join([_HEX[ord(char)] for char in text])


def index_grams_text(document: str | None) -> str:
    """``document_grams`` of a search document as index tokens, sorted and space-separated: exactly
    ``" ".join(sorted(map(index_token, document_grams(document))))``, built from each character's token
    once instead of formatting every gram."""
    grams: set[str] = set()
    for line in (document or "").split("\n"):
        codes = [_HEX[ord(char)] for char in line]
        grams.update(codes)
        grams.update(map(operator.add, codes, codes[1:]))
    return " ".join(sorted(grams))
