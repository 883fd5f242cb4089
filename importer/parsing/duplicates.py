"""Articles printed twice in one file (a page reprinted, a story repeated at the end of the file).

The second copy stays an article of its own (its text is body, so nothing is lost) and points to
the first through ``duplicate_of``, an index in issue order. Copies are recognised by their
normalised body text: equal, or one containing the other when both are long enough that a
coincidence is impossible.
"""

from __future__ import annotations

import unicodedata

from .drafts import normalise_text

#: Bodies shorter than this (in characters) are never called duplicates: briefs can share phrasing.
MIN_CHARS = 40

#: Full-width punctuation that Chinese text is full of, each with what NFKC makes of it. Each is
#: compatibility-equivalent to its replacement, so NFKC gives the same result with or without them
#: replaced; once they are, most texts are already normalised, which ``unicodedata`` sees in a quick
#: check instead of decomposing and recomposing the whole text (ten times the work).
_FULLWIDTH_FOLDS = tuple((char, unicodedata.normalize("NFKC", char)) for char in "，（）；：！？…")


def comparison_text(text: str | None) -> str:
    """Exactly ``normalise_text(text)`` (NFKC, white space removed), faster on Chinese text."""
    if text:
        for char, folded in _FULLWIDTH_FOLDS:
            if char in text:
                text = text.replace(char, folded)
    return normalise_text(text)


def mark_duplicates(articles: list) -> None:
    """Set ``duplicate_of`` on later copies; ``articles`` are in issue order and have ``body``."""
    seen: list[tuple[int, str]] = []
    for index, article in enumerate(articles):
        key = comparison_text(article.body)
        if len(key) < MIN_CHARS:
            continue
        for first, earlier in seen:
            if key == earlier or (len(key) >= 3 * MIN_CHARS and (key in earlier or earlier in key)):
                article.duplicate_of = first
                break
        else:
            seen.append((index, key))
