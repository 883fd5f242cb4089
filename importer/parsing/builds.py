"""What the assembler builds: articles and photos in progress, spans, and the whole assembly.

Plain dataclasses shared by :mod:`.assemble` and its steps (:mod:`.assemble_photos`,
:mod:`.assemble_headlines`); :mod:`.segmenter` turns them into drafts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .bodytext import BodyLine
from .drafts import Credit
from .pages import PageInfo


@dataclass
class ArticleBuild:
    id: int  # position in the file's articles
    page: int
    kind: str = "news"
    headline: str | None = None
    kicker: str | None = None
    subheadline: str | None = None
    reporters: list[Credit] = field(default_factory=list)
    lines: list[BodyLine] = field(default_factory=list)
    has_lead: bool = False
    duplicate_of: int | None = None
    body: str = ""
    #: who took the article's photos when its byline says so ("文/图 本报记者 张三"): the photographer
    #: of its photos that carry no credit of their own
    photos_by: str | None = None


@dataclass
class PhotoBuild:
    id: int  # position in the file's photos
    page: int
    caption: str = ""
    photographer: str | None = None
    title: str | None = None
    qr: bool = False
    credited: bool = False
    article: int | None = None  # index into the file's articles
    #: the article printed right before the photo on its page (whose 文/图 byline may credit it)
    after_article: int | None = None


@dataclass(slots=True)
class Span:
    """A classified span: ``owner`` is ("article", id) or ("photo", id) or None."""

    kind: str
    page: int
    start: int
    end: int
    owner: tuple[str, int] | None = None
    key: int = 0  # keeps distinct furniture items apart when spans are merged


@dataclass
class Assembly:
    articles: list[ArticleBuild] = field(default_factory=list)
    photos: list[PhotoBuild] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    infos: list[PageInfo] = field(default_factory=list)
    #: page index -> a label printed at the top of the page (its section name)
    labels: dict[int, str] = field(default_factory=dict)
    #: page index -> photographer named by a page credit "（本版照片均为…摄）"
    page_photographers: dict[int, str] = field(default_factory=dict)
