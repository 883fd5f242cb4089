"""Articles and photos from a file's classified units, each piece remembering its raw spans.

The walk keeps one "open" article that body text joins. Leads (本报讯), bylines (本报记者 …),
commentary marks (□) and briefs (●) open a new article. A headline group either closes the open
article (headlines printed after the body) or waits for the next article (printed before). A
headline that arrives when no article is waiting for one — printed far from its body, or on the
next page — goes to the story it sums up (:mod:`.assemble_headlines`). Captions become photos; a
photo credit right after a caption completes it, a page credit fills the page's uncredited photos
(:mod:`.assemble_photos`). Which way each headline group points was decided before the walk
(:mod:`.headlines`); the walk follows it.
"""

from __future__ import annotations

import re

from . import credits as cr
from . import units as bk
from .assemble_headlines import HeadlineMatching
from .assemble_photos import PhotoSteps
from .bodytext import BodyLine, build_body
from .builds import ArticleBuild, Assembly, PhotoBuild, Span
from .drafts import Credit, SegmentKind
from .layout import AFTER, LONE_CAPTION_MAX, Group, is_couplet, is_intertitle, is_page_label
from .pages import PageInfo, is_date_line, parse_date, read_header
from .profiles import COLUMN_INTROS
from .textfix import TERMINAL, cells, ends_sentence
from .units import Unit


