"""Which story each headline belongs to: the one before it or the one after it, decided per headline.

A text layer may print a story's headline above its body (the usual reading order of a PDF
extractor) or below it (the order some e-paper layouts draw their boxes in), and one page may hold
both. Looking at a headline alone does not tell: "…body。" / headline / "本报讯…" reads both ways.
What tells is the page as a whole: every story wants exactly one headline, and every headline heads
exactly one story. So each page's headline groups are given a direction together, by a shortest
path over the groups in reading order (Viterbi), minimising

- stories left without a headline, headlines heading nothing, and stories given two headlines
  (the structure: :data:`HEADLESS`, :data:`IDLE`, :data:`CONFLICT`);
- the local evidence around one headline that only one reading explains (:func:`_local_cost`):
  a kicker ending in ——, a ——subheadline right above a lead or byline, a headline right after a
  paragraph cut off mid-sentence;
- a small pull towards the file's prevailing direction, which only breaks ties.

A group of several headline-like blocks may also be split: its first part closes the story before,
its second part opens the story after ("某镇 / 人居环境换新颜 / 记者手记 / 一个村子的变化").
The result is written on the groups (``Group.direction``), and a split group is replaced by its two
parts in the page's items; the assembler then follows those directions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import units as bk
from .layout import (
    AFTER,
    BEFORE,
    KICKER_MAX,
    LONE_CAPTION_MAX,
    Group,
    build_group,
    is_couplet,
    is_cut_off,
    is_intertitle,
    is_page_label,
    unit_headline_text,
)
from .profiles import COLUMN_INTROS
from .textfix import ends_sentence, strip_ws
from .units import Unit

#: A story left without a headline.
HEADLESS = 1.0
#: A headline-like group at the very top of a page heading nothing: a banner or section label.
BANNER_IDLE = 0.5
#: A headline that heads no story (nothing stands between it and the next headline on its side).
IDLE = 1.0
#: A story given a headline from both sides: one of the two is wasted.
CONFLICT = 1.0
#: The story a page opens with may continue the previous page's last story, and the one it closes with
#: may have its headline printed elsewhere (on the next page, among captions): either may be headless.
EDGE_HEADLESS = 0.4
#: Reading one story as two at a block where a second may open (``_may_open_story``), so that the
#: headlines on both sides of it each head one: allowed, never free.
BREAK = 0.4
#: Groups of more blocks than this are never split (a kicker, a headline and a subheadline twice over).
SPLIT_MAX_UNITS = 8
#: Splitting a group into a closing and an opening headline: allowed, never free.
SPLIT = 0.5
#: The pull towards the file's prevailing direction (breaks ties only).
PREVAILING = 0.01
#: A page changing direction between two consecutive headlines: a desk keeps one convention per
#: page far more often than not, so a change needs evidence a little stronger than one story that
#: would otherwise stay headless.
SWITCH = 0.7

#: Units that open a story of their own.
_ANCHORS = (bk.LEAD, bk.BYLINE, bk.COMMENT)
#: Units of running text: they open a story when no story is open.
_BODY = (bk.TEXT, bk.TRAIL, bk.AUTHORNOTE)
#: Units that neither open nor close a story (photos and page furniture inside a story's flow).
_NEUTRAL = (bk.CAPTION, bk.PCREDIT, bk.PAGECREDIT, bk.HEADER, bk.FURN, bk.VERT, bk.JUMP)


@dataclass(slots=True)
class _Segment:
    """The stories between two headline groups (or a page edge and a group)."""

    #: does the first story want a headline (a lead, byline or plain story; not a brief)?
    first_wants: bool = False
    #: does the last story want a headline?
    last_wants: bool = False
    #: how many stories there are in all, and how many of the middle ones want a headline
    stories: int = 0
    middle_wanting: int = 0
    #: the segment opens a page (no headline above it on that page) or closes one (none below it)
    page_top: bool = False
    page_end: bool = False
    #: nothing but white space stands in the segment
    empty: bool = False
    #: a block of a one-story segment where a second story may start (see ``_may_open_story``)
    possible_break: Unit | None = None
    #: the character pairs of the opening text of the segment's first and last story (see ``affinity``)
    first_pairs: frozenset[str] = frozenset()
    last_pairs: frozenset[str] = frozenset()


def _segment(units: list[Unit], page_top: bool = False, page_end: bool = False) -> _Segment:
    """Count the stories of a run of units: an anchor opens one (a second anchor right after it,
    as a byline above a lead, does not), running text opens one when none is open, a brief is a
    story that wants no headline."""
    wants: list[bool] = []
    open_story = False
    anchor_open = False
    possible_break: Unit | None = None
    starts: list[int] = []  # where each story starts among the units
    for index, unit in enumerate(units):
        kind = unit.kind
        before = len(wants)
        if kind == bk.TEXT and open_story and _may_open_story(units, index):
            possible_break = unit
        if kind == bk.TEXT and not open_story and _lone_sentence(units, index):
            continue  # a sentence standing alone among photos is a caption, not a story
        if kind in _ANCHORS:
            if not _body_follows(units, index):
                continue  # a signature ("□石 磊") with no body after it signs the story before
            if not anchor_open:
                wants.append(True)
            open_story = anchor_open = True
        elif kind == bk.BRIEF:
            wants.append(False)
            open_story, anchor_open = True, False
        elif kind in _BODY:
            if not open_story:
                wants.append(True)
            open_story, anchor_open = True, False
        if len(wants) > before:
            starts.append(index)
    segment = _Segment(stories=len(wants), page_top=page_top, page_end=page_end, empty=not units)
    segment.possible_break = possible_break if len(wants) == 1 else None
    if starts:
        segment.first_pairs = _pairs(_story_text(units[starts[0] :]))
        segment.last_pairs = (
            segment.first_pairs if starts[-1] == starts[0] else _pairs(_story_text(units[starts[-1] :]))
        )
    if page_end and units and units[-1].kind == bk.JUMP:
        segment.page_end = False  # the story goes on on a later page: its headline stands where it starts
    if wants:
        segment.first_wants, segment.last_wants = wants[0], wants[-1]
        segment.middle_wanting = sum(wants[1:-1])
    return segment


#: A paragraph that opens with a date ("1月5日，…", "12月5日上午，…") may open a story of its own.
_DATE_OPENING = re.compile(r"^\d{1,2}月\d{1,2}日")


def _may_open_story(units: list[Unit], index: int) -> bool:
    """Could a second story start at this text block of a story? Only after a finished paragraph,
    and only where the block opens with a date or follows a photo's caption: news stories open
    that way, and a page may set two of them with no headline or lead between them in the text
    layer. Whether one does is the shortest path's decision (:data:`BREAK`)."""
    unit = units[index]
    before = units[index - 1] if index else None
    if before is None or not unit.blank_before:
        return False
    if before.kind in (bk.CAPTION, bk.PCREDIT):
        return True
    return before.kind in _BODY and ends_sentence(before.lines[-1].text) and bool(_DATE_OPENING.match(unit.flat))


