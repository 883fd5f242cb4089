"""The public API: what anonymous readers and editors see, filters, pagination, schema and docs."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.models import ArticleStatus
from articles.services import article_refresh_search_document
from tests.factories import (
    ArticleCreditFactory,
    ArticleFactory,
    IssueFactory,
    PageFactory,
    PhotoFactory,
    ReporterFactory,
)

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def archive(django_capture_on_commit_callbacks):
    """Two issues, with a published, a withdrawn, a draft and a duplicate article (the reporters' counters
    are recounted when the writes commit, as outside a test's transaction)."""
    with django_capture_on_commit_callbacks(execute=True):
        return _archive()


def _archive():
    march = IssueFactory(paper="焦作日报", publication_date=dt.date(2023, 3, 7))
    may = IssueFactory(paper="另一报", publication_date=dt.date(2023, 5, 1))
    page = PageFactory(issue=march, number="A08", section="孟州新闻")
    other_page = PageFactory(issue=may, number="A01", section="要闻")
    published = ArticleFactory(page=page, headline="春耕生产忙", body="农民在田间劳作。宫卫红讲话。")
    withdrawn = ArticleFactory(page=page, status=ArticleStatus.WITHDRAWN, headline="撤回的稿件")
    draft = ArticleFactory(page=other_page, status=ArticleStatus.DRAFT, headline="草稿")
    feature = ArticleFactory(page=other_page, kind="feature", headline="人物专访", body="铁棍山药丰收。")
    duplicate = ArticleFactory(page=other_page, headline="春耕生产忙", body=published.body, duplicate_of=published)
    reporter = ReporterFactory(name="张三丰")
    ArticleCreditFactory(article=published, reporter=reporter, role="记者")
    ArticleCreditFactory(article=feature, reporter=ReporterFactory(name="李四"), role="通讯员")
    ArticleCreditFactory(article=withdrawn, reporter=ReporterFactory(name="王五"), role="记者")
    photo = PhotoFactory(page=page, article=published, caption="田间劳作的农民", photographer=reporter)
    for article in (published, feature, withdrawn):
        article_refresh_search_document(article=article)
    hidden_photo = PhotoFactory(page=page, article=withdrawn, caption="撤回稿件的图片")
    return locals()


def test_anonymous_sees_only_published_originals(anon_client, archive):
    got = ids(anon_client.get("/api/articles/"))
    assert got == {archive["published"].id, archive["feature"].id}


def test_anonymous_gets_404_for_unpublished_detail(anon_client, archive):
    assert anon_client.get(f"/api/articles/{archive['withdrawn'].id}/").status_code == 404
    assert anon_client.get(f"/api/articles/{archive['draft'].id}/").status_code == 404
    detail = anon_client.get(f"/api/articles/{archive['published'].id}/").json()
    assert detail["paragraphs"] == ["农民在田间劳作。宫卫红讲话。"]
    assert detail["reporters"] == [{"id": archive["reporter"].id, "name": "张三丰", "role": "记者"}]
    assert [p["caption"] for p in detail["photos"]] == ["田间劳作的农民"]


def test_editor_sees_everything_and_can_filter_status(editor_client, archive):
    everything = ids(editor_client.get("/api/articles/"))
    assert archive["withdrawn"].id in everything and archive["draft"].id in everything
    assert ids(editor_client.get("/api/articles/?status=withdrawn")) == {archive["withdrawn"].id}
    assert ids(editor_client.get("/api/articles/?is_duplicate=true")) == {archive["duplicate"].id}


def test_plain_logged_in_user_is_a_reader(plain_user, archive):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(plain_user)
    assert ids(client.get("/api/articles/")) == {archive["published"].id, archive["feature"].id}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date_from=2023-05-01", ["feature"]),
        ("date_to=2023-03-31", ["published"]),
        ("date=2023-03-07", ["published"]),
        ("year=2023", ["published", "feature"]),
        ("paper=焦作日报", ["published"]),
        ("page_number=a08", ["published"]),
        ("section=孟州", ["published"]),
        ("kind=feature", ["feature"]),
        ("kind=feature&kind=news", ["published", "feature"]),
        ("reporter=张三丰", ["published"]),
        ("reporter=张 三丰", ["published"]),
        ("reporter=李四&role=记者", []),
        ("reporter=李四&role=通讯员", ["feature"]),
        ("role=通讯员", ["feature"]),
        ("has_photos=true", ["published"]),
        ("has_photos=false", ["feature"]),
        ("q=卫红", ["published"]),
        ("q=山药", ["feature"]),
        ("q=田间 劳作", ["published"]),
        ("q=田间 山药", []),
        ("q=张三丰", ["published"]),
        ("q=撤回", []),
    ],
)
def test_article_filters(anon_client, archive, query, expected):
    assert ids(anon_client.get(f"/api/articles/?{query}")) == {archive[name].id for name in expected}


def test_reporter_filter_by_id(anon_client, archive):
    assert ids(anon_client.get(f"/api/articles/?reporter={archive['reporter'].id}")) == {archive["published"].id}


def test_unknown_filter_value_is_a_clear_400(anon_client, archive):
    response = anon_client.get("/api/articles/?date_from=yesterday")
    assert response.status_code == 400
    assert "date_from" in response.json()


def test_pagination(anon_client):
    page = PageFactory()
    ArticleFactory.create_batch(25, page=page)
    first = anon_client.get("/api/articles/?page_size=10").json()
    assert first["count"] == 25 and len(first["results"]) == 10 and first["next"]
    last = anon_client.get("/api/articles/?page_size=10&page=3").json()
    assert len(last["results"]) == 5 and last["next"] is None


