"""Plain dataclasses the parser returns: an issue draft, free of Django.

The parser (pure Python) produces an :class:`IssueDraft`; the import service writes it to the
database; the ``--dry-run --json`` output is :func:`issue_to_contract`. Every piece of a page's
text is recorded as a :class:`Segment` with its character span in ``PageDraft.raw_text`` so that
editors, re-imports and the conservation check can see exactly where each article, caption,
headline and piece of furniture came from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

#: Roles a person can have on an article or photo, as printed in the paper.
ROLES = ("记者", "通讯员", "作者", "摄影")

#: Kinds of article the archive knows.
KINDS = ("news", "brief", "feature", "commentary", "column")


class SegmentKind:
    """What a span of a page's raw text turned out to be."""

    HEADLINE = "headline"
    KICKER = "kicker"
    SUBHEADLINE = "subheadline"
    BYLINE = "byline"  # 本报讯（…） leads, byline lines, trailing credits, (作者为…) lines
    BODY = "body"
    CAPTION = "caption"
    PHOTO_CREDIT = "photo_credit"  # "本报记者 钱多多 摄", page credits
    FURNITURE = "furniture"
    DOUBLED = "doubled"  # the second copy of fake-bold doubled text
    UNASSIGNED = "unassigned"

    ALL = (HEADLINE, KICKER, SUBHEADLINE, BYLINE, BODY, CAPTION, PHOTO_CREDIT, FURNITURE, DOUBLED, UNASSIGNED)
    #: kinds whose owner is an article (index into the page's articles)
    ARTICLE_KINDS = frozenset({HEADLINE, KICKER, SUBHEADLINE, BYLINE, BODY})
    #: kinds whose owner is a photo (index into the page's photos)
    PHOTO_KINDS = frozenset({CAPTION, PHOTO_CREDIT})


@dataclass(frozen=True)
class Segment:
    """A span ``raw_text[start:end]`` of one page and what it is.

    ``article`` / ``photo`` index into the page's ``articles`` / ``photos`` when the span belongs to
    one of them. A span covers whole characters of the raw text including any spaces and line breaks
    inside it; spans of one page never overlap.
    """

    kind: str
    start: int
    end: int
    article: int | None = None
    photo: int | None = None
    #: 1-based index of the page whose ``articles`` ``article`` indexes, when that is not this span's own page
    #: (a headline printed on the page after its body); None means this page.
    owner_page: int | None = None


@dataclass(frozen=True)
class Credit:
    """A person credited on an article or photo. Names carry no inner spaces."""

    name: str
    role: str


@dataclass
class ArticleDraft:
    headline: str | None = None
    kicker: str | None = None
    subheadline: str | None = None
    body: str = ""  # paragraphs separated by one blank line ("\n\n")
    kind: str = "news"
    reporters: list[Credit] = field(default_factory=list)
    #: index, in the issue's article order, of the earlier copy of this article
    duplicate_of: int | None = None
    #: jieba words of kicker, headline, subheadline and body, space-separated as stored, filled by
    #: ``tokens.index_draft`` when the import asks for them (one string: a draft crosses from a worker
    #: process to the writer, and unpickling thousands of small strings cost the writer 3 ms a file)
    search_tokens: str = ""
    #: normalised search text (headline … body, captions, reporters), filled with ``search_tokens``
    search_document: str = ""
    #: jieba.analyse keywords, space-separated as stored, filled with ``search_tokens``
    keywords: str = ""
    #: the grams of ``search_document`` as the SQLite index stores them (``searchtext.index_grams_text``),
    #: filled with it when the import writes to SQLite: computed in the workers, handed to the index's
    #: trigger by the writer (``articles.search.sqlite.grams_given``); empty otherwise
    search_grams: str = ""

    @cached_property
    def fingerprint(self) -> str:
        """A stable identity of the article's text, used to match articles across re-imports."""
        return text_fingerprint(self.body)


