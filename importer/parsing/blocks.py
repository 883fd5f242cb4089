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
from operator import attrgetter

from . import credits as cr
from .pages import PAGE_NUMBER_LINE, header_kind, is_date_line
from .profiles import WIRE_AGENCIES
from .splits import (
    LEAD_START,
    cut_repeated,
    repeated_pieces,
    split_at_photo_credits,
    split_bare_names,
    split_captions,
    split_glued_headlines,
    split_opening_title,
    split_titled_brief,
    wrapped_lead_at,
)
from .textfix import ends_sentence, has_sentence_punct, is_cjk, undouble
from .units import (
    ARROWS,
    AUTHORNOTE,
    BRIEF,
    BULLETS,
    BYLINE,
    CAPTION,
    CIRCLED,
    COMMENT,
    FURN,
    HEADER,
    JUMP,
    JUMP_NOTE,
    LEAD,
    PAGECREDIT,
    PCREDIT,
    TEXT,
    TRAIL,
    VERT,
    Line,
    Unit,
    page_lines,
    raw_offset,
)

_PICTURE_LEAD = re.compile(r"^(图为|(上|下|左|右|中)图|图[①-⑳\d])")
#: A numbered caption ("①不少居民趁周末到公园内游玩"): a circled number, then one short sentence
#: at most (a numbered item with several sentences is a brief).
_NUMBERED_CAPTION = re.compile(rf"^[{CIRCLED}][^。；;！!？?]{{4,60}}。?$")
_QR = re.compile(r"^扫(描)?图?[①-⑳\d]?二维码|^扫图[①-⑳\d]")
_PROMO = ("公众号", "微信号", "扫码关注", "客户端", "视频号", "抖音号", "订阅", "热线", "邮发代号", "联系电话")
#: A promo or notice block is at most this long (a subscription notice with its phone number).
PROMO_MAX = 40
_line_start = attrgetter("start")

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
_RULE_STARTS = frozenset("●•（(□◎扫图上下左右中本视资网新拍" + BULLETS + ARROWS + CIRCLED)
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
    if cr.LEAD_HINT.match(flat) and cr.lead_match(flat):
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
    blocks = [piece for whole in _raw_blocks(lines) for piece in cut_repeated(whole)]
    for block_index, block in enumerate(blocks):
        blank_before = block[0].blank_before
        repeated = repeated_pieces(block)
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
            if kind is None and LEAD_START.match(line.flat) and wrapped_lead_at(body, index):
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
    units = [piece for unit in units for piece in split_bare_names(unit)]
    units = [piece for unit in units for piece in split_titled_brief(unit)]
    units = split_at_photo_credits(units)
    units = [piece for unit in units for piece in split_opening_title(unit)]
    units = split_glued_headlines(units)
    units = [piece for unit in units for piece in split_captions(unit)]
    for unit in units:
        _annotate(unit)
    return units


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
