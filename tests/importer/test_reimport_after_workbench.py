"""A forced re-import after workbench operations keeps what editors made of the page: both halves of a
split, byte for byte, under their ids."""

from __future__ import annotations

import pytest

from articles import editing
from articles.models import Article
from articles.spans import body_paragraphs
from tests.conftest import SEEDS
from tests.importer.test_reimport import article_state, run

pytestmark = pytest.mark.django_db


def test_a_split_survives_a_forced_reimport(editor):
    run(str(SEEDS[4]))
    article = next(a for a in Article.objects.order_by("pk") if len(body_paragraphs(a.body)) >= 3)
    created = editing.article_split(article=article, paragraph=1, headline="编辑拆出的标题", user=editor).article
    article.refresh_from_db()
    before = [article_state(article), article_state(created)]
    run(str(SEEDS[4]), "--force")
    assert [article_state(article), article_state(created)] == before
    assert (
        not Article.objects.filter(page=article.page)
        .exclude(pk__in=[article.pk, created.pk])
        .filter(body__contains=body_paragraphs(created.body)[0])
        .exclude(status="draft")
        .exists()
    )  # the split-off text is not published a second time
