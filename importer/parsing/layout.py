"""What plain text blocks are (body, headline, caption), and which way the paper prints headlines.

Headlines are short blocks without sentence punctuation. Consecutive headline blocks form a
:class:`Group` (banner, kicker 引题, headline, subheadline ——副题). Some papers' text layers put
the headline after its body, others before; :func:`orientation` decides per file from evidence
that only one reading explains (a headline at the top of a page right before a 本报讯 lead, a
headline stranded after the last body of a page, a ——subheadline right before a byline), and only
falls back to the line width when the file gives no evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from . import credits as cr
from . import units as bk
from .profiles import COLUMN_INTROS
from .textfix import cells, clean_headline, ends_sentence, has_sentence_punct, strip_ws, undoubled_text
from .units import Unit

AFTER = "after"
BEFORE = "before"

#: A kicker (引题) is a short label: a place or an organisation.
KICKER_MAX = 8
#: Headlines are at most this many characters (a long two-line headline is about 40).
HEADLINE_MAX = 48
SUBHEADLINE_MAX = 90
#: Page-top labels such as a section name ("要闻速递") are this short.
LABEL_MAX = 5
#: A caption with neither arrow nor credit is one sentence standing alone; longer text is an article.
LONE_CAPTION_MAX = 90
_SUB_MARKS = ("——", "—", "─", "--")


def unit_headline_text(unit: Unit) -> str:
    lines = [line.text for line in unit.lines]
    if unit.kind == bk.VERT:
        return "".join(strip_ws(line) for line in lines)
    if unit.notes.get("repeated"):
        lines = lines[::2]  # each line was printed twice: the copies add nothing
    elif unit.doubled:
        lines = [undoubled_text(line) for line in lines]
    return clean_headline(lines).lstrip(bk.BULLETS).strip()


def is_headline_like(unit: Unit, prev: Unit | None) -> bool:
    """Could this text block be a headline, kicker, subheadline or banner on its own?"""
    if unit.kind == bk.VERT:
        return True
    if unit.kind != bk.TEXT or unit.credit_start is not None:
        return False
    if unit.doubled or unit.notes.get("title"):
        return True
    # a plain text unit's headline text differs from its own text only in white space
    flat = unit.flat
    # a ——subheadline ("——访…") may run long; a headline is a few lines at most
    sub = flat.startswith(_SUB_MARKS)
    if len(unit.lines) > (8 if sub else 4) or not 1 <= len(flat) <= (SUBHEADLINE_MAX if sub else HEADLINE_MAX):
        return False
    if flat[-1] in "、：:（(“，,；;":
        return False
    if has_sentence_punct(flat) and not _asks_or_exclaims(flat):
        return False
    # a column break in mid-sentence: the block continues the text before it (a single line above
    # without a sentence's end in it is no paragraph a column break cut: it may be a headline line)
    body_before = prev is not None and prev.kind in (bk.TEXT, bk.LEAD, bk.BRIEF) and not prev.notes.get("head")
    if body_before and len(prev.lines) == 1 and not any(mark in prev.flat for mark in "。！？；!?;"):
        body_before = False
    return not (body_before and not ends_body(prev.lines[-1].text))


#: A paragraph's line cut off by a column break fills the column, as the body's lines do.
COLUMN_FILL = 0.6
#: ... and is at most this much wider than the column's widest line (justification spaces).
COLUMN_OVERFILL = 1.2


def fills_column(unit: Unit, body: Unit) -> bool:
    """Is the unit's first line as wide as the lines of the body after it (a cut-off paragraph line
    rather than a headline, which a larger type sets in fewer characters)?"""
    widths = sorted(cells(line.text) for line in body.lines)
    column = widths[len(widths) // 2]
    width = cells(unit.lines[0].text)
    # a line of that column is no wider than the column: a wider one is set across it (a headline)
    return COLUMN_FILL * column <= width <= COLUMN_OVERFILL * max(widths)


def is_cut_off(items: list[Unit | Group], index: int) -> bool:
    """Is the one-block group at ``index`` a paragraph's first line that a column break cut off from
    the rest of it ("会议还听取" / blank / "了各部门的汇报…")? It stands between a story's text and
    running text that goes on after it, it fills the column that text sets, and the story before
    it did not end with its credit (a credit closes a story, so what follows is another's)."""
    group = items[index]
    prev = items[index - 1] if index else None
    nxt = items[index + 1] if index + 1 < len(items) else None
    if not group.simple or not isinstance(prev, Unit) or not isinstance(nxt, Unit):
        return False
    unit = group.units[0]
    if unit.doubled or unit.notes.get("title"):
        return False  # fake bold and a block's opening title are headlines
    if not unit.blank_before:
        return False  # a column break starts a new box: a line glued under the text is no cut-off line
    if prev.kind not in (bk.TEXT, bk.LEAD) or nxt.kind != bk.TEXT:
        return False
    if cr.trailing_credits(prev.lines[-1].text) is not None:
        return False
    after = items[index + 2] if index + 2 < len(items) else None
    running = (
        (isinstance(after, Unit) and after.kind == bk.TEXT)
        or len(nxt.flat) > LONE_CAPTION_MAX
        or not ends_sentence(nxt.lines[-1].text)
    )
    return running and fills_column(group.units[0], nxt)


def _title_only(unit: Unit) -> bool:
    """A bulleted block holding nothing but a short title (no sentence punctuation)."""
    text = unit.flat.strip(bk.BULLETS)
    return 0 < len(text) <= HEADLINE_MAX and len(unit.lines) <= 4 and not has_sentence_punct(text)


def ends_body(text: str) -> bool:
    """Does a line end a paragraph: a sentence, a closing quote or bracket, or a credit glued after
    the last sentence ("…注意安全。 本报记者 张三")?"""
    if ends_sentence(text) or text.rstrip()[-1:] in "”）)》":
        return True
    return cr.glued_credit(text) is not None


#: How long a headline that ends in ？ or ！ may be ("老旧小区谁来管？"): a sentence of its own
#: that length would be a paragraph of one short question, which bodies rarely print as a block.
QUESTION_HEADLINE_MAX = 24


def _asks_or_exclaims(flat: str) -> bool:
    """A headline that asks or exclaims: one ？ or ！ at its very end and no other sentence mark."""
    if len(flat) > QUESTION_HEADLINE_MAX or flat[-1] not in "？！?!" or has_sentence_punct(flat[:-1]):
        return False
    return not any(mark in flat for mark in "：:")  # "记者：…？" is an interview's question


#: A headline with one comma in it ("守住底线，让群众放心") is only taken for one when it is a
#: single short line right above another headline line or a byline: a cut-off body line looks the same.
COMMA_HEADLINE_MAX = 20


def _comma_headline(unit: Unit, prev: Unit | None, nxt: Unit | None) -> bool:
    """A one-line block with a single comma, after a finished paragraph (or none), right above a
    headline-like block: a headline printed with a comma, not the first line of a paragraph."""
    if unit.kind != bk.TEXT or len(unit.lines) != 1 or unit.credit_start is not None or unit.doubled:
        return False
    flat = unit.flat
    if not 4 <= len(flat) <= COMMA_HEADLINE_MAX or flat[-1] in "，,、：:；;。！？":
        return False
    if sum(flat.count(mark) for mark in "，,") != 1 or any(mark in flat for mark in "。；;！？!?"):
        return False
    if nxt is None or not nxt.notes.get("head"):
        return False
    return (
        prev is None
        or prev.notes.get("head")
        or prev.kind not in (bk.TEXT, bk.LEAD)
        or ends_sentence(prev.lines[-1].text)
    )


def is_bare_name_byline(unit: Unit, prev: Unit | None, nxt: Unit | None) -> bool:
    """A headline-like block that is the author's name: one line shaped like a name, right under a
    longer headline and right above running text (commentary pages sign their pieces this way)."""
    if len(unit.lines) != 1 or unit.doubled or unit.kind != bk.TEXT:
        return False
    text = unit.lines[0].text
    if not cr.BARE_NAME.match(text):
        return False
    # a letter-spaced name ("赵  六") is set as no headline is; an unspaced one needs a longer headline above
    shortest = 4 if " " in text.strip() else 6
    if prev is None or not prev.notes.get("head") or len(prev.flat) < shortest or len(prev.flat) <= len(unit.flat):
        return False
    return nxt is not None and nxt.kind == bk.TEXT and not nxt.notes.get("head")


@dataclass
class Group:
    """Consecutive headline-like units and the role of each."""

    units: list[Unit]
    headline: list[Unit] = field(default_factory=list)
    kicker: Unit | None = None
    subs: list[Unit] = field(default_factory=list)
    furniture: list[Unit] = field(default_factory=list)
    #: whether the group heads the story before it (AFTER) or after it (BEFORE); see :mod:`.headlines`
    direction: str | None = None
    #: the group is a paragraph's first line cut off by a column break (see ``is_cut_off``)
    cut_off: bool = False

    @cached_property
    def text(self) -> str:
        """The headline (read by several rules; a group is complete before any of them asks)."""
        return "".join(unit_headline_text(unit) for unit in self.headline)

    @property
    def kicker_text(self) -> str | None:
        return unit_headline_text(self.kicker) if self.kicker else None

    @property
    def sub_text(self) -> str | None:
        return "".join(unit_headline_text(unit) for unit in self.subs) or None

    @property
    def is_furniture(self) -> bool:
        return len(strip_ws(self.text)) < 4 and self.text not in COLUMN_INTROS

    @property
    def simple(self) -> bool:
        return self.kicker is None and not self.subs and not self.furniture and len(self.headline) == 1


def is_couplet(unit: Unit) -> bool:
    """Two parallel phrases of equal length set apart by a space ("春耕备耕正忙 乡村处处新景").

    Column banners and intertitles are printed this way; a kicker or a headline rarely is.
    """
    if len(unit.lines) != 1 or unit.doubled:
        return False
    parts = unit.lines[0].text.split()
    return len(parts) == 2 and len(parts[0]) == len(parts[1]) >= 4


_NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十]+[、．.]|\d{1,2}[、．.](?!\d)|[（(][一二三四五六七八九十\d]{1,2}[）)]|【.+】$)"
)


