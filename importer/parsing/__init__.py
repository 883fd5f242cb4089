"""Pure parsing and segmentation of e-paper text files: no Django here (an import-linter contract checks it).

``parse_bytes`` decodes a raw file and segments it into an :class:`IssueDraft`; ``parse_issue`` does
the same for text that is already decoded. Both never raise on odd text: what the segmenter cannot
place goes to each page's ``unassigned`` remainder. Only undecodable or unusable input raises
:class:`ImportInputError`.
"""

from __future__ import annotations

from .decoding import decode_bytes
from .drafts import (
    ArticleDraft,
    Credit,
    IssueDraft,
    PageDraft,
    PhotoDraft,
    Segment,
    SegmentKind,
    issue_to_contract,
    normalise_text,
    text_fingerprint,
)
from .errors import ImportInputError
from .pipeline import parse_bytes
from .segmenter import parse_issue

__all__ = [
    "ArticleDraft",
    "Credit",
    "ImportInputError",
    "IssueDraft",
    "PageDraft",
    "PhotoDraft",
    "Segment",
    "SegmentKind",
    "decode_bytes",
    "issue_to_contract",
    "normalise_text",
    "parse_bytes",
    "parse_issue",
    "text_fingerprint",
]
