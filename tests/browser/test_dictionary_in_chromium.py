"""An editor adds a word to jieba's dictionary in a real headless Chromium, sees which articles were
re-tokenised, and a reader then finds the article through the API by that word.

The API's ``q`` is a substring filter over the search document, so it finds the word before and after; the
stored jieba tokens are what the dictionary changes, and the test checks them too. Screenshots land in
test-artifacts/ like the other browser tests'.
"""

from __future__ import annotations

import pytest

from articles import dictionary
from articles.models import Article, DictionaryWord
from importer.parsing import tokens
from tests.browser.test_admin_in_chromium import ARTIFACTS, browser_page  # noqa: F401 (a fixture)
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-browser-test-password"
WORD = "石榴岗村"  # an invented village jieba cuts into 石榴 + 岗村


@pytest.fixture(autouse=True)
def fresh_dictionary():
    tokens.use_dictionary([])
    dictionary.dictionary_forget()
    yield
    tokens.use_dictionary([])
    dictionary.dictionary_forget()


def test_editor_adds_a_word_and_a_reader_finds_the_article_by_it(live_server, browser_page, editor):  # noqa: F811
    editor.set_password(PASSWORD)
    editor.save()
    article = ArticleFactory(headline=f"{WORD}的石榴熟了", body="村民们忙着采摘。\n\n今年收成好。")
    other = ArticleFactory(headline="岗村修路", body="石榴树下的新路。")
    for row in (article, other):
        row.search_tokens = tokens.article_search_tokens(
            kicker=row.kicker, headline=row.headline, subheadline=row.subheadline, body=row.body
        )
        Article.objects.filter(pk=row.pk).update(search_tokens=row.search_tokens)
    assert WORD not in article.search_tokens.split()
    page = browser_page

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")

    page.goto(f"{live_server.url}/admin/articles/dictionaryword/add/")
    page.fill("#id_word", WORD)
    page.fill("#id_part_of_speech", "ns")
    page.fill("#id_note", "县里的村名")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .retokenised")
    message = page.inner_text(".messagelist")
    assert "1 article re-tokenised" in message and f"{WORD}的石榴熟了" in message
    page.screenshot(path=str(ARTIFACTS / "dictionary-word-added.png"), full_page=True)

    word = DictionaryWord.objects.get()
    page.goto(f"{live_server.url}/admin/articles/dictionaryword/{word.pk}/change/")
    page.wait_for_selector(".field-retokenised")
    assert f"{WORD}的石榴熟了" in page.inner_text(".field-retokenised")
    page.screenshot(path=str(ARTIFACTS / "dictionary-word-change.png"), full_page=True)

    assert WORD in Article.objects.get(pk=article.pk).search_tokens.split()
    assert Article.objects.get(pk=other.pk).search_tokens == other.search_tokens
    response = page.request.get(f"{live_server.url}/api/articles/?q={WORD}")
    assert response.ok
    assert [row["id"] for row in response.json()["results"]] == [article.pk]