def is_intertitle(unit: Unit) -> bool:
    """A numbered or bracketed section title inside a story ("一、强化组织领导", "【亮点】")."""
    return bool(_NUMBERED.match(strip_ws(unit_headline_text(unit))))


def _gap(unit: Unit) -> bool:
    """A one-line unit printed as two phrases with a space between (not letter-spaced)."""
    if len(unit.lines) != 1 or unit.doubled:
        return False
    parts = unit.lines[0].text.split()
    return len(parts) >= 2 and any(len(part) > 1 for part in parts)


def _kicker_sized(text: str) -> bool:
    """A kicker is short, or leads into the headline with a dash or colon ("某代表谈…——")."""
    return len(strip_ws(text)) <= KICKER_MAX or text.endswith((*_SUB_MARKS, "：", ":"))


def build_group(units: list[Unit]) -> Group:
    group = Group(units)
    mains: list[Unit] = []
    for unit in units:
        text = unit_headline_text(unit)
        if text.startswith(_SUB_MARKS) and (mains or group.subs):
            group.subs.append(unit)
        else:
            mains.append(unit)
    if not mains:
        group.headline, group.subs = group.subs[:1], group.subs[1:]
        return group
    # walked from the headline upwards; the lists are built reversed and turned once at the end
    # (inserting at their front would take time in the square of a long run of blocks)
    headline, furniture = [mains[-1]], []
    for unit in reversed(mains[:-1]):
        text = unit_headline_text(unit)
        above_bold = headline[-1].doubled and not unit.doubled
        if unit.kind == bk.VERT and headline[-1].kind == bk.VERT and group.kicker is None:
            headline.append(unit)
        elif group.kicker is None and not is_couplet(unit) and (_kicker_sized(text) or _gap(unit) or above_bold):
            group.kicker = unit
        elif group.kicker is not None or is_couplet(unit):
            furniture.append(unit)
        else:
            headline.append(unit)
    group.headline, group.furniture = headline[::-1], furniture[::-1]
    return group


