"""An article's body text from its lines: wrapped lines joined, paragraphs found again.

The assembler (:mod:`.assemble`) collects each article's body as raw line spans while it walks the
units; the text is made once the walk is over and trailing credits have been cut from the end.
"""

from __future__ import annotations

from dataclasses import dataclass

from .textfix import cells_each, ends_sentence, join_lines


@dataclass(slots=True)
class BodyLine:
    """One line of an article's body: raw offsets on a page, and what may start a paragraph there."""

    page: int
    start: int
    end: int
    blank_before: bool
    hard: bool = False  # paragraph of its own (an intertitle)


def build_body(raws: list[str], lines: list[BodyLine]) -> str:
    """Body text: wrapped lines joined, paragraphs (separated by a blank line) where a sentence ends
    on a short line or before a blank line in the raw text."""
    texts = [raws[line.page][line.start : line.end] for line in lines]
    if not texts:
        return ""
    line_widths = cells_each(texts)
    widths = sorted(line_widths)
    column = widths[int(len(widths) * 0.75)] if len(widths) > 2 else widths[-1]
    short_below = column - 1.5
    paragraphs: list[list[str]] = [[texts[0]]]
    for index in range(1, len(texts)):
        line, prev = lines[index], lines[index - 1]
        short = line_widths[index - 1] < short_below
        if line.hard or prev.hard or ((line.blank_before or short) and ends_sentence(texts[index - 1])):
            paragraphs.append([])
        paragraphs[-1].append(texts[index])
    return "\n\n".join(joined for joined in (join_lines(p) for p in paragraphs) if joined)