#: How much of a story's opening text a headline is compared with.
STORY_TEXT = 200
#: The weight of a headline's word overlap with one neighbouring story over the other.
AFFINITY = 1.0
_WORD_CHARS = re.compile(r"[\u3400-\u9fffA-Za-z0-9]+")


def _story_text(units: list[Unit]) -> str:
    """The opening text of the story that starts with ``units[0]`` (its lead and first paragraphs)."""
    parts: list[str] = []
    size = 0
    for unit in units:
        if unit.kind not in (*_BODY, bk.LEAD, bk.BRIEF):
            continue
        parts.append(unit.flat)
        size += len(unit.flat)
        if size >= STORY_TEXT:
            break
    return "".join(parts)[:STORY_TEXT]


def _pairs(text: str) -> frozenset[str]:
    runs = _WORD_CHARS.findall(text)
    if len(runs) == 1:
        run = runs[0]
        return frozenset({run[i : i + 2] for i in range(len(run) - 1)})
    return frozenset({run[i : i + 2] for run in runs for i in range(len(run) - 1)})


def affinity(headline: str, story: str) -> float:
    """The share of a headline's character pairs that the story's opening text holds: a headline
    sums up its story's lead, so it shares words with it and few with its neighbours' stories."""
    return _share(_pairs(headline), _pairs(story))


