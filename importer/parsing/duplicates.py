"""Articles printed twice in one file (a page reprinted, a story repeated at the end of the file).

The second copy stays an article of its own (its text is body, so nothing is lost) and points to
the first through ``duplicate_of``, an index in issue order. Copies are recognised by their
normalised body text: equal, or one containing the other when both are long enough that a
coincidence is impossible.
"""

from __future__ import annotations

from .drafts import normalise_text

#: Bodies shorter than this (in characters) are never called duplicates: briefs can share phrasing.
MIN_CHARS = 40


def mark_duplicates(articles: list) -> None:
    """Set ``duplicate_of`` on later copies; ``articles`` are in issue order and have ``body``."""
    seen: list[tuple[int, str]] = []
    for index, article in enumerate(articles):
        key = normalise_text(article.body)
        if len(key) < MIN_CHARS:
            continue
        for first, earlier in seen:
            if key == earlier or (len(key) >= 3 * MIN_CHARS and (key in earlier or earlier in key)):
                article.duplicate_of = first
                break
        else:
            seen.append((index, key))
