"""The review queue: which pages need an editor and why, its totals, filters and order, in the selector and
through the admin; the page list's "has unassigned text" filter and the article list's headline flag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.review import review_queue
from tests.factories import ArticleCreditFactory, ArticleFactory, IssueFactory, PageFactory

pytestmark = pytest.mark.django_db

CLEAN_BODY = "本报讯（记者 甲）一段正文。"


def credited(**fields):
    article = ArticleFactory(**fields)
    ArticleCreditFactory(article=article)
    return article


@pytest.fixture
def queue_pages():
    """Pages of two papers, each with one problem, and a clean page no one needs to look at."""
    new = IssueFactory(paper="甲报", publication_date=dt.date(2024, 3, 2))
    old = IssueFactory(paper="乙报", publication_date=dt.date(2023, 5, 1))
    pages = {
        "unassigned": PageFactory(issue=new, index=1, unassigned=["没放好的一段", "又一段"]),
        "no_headline": PageFactory(issue=new, index=2),
        "merged": PageFactory(issue=new, index=3),
        "clean": PageFactory(issue=new, index=4),
        "old": PageFactory(issue=old, index=1),
    }
    credited(page=pages["unassigned"], body=CLEAN_BODY)
    credited(page=pages["no_headline"], headline="", body=CLEAN_BODY)
    ArticleFactory(page=pages["no_headline"], body=CLEAN_BODY)  # no credit
    for body in ("短。" * 10, "短。" * 12, "长。" * 200, "本报讯 第一条。\n\n本报讯 第二条。"):
        credited(page=pages["merged"], body=body)
    for _ in range(3):
        credited(page=pages["clean"], body=CLEAN_BODY)
    credited(page=pages["old"], headline="", body=CLEAN_BODY)
    return pages


def test_the_queue_lists_pages_needing_an_editor_newest_first_with_counts(queue_pages):
    with CaptureQueriesContext(connection) as queries:
        queue = review_queue()
    assert len(queries) == 1
    assert [row.page_id for row in queue.pages] == [
        queue_pages[name].pk for name in ("unassigned", "no_headline", "merged", "old")
    ]
    by_page = {row.page_id: row for row in queue.pages}
    assert by_page[queue_pages["unassigned"].pk].unassigned == 2
    no_headline = by_page[queue_pages["no_headline"].pk]
    assert (no_headline.no_headline, no_headline.no_credits, no_headline.suspected_merges) == (1, 1, 0)
    assert by_page[queue_pages["merged"].pk].suspected_merges == 2  # the long one and the one with two leads
    assert queue.total == 4
    assert queue.pages_by_reason == {"unassigned": 1, "no_headline": 2, "no_credits": 1, "suspected_merges": 1}
    assert queue.items_by_reason == {"unassigned": 2, "no_headline": 2, "no_credits": 1, "suspected_merges": 2}


def test_the_queue_filters_by_date_range_and_paper_and_pages(queue_pages):
    assert [r.page_id for r in review_queue(date_to=dt.date(2023, 12, 31)).pages] == [queue_pages["old"].pk]
    assert review_queue(date_from=dt.date(2024, 3, 2), date_to=dt.date(2024, 3, 2)).total == 3
    assert {r.paper for r in review_queue(paper="乙报").pages} == {"乙报"}
    second = review_queue(limit=2, offset=2)
    assert [r.page_id for r in second.pages] == [queue_pages["merged"].pk, queue_pages["old"].pk]
    assert second.total == 4
    beyond = review_queue(limit=2, offset=10)
    assert (beyond.pages, beyond.total, beyond.pages_by_reason["no_headline"]) == ([], 4, 2)
    assert review_queue(paper="丙报").total == 0


def test_the_seeds_queue_agrees_with_the_rows(imported_seeds):
    from articles.models import Article, Page

    queue = review_queue(limit=10_000)
    assert queue.total == len(queue.pages)
    assert queue.items_by_reason["no_headline"] == Article.objects.filter(headline="").count()
    assert queue.items_by_reason["no_credits"] == Article.objects.filter(credits__isnull=True).count()
    assert queue.items_by_reason["unassigned"] == sum(len(p.unassigned) for p in Page.objects.all())


@pytest.fixture
def editor_browser(client, editor):
    client.force_login(editor)
    return client


def test_the_admin_review_queue_page(editor_browser, queue_pages):
    url = reverse("admin:articles_page_review")
    response = editor_browser.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("unassigned", "no_headline", "merged", "old"):
        assert reverse("admin:articles_page_change", args=[queue_pages[name].pk]) in html
    assert reverse("admin:articles_page_change", args=[queue_pages["clean"].pk]) not in html
    filtered = editor_browser.get(url, {"paper": "乙报", "date_from": "2023-01-01", "date_to": "2023-12-31"})
    assert filtered.context["queue"].total == 1
    assert editor_browser.get(url, {"date_from": "not a date"}).status_code == 200
    IssueFactory(publication_date=dt.date(2020, 1, 1))
    ArticleFactory(page=PageFactory(issue=IssueFactory(publication_date=dt.date(2020, 1, 2))), headline="")
    assert editor_browser.get(url).context["queue"].total == 4  # the year up to the newest issue
    assert editor_browser.get(url, {"all": "1"}).context["queue"].total == 5
    assert (
        reverse("admin:articles_page_review")
        in editor_browser.get(reverse("admin:articles_page_changelist")).content.decode()
    )


def test_the_page_list_filters_by_unassigned_text_and_the_article_list_flags_no_headline(editor_browser, queue_pages):
    pages = editor_browser.get(reverse("admin:articles_page_changelist"), {"unassigned": "yes"})
    assert [p.pk for p in pages.context["cl"].result_list] == [queue_pages["unassigned"].pk]
    others = editor_browser.get(reverse("admin:articles_page_changelist"), {"unassigned": "no"})
    assert queue_pages["unassigned"].pk not in [p.pk for p in others.context["cl"].result_list]
    articles = editor_browser.get(reverse("admin:articles_article_changelist"), {"headline": "missing"})
    assert {a.headline for a in articles.context["cl"].result_list} == {""}
    assert "no-headline" in articles.content.decode()
