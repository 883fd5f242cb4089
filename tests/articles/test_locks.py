"""The lock order of editors' writes (``articles.locks``): what a save does when its row is gone."""

from __future__ import annotations

import pytest

from articles import services
from articles.models import Article, Photo
from tests.factories import ArticleFactory, PhotoFactory

pytestmark = pytest.mark.django_db


def test_saving_an_article_a_reimport_replaced_meanwhile_is_refused_with_a_message(editor):
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).delete()
    with pytest.raises(Article.DoesNotExist, match=rf"article {article.pk} no longer exists .*reload the page"):
        services.article_update(article=article, user=editor, data={"headline": "改"})


def test_saving_a_photo_a_reimport_replaced_meanwhile_is_refused_with_a_message(editor):
    photo = PhotoFactory()
    Photo.objects.filter(pk=photo.pk).delete()
    with pytest.raises(Photo.DoesNotExist, match=rf"photo {photo.pk} no longer exists"):
        services.photo_update(photo=photo, user=editor, data={"caption": "改"})


def test_verifying_articles_of_two_issues_locks_and_verifies_each(editor):
    first, second = ArticleFactory(), ArticleFactory()
    assert first.issue_id != second.issue_id
    assert services.article_verify(articles=[second, first], user=editor) == 2
    assert Article.objects.filter(verified_by=editor).count() == 2
