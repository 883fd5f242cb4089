"""Raw-text ownership (articles.spans): paragraphs matched to their spans, segments rebuilt from owners."""

from __future__ import annotations

from articles.spans import segments_rebuild, segments_unassigned_texts, spans_by_paragraph, spans_subtract

RAW = "标题\n　　第一段一行，\n第一段二行。\n　　第二段。\n"


def _span(kind: str, text: str) -> list:
    start = RAW.index(text)
    return [kind, start, start + len(text)]


def test_a_span_holding_two_paragraphs_is_cut_between_them_with_the_indent_going_along():
    block = _span("body", "　　第一段一行，\n第一段二行。\n　　第二段。")
    by_paragraph, other = spans_by_paragraph(
        spans=[_span("headline", "标题"), block], body="第一段一行，第一段二行。\n\n第二段。", raws={1: RAW}, home=1
    )
    assert other == [_span("headline", "标题")]
    assert [[RAW[s[1] : s[2]].strip() for s in spans] for spans in by_paragraph] == [
        ["第一段一行，\n第一段二行。"],
        ["第二段。"],
    ]


def test_an_edited_body_is_matched_by_proportion():
    spans = [_span("body", "　　第一段一行，\n第一段二行。"), _span("body", "　　第二段。")]
    by_paragraph, _ = spans_by_paragraph(spans=spans, body="改短的第一段。\n\n第二段。", raws={1: RAW}, home=1)
    assert len(by_paragraph) == 2 and all(by_paragraph)


def test_spans_subtract_cuts_a_range_out():
    span = _span("body", "　　第二段。")
    assert spans_subtract([span], page=1, start=span[1] + 2, end=span[1] + 4, home=1) == [
        ["body", span[1], span[1] + 2],
        ["body", span[1] + 4, span[2]],
    ]
    assert spans_subtract([[*span, 2]], page=1, start=0, end=len(RAW), home=1) == [[*span, 2]]  # another page


def test_text_no_one_owns_any_more_becomes_unassigned_and_furniture_stays():
    old = [
        [*_span("furniture", "标题"), None, None, None],
        [*_span("body", "　　第一段一行，\n第一段二行。"), 0, None, None],
        [*_span("body", "　　第二段。"), 0, None, None],
    ]
    rebuilt = segments_rebuild(raw_text=RAW, segments=old, owners=[(_span("body", "　　第二段。"), 3, None, None)])
    assert [s[0] for s in rebuilt] == ["furniture", "unassigned", "body"]
    assert rebuilt[-1][3] == 3
    assert segments_unassigned_texts(raw_text=RAW, segments=rebuilt) == ["第一段一行，\n第一段二行。"]
