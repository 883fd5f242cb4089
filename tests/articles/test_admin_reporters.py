"""The reporter admin through the test client, each request in its own session as a server runs it: the
"merge into one person" action and its confirmation page, the merges on the history page and their revert,
the change page's aliases, credits by role and articles link."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from articles import reporters
from articles.models import ArticleCredit, Photo, Reporter, ReporterAlias, ReporterMerge
from tests.articles.admin_helpers import form_post_data
from tests.factories import ArticleCreditFactory, PhotoFactory, ReporterFactory

pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = "admin:articles_reporter_changelist"


@pytest.fixture
def editor_browser(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def pair():
    kept, other = ReporterFactory(name="韦冰"), ReporterFactory(name="韦兵")
    ArticleCreditFactory(reporter=kept)
    ArticleCreditFactory(reporter=other, role="通讯员")
    PhotoFactory(photographer=other)
    return kept, other


def _action(client, reporters_: list[Reporter], *, follow: bool = False, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": "merge_reporters", ACTION_CHECKBOX_NAME: [r.pk for r in reporters_], **extra},
        follow=follow,
    )


def test_the_merge_action_asks_which_to_keep_then_merges(editor_browser, pair):
    kept, other = pair
    page = _action(editor_browser, [kept, other])
    assert page.status_code == 200
    html = page.content.decode()
    assert "reporter-merge-confirmation" in html and "韦冰" in html and "韦兵" in html and "通讯员 1" in html

    done = _action(editor_browser, [kept, other], post="yes", keep=kept.pk, **{f"version_{other.pk}": 1})

    assert done.status_code == 302 and done.url == reverse("admin:articles_reporter_change", args=[kept.pk])
    assert not Reporter.objects.filter(pk=other.pk).exists()
    assert ReporterAlias.objects.get(name="韦兵").reporter_id == kept.pk
    assert set(ArticleCredit.objects.values_list("reporter_id", flat=True)) == {kept.pk}
    assert Photo.objects.get().photographer_id == kept.pk
    change = editor_browser.get(done.url).content.decode()
    assert "韦兵" in change  # the alias
    assert "记者 1、通讯员 1" in change
    assert f"?credits__reporter__id__exact={kept.pk}" in change and "2 articles" in change


def test_the_merge_action_refuses_one_reporter_a_stale_version_and_no_choice(editor_browser, pair):
    kept, other = pair
    response = _action(editor_browser, [kept], follow=True)
    assert "Select exactly two reporters" in response.content.decode()
    stale = _action(editor_browser, [kept, other], post="yes", keep=kept.pk, **{f"version_{other.pk}": 7})
    assert stale.status_code == 302 and Reporter.objects.filter(pk=other.pk).exists()
    assert "changed by someone else" in editor_browser.get(reverse(CHANGELIST)).content.decode()
    _action(editor_browser, [kept, other], post="yes", keep="")
    assert Reporter.objects.filter(pk=other.pk).exists() and not ReporterMerge.objects.exists()


def test_a_merge_is_reverted_from_the_history_page(editor_browser, editor, pair):
    kept, other = pair
    merge = reporters.reporter_merge(kept=kept, other=other, user=editor)
    history = editor_browser.get(reverse("admin:articles_reporter_history", args=[kept.pk])).content.decode()
    revert_url = reverse("admin:articles_reporter_merge_revert", args=[merge.pk])
    assert "reporter-merges" in history and revert_url in history

    ask = editor_browser.get(revert_url)
    assert ask.status_code == 200 and "韦兵" in ask.content.decode()
    done = editor_browser.post(revert_url)

    assert done.status_code == 302 and done.url == reverse("admin:articles_reporter_change", args=[other.pk])
    assert Reporter.objects.get(pk=other.pk).name == "韦兵"
    assert ArticleCredit.objects.get(role="通讯员").reporter_id == other.pk
    assert Photo.objects.get().photographer_id == other.pk
    again = editor_browser.post(revert_url, follow=True)
    assert "already reverted" in again.content.decode()


def test_renaming_to_another_reporters_alias_is_a_form_error(editor_browser, editor, pair):
    kept, other = pair
    third = ReporterFactory(name="王五")
    reporters.reporter_merge(kept=kept, other=other, user=editor)
    url = reverse("admin:articles_reporter_change", args=[third.pk])
    form = editor_browser.get(url).context["adminform"].form
    response = editor_browser.post(url, form_post_data(form, name="韦 兵"))
    assert response.status_code == 200 and "merge the two instead" in response.content.decode()
    renamed = editor_browser.post(url, form_post_data(form, name="王 六"))
    assert renamed.status_code == 302 and Reporter.objects.get(pk=third.pk).name == "王六"


def test_a_plain_user_cannot_merge(client, plain_user, pair):
    plain_user.is_staff = True
    plain_user.save()
    client.force_login(plain_user)
    kept, other = pair
    _action(client, [kept, other], post="yes", keep=kept.pk)
    assert Reporter.objects.filter(pk=other.pk).exists()


def test_the_change_role_action_asks_for_the_roles_then_changes_the_credits(editor_browser, pair):
    kept, other = pair
    ask = editor_browser.post(reverse(CHANGELIST), {"action": "change_role", ACTION_CHECKBOX_NAME: [other.pk]})
    assert ask.status_code == 200 and "reporter-role-confirmation" in ask.content.decode()
    done = editor_browser.post(
        reverse(CHANGELIST),
        {
            "action": "change_role",
            ACTION_CHECKBOX_NAME: [other.pk],
            "post": "yes",
            "from_role": "通讯员",
            "to_role": "记者",
        },
    )
    assert done.status_code == 302
    assert set(ArticleCredit.objects.filter(reporter=other).values_list("role", flat=True)) == {"记者"}
    assert ArticleCredit.objects.filter(reporter=kept, role="记者").count() == 1