class Assembler(PhotoSteps, HeadlineMatching):
    def __init__(self, raws: list[str], pages: list[list[Unit | Group]], directions: list[str]):
        self.raws = raws
        self.pages = pages
        self.directions = directions
        self.after = True
        self.out = Assembly(infos=[PageInfo() for _ in raws])
        self.current: ArticleBuild | None = None
        self.last_article: ArticleBuild | None = None
        self.pending: Group | None = None
        self.last_photo: PhotoBuild | None = None
        self.page = 0
        self.following: dict[int, Unit | Group | None] = {}  # id(item) -> the item after it on the page
        self.jumped: ArticleBuild | None = None  # the story a "（下转…）" note sent to a later page
        self.caption_follows: PhotoBuild | None = None  # a photo whose caption comes after its credit
        self._keys = 0

    # -- spans -------------------------------------------------------------------------------
    def span(self, kind: str, start: int, end: int, owner: tuple[str, int] | None = None, page: int | None = None):
        if end > start:
            self._keys += 1
            self.out.spans.append(Span(kind, self.page if page is None else page, start, end, owner, self._keys))

    def unit_span(self, kind: str, unit: Unit, owner: tuple[str, int] | None = None):
        self.span(kind, unit.start, unit.end, owner)

    def art_owner(self, article: ArticleBuild) -> tuple[str, int]:
        return ("article", article.id)

    # -- articles ----------------------------------------------------------------------------
    def new_article(self, kind: str) -> ArticleBuild:
        self.close()
        article = ArticleBuild(id=len(self.out.articles), page=self.page, kind=kind)
        self.out.articles.append(article)
        self.current = article
        self.last_article = article
        if self.pending is not None and kind == "brief":
            self.group_furniture(self.pending)  # a briefs column's name ("简讯") heads no single brief
        elif self.pending is not None:
            self.apply_group(self.pending, article)
        self.pending = None
        return article

    def close(self):
        """No more body joins the open article."""
        self.current = None

    def add_body(self, article: ArticleBuild, unit: Unit, start: int | None = None, hard: bool = False):
        """The unit's lines (from raw offset ``start`` on, when given) join the article's body.

        A unit's lines follow each other with only white space between them, so the body they make
        is one span from the first body character to the unit's end: segments come out the same as
        from a span per line, with a fraction of the spans to lay and merge.
        """
        owner = ("article", article.id)
        page = self.page
        lines = article.lines
        body_start = None
        for index, line in enumerate(unit.lines):
            begin = line.start
            if start is not None:
                if line.end <= start:
                    self.span(SegmentKind.BYLINE, line.start, line.end, owner)
                    continue
                if line.start < start:
                    self.span(SegmentKind.BYLINE, line.start, start, owner)
                    begin = start
            if body_start is None:
                body_start = begin
            blank = line.blank_before if index else unit.blank_before or line.blank_before
            lines.append(BodyLine(page, begin, line.end, blank, hard))
        if body_start is not None:
            self.span(SegmentKind.BODY, body_start, unit.lines[-1].end, owner)

    def apply_group(self, group: Group, article: ArticleBuild, page: int | None = None):
        """Give ``article`` the group's headline, kicker and subheadline (spans on ``page``)."""
        owner = self.art_owner(article)
        article.headline = group.text
        article.kicker = group.kicker_text
        article.subheadline = group.sub_text
        if article.headline in COLUMN_INTROS and article.kind == "news":
            article.kind = "column"
        page = self.page if page is None else page
        for unit in group.headline:
            if unit.doubled:
                for start, end, copy in unit.doubled:
                    kind = SegmentKind.DOUBLED if copy else SegmentKind.HEADLINE
                    self.span(kind, start, end, owner, page)
            else:
                self.span(SegmentKind.HEADLINE, unit.start, unit.end, owner, page)
        if group.kicker is not None:
            self.span(SegmentKind.KICKER, group.kicker.start, group.kicker.end, owner, page)
        for unit in group.subs:
            self.span(SegmentKind.SUBHEADLINE, unit.start, unit.end, owner, page)
        for unit in group.furniture:
            self.span(SegmentKind.FURNITURE, unit.start, unit.end, None, page)

    def group_furniture(self, group: Group, kind: str = SegmentKind.FURNITURE):
        for unit in group.units:
            self.unit_span(kind, unit)

    # -- the walk ----------------------------------------------------------------------------
    def run(self) -> Assembly:
        for page, items in enumerate(self.pages):
            self.page = page
            self.after = self.directions[page] == AFTER
            self.following = {
                id(item): items[index + 1] if index + 1 < len(items) else None for index, item in enumerate(items)
            }
            for index, item in enumerate(items):
                nxt = self.following[id(item)]
                if not (isinstance(item, Unit) and item.kind in (bk.TEXT, bk.PCREDIT)):
                    self.caption_follows = None
                if isinstance(item, Group):
                    self.on_group(item, index, nxt)
                else:
                    self.on_unit(item)
                    if item.kind not in (bk.PCREDIT, bk.CAPTION):
                        self.last_photo = None
            self.close()
            if self.pending is not None:
                self.group_furniture(self.pending, SegmentKind.UNASSIGNED)
                self.pending = None
            self.last_photo = None
        for article in self.out.articles:
            self.finish(article)
        self.share_numbered_credits()
        return self.out

    def on_group(self, group: Group, index: int, nxt):
        current = self.current
        if group.cut_off and current is not None and current.lines and not self.commentary_follows(nxt):
            self.add_body(current, group.units[0])  # see ``layout.is_cut_off``
            return
        if group.is_furniture:
            self.group_furniture(group)
            return
        if is_page_label(group, index):
            self.out.labels.setdefault(self.page, group.text)
            self.group_furniture(group)
            return
        if group.direction is not None:
            self.after = group.direction == AFTER
        if self.after:
            self.on_group_after(group, nxt)
        else:
            self.on_group_before(group, nxt)

    def on_group_after(self, group: Group, nxt):
        current = self.current
        if self.last_photo is not None and self.last_photo.credited and self.last_photo.title is None:
            # a small headline printed right after a photo's credit is the photo's title
            photo = self.last_photo
            photo.title = group.text
            self.group_furniture_as_caption(group, photo.id)
            self.last_photo = None
            return
        if current is not None and current.kind == "brief":
            self.group_furniture(group)  # a briefs column's name
            self.close()
            return
        if current is not None and current.headline is None:
            self.apply_group(group, self.best_match(group, current))
            self.close()
            return
        target = self.orphan_target(group)
        if target is None:
            on_page = self.out.articles and self.out.articles[-1].page == self.page
            kind = SegmentKind.FURNITURE if not on_page else None
            self.group_furniture(group, kind or SegmentKind.UNASSIGNED)
            return
        self.apply_group(group, target)
        self.close()

    def item_ends(self, article: ArticleBuild, unit: Unit) -> bool:
        """Does a new item start at ``unit`` rather than the open article go on? It does after a
        credit that closed the article (a trailing credit, or one glued after its last sentence),
        when ``unit`` opens with the same label as the article did ("读者来信：…" twice): a run
        of readers' items, and where the headline decision read a second story (:mod:`.headlines`)."""
        if not article.lines:
            return False
        # the credit may wrap onto the story's last line ("…此事。文/图 本报记者" / "窦阳")
        tail = [line for line in article.lines[-2:] if line.page == article.lines[-1].page]
        raw = self.raws[tail[-1].page]
        text = " ".join(raw[line.start : line.end] for line in tail)
        if cr.trailing_credits(text) is not None or cr.glued_credit(text) is not None:
            return True
        label = _ITEM_LABEL.match(unit.flat)
        if unit.notes.get("opens"):
            return True  # the headline decision read a second story here
        if label is None or article.has_lead:
            return False  # an interview's "记者：" questions go on under its byline
        first = article.lines[0]
        opening = "".join(self.raws[first.page][first.start : first.end].split())
        return opening.startswith(label.group(0))

    def commentary_follows(self, item) -> bool:
        """Does a lead-less commentary start at ``item``: its prose, at most its own headline, then its
        "□name" signature or "（作者为…）" note? Then the group before it is the previous article's
        headline, not a paragraph's first line cut off by a column break (a cut-off line would be
        followed by the rest of its article and that article's headline before any signature)."""
        groups = 0
        while item is not None:
            if isinstance(item, Group):
                groups += 1
                if groups > 1:
                    return False
            elif item.kind in (bk.COMMENT, bk.AUTHORNOTE):
                return True
            elif item.kind != bk.TEXT:
                return False
            item = self.following.get(id(item))
        return False

    def starts_running_text(self, item) -> bool:
        """Is ``item`` prose that cannot stand alone as a caption (long, or followed by more text)?"""
        if not isinstance(item, Unit) or item.kind != bk.TEXT:
            return False
        after = self.following.get(id(item))
        # a credit after it ("（张三）") ends a story: captions carry photo credits, not these
        followed = isinstance(after, Unit) and after.kind in (bk.TEXT, bk.TRAIL, bk.AUTHORNOTE)
        return followed or len(item.flat) > LONE_CAPTION_MAX or not ends_sentence(item.lines[-1].text)

    def on_group_before(self, group: Group, nxt):
        current = self.current
        unit = group.units[0]
        next_is_text = isinstance(nxt, Unit) and nxt.kind == bk.TEXT
        if (
            current is not None
            and current.lines
            and group.simple
            and next_is_text
            and (current.kind in ("feature", "commentary") or is_couplet(unit) or is_intertitle(unit))
        ):
            # an intertitle inside a feature: part of the body, as a paragraph of its own
            self.add_body(current, unit, hard=True)
            return
        if self.pending is not None:
            self.group_furniture(self.pending, SegmentKind.UNASSIGNED)
        self.close()
        self.pending = group

    def on_unit(self, unit: Unit):
        kind = unit.kind
        info = self.out.infos[self.page]
        if kind == bk.HEADER:
            read_header(unit.flat, info, unit.text_nl())
            self.unit_span(SegmentKind.FURNITURE, unit)
        elif kind == bk.JUMP:
            self.on_jump(unit)
        elif kind == bk.FURN:
            if is_date_line(unit.flat):
                info.date = info.date or parse_date(unit.flat)
            self.unit_span(SegmentKind.FURNITURE, unit)
        elif kind in (bk.LEAD, bk.BRIEF):
            article = self.byline_opened()
            if article is None or kind == bk.BRIEF:
                article = self.new_article("news" if kind == bk.LEAD else "brief")
            else:
                article.kind = "news"
            article.has_lead = True
            match = cr.lead_match(unit.flat if kind == bk.LEAD else unit.flat[1:])
            if match:
                # the bracket's text as printed keeps the spaces that separate names
                inner = _lead_inner(unit) if match.group(1) is not None else cr.lead_credit_text(match)
                _add_credits(article, cr.parse_roles(inner, "记者"))
            if unit.body_start is None:
                self.unit_span(SegmentKind.BYLINE, unit, self.art_owner(article))
            else:
                self.add_body(article, unit, unit.body_start)
        elif kind == bk.BYLINE:
            self.on_byline(unit)
        elif kind == bk.COMMENT:
            self.on_comment(unit)
        elif kind in (bk.TRAIL, bk.AUTHORNOTE):
            article = self.current or self.last_article
            if article is None:
                self.unit_span(SegmentKind.UNASSIGNED, unit)
                return
            if kind == bk.TRAIL and unit.notes.get("bare_names"):
                names = [name for name in unit.text_nl().split() if name not in cr.NOT_NAMES]
                _add_credits(article, [Credit(name, "作者") for name in names])
            elif kind == bk.TRAIL:
                _add_credits(article, cr.trailing_credits(unit.text_nl()) or [])
            self.unit_span(SegmentKind.BYLINE, unit, self.art_owner(article))
            if self.current is article and not self.after:
                self.close()  # the credit ends the story: text after it is another's
        elif kind == bk.PCREDIT:
            self.on_photo_credit(unit)
        elif kind == bk.PAGECREDIT:
            match = cr.PAGE_CREDIT.match(unit.flat)
            if match:
                self.out.page_photographers.setdefault(self.page, match.group(1))
            self.unit_span(SegmentKind.PHOTO_CREDIT, unit)
        elif kind == bk.CAPTION:
            self.on_caption(unit)
        elif kind == bk.TEXT:
            self.on_text(unit)
        else:
            self.unit_span(SegmentKind.UNASSIGNED, unit)

    def on_jump(self, unit: Unit):
        """A continuation note is page furniture; it also joins the two halves of a continued story:
        after "（下转第二版）" the story waits, and the text after "（上接第一版）" goes on with it."""
        self.unit_span(SegmentKind.FURNITURE, unit)
        if "上接" in unit.flat or "接上" in unit.flat:
            if self.jumped is not None:
                self.close()
                self.current, self.jumped = self.jumped, None
            return
        self.jumped = self.current or self.last_article
        self.close()

    def byline_opened(self) -> ArticleBuild | None:
        """The open article when a byline line opened it and no body has joined it yet: a lead or a
        second byline line that follows belongs to the same story."""
        current = self.current
        if current is not None and current.has_lead and not current.lines and current.kind == "feature":
            return current
        return None

    def on_byline(self, unit: Unit):
        """A byline line opens a story, unless it follows a body and nothing of a body follows it:
        then it is the credit printed at the end of the story before ("文/图 本报记者 X")."""
        if unit.notes.get("bare_name"):
            # "某市某区  王  五": the name is the last of the pieces the letter-spacing leaves
            pieces = cr.merge_fragments(unit.text_nl().split())
            credits = [Credit(pieces[-1], "作者")] if pieces and 2 <= len(pieces[-1]) <= 4 else []
        else:
            credits = cr.byline_credits(unit.text_nl()) or []
        photos_by = credits[0].name if credits and cr.WORDS_AND_PICTURES.search(unit.text_nl()) else None
        nxt = self.following.get(id(unit))
        body_follows = isinstance(nxt, Unit) and nxt.kind in (bk.TEXT, bk.LEAD, bk.BYLINE)
        current = self.current
        if current is not None and current.lines and not body_follows:
            _add_credits(current, credits)
            current.photos_by = current.photos_by or photos_by
            self.unit_span(SegmentKind.BYLINE, unit, self.art_owner(current))
            self.close()  # the credit ends the story: text after it is another's
            return
        article = self.byline_opened() or self.new_article("feature")
        article.has_lead = True
        article.photos_by = article.photos_by or photos_by
        _add_credits(article, credits)
        self.unit_span(SegmentKind.BYLINE, unit, self.art_owner(article))

    def on_comment(self, unit: Unit):
        name = cr.COMMENT_BYLINE.match(unit.flat)
        credit = [Credit(name.group(1), "作者")] if name else []
        last = self.last_article
        if (
            self.after
            and self.current is None
            and last is not None
            and last.page == self.page
            and not last.has_lead
            and not last.reporters
        ):
            # a headline and then "□石 磊" printed after the body they sign
            last.kind = "commentary"
            _add_credits(last, credit)
            self.unit_span(SegmentKind.BYLINE, unit, self.art_owner(last))
            return
        article = self.new_article("commentary")
        article.has_lead = True
        _add_credits(article, credit)
        self.unit_span(SegmentKind.BYLINE, unit, self.art_owner(article))

    def on_text(self, unit: Unit):
        current = self.current
        awaiting = self.caption_follows
        self.caption_follows = None
        if awaiting is not None:
            self.extend_caption(awaiting, unit)  # the caption under a "拍摄者：…" credit
            return
        if current is not None and self.outside_column(current, unit):
            self.on_caption(unit)  # a sentence set wider than the story's column: its photo's caption
            return
        if current is None or self.item_ends(current, unit):
            if self.pending is None and not self.starts_running_text(unit):
                self.on_caption(unit)  # one sentence standing alone: a photo's caption
                return
            current = self.new_article("news")
        self.add_body(current, unit)
        if _signed(unit):
            self.close()  # a signature closes the item: what follows is another

    # -- finishing ---------------------------------------------------------------------------
    def finish(self, article: ArticleBuild):
        self.split_trailing_credit(article)
        article.body = build_body(self.raws, article.lines)

    def split_trailing_credit(self, article: ArticleBuild):
        """A credit "（石磊 林间）" ending the body belongs to the byline, not the body.

        The credit may be wrapped over the last two or three lines, so the last lines of the page
        are read as one text (newlines removed, spaces kept: they separate the names).
        """
        tail = [line for line in article.lines[-3:] if line.page == article.lines[-1].page] if article.lines else []
        if not tail:
            return
        raw = self.raws[tail[-1].page]
        spans = [(line.start, line.end + (1 if raw[line.end : line.end + 1].isspace() else 0)) for line in tail]
        text = "".join(raw[start:end] for start, end in spans)
        credits = cr.trailing_credits(text)
        if credits:
            cut = max(text.rfind("（"), text.rfind("("))
            if cut < 0:
                return
            before = text[:cut].rstrip()
            if before and not (before[-1] in TERMINAL or ends_sentence(before)):
                return
        else:
            glued = cr.glued_credit(text)
            if glued is None:
                return
            cut, credits = glued
        start = _raw_offset(spans, cut)
        owner = self.art_owner(article)
        self.out.spans.append(Span(SegmentKind.BYLINE, tail[-1].page, start, tail[-1].end, owner))
        _add_credits(article, credits)
        while article.lines and article.lines[-1].start >= start:
            article.lines.pop()
        if article.lines and article.lines[-1].end > start:
            last = article.lines[-1]
            last.end = last.start + len(raw[last.start : start].rstrip())


