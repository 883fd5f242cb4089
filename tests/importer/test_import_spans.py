"""What the database keeps of the segmentation: spans into the raw text, cross-page links, conservation."""

from __future__ import annotations

import pytest
from django.db.models import F

from articles.models import Article, Page, Photo
from importer.parsing import normalise_text
from importer.services import issues_import_batch
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db


def test_every_non_blank_character_of_every_page_is_in_one_stored_segment(imported_seeds):
    for page in Page.objects.all():
        owner = [0] * len(page.raw_text)
        for _kind, start, end, *_ in page.segments:
            for i in range(start, end):
                owner[i] += 1
        uncovered = [c for c, n in zip(page.raw_text, owner, strict=True) if not c.isspace() and n != 1]
        assert not uncovered, (page, "".join(uncovered)[:80])


def test_article_spans_spell_its_headline_and_body(imported_seeds):
    for article in Article.objects.select_related("page", "issue"):
        pages = {p.index: p.raw_text for p in Page.objects.filter(issue=article.issue)}
        by_kind: dict[str, str] = {}
        for kind, start, end, *elsewhere in article.source_spans:
            raw = pages[elsewhere[0]] if elsewhere else article.page.raw_text
            by_kind[kind] = by_kind.get(kind, "") + raw[start:end]
        if article.headline:
            assert "headline" in by_kind, article
        # the body as stored is the repaired text of the body spans: every body character comes from them
        body_chars = set(normalise_text(by_kind.get("body", "")))
        assert set(normalise_text(article.body)) <= body_chars | set("，。"), article


def test_a_headline_printed_on_the_next_page_stays_with_its_article():
    assert not issues_import_batch(paths=[SEEDS[0]]).failed
    cross = [a for a in Article.objects.all() if any(len(span) == 4 for span in a.source_spans)]
    assert cross, "seed 000 prints a page-3 headline on page 4"
    for article in cross:
        for kind, start, end, page_index in (s for s in article.source_spans if len(s) == 4):
            assert page_index != article.page.index
            text = Page.objects.get(issue=article.issue, index=page_index).raw_text[start:end]
            if kind == "headline":
                assert normalise_text(text) in normalise_text(article.headline) or normalise_text(
                    article.headline
                ) in normalise_text(text)
    linked_elsewhere = Photo.objects.exclude(article=None).exclude(article__page=F("page"))
    assert linked_elsewhere.exists(), "photos on page 4 illustrate page-3 stories"
