"""Lines and blocks of one page, each classified by what it looks like on its own.

A page's lines are cut into blocks at blank lines, and blocks are cut again where a line starts
something of its own (a 本报讯 lead, a byline, a photo credit, a "●" brief…). Each resulting
:class:`Unit` knows its character spans in the page's raw text, so every later decision keeps
exact provenance. What a plain text block *is* (body, headline, caption) depends on its
neighbours and is decided in :mod:`.layout`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from operator import attrgetter

from . import credits as cr
from .pages import PAGE_NUMBER_LINE, header_kind, is_date_line
from .profiles import WIRE_AGENCIES
from .textfix import cells, ends_sentence, has_sentence_punct, is_cjk, undouble

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
#: Bullets that open an item of a briefs column.
BULLETS = "●•■◆◇▲△★☆○"
_PICTURE_LEAD = re.compile(r"^(图为|(上|下|左|右|中)图|图[①-⑳\d])")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
#: A numbered caption ("①不少居民趁周末到公园内游玩"): a circled number, then one short sentence
#: at most (a numbered item with several sentences is a brief).
_NUMBERED_CAPTION = re.compile(rf"^[{_CIRCLED}][^。；;！!？?]{{4,60}}。?$")
_QR = re.compile(r"^扫(描)?图?[①-⑳\d]?二维码|^扫图[①-⑳\d]")
_PROMO = ("公众号", "微信号", "扫码关注", "客户端", "视频号", "抖音号", "订阅", "热线", "邮发代号", "联系电话")
#: A promo or notice block is at most this long (a subscription notice with its phone number).
PROMO_MAX = 40


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


_line_start = attrgetter("start")


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


#: Where one line holds the start of a second item (a rewrap or a narrow column glued them): a lead,
#: a QR caption, an arrow caption or a brief after a finished sentence.
_INNER_START = re.compile(
    r"(?<=[。！？”）)])\s*(?=扫图[①-⑳\d]|[⬆⬅➡⬇]|●)|(?<=[^\s●•■◆◇▲△★☆○])\s*(?=本报讯[（(\s])"
    r"|^[（(](?:上接|接上)[^（）()]{1,8}[）)]\s*(?=\S)|(?<=\S)\s*(?=[（(](?:下转|转)[^（）()]{1,8}[）)]$)"
)
#: What every ``_INNER_START`` cut stands right before; a page is searched for it once, and only the
#: lines that hold it after their first character are tried.
_INNER_HINT = re.compile(r"扫图|[⬆⬅➡⬇●]|本报讯|上接|接上|下转|转")


def _cut_lines(raw: str, lines: list[Line]) -> list[Line]:
    """All lines of a page, each cut where a second item starts inside it (see ``_cut_line``).

    A page holds few hints, so each hint finds its line by bisection rather than every line being
    compared with the hints.
    """
    to_cut: set[int] = set()
    for match in _INNER_HINT.finditer(raw):
        hint = match.start()
        index = bisect_right(lines, hint, key=_line_start) - 1
        if index >= 0 and lines[index].start < hint < lines[index].end:
            to_cut.add(index)
    if not to_cut:
        return lines
    out: list[Line] = []
    for index, line in enumerate(lines):
        if index in to_cut:
            out.extend(_cut_line(line))
        else:
            out.append(line)
    return out


def _cut_line(line: Line) -> list[Line]:
    """Cut a line where a second item starts inside it (see ``_INNER_START``)."""
    cuts = [match.end() for match in _INNER_START.finditer(line.text) if match.end() > 0]
    if not cuts:
        return [line]
    pieces: list[Line] = []
    begin = 0
    for cut in [*cuts, len(line.text)]:
        text = line.text[begin:cut]
        stripped = text.strip()
        if stripped:
            lead = len(text) - len(text.lstrip())
            start = line.start + begin + lead
            pieces.append(Line(start, start + len(stripped), stripped, line.blank_before and not pieces))
        begin = cut
    return pieces


def _raw_blocks(lines: list[Line]) -> list[list[Line]]:
    blocks: list[list[Line]] = []
    for line in lines:
        if line.blank_before or not blocks:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


#: The first characters the rules of ``line_kind`` after the header, lead and byline checks look for:
#: a brief's bullet, a page or photo credit or source, a comment mark, an author note, a trailing
#: credit, a caption (arrow, QR code, picture lead). A line that starts otherwise and holds no 摄 (a
#: photo credit) is plain text, which most lines are, so they skip the rules' patterns.
_RULE_STARTS = frozenset("●•（(□◎扫图上下左右中本视资网新拍" + BULLETS + ARROWS + _CIRCLED)
#: What a lead holds near its start (…讯, …电); only such lines are matched against the lead forms.
_LEAD_HINT = re.compile(r"^.{0,12}讯|^.{0,18}电")
#: What a byline line holds: a role word or a "/文" "/图" mark. Only such short lines are parsed as one.
_BYLINE_HINT = re.compile(r"记|通\s*讯|实\s*习|评\s*论\s*员|主\s*持|撰\s*稿|[/／]\s*[文图]")


def line_kind(line: Line, first_in_block: bool, header: str | None = None) -> str | None:
    """The kind a line has on its own, or None for plain text (``header``: its ``header_kind``, when
    the caller has it already)."""
    flat = line.flat
    if not flat:
        return None
    if header if header is not None else header_kind(flat, line.text):
        return HEADER
    if len(flat) <= 12 and JUMP_NOTE.match(flat):
        return JUMP
    if first_in_block and is_date_line(flat):
        return FURN
    if _LEAD_HINT.match(flat) and cr.lead_match(flat):
        return LEAD
    if len(flat) <= 50 and _BYLINE_HINT.search(line.text) and cr.byline_credits(line.text) is not None:
        return BYLINE
    if flat[0] not in _RULE_STARTS and "摄" not in flat and not flat.endswith("图"):
        return None
    if flat[0] in BULLETS and len(flat) > 1:
        return BRIEF
    if cr.PAGE_CREDIT.match(flat) or cr.PAGE_SOURCE.match(flat):
        return PAGECREDIT
    spaced_or_role = " " in line.text or flat.lstrip("（(").startswith(("本报", "记者", "通讯员", *WIRE_AGENCIES))
    if cr.PHOTO_SOURCE.match(flat) or (spaced_or_role and cr.is_photo_credit(flat)) or cr.photo_credit(flat)[0]:
        return PCREDIT
    if cr.COMMENT_BYLINE.match(flat):
        return COMMENT
    if cr.AUTHOR_NOTE.match(flat):
        return AUTHORNOTE
    if flat[0] in "（(" and flat[-1] in "）)" and cr.trailing_names(line.text) and len(flat) <= 20:
        return TRAIL
    if flat[0] in ARROWS or _QR.match(flat):
        return CAPTION
    if first_in_block and _PICTURE_LEAD.match(flat):
        return CAPTION
    if first_in_block and _NUMBERED_CAPTION.match(flat):
        return CAPTION
    return None


#: A section name printed beside a page's number and date: a few characters, no punctuation.
_SECTION_NAME = re.compile(r"^[\u4e00-\u9fff·]{1,6}$")


def _header_run(block: list[Line], headers: list[str], page_edge: bool = False) -> set[int]:
    """Lines of a block that belong to the page header around a line that certainly is one.

    A header is often printed over several lines ("A05" / "要 闻" / "2020年1月1日 星期三" /
    "责编：…"): next to a masthead, dated or staff line, a bare page number ("A03", "05", "第1版 要闻")
    and a short section name are header lines too. Away from such a line, a "05" is just text. In a
    short block at the very top or bottom of a page, a page number with a capital ("A08 综合") is
    certain on its own.
    """
    certain = [
        index
        for index, line in enumerate(block)
        if headers[index]
        or is_date_line(line.flat)
        or (page_edge and len(block) <= 3 and PAGE_NUMBER_LINE.match(line.text) and not line.flat.isdigit())
    ]
    if not certain:
        return set()
    found = set(certain)
    for start in certain:
        for step in (-1, 1):
            index = start + step
            while 0 <= index < len(block) and index not in found:
                line = block[index]
                if not (PAGE_NUMBER_LINE.match(line.text) or _SECTION_NAME.match(line.flat)):
                    break
                found.add(index)
                index += step
    return found


def _is_vertical(line: Line) -> bool:
    return len(line.flat) == 1 and is_cjk(line.flat)


def _credit_tail(block: list[Line]) -> int | None:
    """Index of the first line of a photo credit that ends the block ("本报记者 钱多" / "多 摄")."""
    if not block[-1].flat.rstrip("）)").endswith("摄"):
        return None  # every candidate tail ends with the block's last line
    # a credit is short: only the last lines up to a credit's length can hold one, so the tails are
    # grown from the end and the search stops there (a block of thousands of lines costs no more)
    start = len(block)
    size = 0
    while start > 0 and size + len(block[start - 1].flat) <= cr.CREDIT_MAX:
        start -= 1
        size += len(block[start].flat)
    for i in range(start, len(block)):
        tail = "".join(line.flat for line in block[i:])
        if tail.rstrip("）)").endswith("摄") and cr.is_photo_credit(tail):
            role = tail.lstrip("（(").startswith(("本报", "记者", "通讯员"))
            spaced = role or any(" " in line.text for line in block[i:])
            # an unspaced "…拍摄" line ending a paragraph is text, unless it stands alone after a sentence
            if spaced or i == 0 or ends_sentence(block[i - 1].text):
                return i
    return None


def split_units(raw: str) -> list[Unit]:
    """Cut a page into classified units."""
    units: list[Unit] = []
    lines = _cut_lines(raw, page_lines(raw))
    blocks = [piece for whole in _raw_blocks(lines) for piece in _cut_repeated(whole)]
    for block_index, block in enumerate(blocks):
        blank_before = block[0].blank_before
        repeated = _repeated_pieces(block)
        if repeated is not None:
            units.append(Unit(TEXT, block, blank_before, doubled=repeated, notes={"repeated": True}))
            continue
        # vertical headline: a block of one-character lines
        if len(block) >= 3 and all(_is_vertical(line) for line in block):
            units.append(Unit(VERT, block, blank_before))
            continue
        # promo block ("某区头条" / "微信公众号")
        if len(block) <= 4:
            flat = "".join(line.flat for line in block)
            promo = any(word in flat for word in _PROMO) and not any(header_kind(ln.flat, ln.text) for ln in block)
            if promo and len(flat) <= PROMO_MAX and not has_sentence_punct(flat):
                units.append(Unit(FURN, block, blank_before))
                continue
        tail = _credit_tail(block)
        body = block if tail is None else block[:tail]
        headers = [header_kind(line.flat, line.text) or "" for line in body]
        header_lines = _header_run(body, headers, page_edge=block_index in (0, len(blocks) - 1))
        current: Unit | None = None
        for index, line in enumerate(body):
            kind = HEADER if index in header_lines else line_kind(line, index == 0, headers[index])
            if kind is None and _LEAD_START.match(line.flat) and _wrapped_lead_at(body, index):
                kind = LEAD
            if kind is None:
                if current is None or current.kind in (
                    HEADER,
                    JUMP,
                    FURN,
                    BYLINE,
                    COMMENT,
                    PCREDIT,
                    PAGECREDIT,
                    TRAIL,
                    AUTHORNOTE,
                ):
                    current = Unit(TEXT, [line], blank_before if index == 0 else False)
                    units.append(current)
                else:
                    current.lines.append(line)
                continue
            current = Unit(kind, [line], blank_before if index == 0 else False)
            units.append(current)
        if tail is not None:
            units.append(Unit(PCREDIT, block[tail:], blank_before if tail == 0 else False))
    units = [piece for unit in units for piece in _split_bare_names(unit)]
    units = _split_at_photo_credits(units)
    units = [piece for unit in units for piece in _split_opening_title(unit)]
    units = _split_glued_headlines(units)
    units = [piece for unit in units for piece in _split_captions(unit)]
    for unit in units:
        _annotate(unit)
    return units


#: A caption is at most this many lines; a longer text before a credit holds body text above it.
CAPTION_MAX_LINES = 8


def _split_at_photo_credits(units: list[Unit]) -> list[Unit]:
    """Captions inside longer text, as an extractor that writes no blank lines leaves them: a text
    unit is cut after every line that ends with a photo credit glued to a caption's last sentence
    ("…完成合龙。  张三摄（某某视觉）"), and the caption is cut from the body above it at the
    last sentence end before the caption's own. A text unit right above a credit line is cut the
    same way when it is too long to be one caption."""
    out: list[Unit] = []
    for index, unit in enumerate(units):
        if unit.kind != TEXT or len(unit.lines) < 2 or unit.notes.get("repeated"):
            out.append(unit)
            continue
        nxt = units[index + 1] if index + 1 < len(units) else None
        credit_below = nxt is not None and nxt.kind == PCREDIT and not nxt.blank_before
        lines = unit.lines
        cuts: list[int] = []
        start = 0
        for end in range(len(lines)):
            credit_line = _credit_ending_at(lines, end)
            last = end == len(lines) - 1
            if credit_line is None and not (last and credit_below):
                continue
            if credit_line is None:
                credit_line, glued = end + 1, False
            else:
                credit_line, glued = credit_line
            caption = _caption_start(lines, start, credit_line, glued)
            if caption > start:
                cuts.append(caption)
            if not last:
                cuts.append(end + 1)
            start = end + 1
        if not cuts:
            out.append(unit)
            continue
        begin = 0
        for cut in [*cuts, len(lines)]:
            if cut > begin:
                out.append(Unit(TEXT, lines[begin:cut], unit.blank_before if begin == 0 else False))
            begin = cut
    return out


def _credit_ending_at(lines: list[Line], end: int) -> tuple[int, bool] | None:
    """(the line a photo credit starts on, whether it is glued after text on that line) when a
    credit glued after a caption's last sentence ends with line ``end``."""
    if lines[end].flat[-1:] not in "摄）)图道":
        return None  # every credit ends so: most lines are turned away before any text is joined
    first = max(0, end - 2)
    texts = [line.text + (" " if line.tail_space else "") for line in lines[first : end + 1]]
    joined = "".join(texts)
    at = cr.trailing_photo_credit(joined)
    if at is None:
        return None
    for offset, text in enumerate(texts):
        if at < len(text):
            return first + offset, bool(text[:at].strip())
        at -= len(text)
    return None


