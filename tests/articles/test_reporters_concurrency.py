"""A reporter merge while a forced re-import rewrites an issue crediting the merged row, with real
concurrent transactions (PostgreSQL): the merge waits for the re-import's issue lock, then lands."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from articles import reporters
from articles.models import Article, ArticleCredit, Issue, Reporter, ReporterAlias
from importer.parsing.pipeline import parse_bytes
from importer.parsing.tokens import index_draft
from importer.services import issue_import
from tests.factories import ReporterFactory
from tests.importer.test_reimport_concurrency import SEED, _wait_until_waiting_for_a_lock

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_merge_during_a_forced_reimport_waits_for_it_then_moves_every_credit(editor, db_vendor):
    if db_vendor != "postgresql":
        pytest.skip("row-lock deadlocks need PostgreSQL")
    call_command("import_issue", str(SEED), stdout=StringIO(), no_progress=True)
    issue = Issue.objects.get()
    other = Reporter.objects.filter(credits__article__issue=issue).order_by("pk").first()
    kept = ReporterFactory(name="合并后的名字")
    draft = parse_bytes(SEED.read_bytes(), source=SEED.name)
    index_draft(draft)
    for page in draft.pages:  # the segmenter changed since: every article is rewritten in place
        for article in page.articles:
            article.headline = (article.headline or "") + "（新分段）"

    merge_pid: list[int] = []
    merge_connected = threading.Event()
    issue_locked = threading.Event()
    errors: list[BaseException] = []
    results = []

    def reimport() -> None:
        try:
            merge_connected.wait(10)
            with transaction.atomic():
                Issue.objects.select_for_update().get(pk=issue.pk)  # what issue_import does first
                issue_locked.set()
                _wait_until_waiting_for_a_lock(merge_pid[0])
                results.append(issue_import(draft=draft, force=True))
        except BaseException as error:
            errors.append(error)
        finally:
            issue_locked.set()
            connection.close()

    def merge() -> None:
        try:
            connection.ensure_connection()
            merge_pid.append(connection.connection.info.backend_pid)
            merge_connected.set()
            issue_locked.wait(10)
            reporters.reporter_merge(kept=kept, other=other, user=editor)
        except BaseException as error:
            errors.append(error)
        finally:
            merge_connected.set()
            connection.close()

    threads = [threading.Thread(target=reimport), threading.Thread(target=merge)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors
    assert results and results[0].result == "reimported"
    assert all(a.headline.endswith("（新分段）") for a in Article.objects.filter(issue=issue))
    assert not Reporter.objects.filter(pk=other.pk).exists()
    assert ReporterAlias.objects.get(name=other.name).reporter_id == kept.pk
    assert ArticleCredit.objects.filter(reporter=kept).exists()
