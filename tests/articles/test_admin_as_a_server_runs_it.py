"""Admin views as a server runs them: each request in its own autocommit session, not inside the test's
transaction, so a row lock taken outside a transaction fails here as it does in production (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article, Issue, Page, Photo
from tests.articles.admin_helpers import form_post_data, revert
from tests.factories import (
    ArticleCreditFactory,
    ArticleFactory,
    IssueFactory,
    PageFactory,
    PhotoFactory,
    ReporterFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor_browser(client, editor):
    client.force_login(editor)
    return client


def _revert_url(obj, record) -> str:
    return reverse(f"admin:articles_{obj._meta.model_name}_simple_history", args=[obj.pk, record.history_id])


def test_reverting_an_article_from_history(editor_browser, editor):
    article = ArticleFactory(headline="导入时的标题", body="第一段\n\n第二段")
    article.history.all().delete()
    services.article_update(article=article, user=editor, data={"headline": "改错了的标题", "body": "第一段"})
    imported = article.history.order_by("history_id").first()
    response = revert(
        editor_browser,
        _revert_url(article, imported),
        **{"credits-TOTAL_FORMS": 0, "credits-INITIAL_FORMS": 0, "photos-TOTAL_FORMS": 0, "photos-INITIAL_FORMS": 0},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.body, stored.version) == ("导入时的标题", "第一段\n\n第二段", 3)


@pytest.mark.parametrize(
    ("make", "write", "field", "old"),
    [
        (
            lambda: PhotoFactory(caption="原图说"),
            lambda o, u: services.photo_update(photo=o, user=u, data={"caption": "新图说"}),
            "caption",
            "原图说",
        ),
        (
            lambda: PageFactory(section="原版名"),
            lambda o, u: services.page_update(page=o, user=u, data={"section": "新版名"}),
            "section",
            "原版名",
        ),
        (
            lambda: ReporterFactory(name="原名"),
            lambda o, u: services.reporter_update(reporter=o, user=u, name="新名"),
            "name",
            "原名",
        ),
        (
            lambda: IssueFactory(paper="原报名"),
            lambda o, u: services.issue_update(issue=o, user=u, data={"paper": "新报名"}),
            "paper",
            "原报名",
        ),
        (
            lambda: ArticleCreditFactory(role="记者"),
            lambda o, u: services.credit_update(credit=o, user=u, data={"role": "通讯员"}),
            "role",
            "记者",
        ),
    ],
    ids=["photo", "page", "reporter", "issue", "credit"],
)
def test_reverting_other_models_from_history(editor_browser, editor, make, write, field, old):
    obj = make()
    obj.history.all().delete()
    write(obj, editor)
    imported = obj.history.order_by("history_id").first()
    assert getattr(imported, field) == old
    history = editor_browser.get(reverse(f"admin:articles_{obj._meta.model_name}_history", args=[obj.pk]))
    assert history.status_code == 200 and editor.username in history.content.decode()
    response = revert(editor_browser, _revert_url(obj, imported))
    assert response.status_code == 302, response.content.decode()[:2000]
    obj.refresh_from_db()
    assert getattr(obj, field) == old


def test_change_forms_save(editor_browser):
    """The change forms (Django's own transaction) save every model with its version check."""
    photo, page, issue = PhotoFactory(), PageFactory(), IssueFactory()
    for obj, changes, inlines in [
        (photo, {"caption": "新图说"}, ()),
        (page, {"section": "新版名"}, ("articles", "photos")),
        (issue, {"paper": "新报名"}, ("pages",)),
    ]:
        url = reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])
        data = form_post_data(editor_browser.get(url).context["adminform"].form, **changes)
        for prefix in inlines:
            data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
        assert editor_browser.post(url, data).status_code == 302
    assert Photo.objects.get(pk=photo.pk).caption == "新图说"
    assert Page.objects.get(pk=page.pk).section == "新版名"
    assert Issue.objects.get(pk=issue.pk).paper == "新报名"
