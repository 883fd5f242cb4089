"""The assembler's matching of headlines printed away from their bodies.

A headline that arrives when no article is waiting for one (printed far from its body, on the next
page, or with other headlines at a page's end) goes to a story of this or the previous page still
without a headline: the one whose opening text shares clearly more of its words, else the latest.
Mixed into :class:`.assemble.Assembler`, whose state these read.
"""

from __future__ import annotations

from .builds import ArticleBuild
from .headlines import STORY_TEXT, affinity
from .layout import Group

#: How many of the latest articles a headline printed away from its body may go to.
ORPHAN_REACH = 12
#: How much more of a headline's words another story must share than the nearest one to take it.
CLEARLY_MORE = 0.3


class HeadlineMatching:
    """Headlines away from their bodies matched to stories (see the module's docstring)."""

    def headless(self) -> list[ArticleBuild]:
        """Articles of this or the previous page still without a headline, latest first (the latest
        few: a headline printed away from its body is printed near it, and a page of thousands of
        headless items must not make every headline look through all of them)."""
        found = []
        for article in self.out.articles[: -ORPHAN_REACH - 1 : -1]:
            if article.page < self.page - 1:
                break
            if article.headline is None and article.kind != "brief":
                found.append(article)
        return found

    def orphan_target(self, group: Group) -> ArticleBuild | None:
        """Where a headline printed away from any body goes: the article of this or the previous
        page without a headline whose opening text it shares the most words with, the latest one
        when none stands out."""
        candidates = self.headless()
        if not candidates:
            return None
        return self.best_match(group, candidates[0], candidates[1:])

    def best_match(self, group: Group, nearest: ArticleBuild, others: list[ArticleBuild] | None = None) -> ArticleBuild:
        """``nearest``, unless another headless article of this or the previous page shares clearly
        more of the headline's words (an extractor may print several headlines together, away from
        their bodies: each goes to the story it sums up)."""
        others = [a for a in (self.headless()[1:] if others is None else others) if a is not nearest]
        if not others:
            return nearest
        best, score = nearest, affinity(group.text, self.opening_text(nearest)) + CLEARLY_MORE
        for article in others:
            value = affinity(group.text, self.opening_text(article))
            if value > score:
                best, score = article, value
        return best

    def opening_text(self, article: ArticleBuild) -> str:
        """The opening text of an article's body so far (what a headline is compared with)."""
        parts: list[str] = []
        size = 0
        for line in article.lines:
            text = "".join(self.raws[line.page][line.start : line.end].split())
            parts.append(text)
            size += len(text)
            if size >= STORY_TEXT:
                break
        return "".join(parts)[:STORY_TEXT]