def _caption_start(lines: list[Line], start: int, credit_line: int, glued: bool) -> int:
    """Where the caption ending at ``credit_line`` begins: after the last line above it that ends a
    sentence, when the text from ``start`` is too long to be one caption."""
    last_caption_line = credit_line if glued else credit_line - 1
    if last_caption_line - start + 1 <= CAPTION_MAX_LINES:
        return start
    for index in range(last_caption_line - 1, start - 1, -1):
        if ends_sentence(lines[index].text):
            return index + 1
    return start


#: How a lead's first line starts (its source, or a place before 讯): only such lines are tried as
#: the start of a lead wrapped over several lines.
_LEAD_START = re.compile(r"^(?:本|新华|中新|.{0,3}[报网]|.{2,4}讯)")


def _wrapped_lead_at(lines: list[Line], index: int) -> bool:
    """Does a lead wrapped over several lines start at ``index``: at the block's start, after a
    finished sentence, or under a title?"""
    after_title = index == 0 or ends_sentence(lines[index - 1].text) or _title_above(lines, index)
    return after_title and _wrapped_lead(lines, index)


def _title_above(lines: list[Line], index: int) -> bool:
    """Do the block's lines above ``index`` read as a title (at most three, no sentence punctuation)?"""
    return 0 < index <= 4 and not any(has_sentence_punct(line.flat) for line in lines[:index])


