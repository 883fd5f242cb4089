"""The assembler's photo steps: captions and credits become photos.

A caption unit starts a photo; a credit right after it completes it (or, in a photo-news box, comes
first and the caption follows); a sentence set much wider than the story's column it stands in is
that story's photo's caption. Mixed into :class:`.assemble.Assembler`, whose state these read.
"""

from __future__ import annotations

from . import credits as cr
from .builds import ArticleBuild, PhotoBuild
from .drafts import SegmentKind
from .layout import LONE_CAPTION_MAX, Group
from .textfix import cells, ends_sentence, join_lines
from .units import CIRCLED, Unit

#: A story's column is measured on at least this many of its lines.
MIN_COLUMN_LINES = 4
#: A caption is set this much wider than the column of the story it stands in.
CAPTION_WIDER = 1.6


class PhotoSteps:
    """Photos from captions and credits (see the module's docstring)."""

    def group_furniture_as_caption(self, group: Group, photo: int):
        for unit in group.units:
            self.unit_span(SegmentKind.CAPTION, unit, ("photo", photo))

    def on_photo_credit(self, unit: Unit):
        photo = self.last_photo
        if photo is None or photo.credited:
            photo = self.new_photo()
        photo.photographer = cr.photographer_of(unit.text_nl())
        photo.credited = True
        self.unit_span(SegmentKind.PHOTO_CREDIT, unit, ("photo", photo.id))
        if cr.CREDIT_FIRST.match(unit.flat):
            self.caption_follows = photo

    def extend_caption(self, photo: PhotoBuild, unit: Unit):
        """Text that belongs to a photo already begun (its caption printed after its credit)."""
        texts = [self.raws[self.page][line.start : line.end] for line in unit.lines]
        photo.caption = join_lines([photo.caption, *texts]) if photo.caption else join_lines(texts)
        self.unit_span(SegmentKind.CAPTION, unit, ("photo", photo.id))

    def outside_column(self, article: ArticleBuild, unit: Unit) -> bool:
        """Is ``unit`` one short sentence set much wider than the column the article runs in? A
        text layer keeps a photo's caption where the photo stands, and a caption box is wider than a
        narrow column (a closing sentence of the story would fill the column like the rest)."""
        if len(unit.lines) > 2 or len(unit.flat) > LONE_CAPTION_MAX or not ends_sentence(unit.lines[-1].text):
            return False
        if len(article.lines) < MIN_COLUMN_LINES:
            return False
        last = article.lines[-1]
        if not ends_sentence(self.raws[last.page][last.start : last.end]):
            return False  # the story's sentence goes on in this block: a column of another width, not a caption
        widths = sorted(
            cells(self.raws[line.page][line.start : line.end]) for line in article.lines[-MIN_COLUMN_LINES * 4 :]
        )
        column = widths[len(widths) // 2]
        return max(cells(line.text) for line in unit.lines) > CAPTION_WIDER * column

    def new_photo(self) -> PhotoBuild:
        photo = PhotoBuild(id=len(self.out.photos), page=self.page)
        last = self.last_article
        if last is not None and last.page == self.page:
            photo.after_article = last.id
        self.out.photos.append(photo)
        self.last_photo = photo
        return photo

    def on_caption(self, unit: Unit):
        photo = self.new_photo()
        owner = ("photo", photo.id)
        photo.qr = unit.flat.startswith("扫")
        end = unit.end
        if unit.credit_start is not None:
            photo.photographer = cr.photographer_of(self.raws[self.page][unit.credit_start : unit.end])
            photo.credited = True
            end = unit.credit_start
            self.span(SegmentKind.PHOTO_CREDIT, unit.credit_start, unit.end, owner)
        raw = self.raws[self.page]
        texts = [raw[line.start : min(line.end, end)] for line in unit.lines if line.start < end]
        photo.caption = join_lines(texts)
        self.span(SegmentKind.CAPTION, unit.start, end, owner)

    def share_numbered_credits(self):
        """Numbered captions printed together ("①…" "②… 张三 摄") share the credit printed under the
        last of them: each uncredited one of the run gets its photographer."""
        run: list[PhotoBuild] = []
        for photo in [*self.out.photos, None]:
            numbered = photo is not None and photo.caption[:1] in CIRCLED
            if numbered and run and run[-1].page == photo.page and not run[-1].credited:
                run.append(photo)
                continue
            if len(run) > 1 and run[-1].credited and run[-1].photographer:
                for earlier in run[:-1]:
                    if not earlier.credited:
                        earlier.photographer = run[-1].photographer
            run = [photo] if numbered else []
