"""The editors' word dictionary: jieba keeps a saved word whole, exactly the articles containing it are
re-tokenised (in bulk), removal restores, other processes and import workers follow, and the admin says so.

石榴岗村 is an invented village: without the dictionary jieba cuts it into 石榴 + 岗村 (checked below, so the
tests cannot pass vacuously). The API's ``q`` is a substring filter over the search document (it finds the
word with or without the dictionary), so these tests assert the stored tokens, and the API only as a reader
would use it.
"""

from __future__ import annotations

import shutil
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import dictionary
from articles.models import Article, DictionaryWord
from importer.parsing import pipeline, tokens
from tests.articles.test_locks import _touched
from tests.conftest import SEEDS
from tests.factories import ArticleFactory, IssueFactory, PageFactory, UserFactory

pytestmark = pytest.mark.django_db

WORD = "石榴岗村"


@pytest.fixture(autouse=True)
def fresh_dictionary():
    """Each test starts and ends with jieba's own dictionary: the database rolls back, this process's copy
    of the word list must too."""
    tokens.use_dictionary([])
    dictionary.dictionary_forget()
    yield
    tokens.use_dictionary([])
    dictionary.dictionary_forget()


def tokenised_article(**fields) -> Article:
    """An article whose stored tokens are what jieba gives it now (as an import stores them)."""
    article = ArticleFactory(**fields)
    article.search_tokens = tokens.article_search_tokens(
        kicker=article.kicker, headline=article.headline, subheadline=article.subheadline, body=article.body
    )
    Article.objects.filter(pk=article.pk).update(search_tokens=article.search_tokens)
    return article


def stored_tokens(article: Article) -> list[str]:
    return Article.objects.get(pk=article.pk).search_tokens.split()


def test_jieba_cuts_the_invented_name_apart_without_the_dictionary():
    assert WORD not in tokens.tokenise(f"{WORD}的村民种石榴")
    assert {"石榴", "岗村"} <= set(tokens.tokenise(f"{WORD}的村民种石榴"))


def test_use_dictionary_is_idempotent_and_removal_restores_the_tokens():
    text = f"{WORD}的村民在翠湖湾区种石榴"
    before = tokens.tokenise(text)
    assert tokens.use_dictionary([WORD, tokens.DictionaryEntry("翠湖湾区", tag="ns")]) is True
    assert tokens.use_dictionary([tokens.DictionaryEntry("翠湖湾区", tag="ns"), WORD]) is False
    with_words = tokens.tokenise(text)
    assert WORD in with_words and "翠湖湾区" in with_words
    assert tokens.dictionary_words() == sorted([WORD, "翠湖湾区"])
    tokens.use_dictionary(["翠湖湾区"])
    assert WORD not in tokens.tokenise(text) and "翠湖湾区" in tokens.tokenise(text)
    tokens.use_dictionary([])
    assert tokens.tokenise(text) == before


def test_adding_a_word_retokenises_exactly_the_articles_containing_it(editor):
    containing = tokenised_article(headline="新闻", body=f"{WORD}的村民今年种了石榴。")
    in_headline = tokenised_article(headline=f"走进{WORD}", body="村里的路修好了。")
    elsewhere = tokenised_article(headline="石榴丰收", body="岗村的石榴今年丰收。")
    untouched_tokens = Article.objects.get(pk=elsewhere.pk).search_tokens
    history_rows = containing.history.count()
    assert WORD not in stored_tokens(containing)

    change = dictionary.dictionary_word_add(word=f" {WORD[:2]} {WORD[2:]} ", user=editor, note="镇里的村")

    word = DictionaryWord.objects.get()
    assert word.word == WORD and word.created_by == editor and word.history.latest().history_user == editor
    assert WORD in stored_tokens(containing) and WORD in stored_tokens(in_headline)
    assert Article.objects.get(pk=elsewhere.pk).search_tokens == untouched_tokens
    assert {a.id for a in change.articles} == {containing.pk, in_headline.pk}
    assert {a.headline for a in change.articles} == {"新闻", f"走进{WORD}"}
    assert word.retokenised_count == 2
    assert sorted(pk for pk, _ in word.retokenised_articles) == sorted([containing.pk, in_headline.pk])
    # a re-tokenisation is not an editor's change of the article
    fresh = Article.objects.get(pk=containing.pk)
    assert fresh.version == 1 and not fresh.is_touched and fresh.history.count() == history_rows


