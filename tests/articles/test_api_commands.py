"""``api_token``, ``export_archive``: through call_command, with their messages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from articles.management.commands import api_token, export_archive
from articles.models import ArticleStatus
from tests.factories import ArticleCreditFactory, ArticleFactory, IssueFactory, PageFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_api_token_is_made_once_and_rotated(editor):
    out = io.StringIO()
    call_command("api_token", editor.username, stdout=out)
    key = Token.objects.get(user=editor).key
    assert out.getvalue().splitlines()[0] == api_token.MSG_CREATED % {"username": editor.username, "key": key}
    out = io.StringIO()
    call_command("api_token", editor.username, stdout=out)
    assert out.getvalue().splitlines()[0] == api_token.MSG_EXISTING % {"username": editor.username, "key": key}
    call_command("api_token", editor.username, "--rotate", stdout=io.StringIO())
    assert Token.objects.get(user=editor).key != key


def test_api_token_for_an_unknown_user():
    with pytest.raises(CommandError, match="nobody-here"):
        call_command("api_token", "nobody-here", stdout=io.StringIO())


def test_a_plain_users_token_sees_only_public_articles(anon_client):
    from rest_framework.test import APIClient

    hidden = ArticleFactory(status=ArticleStatus.DRAFT)
    user = UserFactory(username="reader-client")
    call_command("api_token", user.username, stdout=io.StringIO())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
    assert client.get(f"/api/articles/{hidden.pk}/").status_code == 404


@pytest.fixture
def two_years():
    old = ArticleFactory(page=PageFactory(issue=IssueFactory(publication_date=dt.date(2019, 4, 1))), kind="brief")
    new = ArticleFactory(page=PageFactory(issue=IssueFactory(publication_date=dt.date(2024, 4, 1))))
    hidden = ArticleFactory(page=new.page, status=ArticleStatus.WITHDRAWN)
    ArticleCreditFactory(article=new, reporter__name="导出记者")
    return old, new, hidden


def test_export_archive_jsonl_to_a_file_with_filters(tmp_path, two_years):
    new = two_years[1]
    target = tmp_path / "out.jsonl"
    err = io.StringIO()
    call_command(
        "export_archive", "--format", "jsonl", "--date-from", "2020-01-01", "--output", str(target), stderr=err
    )
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [new.pk]
    assert records[0]["reporters"] == [{"name": "导出记者", "role": "记者"}]
    assert err.getvalue().strip() == export_archive.MSG_DONE % {"n": 1, "output": str(target)}


def test_export_archive_csv_to_stdout_public_unless_all(two_years):
    old, new, hidden = two_years
    out = io.StringIO()
    call_command("export_archive", "--format", "csv", stdout=out, stderr=io.StringIO())
    assert [int(r["id"]) for r in csv.DictReader(io.StringIO(out.getvalue()))] == [new.pk, old.pk]
    out = io.StringIO()
    call_command("export_archive", "--format", "csv", "--all", "--kind", "news", stdout=out, stderr=io.StringIO())
    assert {int(r["id"]) for r in csv.DictReader(io.StringIO(out.getvalue()))} == {new.pk, hidden.pk}


def test_export_archive_of_a_search_lists_every_match_newest_first(monkeypatch, settings):
    from articles.search import service

    monkeypatch.setattr(service, "RANK_CANDIDATES", 1)
    settings.NEWSROOM_COUNT_CAP = settings.NEWSROOM_FACET_CAP = 1  # a ranked window of 2
    made = [
        ArticleFactory(page=PageFactory(issue=IssueFactory(publication_date=dt.date(2024, 4, day))), body="山药。")
        for day in (4, 3, 2, 1)
    ]
    out = io.StringIO()
    call_command("export_archive", "--format", "jsonl", "--q", "山药", stdout=out, stderr=io.StringIO())
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [a.pk for a in made]


def test_export_archive_refuses_a_bad_filter(two_years):
    with pytest.raises(CommandError, match="date_from"):
        call_command("export_archive", "--date-from", "yesterday", stdout=io.StringIO(), stderr=io.StringIO())