def mark_units(units: list[Unit]) -> list[Unit | Group]:
    """Turn a page's units into a sequence where headline-like runs are :class:`Group` objects."""
    # a bulleted item that is only a title ("◆某省建设…平台" above its lead) is a headline
    for unit in units:
        if unit.kind == bk.BRIEF and _title_only(unit):
            unit.kind = bk.TEXT
            unit.body_start = None
    # a text block right before a photo credit, or ending with one, is a photo's caption
    for index, unit in enumerate(units):
        if unit.kind == bk.PCREDIT and index and units[index - 1].kind == bk.TEXT:
            units[index - 1].kind = bk.CAPTION
        if unit.kind == bk.TEXT and unit.credit_start is not None:
            unit.kind = bk.CAPTION
    # an arrow caption broken by a blank line continues into a short block that ends the sentence
    merged: list[Unit] = []
    for unit in units:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.kind == bk.CAPTION
            and unit.kind == bk.TEXT
            and prev.credit_start is None
            and not ends_sentence(prev.lines[-1].text)
            and len(unit.lines) <= 2
            and ends_sentence(unit.lines[-1].text)
        ):
            prev.lines.extend(unit.lines)
            prev.credit_start = unit.credit_start
            continue
        merged.append(unit)
    units = merged
    prev: Unit | None = None
    for unit in units:
        if is_headline_like(unit, prev):
            unit.notes["head"] = True
        prev = unit
    for index, unit in enumerate(units):
        prev = units[index - 1] if index else None
        nxt = units[index + 1] if index + 1 < len(units) else None
        if not unit.notes.get("head") and _comma_headline(unit, prev, nxt):
            unit.notes["head"] = True
    for index, unit in enumerate(units):
        prev = units[index - 1] if index else None
        nxt = units[index + 1] if index + 1 < len(units) else None
        if unit.notes.get("head") and is_bare_name_byline(unit, prev, nxt):
            unit.notes.pop("head")
            unit.kind = bk.BYLINE
            unit.notes["bare_name"] = True
    out: list[Unit | Group] = []
    run: list[Unit] = []
    for unit in units:
        if unit.notes.get("head"):
            run.append(unit)
            continue
        if run:
            out.append(build_group(run))
            run = []
        out.append(unit)
    if run:
        out.append(build_group(run))
    return out