#: The label a reader's item opens with ("读者来信：", "网友留言：").
_ITEM_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,6}[：:]")
#: A signature: a short last line without punctuation, after a line that ends a sentence ("读者").
SIGNATURE_MAX = 12
#: ... and at most this share of the column's width.
SIGNATURE_WIDTH = 0.6


def _signed(unit: Unit) -> bool:
    """Does the block end with a signature line ("读者", "读者 sl8753") under its last sentence?"""
    if len(unit.lines) < 2:
        return False
    last, before = unit.lines[-1], unit.lines[-2]
    if len(last.flat) > SIGNATURE_MAX or any(mark in last.flat for mark in "。，；：！？,;:!?、“”（）()"):
        return False
    # a column's last line in mid-sentence fills the column; a signature stands short of it
    column = max(cells(line.text) for line in unit.lines[:-1])
    return ends_sentence(before.text) and cells(last.text) <= SIGNATURE_WIDTH * column


def _raw_offset(spans: list[tuple[int, int]], index: int) -> int:
    """Raw offset of character ``index`` of the text the raw ``spans`` (start, end) make when joined."""
    for start, end in spans:
        if index < end - start:
            return start + index
        index -= max(end - start, 0)
    raise IndexError(index)


def _add_credits(article: ArticleBuild, credits: list[Credit]):
    for credit in credits:
        if credit not in article.reporters:
            article.reporters.append(credit)


def _lead_inner(unit: Unit) -> str:
    """The text inside a lead's brackets, newlines removed and spaces kept."""
    text = unit.text_nl()
    open_at = min((i for i in (text.find("（"), text.find("(")) if i >= 0), default=-1)
    close_at = min((i for i in (text.find("）", open_at), text.find(")", open_at)) if i >= 0), default=-1)
    if open_at < 0 or close_at < 0:
        return ""
    return text[open_at + 1 : close_at]