def _share(headline: frozenset[str], story: frozenset[str]) -> float:
    return len(headline & story) / len(headline) if headline and story else 0.0


def _body_follows(units: list[Unit], index: int) -> bool:
    """Does running text follow the anchor at ``index`` (past other anchors, before anything else)?"""
    if units[index].kind == bk.LEAD and units[index].body_start is not None:
        return True  # a lead holds its own first paragraph
    for unit in units[index + 1 :]:
        if unit.kind in _BODY or unit.kind in (bk.LEAD, bk.BRIEF):
            return True
        if unit.kind not in _ANCHORS:
            return False
    return units[index].kind == bk.LEAD  # a lead holds its own first paragraph


def _lone_sentence(units: list[Unit], index: int) -> bool:
    """One short sentence next to a photo's caption, with no running text after it: the assembler
    reads it as a caption too."""
    unit = units[index]
    after = units[index + 1] if index + 1 < len(units) else None
    before = units[index - 1] if index else None
    if after is not None and after.kind in _BODY:
        return False
    beside_photo = any(other is not None and other.kind in (bk.CAPTION, bk.PCREDIT) for other in (before, after))
    return beside_photo and len(unit.flat) <= LONE_CAPTION_MAX and ends_sentence(unit.lines[-1].text)


def _segment_cost(segment: _Segment, from_left: bool, from_right: bool) -> float:
    """The structural cost of a segment given whether the headline on its left heads its first
    story (``from_left``) and the one on its right heads its last story (``from_right``)."""
    cost = segment.middle_wanting * HEADLESS
    if segment.stories == 0:
        return from_left * IDLE + from_right * (BANNER_IDLE if segment.page_top and segment.empty else IDLE)
    if segment.stories == 1:
        if from_left and from_right:
            if segment.possible_break is not None and segment.first_wants:
                return cost + BREAK  # two stories after all, each with its headline
            return cost + CONFLICT + (0 if segment.first_wants else IDLE)
        if from_left or from_right:
            return cost + (0 if segment.first_wants else IDLE)  # a brief takes no headline
        if segment.first_wants:
            return cost + (EDGE_HEADLESS if segment.page_top or segment.page_end else HEADLESS)
        return cost
    if from_left and not segment.first_wants:
        cost += IDLE
    elif segment.first_wants and not from_left:
        cost += EDGE_HEADLESS if segment.page_top else HEADLESS
    if from_right and not segment.last_wants:
        cost += IDLE
    elif segment.last_wants and not from_right:
        cost += EDGE_HEADLESS if segment.page_end else HEADLESS
    return cost


@dataclass(slots=True)
class _Option:
    """One reading of a group: heads the story before (``left``), after (``right``), or its first
    ``split`` units close the story before and the rest open the story after."""

    left: bool
    right: bool
    split: int = 0
    cost: float = 0.0


def _options(
    group: Group,
    prev: Unit | None,
    nxt: Unit | None,
    prevailing: str,
    left: frozenset[str],
    right: frozenset[str],
    last: bool,
) -> list[_Option]:
    """The readings of one group with their local costs; ``left`` and ``right`` are the opening
    texts' character pairs of the stories it could head (the last one before, the first one after). A group
    with no story after it on the page (``last``) may also be two closing headlines: an extractor
    may write the headlines of several stories together at the end of a page, and each then goes
    to the story whose words it shares (see the assembler's ``best_match``)."""
    pairs = _pairs(group.text)
    to_left, to_right = _share(pairs, left), _share(pairs, right)
    options = [
        _Option(
            left=True,
            right=False,
            cost=_local_cost(group, prev, nxt, AFTER, prevailing) + AFFINITY * max(0.0, to_right - to_left),
        ),
        _Option(
            left=False,
            right=True,
            cost=_local_cost(group, prev, nxt, BEFORE, prevailing) + AFFINITY * max(0.0, to_left - to_right),
        ),
    ]
    for split in _split_points(group):
        closing, opening = _pairs(build_group(group.units[:split]).text), _pairs(build_group(group.units[split:]).text)
        mismatch = max(0.0, _share(closing, right) - _share(closing, left))
        mismatch += max(0.0, _share(opening, left) - _share(opening, right))
        options.append(_Option(left=True, right=True, split=split, cost=SPLIT + AFFINITY * mismatch))
        if last:
            options.append(_Option(left=True, right=False, split=split, cost=SPLIT))
    if len(options) > 2 and unit_headline_text(group.units[-1]) in COLUMN_INTROS:
        # a column intro (paper profiles) opens a column: it never ends the headline of the story before it
        options[0].cost += IDLE
        options[1].cost += IDLE
    return options