_ANCHORS = (bk.LEAD, bk.BYLINE, bk.COMMENT)
_NON_BODY = (bk.FURN, bk.HEADER, bk.CAPTION, bk.PCREDIT, bk.PAGECREDIT)
_BODYISH = (bk.TEXT, bk.LEAD, bk.BRIEF, bk.TRAIL, bk.AUTHORNOTE)


def is_page_label(group: Group, position: int) -> bool:
    """A short label at the very top of a page (a section name), not a headline."""
    return position == 0 and group.simple and len(strip_ws(group.text)) <= LABEL_MAX and group.text not in COLUMN_INTROS


def _votes(items: list[Unit | Group]) -> tuple[int, int]:
    """(before, after) evidence of one page."""
    before = after = 0
    for index, item in enumerate(items):
        if not isinstance(item, Group) or item.is_furniture or is_page_label(item, index):
            continue
        prev = items[index - 1] if index else None
        nxt = items[index + 1] if index + 1 < len(items) else None
        prev_kind = prev.kind if isinstance(prev, Unit) else None
        next_kind = nxt.kind if isinstance(nxt, Unit) else None
        # before: a headline between furniture/photos (or the page top) and a lead; a ——subheadline
        # right above a lead or byline. after: a headline stranded after a body with nothing to head.
        heads_next = next_kind in _ANCHORS and (prev is None or prev_kind in _NON_BODY or bool(item.subs))
        stranded = (prev_kind in _BODYISH and (nxt is None or next_kind in _NON_BODY)) or (
            nxt is None and prev_kind in _NON_BODY
        )
        before += heads_next
        after += stranded and not heads_next
    return before, after


def orientation(pages: list[list[Unit | Group]], votes: list[tuple[int, int]] | None = None) -> str:
    """Does this file print headlines before or after their bodies? (``votes``: each page's, if known)"""
    before = after = 0
    for page_before, page_after in votes if votes is not None else map(_votes, pages):
        before += page_before
        after += page_after
    if before != after:
        return BEFORE if before > after else AFTER
    widths = sorted(
        cells(line.text) for items in pages for item in items if isinstance(item, Unit) for line in item.lines
    )
    median = widths[len(widths) // 2] if widths else 0
    return BEFORE if median > 30 else AFTER


def page_orientations(pages: list[list[Unit | Group]]) -> list[str]:
    """Each page's orientation: its own evidence when it has decisive evidence, else the file's.

    A file may join sections set by different desks (or different extractor runs)."""
    votes = [_votes(items) for items in pages]
    default = orientation(pages, votes)
    directions = []
    for before, after in votes:
        directions.append(default if before == after else (BEFORE if before > after else AFTER))
    return directions