def test_removing_the_word_restores_the_articles_tokens(editor):
    article = tokenised_article(body=f"{WORD}的村民今年种了石榴。")
    imported = Article.objects.get(pk=article.pk).search_tokens
    dictionary.dictionary_word_add(word=WORD, user=editor)
    assert WORD in stored_tokens(article)

    change = dictionary.dictionary_word_remove(dictionary_word=DictionaryWord.objects.get(), user=editor)

    assert [a.id for a in change.articles] == [article.pk]
    assert Article.objects.get(pk=article.pk).search_tokens == imported
    assert not DictionaryWord.objects.exists()
    assert DictionaryWord.history.filter(history_type="-").get().history_user == editor


def test_changing_the_spelling_retokenises_articles_with_the_old_and_the_new_word(editor):
    old_word_article = tokenised_article(body=f"{WORD}的村民种石榴。")
    new_word_article = tokenised_article(body="翠湖湾区的居民")
    change = dictionary.dictionary_word_add(word=WORD, user=editor)
    word = change.word

    change = dictionary.dictionary_word_update(
        dictionary_word=word, user=editor, data={"word": "翠湖湾区"}, expected_version=1
    )

    assert {a.id for a in change.articles} == {old_word_article.pk, new_word_article.pk}
    assert WORD not in stored_tokens(old_word_article) and "翠湖湾区" in stored_tokens(new_word_article)
    word.refresh_from_db()
    assert word.version == 2 and word.updated_by == editor
    note_only = dictionary.dictionary_word_update(dictionary_word=word, user=editor, data={"note": "区名"})
    assert note_only.articles == [] and note_only.examined == 0


def test_a_stale_version_and_a_duplicate_word_are_refused(editor):
    word = dictionary.dictionary_word_add(word=WORD, user=editor).word
    dictionary.dictionary_word_update(dictionary_word=word, user=editor, data={"note": "甲"}, expected_version=1)
    with pytest.raises(dictionary.ConcurrentEditError):
        dictionary.dictionary_word_update(dictionary_word=word, user=editor, data={"note": "乙"}, expected_version=1)
    with pytest.raises(ValueError, match="already"):
        dictionary.dictionary_word_add(word=WORD, user=editor)
    with pytest.raises(ValueError, match="empty"):
        dictionary.dictionary_word_add(word="  ", user=editor)


def test_many_articles_are_written_in_bulk_chunks(editor, monkeypatch):
    monkeypatch.setattr(dictionary, "CHUNK_SIZE", 4)
    page = PageFactory(issue=IssueFactory())
    articles = [tokenised_article(page=page, body=f"第{n}条：{WORD}修了路。") for n in range(10)]
    tokenised_article(page=page, body="与此无关的稿件。")
    with CaptureQueriesContext(connection) as queries:
        change = dictionary.dictionary_word_add(word=WORD, user=editor)
    assert sorted(a.id for a in change.articles) == sorted(a.pk for a in articles)
    assert change.examined == 10
    sql = [query["sql"] for query in queries.captured_queries]
    writes = [statement for statement in sql if statement.startswith("UPDATE") and "search_tokens" in statement]
    assert len(writes) == 3  # ten articles in chunks of four: one bulk UPDATE per chunk, none per article
    assert all(WORD in stored_tokens(article) for article in articles)


def test_a_word_saved_by_another_process_is_applied_after_the_fingerprint_check(monkeypatch):
    text = f"{WORD}的石榴"
    assert WORD not in tokens.tokenise(text)  # this process has loaded the (empty) list and cached it
    DictionaryWord.objects.create(word=WORD)  # another process saved it: nothing here was told
    assert WORD not in tokens.tokenise(text)  # still within the check interval: no query per text
    monkeypatch.setattr(dictionary, "CHECK_SECONDS", 0.0)
    assert WORD in tokens.tokenise(text)
    DictionaryWord.objects.all().delete()
    assert WORD not in tokens.tokenise(text)


