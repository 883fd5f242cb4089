"""The per-article search document and the matching query normalisation (pure Python, no Django).

It lives with the parser so that import workers can build documents in parallel; ``articles.search``
re-exports it for the API and the editors' services.

Chinese text is matched as substrings after Unicode NFKC with all white space removed (column line
breaks split names: "宫卫\\n红"), and case-folded for Latin letters. The document keeps its fields on
separate lines so that a match never spans headline and body. Indexing (n-grams, jieba ranking) builds
on this document; what goes into it is decided here only.
"""

from __future__ import annotations

from collections.abc import Iterable

from .drafts import nfkc


def normalise_for_search(text: str | None) -> str:
    if not text:
        return ""
    return "".join(nfkc(text).casefold().split())


def build_search_document(
    *,
    headline: str = "",
    kicker: str = "",
    subheadline: str = "",
    body: str = "",
    captions: Iterable[str] = (),
    reporter_names: Iterable[str] = (),
) -> str:
    fields = [headline, kicker, subheadline, body, *captions, " ".join(reporter_names)]
    return "\n".join(normalised for normalised in map(normalise_for_search, fields) if normalised)


def query_terms(query: str) -> list[str]:
    """Terms of a reader's query: space-separated words (all must occur), quoted phrases kept whole."""
    terms: list[str] = []
    for index, part in enumerate(query.replace("“", '"').replace("”", '"').split('"')):
        if index % 2:
            terms.append(normalise_for_search(part))
        else:
            terms.extend(normalise_for_search(word) for word in part.split())
    return [term for term in terms if term]
