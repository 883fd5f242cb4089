"""Text repair for the PDF text layer: joining wrapped lines, closing letter-spacing, undoing fake bold.

The extractor writes justified lines with a space between every character ("生 产 和 防"), spaces
around brackets ("某区 （开发区） 党"), and bold headlines twice over ("成立成立"). None of these
spaces carry meaning between Chinese characters, so they are closed up; spaces between Latin words
or numbers ("LED 显示屏" keeps nothing, "BA.5.2 variant" keeps its space) are kept where both sides
are ASCII letters or digits.
"""

from __future__ import annotations

import re

#: Characters that end a sentence.
TERMINAL = "。！？!?…"
#: Closing quotes/brackets that may follow a sentence end ("…。”").
CLOSERS = "”’」』）)》】\"'"
#: Sentence-internal punctuation: a line holding one of these is running text, not a headline.
SENTENCE_PUNCT = "。，；！？,;!?"

_WS = re.compile(r"\s+")


def is_cjk(ch: str) -> bool:
    """A Han character (not punctuation): the CJK unified ideographs with extension A, the
    compatibility ideographs, and the supplementary ideographic planes."""
    code = ord(ch)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FFFF


def is_ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".%+-/")


_SPACE_EXCEPT_BLANK = re.compile(r"[^\S ]+")


def cells(text: str) -> float:
    """Display width as the rewrap tool counts it: ASCII half a cell, everything else one.

    White space other than the plain space takes no cell. Counted with C-level string operations
    (this runs for every line of every page): encoding to ASCII and dropping the rest counts the
    ASCII characters without a Python loop or a translation table.
    """
    # every white space character but the plain space is unprintable, so a printable text has none to drop
    kept = text if text.isprintable() else _SPACE_EXCEPT_BLANK.sub("", text)
    narrow = len(kept.encode("ascii", "ignore"))
    return (len(kept) - narrow) + narrow * 0.5


def cells_each(texts: list[str]) -> list[float]:
    """``cells`` of each text, for the lines of a body: printable texts (one check over all of them,
    the usual case) are counted in two list comprehensions instead of a call per line."""
    if not "".join(texts).isprintable():
        return [cells(text) for text in texts]
    narrows = [len(text.encode("ascii", "ignore")) for text in texts]
    return [(len(text) - narrow) + narrow * 0.5 for text, narrow in zip(texts, narrows, strict=True)]


def strip_ws(text: str) -> str:
    return _WS.sub("", text)


#: A whitespace run between two ASCII word characters (see ``is_ascii_word``): the only kind kept.
_WS_BETWEEN_WORDS = re.compile(r"(?<=[A-Za-z0-9.%+\-/])\s+(?=[A-Za-z0-9.%+\-/])")


#: Letter-spaced digits, as a justified line prints them ("2 0 2 4 年", "4 月1 5 日", "1 . 7 万"):
#: single digits (or points) each standing alone between spaces.
_SPACED_DIGITS = re.compile(r"(?<![A-Za-z0-9.])[0-9.](?:[ \u3000]+[0-9.])+(?![A-Za-z0-9.])")


def _join_spaced_digits(match: re.Match) -> str:
    return "".join(match.group().split())


def close_spaces(text: str) -> str:
    """Remove whitespace runs unless both neighbours are ASCII letters/digits (then keep one space);
    letter-spaced digits are joined first ("1 5 日" is 15, not 1 and 5)."""
    if " " in text or "\u3000" in text:
        text = _SPACED_DIGITS.sub(_join_spaced_digits, text)
    if not _WS_BETWEEN_WORDS.search(text):
        return "".join(text.split())  # the common case: every run goes, without a Python call per run

    def replace(match: re.Match) -> str:
        start, end = match.span()
        if start > 0 and end < len(text) and is_ascii_word(text[start - 1]) and is_ascii_word(text[end]):
            return " "
        return ""

    return _WS.sub(replace, text)


