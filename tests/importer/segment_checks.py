"""Invariants every segmentation must satisfy, whatever the input (shared by several test modules)."""

from __future__ import annotations

from importer.parsing import IssueDraft, SegmentKind


def assert_conserved(text: str, draft: IssueDraft) -> None:
    """Pages concatenate to the input; segments are in range, never overlap, and cover every
    non-white-space character exactly once; owners point at existing articles and photos."""
    assert "".join(page.raw_text for page in draft.pages) == text
    for page in draft.pages:
        raw = page.raw_text
        covered = [0] * len(raw)
        for segment in page.segments:
            assert segment.kind in SegmentKind.ALL
            assert 0 <= segment.start < segment.end <= len(raw), segment
            for position in range(segment.start, segment.end):
                covered[position] += 1
            if segment.kind in SegmentKind.ARTICLE_KINDS or segment.kind == SegmentKind.DOUBLED:
                owner = draft.pages[(segment.owner_page or page.index) - 1]
                assert segment.article is not None and 0 <= segment.article < len(owner.articles), segment
            if segment.kind == SegmentKind.CAPTION:
                assert segment.photo is not None and 0 <= segment.photo < len(page.photos), segment
        for position, char in enumerate(raw):
            assert covered[position] <= 1, (page.index, position)
            if not char.isspace():
                assert covered[position] == 1, (page.index, position, raw[max(0, position - 8) : position + 8])
        furniture = ["".join(raw[s.start : s.end].split()) for s in page.segments if s.kind == SegmentKind.FURNITURE]
        unassigned = ["".join(raw[s.start : s.end].split()) for s in page.segments if s.kind == SegmentKind.UNASSIGNED]
        assert page.furniture == furniture
        assert page.unassigned == unassigned
        for article in page.articles:
            for credit in article.reporters:
                assert credit.role in ("记者", "通讯员", "作者", "摄影")
                assert not any(ch.isspace() for ch in credit.name)
