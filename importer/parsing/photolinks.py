"""Which article a photo illustrates, judged by how much of the caption the article's text shares.

A caption names the same people, places and events as its story ("活动现场" under a story
about a 义诊), so the share of the caption's character bigrams found in an article's headline and
body is high for the right story and low for the others. A photo is linked only when the best
article clearly wins; stand-alone photo news (a photo with its own small title) stays unlinked.
Articles of the photo's page and of the page before are candidates (a spread's photos may be
printed on the page after the story).
"""

from __future__ import annotations

from .drafts import normalise_text

#: Share of the caption's bigrams the article must hold, and its lead over the runner-up.
MIN_SHARE = 0.4
MIN_MARGIN = 0.15


def _bigrams(text: str) -> set[str]:
    flat = normalise_text(text)
    return {flat[i : i + 2] for i in range(len(flat) - 1)}


def link_photos(articles: list, photos: list) -> None:
    """Set ``photo.article`` (an index into ``articles``) where one article clearly owns the caption."""
    texts: dict[int, set[str]] = {}
    for photo in photos:
        if photo.title or photo.qr:
            continue
        caption = _bigrams(photo.caption)
        if len(caption) < 4:
            continue
        scores = []
        for index, article in enumerate(articles):
            if article.page not in (photo.page, photo.page - 1):
                continue
            if index not in texts:
                texts[index] = _bigrams((article.headline or "") + article.body)
            scores.append((len(caption & texts[index]) / len(caption), index))
        scores.sort(reverse=True)
        if not scores or scores[0][0] < MIN_SHARE:
            continue
        if len(scores) > 1 and scores[0][0] - scores[1][0] < MIN_MARGIN:
            continue
        photo.article = scores[0][1]