@dataclass
class PhotoDraft:
    caption: str = ""
    photographer: str | None = None
    #: index into the page's articles of the article it illustrates, if that is clear
    article: int | None = None
    #: 1-based index of the page whose ``articles`` ``article`` indexes, when that is not the photo's own page
    #: (photos of a spread printed on the page after their story); None means this page.
    article_page: int | None = None


@dataclass
class PageDraft:
    index: int  # 1-based position in the file
    raw_text: str  # the page's text exactly as decoded (line ends normalised to "\n")
    first_line: int = 1  # line number in the file where the page starts (1-based)
    number: str | None = None  # printed page number, e.g. "A08"
    section: str | None = None  # e.g. "县区新闻"
    date: dt.date | None = None  # a date printed on the page
    paper: str | None = None  # a paper name printed on the page
    staff: dict[str, str] | None = None  # {"编辑": …, "校对": …, "组版": …}
    articles: list[ArticleDraft] = field(default_factory=list)
    photos: list[PhotoDraft] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)


@dataclass
class IssueDraft:
    source: str  # the file name
    pages: list[PageDraft] = field(default_factory=list)
    paper: str | None = None
    date: dt.date | None = None
    edition: str = ""
    encoding: str = "utf-8"
    sha256: str = ""
    size: int = 0  # bytes of the raw file
    #: articles carry their jieba words and search documents (``tokens.index_draft`` ran)
    indexed: bool = False

    @property
    def articles(self) -> list[ArticleDraft]:
        """All articles in issue order (the order ``duplicate_of`` indexes)."""
        return [article for page in self.pages for article in page.articles]


#: Full-width punctuation that Chinese text is full of (and the ideographic space), each with what NFKC
#: makes of it. Each is compatibility-equivalent to its replacement, so NFKC gives the same result with
#: or without them replaced; once they are, most texts are already normalised, which ``unicodedata``
#: sees in a quick check instead of decomposing and recomposing the whole text (ten times the work).
_FULLWIDTH_FOLDS = tuple((char, unicodedata.normalize("NFKC", char)) for char in "，（）；：！？…\u3000")


def nfkc(text: str) -> str:
    """Exactly ``unicodedata.normalize("NFKC", text)``, several times faster on Chinese text."""
    for char, folded in _FULLWIDTH_FOLDS:
        if char in text:
            text = text.replace(char, folded)
    return unicodedata.normalize("NFKC", text)


def normalise_text(text: str | None) -> str:
    """NFKC with all whitespace removed: how texts are compared (as the gold scorer does)."""
    if not text:
        return ""
    return "".join(nfkc(text).split())


def text_fingerprint(text: str | None) -> str:
    return hashlib.sha1(normalise_text(text).encode("utf-8")).hexdigest()


def issue_to_contract(draft: IssueDraft) -> dict:
    """The ``import_issue --dry-run --json`` document (its shape is a contract other tools read)."""
    return {
        "source": draft.source,
        "issue": {
            "date": draft.date.isoformat() if draft.date else None,
            "paper": draft.paper,
            "edition": draft.edition or None,
            "encoding": draft.encoding,
            "sha256": draft.sha256,
        },
        "pages": [
            {
                "index": page.index,
                "number": page.number,
                "section": page.section,
                "staff": page.staff or None,
                "articles": [
                    {
                        "headline": article.headline,
                        "kicker": article.kicker,
                        "subheadline": article.subheadline,
                        "reporters": [{"name": c.name, "role": c.role} for c in article.reporters],
                        "body": article.body,
                        "kind": article.kind,
                        "duplicate_of": article.duplicate_of,
                    }
                    for article in page.articles
                ],
                "photos": [
                    {
                        "caption": photo.caption,
                        "photographer": photo.photographer,
                        "article": photo.article,
                        "article_page": photo.article_page,
                    }
                    for photo in page.photos
                ],
                "furniture": list(page.furniture),
                "unassigned": list(page.unassigned),
                "segments": [
                    {
                        "kind": s.kind,
                        "start": s.start,
                        "end": s.end,
                        "article": s.article,
                        "photo": s.photo,
                        "owner_page": s.owner_page,
                    }
                    for s in page.segments
                ],
            }
            for page in draft.pages
        ],
    }
