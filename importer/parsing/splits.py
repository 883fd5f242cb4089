"""Units cut further where a text layer runs two things into one block.

An extractor that writes no blank lines (or a narrow column that glues lines) leaves a caption inside
body text, a title above its body, a headline drawn twice as two lines, a credit under a story's last
line. Each function here finds one of these by the shape of the lines and cuts the unit there, so the
units that reach the layout are each one thing.
"""

from __future__ import annotations

import re

from . import credits as cr
from .textfix import cells, ends_sentence, has_sentence_punct, undouble
from .units import (
    BRIEF,
    BULLETS,
    BYLINE,
    CAPTION,
    COMMENT,
    FURN,
    HEADER,
    JUMP,
    LEAD,
    PCREDIT,
    TEXT,
    TRAIL,
    Line,
    Unit,
    flat_positions,
)

#: A caption is at most this many lines; a longer text before a credit holds body text above it.
CAPTION_MAX_LINES = 8


def split_at_photo_credits(units: list[Unit]) -> list[Unit]:
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
LEAD_START = re.compile(r"^(?:本|新华|中新|.{0,3}[报网]|.{2,4}讯)")


def wrapped_lead_at(lines: list[Line], index: int) -> bool:
    """Does a lead wrapped over several lines start at ``index``: at the block's start, after a
    finished sentence, or under a title?"""
    after_title = index == 0 or ends_sentence(lines[index - 1].text) or _title_above(lines, index)
    return after_title and _wrapped_lead(lines, index)


def _title_above(lines: list[Line], index: int) -> bool:
    """Do the block's lines above ``index`` read as a title (at most three, no sentence punctuation)?"""
    return 0 < index <= 4 and not any(has_sentence_punct(line.flat) for line in lines[:index])


#: A title's last line is shorter than this share of the column the text below it fills.
TITLE_SHORT_LINE = 0.5


def split_opening_title(unit: Unit) -> list[Unit]:
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
    signed = _signed_title(lines)
    if signed:
        return signed
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


def _signed_title(lines: list[Line]) -> list[Unit] | None:
    """A block that opens with a title, then its author's name on a line of its own, then the body
    ("某事不能只走过场" / "张三丰" / "最近，…"): commentary pages print their pieces so, and an extractor
    that writes no blank lines runs the three together. None when the block does not open so."""
    for size in (1, 2):
        if len(lines) < size + 2:
            return None
        title, name, body = lines[:size], lines[size], lines[size + 1 :]
        if any(has_sentence_punct(line.flat) or "：" in line.flat for line in title):
            return None
        spaced = " " in name.text.strip()
        if not cr.BARE_NAME.match(name.text):
            continue
        if not spaced and len(name.flat) >= len("".join(line.flat for line in title)):
            continue
        if not has_sentence_punct(body[0].flat):
            continue
        column = max(cells(line.text) for line in body[:4])
        if not spaced and cells(title[-1].text) > TITLE_SHORT_LINE * 1.2 * column:
            continue  # a title that fills the column wraps: its last piece is no name ("…恢" / "复热闹")
        return [
            Unit(TEXT, title, title[0].blank_before, notes={"title": True}),
            Unit(BYLINE, [name], False, notes={"bare_name": True}),
            Unit(TEXT, body, False),
        ]
    return None


#: A brief's title line stands short of the column its text fills.
TITLE_SHORT_OF_COLUMN = 0.85


def split_titled_brief(unit: Unit) -> list[Unit]:
    """A bulleted item that opens with its own title and runs into its text ("◆某局" / "排查隐患" /
    "某局日前启动…"): the title lines are cut off (the layout then reads them as a headline). The
    title holds no punctuation, its last line stands short of the column the text fills, and the text
    after it holds sentence punctuation within its first lines."""
    lines = unit.lines
    if unit.kind != BRIEF or len(lines) < 3:
        return [unit]
    for size in (1, 2, 3):
        title, rest = lines[:size], lines[size:]
        if len(rest) < 2:
            break
        flat = "".join(line.flat for line in title).strip(BULLETS)
        if not _title_text(flat):
            break
        column = max(cells(line.text) for line in rest)
        if cells(title[-1].text) > TITLE_SHORT_OF_COLUMN * column:
            continue
        if not any(has_sentence_punct(line.flat) for line in rest[:3]):
            continue
        return [Unit(BRIEF, title, unit.blank_before), Unit(TEXT, rest, False)]
    return [unit]


