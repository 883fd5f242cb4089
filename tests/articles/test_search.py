"""Search through the API and the search service, on the database the suite runs on (SQLite or PostgreSQL):
substrings jieba cuts differently, field and name boundaries, bounds, ranking, snippets, keywords, the index
following every write service, ``search_reindex``."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from articles import editing, reporters, services
from articles.management.commands import search_reindex
from articles.models import Article
from articles.pagination import bounded_count
from articles.search import parse_query
from articles.search.service import (
    RANK_CANDIDATES,
    article_snippet,
    newest_date,
    newest_matches,
    search_articles,
    search_newest,
    search_order,
)
from importer.parsing.searchtext import MAX_QUERY_CHARS, MAX_TERMS
from importer.services import issue_purge
from tests.factories import ArticleCreditFactory, ArticleFactory, IssueFactory, PageFactory, ReporterFactory

pytestmark = pytest.mark.django_db


def found(client, query: str, **params) -> list[int]:
    response = client.get("/api/articles/", {"q": query, "page_size": 200, **params})
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def refreshed(article: Article) -> Article:
    return services.article_refresh_search_document(article=article)


def matching(query: str) -> set[int]:
    return set(search_articles(queryset=Article.objects.all(), query=parse_query(query)).values_list("pk", flat=True))


def test_a_name_inside_a_longer_name_and_across_a_column_break(anon_client):
    inside = refreshed(ArticleFactory(headline="表彰大会", body="会上，甄卫红作了发言。"))
    broken = refreshed(ArticleFactory(headline="另一篇", body="会上，甄卫\n红作了发言。"))
    refreshed(ArticleFactory(headline="无关", body="卫生红旗。"))
    assert set(found(anon_client, "卫红")) == {inside.pk, broken.pk}
    assert set(found(anon_client, "甄卫红")) == {inside.pk, broken.pk}


def test_a_query_never_spans_two_reporter_names_or_two_fields(anon_client):
    article = ArticleFactory(headline="标题甲", body="正文乙")
    ArticleCreditFactory(article=article, reporter=ReporterFactory(name="欧阳丙"), order=0)
    ArticleCreditFactory(article=article, reporter=ReporterFactory(name="丁小戊"), order=1)
    refreshed(article)
    assert found(anon_client, "欧阳丙") == [article.pk]
    assert found(anon_client, "丙丁") == []  # last character of one name, first of the next
    assert found(anon_client, "甲正") == []  # headline then body
    assert found(anon_client, "乙欧") == []  # body then a name


def test_punctuation_alone_matches_nothing_and_with_letters_as_written(anon_client):
    quoted = refreshed(ArticleFactory(headline="报道", body="他说：“增长3.5%。”"))
    refreshed(ArticleFactory(headline="别的", body="没有引号的文字"))
    assert found(anon_client, "“") == []
    assert found(anon_client, "”“ ——") == []
    assert found(anon_client, "3.5%") == [quoted.pk]
    assert found(anon_client, "“增长") == [quoted.pk]  # the quote opens a phrase: 增长
    assert parse_query("“").terms == () and parse_query("“增长”").terms == ("增长",)


def test_space_separated_terms_must_all_occur_and_phrases_as_written(anon_client):
    both = refreshed(ArticleFactory(headline="春耕", body="农民在田间劳作，种植小麦。"))
    one = refreshed(ArticleFactory(headline="秋收", body="农民收获玉米。"))
    assert set(found(anon_client, "农民")) == {both.pk, one.pk}
    assert found(anon_client, "农民 小麦") == [both.pk]
    assert found(anon_client, '"田间 劳作"') == [both.pk]  # white space inside a phrase is ignored
    assert found(anon_client, "“劳作田间”") == []
    assert found(anon_client, "ＡＢＣ") == found(anon_client, "abc") == []


def test_latin_and_digits_are_case_and_width_insensitive(anon_client):
    article = refreshed(ArticleFactory(headline="GDP增长", body="全年ＧＤＰ增长6.2%，iPhone销量"))
    assert found(anon_client, "gdp") == [article.pk]
    assert found(anon_client, "IPHONE") == [article.pk]
    assert found(anon_client, "６.２") == [article.pk]


def test_bounds_answer_400_with_a_message(anon_client):
    refreshed(ArticleFactory(headline="标题", body="正文"))
    too_many = " ".join(f"词{index}" for index in range(MAX_TERMS + 1))
    response = anon_client.get("/api/articles/", {"q": too_many})
    assert response.status_code == 400 and str(MAX_TERMS) in response.json()["q"][0]
    response = anon_client.get("/api/articles/", {"q": "长" * (MAX_QUERY_CHARS + 1)})
    assert response.status_code == 400 and str(MAX_QUERY_CHARS) in response.json()["q"][0]
    thousand = " ".join(f"词{index}" for index in range(1000))
    assert anon_client.get("/api/articles/", {"q": thousand}).status_code == 400
    assert anon_client.get("/api/articles/", {"q": " ".join(["词"] * MAX_TERMS)}).status_code == 200


def test_admin_search_uses_the_same_search_and_bounds(client, editor):
    client.force_login(editor)
    article = refreshed(ArticleFactory(headline="表彰大会", body="会上，甄卫红作了发言。"))
    page = client.get("/admin/articles/article/", {"q": "卫红"})
    assert page.status_code == 200 and list(page.context["cl"].result_list) == [article]
    page = client.get("/admin/articles/article/", {"q": " ".join(f"词{index}" for index in range(1000))})
    assert page.status_code == 200 and list(page.context["cl"].result_list) == []
    assert str(MAX_TERMS) in " ".join(str(message) for message in page.context["messages"])


def test_ranking_headline_then_whole_word_then_hits_then_newest(anon_client):
    old = IssueFactory(publication_date=dt.date(2020, 1, 1))
    new = IssueFactory(publication_date=dt.date(2024, 1, 1))

    def article(issue, **fields):
        made = ArticleFactory(page=PageFactory(issue=issue), **fields)
        made.search_tokens = " ".join(fields.pop("tokens", []))
        Article.objects.filter(pk=made.pk).update(search_tokens=made.search_tokens)
        return refreshed(made)

    in_headline = article(old, headline="山药丰收", body="今年好。")
    whole_word_twice = article(old, headline="新闻", body="山药山药，山药。")
    bare_twice = article(old, headline="新闻", body="铁棍山药，怀山药，山药药。")
    once_old = article(old, headline="新闻", body="卖铁棍山药的人。")
    once_new = article(new, headline="新闻", body="卖铁棍山药的人。")
    # search tokens are what jieba cut; the ranking reads them: force whole-word hits on one article
    Article.objects.filter(pk=whole_word_twice.pk).update(search_tokens="山药 山药 山药")
    for made in (bare_twice, once_old, once_new):
        Article.objects.filter(pk=made.pk).update(search_tokens="铁棍山药 怀山药 人")
    assert found(anon_client, "山药") == [in_headline.pk, whole_word_twice.pk, bare_twice.pk, once_new.pk, once_old.pk]
    assert found(anon_client, "山药", ordering="newest")[0] == once_new.pk
    assert found(anon_client, "山药", ordering="id") == sorted(found(anon_client, "山药"))


def test_a_whole_word_in_latin_letters_ranks_first_whatever_its_case(anon_client):
    issue = IssueFactory(publication_date=dt.date(2024, 1, 1))
    word = refreshed(ArticleFactory(page=PageFactory(issue=issue), headline="新闻", body="新装LED路灯。"))
    part = refreshed(ArticleFactory(page=PageFactory(issue=issue), headline="新闻", body="新装LEDS路灯。"))
    Article.objects.filter(pk=word.pk).update(search_tokens="新装 LED 路灯")
    Article.objects.filter(pk=part.pk).update(search_tokens="新装 LEDS 路灯")
    assert found(anon_client, "led") == [word.pk, part.pk]  # the newer one would come first on a tie
    assert found(anon_client, "LED") == [word.pk, part.pk]


def test_a_ranked_search_ranks_only_its_window_of_newest_matches(monkeypatch, settings):
    from articles.search import service

    monkeypatch.setattr(service, "RANK_CANDIDATES", 2)
    settings.NEWSROOM_COUNT_CAP = settings.NEWSROOM_FACET_CAP = 1
    assert service.ranked_window() == 3  # one more than the caps, so counts and facets still see "more"
    issue = IssueFactory(publication_date=dt.date(2024, 1, 1))
    old_headline_hit = refreshed(ArticleFactory(page=PageFactory(issue=issue), headline="山药", body="山药。"))
    twice, once, newest = (
        refreshed(ArticleFactory(page=PageFactory(issue=issue), headline="新闻", body=body))
        for body in ("山药，山药。", "山药。", "山药。")
    )
    query = parse_query("山药")
    matches = search_articles(queryset=Article.objects.all(), query=query)
    ordered = [a.pk for a in search_order(queryset=Article.objects.all(), query=query)]
    # the three newest matches, ranked (more hits first, then newest); the older headline hit is not ranked
    assert ordered == [twice.pk, newest.pk, once.pk]
    assert old_headline_hit.pk in [a.pk for a in search_newest(queryset=matches)]
    assert RANK_CANDIDATES >= 1000  # the real bound ranks enough for a reader's first pages


def test_every_match_is_reachable_newest_first_with_cursors_past_the_ranked_window(anon_client, monkeypatch, settings):
    from articles.search import service

    monkeypatch.setattr(service, "RANK_CANDIDATES", 2)
    settings.NEWSROOM_COUNT_CAP = settings.NEWSROOM_FACET_CAP = 2
    days = [dt.date(2024, 3, 1) - dt.timedelta(days=40 * n) for n in range(6)]  # over several spans
    made = [ArticleFactory(page=PageFactory(issue=IssueFactory(publication_date=d)), body="山药。") for d in days]
    ranked = anon_client.get("/api/articles/", {"q": "山药", "page_size": 200}).json()
    assert len(ranked["results"]) == 3 and ranked["count_is_exact"] is False  # "at least", of 6
    seen, params = [], {"q": "山药", "ordering": "newest", "cursor": "", "page_size": 2}
    while True:
        body = anon_client.get("/api/articles/", params).json()
        seen += [row["id"] for row in body["results"]]
        if not body["next"]:
            break
        params["cursor"] = body["next"].split("cursor=")[1].split("&")[0]
    assert seen == [a.pk for a in made]
    assert anon_client.get("/api/articles/", {"q": "山药", "cursor": ""}).status_code == 400  # ranked: pages


def ids(rows) -> list[int]:
    return [row[0] for row in rows]


def test_the_newest_matches_are_read_nearest_dates_first_in_the_lists_order():
    dates = [dt.date(2024, 3, 1), dt.date(2024, 2, 10), dt.date(2023, 6, 1), dt.date(2016, 1, 1), None]
    made = [ArticleFactory(page=PageFactory(issue=IssueFactory(publication_date=d)), body="山药。") for d in dates]
    ArticleFactory(page=PageFactory(issue=IssueFactory(publication_date=dates[0])), body="白菜。")
    query = parse_query("山药")
    matches = search_articles(queryset=Article.objects.all(), query=query)
    expected = [a.pk for a in made]  # newest first, the undated last: the list's own order
    assert [a.pk for a in search_newest(queryset=matches)] == expected
    # every span (the last month, the last year, the rest, the undated) and every cut-off inside them
    newest = newest_date(queryset=Article.objects.all())
    assert newest == dates[0]
    for limit in range(1, len(made) + 2):
        found = newest_matches(queryset=Article.objects.all(), query=query, limit=limit, newest=newest)
        assert ids(found) == expected[:limit]
    undated = Article.objects.filter(publication_date__isnull=True)
    assert ids(newest_matches(queryset=undated, query=query, limit=5, newest=newest)) == expected[-1:]
    assert ids(newest_matches(queryset=undated, query=query, limit=5, newest=None)) == expected[-1:]
    # a new date moves the article to its new month in the index too (PostgreSQL keeps the month in the grams)
    Article.objects.filter(pk=made[3].pk).update(publication_date=dt.date(2024, 3, 2))
    newest = newest_date(queryset=Article.objects.all())
    moved = newest_matches(queryset=Article.objects.all(), query=query, limit=2, newest=newest)
    assert ids(moved) == [made[3].pk, made[0].pk]


def test_results_carry_an_escaped_snippet_and_null_without_q(anon_client):
    article = refreshed(ArticleFactory(headline="安全", body="页面里有<script>alert(1)</script>这段关键词。"))
    row = anon_client.get("/api/articles/", {"q": "关键词"}).json()["results"][0]
    assert row["id"] == article.pk
    assert "<mark>关键词</mark>" in row["snippet"] and "<script>" not in row["snippet"]
    assert "&lt;script&gt;" in row["snippet"]
    assert anon_client.get("/api/articles/").json()["results"][0]["snippet"] is None


def test_snippet_marks_a_match_across_a_line_break_and_keeps_context():
    text = "开头" + "很长的铺垫" * 20 + "甄卫\n红说了话" + "后文" * 50
    snippet = article_snippet(text=text, query=parse_query("卫红 说了"))
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>卫 红</mark><mark>说了</mark>" in snippet or "<mark>卫 红</mark>" in snippet


def test_total_is_exact_up_to_the_cap_then_at_least():
    for _ in range(3):
        refreshed(ArticleFactory(headline="标题", body="共同的词"))
    queryset = search_articles(queryset=Article.objects.all(), query=parse_query("共同"))
    assert bounded_count(queryset, 5) == (3, True)
    assert bounded_count(queryset, 2) == (2, False)


def test_a_long_article_is_found_by_a_match_at_its_end(anon_client):
    body = "".join(chr(0x4E00 + (index * 7919) % 20000) for index in range(30_000)) + "结尾的甄卫红"
    article = refreshed(ArticleFactory(headline="长文", body=body))
    assert found(anon_client, "甄卫红") == [article.pk]
    assert found(anon_client, "尾的甄卫红") == [article.pk]
    assert found(anon_client, "红结") == []


def test_keywords_are_stored_filterable_and_in_the_detail(anon_client):
    body = "铁棍山药丰收。铁棍山药远销各地，农民种植铁棍山药增收致富。" * 3
    article = refreshed(ArticleFactory(headline="铁棍山药丰收", body=body))
    other = refreshed(ArticleFactory(headline="别的", body="城市交通建设稳步推进。"))
    keywords = Article.objects.get(pk=article.pk).keywords.split()
    assert keywords and "山药" in "".join(keywords)
    detail = anon_client.get(f"/api/articles/{article.pk}/").json()
    assert detail["keywords"] == keywords
    rows = anon_client.get("/api/articles/", {"keyword": keywords[0]}).json()["results"]
    assert [row["id"] for row in rows] == [article.pk]
    other_keyword = Article.objects.get(pk=other.pk).keywords.split()[0]
    rows = anon_client.get("/api/articles/", {"keyword": other_keyword}).json()["results"]
    assert [row["id"] for row in rows] == [other.pk]


def test_the_index_follows_every_write_service(editor):
    article = refreshed(ArticleFactory(headline="旧标题", body="第一段旧文。\n\n第二段另文。"))
    services.article_update(article=article, user=editor, data={"headline": "新标题"})
    assert matching("新标题") == {article.pk} and matching("旧标题") == set()

    credit = ArticleCreditFactory(article=article, reporter=ReporterFactory(name="甲记者"))
    refreshed(article)
    reporters.reporter_rename(reporter=credit.reporter, name="乙记者", user=editor)
    assert matching("乙记者") == {article.pk} and matching("甲记者") == set()

    created = editing.article_split(article=Article.objects.get(pk=article.pk), paragraph=1, user=editor).article
    assert created.pk != article.pk and matching("第二段另文") == {created.pk}
    assert matching("第一段旧文") == {article.pk}

    issue = article.issue
    issue_purge(issue=issue)
    assert matching("新标题") == set() and matching("第二段另文") == set()


def test_the_index_follows_an_import_and_a_forced_reimport(imported_seeds, anon_client):
    assert Article.objects.exists()
    any_article = Article.objects.public().order_by("pk").first()
    term = any_article.search_document.split("\n")[3][:4] or any_article.search_document[:2]
    assert any_article.pk in matching(term)
    call_command("import_issue", "seeds/", "--force", verbosity=0)
    again = Article.objects.public().order_by("pk").first()
    assert again.pk in matching(again.search_document.split("\n")[3][:4] or again.search_document[:2])


def _gin_index_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('article_search_grams') IS NOT NULL")
        return cursor.fetchone()[0]


def test_search_reindex_rebuilds_documents_in_chunks_and_resumes(tmp_path, monkeypatch, db_vendor):
    articles = [refreshed(ArticleFactory(headline=f"标题{index}", body=f"正文第{index}篇。")) for index in range(5)]
    # documents in an old format (names joined by nothing) and stale: reindex rewrites them
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(search_document="过时的文档")
    assert matching("过时") == {a.pk for a in articles} and matching("正文") == set()
    checkpoint = tmp_path / "reindex.json"
    from articles.search import reindex

    real = reindex.search_reindex_range
    calls = []

    def interrupted(**kwargs):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(search_reindex, "search_reindex_range", interrupted)
    monkeypatch.setattr(search_reindex, "BUILD_INDEX_ABOVE", 3)  # PostgreSQL: the index is built at the end
    with pytest.raises(KeyboardInterrupt):
        call_command("search_reindex", "--chunk-size", "2", "--checkpoint", str(checkpoint), "--no-progress")
    assert json.loads(checkpoint.read_text())["last_id"] == articles[3].pk
    assert matching("正文") == {articles[0].pk, articles[1].pk, articles[2].pk, articles[3].pk}
    if db_vendor == "postgresql":
        assert not _gin_index_exists()  # dropped for the rebuild, correct (but scanned) meanwhile
    monkeypatch.setattr(search_reindex, "search_reindex_range", real)
    out = io.StringIO()
    call_command("search_reindex", "--resume", "--checkpoint", str(checkpoint), "--no-progress", stdout=out)
    assert search_reindex.MESSAGE_RESUMED.format(last_id=articles[3].pk, path=checkpoint) in out.getvalue()
    assert search_reindex.MESSAGE_DONE.format(count=1, chunks=1, last_id=articles[4].pk) in out.getvalue()
    assert matching("正文") == {a.pk for a in articles} and matching("过时") == set()
    assert not checkpoint.exists()
    if db_vendor == "postgresql":
        assert _gin_index_exists() and search_reindex.MESSAGE_INDEX_BUILT in out.getvalue()


def test_search_reindex_fills_rows_written_without_the_index(db_vendor, tmp_path):
    article = refreshed(ArticleFactory(headline="补建索引", body="正文。"))
    with _raw_cursor() as cursor:
        if db_vendor == "postgresql":
            cursor.execute("UPDATE articles_article SET search_grams = NULL")
        else:
            cursor.execute("DELETE FROM articles_search")
    assert matching("补建") == set()
    call_command("search_reindex", "--no-progress", "--checkpoint", str(tmp_path / "c.json"), stdout=io.StringIO())
    assert matching("补建") == {article.pk}


def _raw_cursor():
    return connection.cursor()
