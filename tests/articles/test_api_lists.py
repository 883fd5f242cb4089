"""The API's lists at scale: bounded counts, cursor pages, orderings, facets, strict parameters, the
reporter endpoint, conditional details and the export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.cache import cache
from django.utils.http import http_date
from rest_framework.test import APIClient

from articles.api import MSG_UNKNOWN_PARAMS
from articles.models import ArticleStatus
from articles.pagination import MSG_CURSOR_ORDER
from tests.factories import ArticleCreditFactory, ArticleFactory, IssueFactory, PageFactory, ReporterFactory

pytestmark = pytest.mark.django_db


def _article(date: dt.date | None, **kwargs):
    page = PageFactory(issue=IssueFactory(publication_date=date, paper=kwargs.pop("paper", "测试日报")))
    return ArticleFactory(page=page, **kwargs)


@pytest.fixture
def dated(django_capture_on_commit_callbacks):
    """Seven public articles over three dates and one undated, two hidden ones, two reporters."""
    with django_capture_on_commit_callbacks(execute=True):
        newest = [_article(dt.date(2024, 5, 2)) for _ in range(3)]
        middle = [_article(dt.date(2023, 3, 1), paper="另一报") for _ in range(2)]
        old = [_article(dt.date(2020, 1, 9), kind="feature")]
        undated = [_article(None)]
        hidden = [_article(dt.date(2024, 6, 1), status=ArticleStatus.DRAFT), _article(dt.date(2024, 6, 1))]
        hidden[1].duplicate_of = newest[0]
        hidden[1].save()
        busy, rare = ReporterFactory(name="甲记者"), ReporterFactory(name="乙记者")
        for article in [*newest, *middle, hidden[0]]:
            ArticleCreditFactory(article=article, reporter=busy, role="记者")
        ArticleCreditFactory(article=old[0], reporter=rare, role="通讯员")
    # the API's order: newest date first, then newest id; undated last
    order = [
        *sorted(newest, key=lambda a: -a.pk),
        *sorted(middle, key=lambda a: -a.pk),
        *old,
        *undated,
    ]
    return {"order": order, "busy": busy, "rare": rare, "hidden": hidden, "undated": undated[0]}


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_default_order_is_newest_first_with_undated_last(anon_client, dated):
    assert _ids(anon_client.get("/api/articles/")) == [a.pk for a in dated["order"]]


def test_undated_issues_sort_last(anon_client, django_capture_on_commit_callbacks):
    undated = _article(None).issue
    older = _article(dt.date(2001, 1, 1)).issue
    newer = _article(dt.date(2022, 1, 1)).issue
    assert _ids(anon_client.get("/api/issues/")) == [newer.pk, older.pk, undated.pk]


def test_cursor_pages_walk_the_whole_list_in_order(anon_client, dated):
    seen, url = [], "/api/articles/?cursor=&page_size=2"
    while url:
        body = anon_client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        assert body["count"] == 7 and body["count_is_exact"] is True
        url = body["next"]
    assert seen == [a.pk for a in dated["order"]]


def test_cursor_pages_keep_filters(anon_client, dated):
    busy = dated["busy"].pk
    first = anon_client.get(f"/api/articles/?cursor=&page_size=3&reporter={busy}").json()
    assert first["previous"] is None
    second = anon_client.get(first["next"]).json()
    assert [*(r["id"] for r in first["results"]), *(r["id"] for r in second["results"])] == [
        a.pk for a in dated["order"][:5]
    ]
    assert second["next"] is None and second["previous"] is not None


@pytest.mark.parametrize("cursor", ["nonsense", "W10", "WyJ4IiwgMV0", "WyIyMDI0LTAxLTAxIiwgdHJ1ZV0"])
def test_a_bad_cursor_is_a_400(anon_client, dated, cursor):
    response = anon_client.get(f"/api/articles/?cursor={cursor}")
    assert response.status_code == 400 and "cursor" in response.json()


def test_cursor_with_another_ordering_or_a_page_is_a_400(anon_client, dated):
    response = anon_client.get("/api/articles/?cursor=&ordering=id")
    assert response.status_code == 400 and response.json()["cursor"] == [MSG_CURSOR_ORDER]
    assert anon_client.get("/api/articles/?cursor=&page=2").status_code == 400
    assert anon_client.get("/api/issues/?cursor=").status_code == 400  # numbered pages only there


def test_counts_are_exact_up_to_the_cap_then_a_lower_bound(anon_client, dated, settings):
    body = anon_client.get("/api/articles/?page_size=2").json()
    assert (body["count"], body["count_is_exact"]) == (7, True)
    settings.NEWSROOM_COUNT_CAP = 3
    first = anon_client.get("/api/articles/?page_size=2").json()
    assert first["count"] == 3 and first["count_is_exact"] is False and first["next"]
    third = anon_client.get("/api/articles/?page_size=2&page=3").json()
    assert third["count"] == 7 and third["count_is_exact"] is False  # at least the rows up to the next page
    last = anon_client.get("/api/articles/?page_size=2&page=4")
    assert _ids(last) == [dated["undated"].pk] and last.json()["next"] is None
    assert anon_client.get("/api/articles/?page_size=2&page=5").status_code == 404


def test_orderings_are_the_indexed_ones(anon_client, dated):
    ascending = _ids(anon_client.get("/api/articles/?ordering=id"))
    assert ascending == sorted(ascending)
    response = anon_client.get("/api/articles/?ordering=headline")
    assert response.status_code == 400 and "ordering" in response.json()


@pytest.mark.parametrize(
    "endpoint", ["articles", "issues", "pages", "photos", "reporters", "articles/export", "reporters/{r}/articles"]
)
def test_unknown_query_parameters_are_a_400_naming_them(anon_client, dated, endpoint):
    url = "/api/" + endpoint.format(r=dated["busy"].pk) + "/?reporer=1&page_size=5"
    response = anon_client.get(url)
    assert response.status_code == 400
    message = response.json()["detail"]
    assert message.startswith(MSG_UNKNOWN_PARAMS.split("%")[0]) and "reporer" in message
    assert "page_size" not in message.split(".")[0]


def test_known_parameters_pass(anon_client, dated):
    url = "/api/articles/?q=正文&year=2024&page=1&page_size=5&ordering=-date&format=json&facets=kind"
    assert anon_client.get(url).status_code == 200


def test_month_filter(anon_client, dated):
    assert len(_ids(anon_client.get("/api/articles/?year=2023&month=3"))) == 2
    assert anon_client.get("/api/articles/?month=13").status_code == 400


def test_facets_of_the_filtered_list(anon_client, dated):
    body = anon_client.get("/api/articles/?facets=all&page_size=1").json()
    facets = body["facets"]
    assert facets["exact"] is True and facets["rows"] == 7
    assert facets["year"] == [
        {"value": 2024, "count": 3},
        {"value": 2023, "count": 2},
        {"value": 2020, "count": 1},
        {"value": None, "count": 1},
    ]
    assert facets["month"][0] == {"value": "2024-05", "count": 3}
    assert facets["paper"] == [{"value": "测试日报", "count": 5}, {"value": "另一报", "count": 2}]
    assert {"value": "feature", "count": 1} in facets["kind"]
    # hidden articles (the draft, the second copy) are not counted for a reader
    assert facets["reporter"][0] == {"value": dated["busy"].pk, "name": "甲记者", "count": 5}
    narrowed = anon_client.get("/api/articles/?facets=year,paper&year=2023").json()["facets"]
    assert set(narrowed) == {"exact", "rows", "year", "paper"}
    assert narrowed["paper"] == [{"value": "另一报", "count": 2}]


def test_facets_past_the_cap_say_they_are_approximate(anon_client, dated, settings):
    settings.NEWSROOM_FACET_CAP = 4
    facets = anon_client.get("/api/articles/?facets=year").json()["facets"]
    assert facets["exact"] is False and facets["rows"] == 4
    assert facets["year"] == [{"value": 2024, "count": 3}, {"value": 2023, "count": 1}]


def test_unknown_facet_is_a_400(anon_client, dated):
    response = anon_client.get("/api/articles/?facets=year,colour")
    assert response.status_code == 400 and "colour" in response.json()["facets"][0]


def test_editors_facets_count_what_editors_see(editor_client, dated):
    facets = editor_client.get("/api/articles/?facets=year").json()["facets"]
    assert facets["rows"] == 9 and facets["year"][0] == {"value": 2024, "count": 5}


def test_reporter_detail_counts_by_role_and_year(anon_client, editor_client, dated):
    busy = dated["busy"].pk
    detail = anon_client.get(f"/api/reporters/{busy}/").json()
    assert detail["article_count"] == 5 and detail["roles"] == {"记者": 5}
    assert detail["years"] == {"2024": 3, "2023": 2}
    assert editor_client.get(f"/api/reporters/{busy}/").json()["years"] == {"2024": 4, "2023": 2}
    articles = anon_client.get(detail["articles_url"] + "?page_size=2").json()
    assert articles["count"] == 5 and [r["id"] for r in articles["results"]] == [a.pk for a in dated["order"][:2]]
    assert _ids(anon_client.get(f"/api/reporters/{busy}/articles/?year=2023")) == [a.pk for a in dated["order"][3:5]]
    oldest_first = _ids(anon_client.get(f"/api/reporters/{busy}/articles/?ordering=id"))
    assert oldest_first == sorted(a.pk for a in dated["order"][:5])
    assert anon_client.get("/api/reporters/abc/articles/").status_code == 404


def test_a_reporter_of_hidden_articles_only_is_404_for_readers(
    anon_client, editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hidden = ReporterFactory(name="丙记者")
        ArticleCreditFactory(article=_article(dt.date(2024, 1, 1), status=ArticleStatus.WITHDRAWN), reporter=hidden)
    assert anon_client.get(f"/api/reporters/{hidden.pk}/").status_code == 404
    assert anon_client.get(f"/api/reporters/{hidden.pk}/articles/").status_code == 404
    assert editor_client.get(f"/api/reporters/{hidden.pk}/articles/").json()["count"] == 1


def test_reporter_list_counts_and_order(anon_client, editor_client, dated):
    rows = anon_client.get("/api/reporters/?ordering=-article_count").json()["results"]
    assert [(r["name"], r["article_count"]) for r in rows] == [("甲记者", 5), ("乙记者", 1)]
    editors = {r["name"]: r["article_count"] for r in editor_client.get("/api/reporters/").json()["results"]}
    assert editors["甲记者"] == 6


@pytest.mark.parametrize("endpoint", ["articles", "issues", "pages", "photos", "reporters"])
def test_conditional_requests_on_details(anon_client, dated, endpoint):
    from tests.factories import PhotoFactory

    article = dated["order"][0]
    pk = {
        "articles": article.pk,
        "issues": article.issue_id,
        "pages": article.page_id,
        "photos": PhotoFactory(page=article.page, article=article).pk,
        "reporters": dated["busy"].pk,
    }[endpoint]
    url = f"/api/{endpoint}/{pk}/"
    first = anon_client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert first.status_code == 200 and etag.startswith('"')
    again = anon_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    assert anon_client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert anon_client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    yesterday = http_date((dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).timestamp())
    assert anon_client.get(url, HTTP_IF_MODIFIED_SINCE=yesterday).status_code == 200


def test_a_change_gives_a_new_etag_and_a_later_last_modified(anon_client, dated):
    from articles.services import article_update

    article = dated["order"][0]
    url = f"/api/articles/{article.pk}/"
    cache.clear()
    first = anon_client.get(url)
    article_update(article=article, user=None, data={"headline": "改过的标题"}, expected_version=article.version)
    changed = anon_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert changed.json()["headline"] == "改过的标题"


def test_an_editor_and_a_reader_get_different_etags_for_different_documents(anon_client, editor_client, dated):
    page = dated["order"][0].page_id
    reader, editor = anon_client.get(f"/api/pages/{page}/"), editor_client.get(f"/api/pages/{page}/")
    assert reader.json()["raw_text"] is None and editor.json()["raw_text"] is not None
    assert reader["ETag"] != editor["ETag"]
    assert editor_client.get(f"/api/pages/{page}/", HTTP_IF_NONE_MATCH=reader["ETag"]).status_code == 200


def test_export_jsonl_and_csv_with_filters(anon_client, dated):
    response = anon_client.get("/api/articles/export/?format=jsonl&year=2024")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert [r["id"] for r in records] == [a.pk for a in dated["order"][:3]]
    assert records[0]["reporters"] == [{"name": "甲记者", "role": "记者"}] and records[0]["date"] == "2024-05-02"
    response = anon_client.get("/api/articles/export/?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(r["id"]) for r in rows] == [a.pk for a in dated["order"]]  # visible ones only
    assert rows[0]["reporters"] == "甲记者:记者" and response["X-Export-Complete"] == "true"


def test_the_export_of_a_search_lists_every_match_past_the_ranked_window(anon_client, monkeypatch, settings):
    from articles.search import service

    monkeypatch.setattr(service, "RANK_CANDIDATES", 1)
    settings.NEWSROOM_COUNT_CAP = settings.NEWSROOM_FACET_CAP = 1  # a ranked window of 2
    made = [
        ArticleFactory(page=PageFactory(issue=IssueFactory(publication_date=dt.date(2024, 4, day))), body="山药。")
        for day in (4, 3, 2, 1)
    ]
    assert len(anon_client.get("/api/articles/", {"q": "山药"}).json()["results"]) == 2
    response = anon_client.get("/api/articles/export/", {"format": "jsonl", "q": "山药"})
    records = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert [r["id"] for r in records] == [a.pk for a in made]


def test_export_is_capped_for_readers_not_for_editors(anon_client, editor_client, dated, settings):
    settings.NEWSROOM_EXPORT_MAX_ROWS = 2
    response = anon_client.get("/api/articles/export/")
    assert len(b"".join(response.streaming_content).splitlines()) == 2
    assert response["X-Export-Complete"] == "false" and response["X-Export-Row-Cap"] == "2"
    everything = editor_client.get("/api/articles/export/")
    assert len(b"".join(everything.streaming_content).splitlines()) == 9


def test_export_is_throttled(anon_client, dated, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "export", "2/hour")
    cache.clear()
    assert [anon_client.get("/api/articles/export/").status_code for _ in range(3)] == [200, 200, 429]
    assert anon_client.get("/api/articles/").status_code == 200  # the lists are not the export's scope


def test_token_authenticated_editor_sees_what_an_editor_sees(editor, dated):
    from articles.tokens import api_token_issue

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(username=editor.username).key}")
    seen = set(_ids(client.get("/api/articles/?page_size=50")))
    assert {a.pk for a in dated["hidden"]} <= seen
    assert client.get(f"/api/articles/{dated['hidden'][0].pk}/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/articles/").status_code == 403  # refused, not served as anonymous


def test_schema_documents_filters_facets_pagination_and_export(anon_client):
    document = anon_client.get("/api/schema/?format=json").json()
    listing = document["paths"]["/api/articles/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"facets", "cursor", "page", "page_size", "ordering", "date_from", "reporter", "month", "q"} <= names
    schema_name = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    page = document["components"]["schemas"][schema_name]["properties"]
    assert {"count", "count_is_exact", "facets", "next", "results"} <= set(page)
    export = document["paths"]["/api/articles/export/"]["get"]
    assert {"format", "reporter", "date_from"} <= {p["name"] for p in export["parameters"]}
    assert {"application/x-ndjson", "text/csv"} <= set(export["responses"]["200"]["content"])
    assert "/api/reporters/{id}/articles/" in document["paths"]
    assert "tokenAuth" in document["components"]["securitySchemes"]


def test_schema_validates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