def _enters(option: _Option) -> str:
    """The direction a reading starts in: a split group first closes the story before it."""
    return AFTER if option.left else BEFORE


def _leaves(option: _Option) -> str:
    """The direction a reading ends in. A split group opens the story after it, but it does so as
    an exception to the page's direction, not a change of it: the page reads on as it entered."""
    if option.split:
        return AFTER
    return BEFORE if option.right else AFTER


def _split_points(group: Group) -> list[int]:
    """Where a group can be cut into a closing headline and an opening one: both parts must hold a
    headline of their own (a ——subheadline cannot open the second part)."""
    points = []
    units = group.units
    if len(units) > SPLIT_MAX_UNITS:
        return points  # no headline group is that long: a run of short blocks is no pair of headlines
    for split in range(1, len(units)):
        head, tail = units[:split], units[split:]
        if _subheadline(tail[0]) or not (_holds_headline(head) and _holds_headline(tail)):
            continue
        if tail[0].doubled and not head[-1].doubled:
            continue  # a plain line right above a fake-bold headline is that headline's kicker
        points.append(split)
    return points


def _holds_headline(units: list[Unit]) -> bool:
    """Can these units be a group of their own: a kicker and a headline, or one headline longer than
    a kicker (a lone kicker-sized block is the kicker of the headline beside it)?"""
    mains = [unit for unit in units if not _subheadline(unit)]
    if len(mains) >= 2:
        return True
    return bool(mains) and (len(strip_ws(mains[0].flat)) > KICKER_MAX or mains[0].flat in COLUMN_INTROS)


def _subheadline(unit: Unit) -> bool:
    return unit.flat.startswith(("——", "—", "─", "--"))


def _local_cost(group: Group, prev: Unit | None, nxt: Unit | None, direction: str, prevailing: str) -> float:
    """Evidence around one group that only one direction explains.

    - a kicker that ends in —— or ： introduces what follows (before);
    - a ——subheadline right above a lead or byline belongs to that story (before);
    - right after a paragraph that stops mid-sentence, a group does not close a story: the story
      goes on after it (the paragraph's own column break), so it is not read as after;
    - otherwise the file's prevailing direction, as a tie-breaker.
    """
    cost = 0.0 if direction == prevailing else PREVAILING
    opens = bool(group.kicker is not None and group.kicker.flat.endswith(("——", "：", ":")))
    if group.subs and isinstance(nxt, Unit) and nxt.kind in _ANCHORS:
        opens = True
    if opens and direction == AFTER:
        cost += 0.6
    cut_off = isinstance(prev, Unit) and prev.kind in (bk.TEXT, bk.LEAD) and not _ends_paragraph(prev.lines[-1].text)
    if cut_off and direction == AFTER:
        cost += 0.3
    return cost


def _ends_paragraph(text: str) -> bool:
    return ends_sentence(text) or text.rstrip()[-1:] in "”）)》"


#: A briefs column's label ("简  讯", "要闻速览") is this short.
BRIEFS_LABEL_MAX = 6


def _briefs_label(items: list[Unit | Group], index: int) -> bool:
    """A short label printed right above or below a column of briefs names the column: it heads no
    story in either direction, so it takes no part in the decision (the assembler keeps it as furniture)."""
    group = items[index]
    if not group.simple or len(strip_ws(group.text)) > BRIEFS_LABEL_MAX:
        return False
    neighbours = [items[i] for i in (index - 1, index + 1) if 0 <= i < len(items)]
    return any(isinstance(item, Unit) and item.kind in (bk.BRIEF, bk.TRAIL) for item in neighbours)


#: An intertitle is a short phrase; a longer heading inside a signed story is another story's headline.
INTERTITLE_MAX = 10


