"""What the import derives in its parse workers is what the database would have derived itself: the SQLite
index's grams (handed to the index's trigger by the single writer instead of computed there again),
jieba.analyse's IDF table (read without importing ``jieba.analyse``) and the reporters' counters (counted
from the rows just written)."""

from __future__ import annotations

import pytest
from django.db import connection

from articles.counters import reporter_counts_stale
from articles.models import Article, Reporter
from articles.search import sqlite
from importer.parsing import tokens
from importer.parsing.searchtext import document_grams, index_grams_text, index_token
from importer.services import issues_import_batch
from tests.conftest import SEEDS_DIR
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _reference_grams(document: str) -> str:
    """The grams column as first written: every gram formatted character by character."""
    token = lambda text: "".join(f"{ord(char):06x}" for char in text)  # noqa: E731
    return " ".join(sorted(map(token, document_grams(document))))


@pytest.mark.parametrize(
    "document",
    ["", "\n", "甲", "标题\n\n正文第一段，正文。\n摄影 甲乙", "ab\nab\nba", "𠀀𠀁 x\n\u3000", "重重重重"],
)
def test_index_grams_text_is_the_reference_formula(document):
    assert index_grams_text(document) == _reference_grams(document)
    assert index_token("𠀀a") == "020000000061"


def _index_rows() -> dict[int, tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, grams, keywords FROM {sqlite.TABLE}")
        return {rowid: (grams, keywords) for rowid, grams, keywords in cursor.fetchall()}


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_import_indexes_with_the_workers_grams_and_other_writes_compute_their_own(db_vendor, monkeypatch, jobs):
    if db_vendor != "sqlite":
        pytest.skip("the grams the workers compute are the SQLite index's (PostgreSQL derives its own in SQL)")
    computed: list[str] = []
    real = sqlite.grams_text

    def counting(document):
        computed.append(document)
        return real(document)

    monkeypatch.setattr(sqlite, "grams_text", counting)
    report = issues_import_batch(paths=[SEEDS_DIR], jobs=jobs)
    assert not report.failed and Article.objects.exists()
    assert computed == []  # the single writer computed no grams: the workers' went to the trigger
    rows = _index_rows()
    articles = list(Article.objects.values_list("pk", "search_document", "keywords"))
    assert rows == {pk: (real(document), sqlite.keywords_text(keywords)) for pk, document, keywords in articles}

    article = Article.objects.order_by("pk").first()
    article.search_document += "\n新加的一行"
    article.save()  # an editor's write: the trigger computes the new document's grams
    assert computed == [article.search_document]
    assert _index_rows()[article.pk][0] == real(article.search_document)


def test_grams_given_are_only_used_inside_the_block_and_for_their_documents(db_vendor):
    if db_vendor != "sqlite":
        pytest.skip("SQLite's index")
    given = "标题\n正文"
    with sqlite.grams_given({given: "0000aa"}):
        inside = ArticleFactory(search_document=given)
        other = ArticleFactory(search_document="别的")
    after = ArticleFactory(search_document=given)
    rows = _index_rows()
    assert rows[inside.pk][0] == "0000aa"  # trusted: what the workers computed from this very document
    assert rows[other.pk][0] == sqlite.grams_text("别的")
    assert rows[after.pk][0] == sqlite.grams_text(given)


def test_the_idf_table_is_jieba_analyses():
    from jieba import analyse

    idf, median, stop_words = tokens._idf()
    assert idf == analyse.default_tfidf.idf_freq
    assert median == analyse.default_tfidf.median_idf
    assert stop_words == frozenset(analyse.default_tfidf.stop_words)


def test_counters_counted_from_the_written_rows_equal_a_recount():
    report = issues_import_batch(paths=[SEEDS_DIR])
    assert not report.failed
    assert Reporter.objects.filter(public_article_count__gt=0).exists()
    assert Reporter.objects.filter(photo_count__gt=0).exists()
    assert reporter_counts_stale() == []