def test_the_provider_queries_only_when_the_interval_has_passed():
    tokens.tokenise("第一次")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(20):
            tokens.tokenise("石榴丰收")
    assert len(queries.captured_queries) == 0


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_import_applies_the_dictionary_in_its_workers_and_in_process(tmp_path, monkeypatch, jobs):
    """Workers are spawned (nothing inherited from this process): they tokenise with the list they are given;
    without workers, the command's own process applies it even while its cached copy looks current."""
    raw = SEEDS[4].read_text(encoding="utf-8")
    assert "中站区总工会" in raw
    (tmp_path / "seed.txt").write_text(raw.replace("中站区总工会", f"{WORD}总工会"), encoding="utf-8")
    shutil.copy(SEEDS[0], tmp_path / "other.txt")
    DictionaryWord.objects.create(word=WORD)
    tokens.use_dictionary([])  # this process does not hold the word, and trusts its copy for a while
    dictionary.dictionary_provider()
    monkeypatch.setattr(dictionary, "CHECK_SECONDS", 3600.0)
    dictionary._copy.fingerprint = ("stale",)
    monkeypatch.setattr(pipeline, "_unsafe_to_fork", lambda: True)

    call_command("import_issue", str(tmp_path), "--jobs", jobs, stdout=StringIO(), stderr=StringIO(), no_progress=True)

    assert (WORD in tokens.dictionary_words()) == (jobs == "1")
    containing = Article.objects.filter(search_document__contains=WORD)
    assert containing.count() >= 1
    assert all(WORD in article.search_tokens.split() for article in containing)


def test_editors_may_manage_words():
    codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {f"{action}_dictionaryword" for action in ("view", "add", "change", "delete")} <= codenames


@pytest.fixture
def editor_browser(client, editor):
    client.force_login(editor)
    return client