def _intertitle(items: list[Unit | Group], index: int) -> bool:
    """A one-block heading inside a signed story (a feature's byline or a commentary's mark opened
    it, and its text goes on below): an intertitle, which the assembler keeps in the body."""
    group = items[index]
    nxt = items[index + 1] if index + 1 < len(items) else None
    if not group.simple or not isinstance(nxt, Unit) or nxt.kind != bk.TEXT:
        return False
    unit = group.units[0]
    if len(strip_ws(group.text)) > INTERTITLE_MAX and not (is_couplet(unit) or is_intertitle(unit)):
        return False
    for item in reversed(items[:index]):
        if isinstance(item, Group):
            return False
        if item.kind in (bk.BYLINE, bk.COMMENT):
            return True
        if item.kind in (bk.LEAD, bk.BRIEF):
            return False
    return False


def decide_directions(items: list[Unit | Group], prevailing: str) -> list[Unit | Group]:
    """Give every headline group of one page its direction; split groups that head two stories.

    Returns the page's items with split groups replaced by their parts.
    """
    for index, item in enumerate(items):
        if isinstance(item, Group):
            item.cut_off = is_cut_off(items, index)
    positions = [
        index
        for index, item in enumerate(items)
        if isinstance(item, Group)
        and not item.cut_off
        and not item.is_furniture
        and not is_page_label(item, index)
        and not _briefs_label(items, index)
        and not (prevailing == BEFORE and _intertitle(items, index))
    ]
    if not positions:
        return items
    segments: list[_Segment] = []
    start = 0
    for number, position in enumerate(positions):
        units = [item for item in items[start:position] if isinstance(item, Unit)]
        segments.append(_segment(units, page_top=number == 0))
        start = position + 1
    segments.append(_segment([item for item in items[start:] if isinstance(item, Unit)], page_end=True))
    options = []
    for number, position in enumerate(positions):
        prev = items[position - 1] if position else None
        nxt = items[position + 1] if position + 1 < len(items) else None
        options.append(
            _options(
                items[position],
                prev if isinstance(prev, Unit) else None,
                nxt if isinstance(nxt, Unit) else None,
                prevailing,
                segments[number].last_pairs,
                segments[number + 1].first_pairs,
                number == len(positions) - 1 and segments[-1].stories == 0,
            )
        )
    # Viterbi over the groups: best[k] is the cheapest cost of the page up to the current group
    # when it takes option k; back[i][k] the option of group i - 1 on that path.
    best = [_segment_cost(segments[0], False, option.left) + option.cost for option in options[0]]
    back: list[list[int]] = [[-1] * len(options[0])]
    for number in range(1, len(positions)):
        row, links = [], []
        for option in options[number]:
            choices = [
                best[k]
                + _segment_cost(segments[number], before.right, option.left)
                + (SWITCH if _leaves(before) != _enters(option) else 0.0)
                for k, before in enumerate(options[number - 1])
            ]
            k = min(range(len(choices)), key=choices.__getitem__)
            row.append(choices[k] + option.cost)
            links.append(k)
        best, back = row, [*back, links]
    final = [
        cost + _segment_cost(segments[-1], option.right, False) for cost, option in zip(best, options[-1], strict=True)
    ]
    choice = min(range(len(final)), key=final.__getitem__)
    chosen = [0] * len(positions)
    for number in range(len(positions) - 1, -1, -1):
        chosen[number] = choice
        choice = back[number][choice]
    for number in range(1, len(positions)):
        segment = segments[number]
        left, right = options[number - 1][chosen[number - 1]], options[number][chosen[number]]
        if left.right and right.left and segment.possible_break is not None and segment.first_wants:
            segment.possible_break.notes["opens"] = True
    out = list(items)
    for number in range(len(positions) - 1, -1, -1):
        position = positions[number]
        option = options[number][chosen[number]]
        group = out[position]
        if option.split:
            closing = build_group(group.units[: option.split])
            opening = build_group(group.units[option.split :])
            closing.direction, opening.direction = AFTER, BEFORE if option.right else AFTER
            out[position : position + 1] = [closing, opening]
        else:
            group.direction = AFTER if option.left else BEFORE
    return out