def split_bare_names(unit: Unit) -> list[Unit]:
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
    if not cr.LEAD_HINT.match(joined):
        return False
    match = cr.lead_match(joined)
    return match is not None and match.end() > len(first)


def cut_repeated(block: list[Line]) -> list[list[Line]]:
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


def repeated_pieces(block: list[Line]) -> list[tuple[int, int, bool]] | None:
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


#: What may stand right after a block whose last lines are a headline printed under its body: a new
#: story's start, page furniture or the page's end (not running text, which would continue a sentence).
_AFTER_CLOSING_TITLE = (LEAD, BYLINE, COMMENT, BRIEF, HEADER, FURN, JUMP, CAPTION, PCREDIT)
#: Marks a headline may hold; any other punctuation makes a line running text.
_TITLE_MARKS = set("“”‘’《》·—「」")


def _title_text(text: str) -> bool:
    """Does the text hold nothing but letters, digits and the marks a headline may hold?"""
    return all(ch.isalnum() or ch in _TITLE_MARKS for ch in text)


#: How a news story's first paragraph opens: a date, or a word for when ("近日", "今年以来").
STORY_OPENING = re.compile(r"^(?:\d{1,2}月\d{1,2}日|近日|日前|近期|今年以来|昨天|昨日|今天|今日|记者从|记者近日)")


def opens_story(flat: str) -> bool:
    """Does a paragraph open the way a news story's first paragraph does?"""
    return bool(STORY_OPENING.match(flat))


def _signature_like(text: str) -> bool:
    """A short sign-off under a last sentence ("网友", "读者 ab12"): a few characters, or a handle."""
    return len(text) <= 4 or any(ch.isascii() and ch.isalpha() for ch in text)


def _ends_story_line(text: str) -> bool:
    """Does a line end a story's text: a sentence, or a credit after the last one?"""
    return ends_sentence(text) or cr.trailing_credits(text) is not None or cr.glued_credit(text) is not None


def split_glued_headlines(units: list[Unit]) -> list[Unit]:
    """Headlines glued to the body before them with no blank line: printed right above the next
    lead ("…工作任务。" / "某区部署防汛工作" / "本报讯（…）"), or printed under their own body at the
    end of its block ("…127处。" / "某村小游园扮靓乡村", then a blank line and the next story). The
    last lines of the text unit, when they hold no sentence punctuation (no punctuation at all for a
    headline closing its block) and follow a finished sentence, become a unit of their own."""
    out: list[Unit] = []
    for index, unit in enumerate(units):
        nxt = units[index + 1] if index + 1 < len(units) else None
        above_lead = nxt is not None and nxt.kind in (LEAD, BYLINE, COMMENT) and not nxt.blank_before
        closing = nxt is None or (
            nxt.blank_before and (nxt.kind in _AFTER_CLOSING_TITLE or (nxt.kind == TEXT and opens_story(nxt.flat)))
        )
        bold_tail = unit.kind in (TEXT, LEAD, BRIEF) and len(unit.lines) >= 2 and undouble(unit.lines[-1].text)
        if unit.kind in (TEXT, LEAD, BRIEF) and (above_lead or closing or bold_tail) and len(unit.lines) >= 2:
            for size in (1, 2, 3):
                head, tail = unit.lines[:-size], unit.lines[-size:]
                if bold_tail and not (above_lead or closing) and not all(undouble(line.text) for line in tail):
                    break  # a fake-bold headline closes its block by itself; plain lines need a closing context
                text = "".join(line.flat for line in tail)
                if not head or len(text) > 40 or has_sentence_punct(text):
                    break
                if not above_lead and (not _title_text(text) or _signature_like(text)):
                    break
                if _ends_story_line(head[-1].text):
                    out.append(Unit(unit.kind, head, unit.blank_before))
                    unit = Unit(TEXT, tail, False)
                    break
        out.append(unit)
    return out


_NEXT_CAPTION = re.compile(r"(?<=[。！？”])(?=扫图[①-⑳\d]|[⬆⬅➡⬇])")


def split_captions(unit: Unit) -> list[Unit]:
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