def test_admin_add_shows_the_retokenised_articles_and_delete_restores(editor_browser):
    article = tokenised_article(headline=f"{WORD}修路", body="村里的路修好了。")
    imported = Article.objects.get(pk=article.pk).search_tokens
    response = editor_browser.post(
        reverse("admin:articles_dictionaryword_add"),
        {"word": WORD, "frequency": "", "part_of_speech": "ns", "note": "", "expected_version": ""},
        follow=True,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "1 article re-tokenised" in content and f"{WORD}修路" in content
    assert reverse("admin:articles_article_change", args=[article.pk]) in content
    word = DictionaryWord.objects.get()
    assert word.part_of_speech == "ns" and WORD in stored_tokens(article)
    page = editor_browser.get(reverse("admin:articles_dictionaryword_change", args=[word.pk]))
    assert f"{WORD}修路" in page.content.decode()

    response = editor_browser.post(
        reverse("admin:articles_dictionaryword_delete", args=[word.pk]), {"post": "yes"}, follow=True
    )
    assert "1 article re-tokenised" in response.content.decode()
    assert Article.objects.get(pk=article.pk).search_tokens == imported


def test_admin_refuses_a_save_over_a_newer_one(editor_browser, editor):
    word = dictionary.dictionary_word_add(word=WORD, user=editor).word
    dictionary.dictionary_word_update(dictionary_word=word, user=editor, data={"note": "先存的"})
    response = editor_browser.post(
        reverse("admin:articles_dictionaryword_change", args=[word.pk]),
        {"word": WORD, "frequency": "", "part_of_speech": "", "note": "后存的", "expected_version": 1},
    )
    assert response.status_code == 200 and "Someone else saved" in response.content.decode()
    assert DictionaryWord.objects.get().note == "先存的"


def test_a_reader_finds_the_article_through_the_api_by_the_word(anon_client, editor):
    article = tokenised_article(body=f"{WORD}的村民种石榴。")
    tokenised_article(body="岗村的石榴。")
    dictionary.dictionary_word_add(word=WORD, user=editor)
    response = anon_client.get("/api/articles/", {"q": WORD})
    assert [row["id"] for row in response.json()["results"]] == [article.pk]
    assert WORD in stored_tokens(article)


def test_non_editors_cannot_reach_the_dictionary(client):
    client.force_login(UserFactory(username="staff-without-rights", is_staff=True))
    assert client.get(reverse("admin:articles_dictionaryword_changelist")).status_code == 403


@pytest.mark.parametrize("error", [RuntimeError("Database access not allowed"), dictionary.DatabaseError("gone")])
def test_tokenising_never_fails_because_the_dictionary_cannot_be_read(monkeypatch, error):
    def unreadable():
        raise error

    monkeypatch.setattr(dictionary, "_fingerprint", unreadable)
    assert tokens.tokenise(f"{WORD}的石榴") == ["石榴", "岗村", "的", "石榴"]


def test_reverting_a_word_from_history_goes_through_the_service(editor_browser, editor):
    article = tokenised_article(body=f"{WORD}的村民，翠湖湾区的居民。")
    word = dictionary.dictionary_word_add(word=WORD, user=editor).word
    dictionary.dictionary_word_update(dictionary_word=word, user=editor, data={"word": "翠湖湾区"})
    assert WORD not in stored_tokens(article)
    first = word.history.earliest()
    url = reverse("admin:articles_dictionaryword_simple_history", args=[word.pk, first.history_id])
    form = editor_browser.get(url)
    assert form.status_code == 200
    response = editor_browser.post(
        url,
        {"word": WORD, "frequency": "", "part_of_speech": "", "note": "", "expected_version": 2},
        follow=True,
    )
    assert "re-tokenised" in response.content.decode()
    word.refresh_from_db()
    assert word.word == WORD and word.version == 3
    assert word.history.latest().history_change_reason == "reverted from history"
    assert WORD in stored_tokens(article) and "翠湖湾区" not in stored_tokens(article)


def test_a_frequency_of_zero_is_refused(editor):
    with pytest.raises(ValueError, match="at least 1"):
        dictionary.dictionary_word_add(word=WORD, user=editor, frequency=0)
    word = dictionary.dictionary_word_add(word=WORD, user=editor, frequency=50_000).word
    assert WORD in tokens.tokenise(f"{WORD}的石榴")
    with pytest.raises(ValueError, match="at least 1"):
        dictionary.dictionary_word_update(dictionary_word=word, user=editor, data={"frequency": 0})


def test_retokenising_locks_every_issue_before_any_article(editor, db_vendor):
    """The lock order of articles.locks: all the candidates' issues, then their articles (a forced re-import
    locks its issue and then rewrites the issue's articles)."""
    if db_vendor != "postgresql":
        pytest.skip("SQLite has no row locks")
    for _ in range(3):
        tokenised_article(page=PageFactory(issue=IssueFactory()), body=f"{WORD}修了路。")
    with CaptureQueriesContext(connection) as queries:
        dictionary.dictionary_word_add(word=WORD, user=editor)
    touched = [t for q in queries.captured_queries if (t := _touched(q["sql"]))]
    issue_locks = [i for i, entry in enumerate(touched) if entry == ("lock", "articles_issue")]
    article_rows = [i for i, (_, table) in enumerate(touched) if table == "articles_article"]
    assert issue_locks and article_rows and max(issue_locks) < min(article_rows), touched


@pytest.mark.parametrize("catch_up", [True, False])
def test_a_word_saved_while_a_batch_runs_reaches_the_articles_the_batch_writes_after(
    tmp_path, monkeypatch, editor, catch_up
):
    """The batch's files are tokenised in rounds before they are written: the second file's articles were
    tokenised before the word was saved and written after its re-tokenisation; the batch's end catches up
    (without that step, the test shows, they would keep the old tokens)."""
    from importer.parsing import pipeline
    from importer.services import batches, issues_import_batch

    # both files in one round, as in a large batch (a two-file batch alone would go one file a round)
    monkeypatch.setattr(pipeline, "round_size", lambda files, jobs: pipeline.ROUND_SIZE)
    shutil.copy(SEEDS[0], tmp_path / "a_first.txt")
    raw = SEEDS[4].read_text(encoding="utf-8")
    (tmp_path / "b_second.txt").write_text(raw.replace("中站区总工会", f"{WORD}总工会"), encoding="utf-8")
    if not catch_up:
        monkeypatch.setattr(batches, "dictionary_catch_up", lambda since: None)

    def save_the_word_after_the_first_file(report):
        if report.path.endswith("a_first.txt"):
            dictionary.dictionary_word_add(word=WORD, user=editor)

    report = issues_import_batch(paths=[tmp_path], on_file=save_the_word_after_the_first_file)

    assert not report.failed
    containing = Article.objects.filter(search_document__contains=WORD)
    assert containing.exists()
    assert all((WORD in article.search_tokens.split()) == catch_up for article in containing)
