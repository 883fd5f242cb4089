"""Lines and units of one page: the shapes every step of the segmenter reads and passes on.

A :class:`Line` is one non-blank line with its raw offsets; a :class:`Unit` is a run of lines of one
kind (text, lead, byline, caption …) with exact provenance in the page's raw text. The kinds are the
constants below; :mod:`.blocks` classifies, :mod:`.splits` cuts units further, :mod:`.layout` and
:mod:`.headlines` group them, :mod:`.assemble` builds articles and photos from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NON_WS = re.compile(r"\S+")

# unit kinds
TEXT = "text"
LEAD = "lead"  # 本报讯 …
BYLINE = "byline"  # 本报记者 石 磊
COMMENT = "comment"  # □何方舟
BRIEF = "brief"  # ● …
CAPTION = "caption"
PCREDIT = "pcredit"  # photo credit
PAGECREDIT = "pagecredit"
TRAIL = "trail"  # （林间）
AUTHORNOTE = "authornote"  # （作者为…）
HEADER = "header"  # page header / masthead / staff line
FURN = "furn"  # date lines, promo blocks, letter-spaced banners
VERT = "vert"  # vertical headline, one character per line
JUMP = "jump"  # （下转第二版） / （上接第一版）: where a continued story goes on

#: A continuation note, whitespace-free: "（下转第二版）", "（上接第一版）", "转A2版", "接上页".
JUMP_NOTE = re.compile(r"^[（(]?(?:下转|上接|接上|转)(?:第?[一二三四五六七八九十\d]{1,3}版|[A-Z]\d{1,2}版?|页)[）)]?$")

ARROWS = "⬆⬅➡⬇↑←→↓"
#: Circled numbers that number captions (and sometimes briefs).
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
#: Bullets that open an item of a briefs column.
BULLETS = "●•■◆◇▲△★☆○"


class Line:
    """One non-blank line: ``start``/``end`` bound its text without surrounding white space.

    A page has hundreds of lines and every rule reads them, so this is a small slotted class whose
    ``flat`` (the text without white space) is computed once, when the line is cut: lines never change.
    """

    __slots__ = ("blank_before", "end", "flat", "start", "tail_space", "text")

    def __init__(self, start: int, end: int, text: str, blank_before: bool = False, tail_space: bool = False):
        self.start = start
        self.end = end
        self.text = text
        self.blank_before = blank_before
        #: the raw line went on with white space after ``end`` (a space wrapped to the line end can separate names)
        self.tail_space = tail_space
        self.flat = "".join(text.split())

    def __repr__(self) -> str:
        return f"Line({self.start}, {self.end}, {self.text!r}, blank_before={self.blank_before})"


@dataclass
class Unit:
    kind: str
    lines: list[Line]
    blank_before: bool = False
    #: raw offset where the body of a lead/brief unit starts (after "本报讯（…）")
    body_start: int | None = None
    #: raw offset where an inline photo credit starts in a caption unit
    credit_start: int | None = None
    #: fake-bold pieces per line: (start, end, is_copy) in raw offsets
    doubled: list[tuple[int, int, bool]] | None = None
    notes: dict = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def flat(self) -> str:
        return "".join([line.flat for line in self.lines])

    def text_nl(self) -> str:
        """The unit's text with line breaks removed but spaces kept (for name parsing)."""
        return "".join(line.text + (" " if line.tail_space else "") for line in self.lines).rstrip()


def page_lines(raw: str) -> list[Line]:
    lines: list[Line] = []
    offset = 0
    blank = False
    for chunk in raw.splitlines(keepends=True):
        body = chunk.rstrip("\r\n")
        trimmed = body.rstrip()
        stripped = trimmed.lstrip()
        if not stripped:
            blank = True
        else:
            end = offset + len(trimmed)
            lines.append(Line(end - len(stripped), end, stripped, blank, len(trimmed) != len(body)))
            blank = False
        offset += len(chunk)
    return lines


def flat_positions(unit: Unit) -> tuple[str, list[int]]:
    """Whitespace-free text of a unit and the raw offset of each of its characters."""
    chars: list[str] = []
    positions: list[int] = []
    for line in unit.lines:
        for run in _NON_WS.finditer(line.text):
            chars.append(run.group())
            positions.extend(range(line.start + run.start(), line.start + run.end()))
    return "".join(chars), positions


def raw_offset(unit: Unit, index: int) -> int | None:
    """Raw offset of the unit's ``index``-th non-white-space character, None past its end.

    The same as ``flat_positions(unit)[1][index]``, without listing the offsets of every character
    of a long unit to look one of them up.
    """
    for line in unit.lines:
        size = len(line.flat)
        if index >= size:
            index -= size
            continue
        if size == len(line.text):
            return line.start + index  # no white space inside the line
        for run in _NON_WS.finditer(line.text):
            length = run.end() - run.start()
            if index < length:
                return line.start + run.start() + index
            index -= length
    return None