#: A title's last line is shorter than this share of the column the text below it fills.
TITLE_SHORT_LINE = 0.5


def _split_opening_title(unit: Unit) -> list[Unit]:
    """A block that opens with its story's title and runs straight into the body, as an extractor
    writes it when there is no blank line (or no lead) below the title: "古镇老街又见" / "烟火气" /
    "清晨，…". The title is two to four lines (one line above a body is the body's first line)
    without sentence punctuation (one comma
    allowed in a title of two lines or more), its last line is short of the column, and at least
    two lines of text follow it."""
    if unit.kind != TEXT or unit.doubled or len(unit.lines) < 4:
        return [unit]
    lines = unit.lines
    if any(mark in lines[0].flat for mark in "。；;！!？?：:、"):
        return [unit]  # the first line holds a sentence's end: it opens a paragraph, not a title
    widths = sorted(cells(line.text) for line in lines)
    column = widths[len(widths) * 3 // 4]
    for size in (1, 2, 3, 4):
        title, rest = lines[:size], lines[size:]
        if len(rest) < 2:
            break
        flat = "".join(line.flat for line in title)
        commas = flat.count("，") + flat.count(",")
        if any(mark in flat for mark in "。；;！!？?：:、") or commas > 1:
            break
        if commas and ("，" in title[-1].flat or "," in title[-1].flat):
            continue  # a comma is allowed inside a title, not on its last line
        # the title ends where the body starts: a line with sentence punctuation, or a lead
        body_starts = has_sentence_punct(rest[0].flat) or _wrapped_lead(rest, 0) or cr.lead_match(rest[0].flat)
        if not body_starts:
            continue
        if size == 1:
            return [unit]  # one line above a body is its first line, not a title
        if cells(title[-1].text) >= TITLE_SHORT_LINE * column:
            return [unit]
        return [Unit(TEXT, title, unit.blank_before, notes={"title": True}), Unit(TEXT, rest, False)]
    return [unit]


#: Two or three names standing on their own line ("张三丰 李四"): a credit, after a body's last sentence.
_BARE_NAMES = re.compile(r"^[\u4e00-\u9fff]{2,3}(?:[ \u3000]+[\u4e00-\u9fff]{2,3}){1,2}$")


def _split_bare_names(unit: Unit) -> list[Unit]:
    """A text block whose last line is nothing but names, right under its last sentence, ends with
    its story's trailing credit: the names become a credit unit of their own (were they left in the
    text, the next story could take them for its byline)."""
    if unit.kind != TEXT or len(unit.lines) < 2:
        return [unit]
    last, before = unit.lines[-1], unit.lines[-2]
    if not _BARE_NAMES.match(last.text) or not ends_sentence(before.text):
        return [unit]
    return [Unit(TEXT, unit.lines[:-1], unit.blank_before), Unit(TRAIL, [last], False, notes={"bare_names": True})]


def _wrapped_lead(lines: list[Line], index: int) -> bool:
    """A lead wrapped over the next lines of a narrow column ("本报某地5月6日" / "电  （记者…）")."""
    first = lines[index].flat
    if not first or first[0] in BULLETS:
        return False
    joined = "".join(line.flat for line in lines[index : index + 3])
    if not _LEAD_HINT.match(joined):
        return False
    match = cr.lead_match(joined)
    return match is not None and match.end() > len(first)


def _cut_repeated(block: list[Line]) -> list[list[Line]]:
    """Cut a block around runs of lines printed twice in a row ("小小土豆变成" / "小小土豆变成"):
    an extractor writes a fake-bold line drawn twice as two lines, often with no blank line around
    it, so the run is a headline of its own amid the text."""
    pieces: list[list[Line]] = []
    current: list[Line] = []
    index = 0
    while index < len(block):
        end = index
        while end + 1 < len(block) and _same_line(block[end], block[end + 1]):
            end += 2
        if end > index:
            titles = _title_lines_before(current)
            if titles:
                head, current = current[:-titles], current[-titles:]
                if head:
                    pieces.append(head)
            if current:
                pieces.append(current)
            pieces.append(block[index:end])
            current = []
            index = end
            continue
        current.append(block[index])
        index += 1
    if current:
        pieces.append(current)
    return pieces


def _title_lines_before(lines: list[Line]) -> int:
    """How many of the last lines (at most two) are a kicker printed above a repeated headline: lines
    without sentence punctuation right after a line that ends a sentence (or at the block start)."""
    for count in (2, 1):
        if len(lines) < count:
            continue
        tail = lines[-count:]
        if any(has_sentence_punct(line.flat) for line in tail):
            continue
        if len(lines) == count or ends_sentence(lines[-count - 1].text):
            return count
    return 0


def _same_line(line: Line, other: Line) -> bool:
    return len(line.flat) >= 2 and line.flat == other.flat


def _repeated_pieces(block: list[Line]) -> list[tuple[int, int, bool]] | None:
    """The (start, end, is_copy) pieces of a run of repeated lines, or None when the block is not one."""
    if (
        len(block) < 2
        or len(block) % 2
        or not all(_same_line(a, b) for a, b in zip(block[::2], block[1::2], strict=True))
    ):
        return None
    pieces = []
    for first, copy in zip(block[::2], block[1::2], strict=True):
        pieces += [(first.start, first.end, False), (copy.start, copy.end, True)]
    return pieces


def _split_glued_headlines(units: list[Unit]) -> list[Unit]:
    """A headline printed right above a lead with no blank line between them and the body before:
    "…工作任务。" / "某区部署防汛工作" / "本报讯（…）". The last lines of the text unit, when they
    hold no sentence punctuation and follow a finished sentence, become a unit of their own."""
    out: list[Unit] = []
    for index, unit in enumerate(units):
        nxt = units[index + 1] if index + 1 < len(units) else None
        glued = nxt is not None and nxt.kind in (LEAD, BYLINE, COMMENT) and not nxt.blank_before
        if unit.kind in (TEXT, LEAD, BRIEF) and glued and len(unit.lines) >= 2:
            for size in (1, 2, 3):
                head, tail = unit.lines[:-size], unit.lines[-size:]
                text = "".join(line.flat for line in tail)
                if not head or len(text) > 40 or has_sentence_punct(text):
                    break
                if ends_sentence(head[-1].text):
                    out.append(Unit(unit.kind, head, unit.blank_before))
                    unit = Unit(TEXT, tail, False)
                    break
        out.append(unit)
    return out


_NEXT_CAPTION = re.compile(r"(?<=[。！？”])(?=扫图[①-⑳\d]|[⬆⬅➡⬇])")


def _split_captions(unit: Unit) -> list[Unit]:
    """Captions run together ("…视频。扫图②二维码…", even across a line break) become one unit each."""
    if unit.kind != CAPTION:
        return [unit]
    flat, positions = flat_positions(unit)
    cuts = [positions[match.start()] for match in _NEXT_CAPTION.finditer(flat) if 0 < match.start() < len(flat)]
    if not cuts:
        return [unit]
    pieces: list[Unit] = []
    current = Unit(CAPTION, [], unit.blank_before)
    for line in unit.lines:
        for cut in [c for c in cuts if line.start < c < line.end]:
            head = line.text[: cut - line.start].rstrip()
            if head:
                current.lines.append(Line(line.start, line.start + len(head), head, line.blank_before))
            pieces.append(current)
            current = Unit(CAPTION, [])
            line = Line(cut, line.end, line.text[cut - line.start :], False, line.tail_space)
        if line.start in cuts and current.lines:
            pieces.append(current)
            current = Unit(CAPTION, [])
        current.lines.append(line)
    pieces.append(current)
    return [piece for piece in pieces if piece.lines]


def _annotate(unit: Unit) -> None:
    """Unit-level details: where a lead ends, an inline photo credit, fake-bold pieces."""
    if unit.kind in (LEAD, BRIEF):
        unit.body_start = _lead_end(unit)
    if unit.kind in (TEXT, CAPTION):
        unit.credit_start = _inline_credit(unit)
    if unit.kind == TEXT and len(unit.lines) <= 4 and not unit.notes.get("repeated"):
        pieces: list[tuple[int, int, bool]] = []
        for line in unit.lines:
            found = undouble(line.text)
            if found is None:
                pieces = []
                break
            pieces.extend((line.start + s, line.start + e, copy) for s, e, copy in found)
        if pieces:
            unit.doubled = pieces


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


def _lead_end(unit: Unit) -> int | None:
    if unit.kind == BRIEF:
        match = cr.lead_match(unit.flat[1:])
        return raw_offset(unit, 1 + (match.end() if match else 0))
    match = cr.lead_match(unit.flat)
    if not match:
        return None
    return raw_offset(unit, match.end())


def _inline_credit(unit: Unit) -> int | None:
    """Raw offset where a photo credit ending the unit starts: "…的方法。林间摄", "…灭火方法 林 间 摄",
    "…收获山药。新华社发（李四摄）"; None when the unit ends with none."""
    flat = unit.flat
    if len(flat) < 8 or flat[-1] not in "摄）)图道":
        return None
    text = unit.text_nl()
    if flat.rstrip("）)").endswith("摄"):
        match = cr.INLINE_PHOTO_CREDIT.search(flat)
        if match:
            return raw_offset(unit, match.start())
        spaced = cr.SPACED_PHOTO_CREDIT.search(text)
        if spaced:
            # map the match start in the newline-free text back to a raw offset
            return raw_offset(unit, len("".join(text[: spaced.start(1)].split())))
    at = cr.trailing_photo_credit(text)
    if at is None:
        return None
    return raw_offset(unit, len("".join(text[:at].split())))
    if not flat.rstrip("）)").endswith("摄"):
        at = cr.trailing_photo_credit(unit.text_nl()) if flat[-1] in "）)图道" else None
        if at is None:
            return None
        return raw_offset(unit, len("".join(unit.text_nl()[:at].split())))
    match = cr.INLINE_PHOTO_CREDIT.search(flat)
    if match:
        return raw_offset(unit, match.start())
    text = unit.text_nl()
    spaced = cr.SPACED_PHOTO_CREDIT.search(text)
    if spaced:
        # map the match start in the newline-free text back to a raw offset
        index = spaced.start(1)
        count = len("".join(text[:index].split()))
        return raw_offset(unit, count)
    return None