def test_issue_and_page_endpoints_hide_what_is_not_public(anon_client, editor_client, archive):
    issues = anon_client.get("/api/issues/").json()["results"]
    by_id = {row["id"]: row for row in issues}
    assert by_id[archive["march"].id]["article_count"] == 1
    detail = anon_client.get(f"/api/issues/{archive['march'].id}/").json()
    assert [p["number"] for p in detail["pages"]] == ["A08"]
    page = anon_client.get(f"/api/pages/{archive['page'].id}/").json()
    assert [a["id"] for a in page["articles"]] == [archive["published"].id]
    assert [p["caption"] for p in page["photos"]] == ["田间劳作的农民"]
    assert page["raw_text"] is None and page["unassigned"] is None
    editor_page = editor_client.get(f"/api/pages/{archive['page'].id}/").json()
    assert editor_page["raw_text"] == archive["page"].raw_text
    assert len(editor_page["articles"]) == 2


def test_photos_and_reporters(anon_client, archive):
    captions = {row["caption"] for row in anon_client.get("/api/photos/").json()["results"]}
    assert captions == {"田间劳作的农民"}
    reporters = {row["name"]: row for row in anon_client.get("/api/reporters/").json()["results"]}
    assert "王五" not in reporters  # credited only on a withdrawn article
    assert reporters["张三丰"]["article_count"] == 1 and reporters["张三丰"]["photo_count"] == 1
    detail = anon_client.get(f"/api/reporters/{archive['reporter'].id}/").json()
    assert detail["roles"] == {"记者": 1}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("endpoint", ["articles", "issues", "pages", "photos", "reporters"])
def test_api_is_read_only(anon_client, editor_client, archive, method, endpoint):
    for client in (anon_client, editor_client):
        target = f"/api/{endpoint}/" if method == "post" else f"/api/{endpoint}/1/"
        response = getattr(client, method)(target, {}, format="json")
        assert response.status_code in (401, 403, 405), (client, response.status_code)


def test_openapi_schema_and_docs(anon_client):
    schema = anon_client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    document = schema.json()
    parameters = {p["name"] for p in document["paths"]["/api/articles/"]["get"]["parameters"]}
    assert {"q", "date_from", "date_to", "paper", "page_number", "section", "kind", "reporter", "role"} <= parameters
    docs = anon_client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_a_photographer_of_only_hidden_photos_is_not_listed(anon_client, editor_client, archive):
    hidden = ReporterFactory(name="只拍了撤稿")
    PhotoFactory(page=archive["page"], article=archive["withdrawn"], photographer=hidden)
    names = {row["name"] for row in anon_client.get("/api/reporters/").json()["results"]}
    assert "只拍了撤稿" not in names
    assert "只拍了撤稿" not in {r["name"] for r in anon_client.get("/api/reporters/?role=摄影").json()["results"]}
    assert anon_client.get(f"/api/reporters/{hidden.pk}/").status_code == 404
    assert "只拍了撤稿" in {row["name"] for row in editor_client.get("/api/reporters/").json()["results"]}


def test_photo_count_is_not_multiplied_by_credit_joins(anon_client, archive):
    ArticleCreditFactory(article=archive["published"], reporter=ReporterFactory(name="第二记者"), role="记者")
    rows = anon_client.get("/api/articles/?role=记者").json()["results"]
    assert {row["id"]: row["photo_count"] for row in rows}[archive["published"].id] == 1


@pytest.mark.parametrize("query", ["year=99999999999999999999", "issue=1.5", "page_id=-1", "year=abc"])
def test_bad_numbers_are_a_400(anon_client, archive, query):
    assert anon_client.get(f"/api/articles/?{query}").status_code == 400


def test_file_metadata_is_for_editors(anon_client, editor_client, archive):
    issue_id = archive["march"].id
    public = anon_client.get(f"/api/issues/{issue_id}/").json()
    assert public["sha256"] is None and public["source_name"] is None and public["encoding"] is None
    assert public["page_count"] == len(public["pages"]) == 1
    private = editor_client.get(f"/api/issues/{issue_id}/").json()
    assert private["sha256"] == archive["march"].sha256 and private["source_name"]


@pytest.mark.parametrize("endpoint", ["articles", "issues", "pages", "photos", "reporters"])
def test_list_endpoints_run_a_constant_number_of_queries(
    anon_client, django_assert_max_num_queries, django_capture_on_commit_callbacks, endpoint
):
    page = PageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(15):
            article = ArticleFactory(page=page)
            ArticleCreditFactory(article=article)
            PhotoFactory(page=page, article=article, photographer=ReporterFactory())
    with django_assert_max_num_queries(6):
        assert anon_client.get(f"/api/{endpoint}/?page_size=50").status_code == 200
    with django_assert_max_num_queries(8):
        first = anon_client.get(f"/api/{endpoint}/").json()["results"][0]["id"]
        assert anon_client.get(f"/api/{endpoint}/{first}/").status_code == 200


@pytest.mark.parametrize("ordering", [None, "-date"])
def test_undated_issues_come_last_on_every_database(anon_client, ordering):
    """PostgreSQL sorts NULL first when descending, SQLite last: the API says which (last, either way)."""

    undated = ArticleFactory(page__issue=IssueFactory(publication_date=None)).issue
    dated = [ArticleFactory(page__issue=IssueFactory(publication_date=dt.date(2021, 5, day))).issue for day in (3, 9)]
    params = {"ordering": ordering} if ordering else {}
    ids = [row["id"] for row in anon_client.get("/api/issues/", params).json()["results"]]
    assert ids[-1] == undated.pk and set(ids[:-1]) == {issue.pk for issue in dated}
    articles = [row["issue"] for row in anon_client.get("/api/articles/").json()["results"]]
    assert articles[-1] == undated.pk