#: A line break inside a number ("13" / "00余个", "1" / ".6万亩"), marked by ``join_lines``'s sentinel.
_WRAPPED_NUMBER = re.compile("(?<=[0-9])\x00(?=[0-9.])|(?<=\\.)\x00(?=[0-9])")


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines of one paragraph and close up justification spaces (a number wrapped over
    two lines, "13" / "00余个", is one number: no space is left between its pieces)."""
    joined = "\x00".join([line.strip() for line in lines])
    if "\x00" in joined:
        joined = _WRAPPED_NUMBER.sub("", joined).replace("\x00", " ")
    return close_spaces(joined)


def is_letter_spaced(text: str) -> bool:
    """ "简 讯 快 递", "石 磊": every token one character (at least two tokens)."""
    tokens = text.split()
    return len(tokens) >= 2 and all(len(token) == 1 for token in tokens)


#: White space before or after a punctuation mark in a headline (a lookaround pattern, so removing it
#: needs no replacement template, which ``re`` expands in Python for every match).
_SPACE_AT_PUNCT = re.compile(r"\s+(?=[“”‘’（）《》：:、·—])|(?<=[“”‘’（）《》：:、·—])\s+")


def clean_headline(lines: list[str]) -> str:
    """A headline from its printed lines: letter-spacing closed, a meaningful gap kept as one space."""
    parts = []
    for line in lines:
        line = line.strip()
        if is_letter_spaced(line):
            line = line.replace(" ", "").replace("\u3000", "")
        parts.append(_WS.sub(" ", line))
    text = "".join(parts)
    if " " not in text:
        return text.strip()  # the pieces hold no other white space: nothing to close up
    # spaces next to punctuation or a lone character are justification, not a gap between phrases
    return _SPACE_AT_PUNCT.sub("", text).strip()


def ends_sentence(text: str) -> bool:
    """Does the text end a sentence (。 ！ ？ …, possibly followed by a closing quote)?"""
    text = text.rstrip()
    while text and text[-1] in CLOSERS:
        if len(text) >= 2 and text[-2] in TERMINAL:
            return True
        text = text[:-1]
    return bool(text) and text[-1] in TERMINAL


def has_sentence_punct(text: str) -> bool:
    return any(ch in SENTENCE_PUNCT for ch in text)


def undouble(text: str) -> list[tuple[int, int, bool]] | None:
    """Split a fake-bold line into (start, end, is_copy) pieces, or None when the line is not doubled.

    Bold type in the PDF is drawn twice, so the text layer repeats every run: "成立成立",
    "市文联市文联““春风…". A line counts as doubled only when it decomposes entirely into
    runs each followed by an identical copy; ordinary text (reduplications such as "认认真真" aside)
    practically never does for a whole line. Offsets index ``text``; spaces are kept with the run.
    """
    seq = "".join(text.split())
    n = len(seq)
    if n < 4 or n > 200:
        return None
    if seq.find(seq[0], 1, n // 2 + 1) < 0:
        return None  # the first run's copy starts with the line's first character, within its first half
    if any(seq.count(ch) % 2 for ch in set(seq)):
        return None  # every run is printed twice, so every character occurs an even number of times
    chars = [(i, ch) for i, ch in enumerate(text) if not ch.isspace()]
    memo: dict[int, tuple[int, ...] | None] = {n: ()}

    def solve(i: int) -> tuple[int, ...] | None:
        if i in memo:
            return memo[i]
        result = None
        for k in range((n - i) // 2, 0, -1):
            if seq[i : i + k] == seq[i + k : i + 2 * k]:
                rest = solve(i + 2 * k)
                if rest is not None:
                    result = (k, *rest)
                    break
        memo[i] = result
        return result

    runs = solve(0)
    if runs is None or (len(runs) == 1 and runs[0] < 3):
        return None
    pieces: list[tuple[int, int, bool]] = []
    i = 0
    for k in runs:
        first = (chars[i][0], chars[i + k - 1][0] + 1, False)
        copy = (chars[i + k][0], chars[i + 2 * k - 1][0] + 1, True)
        pieces.extend([first, copy])
        i += 2 * k
    return pieces


def undoubled_text(text: str) -> str:
    pieces = undouble(text)
    if pieces is None:
        return text
    return "".join(text[s:e] for s, e, copy in pieces if not copy)
