"""The read-replica router (newsroom/db_router.py): the API's reads go to a replica, every write and every
other read to the primary, migrations only to the primary.

The replica here is ``replica_test``, an alias on the test database itself (TEST MIRROR, settings.py), which
reads use once a test lists it in NEWSROOM_READ_REPLICAS: what each connection ran tells which alias served.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Issue
from newsroom.db_router import ReplicaRouter, replica_reads
from tests.factories import ArticleFactory
from tests.test_settings import ROOT

REPLICA = "replica_test"


@pytest.fixture
def with_replica(settings):
    settings.NEWSROOM_READ_REPLICAS = [REPLICA]


def test_reads_outside_an_api_request_and_every_write_go_to_the_primary(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Article) == "default"
    with replica_reads():
        assert router.db_for_read(Article) == REPLICA
        assert router.db_for_read(User) == "default"  # who the caller is: never a replica's stale copy
        assert router.db_for_write(Article) == "default"
        assert router.db_for_read(Article) == "default"  # after a write, the request reads its own writes


def test_reads_in_a_transaction_on_the_primary_stay_there(with_replica, transactional_db):
    with replica_reads():
        assert ReplicaRouter().db_for_read(Article) == REPLICA
        with transaction.atomic():
            assert ReplicaRouter().db_for_read(Article) == "default"


def test_without_replicas_everything_is_the_primary(settings):
    settings.NEWSROOM_READ_REPLICAS = []
    with replica_reads():
        assert ReplicaRouter().db_for_read(Article) == "default"


def test_migrations_run_only_on_the_primary():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate(REPLICA, "articles")
    assert not router.allow_migrate("replica_1", "importer")


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_the_api_reads_the_replica_and_the_admin_the_primary(with_replica, client, editor):
    article = ArticleFactory()
    with (
        CaptureQueriesContext(connections[REPLICA]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        listed = client.get("/api/articles/")
        detail = client.get(f"/api/articles/{article.pk}/")
    assert listed.status_code == detail.status_code == 200
    assert listed.json()["results"][0]["id"] == article.pk
    assert any(Article._meta.db_table in query["sql"] for query in replica.captured_queries)
    assert not any(Article._meta.db_table in query["sql"] for query in primary.captured_queries)

    client.force_login(editor)
    with (
        CaptureQueriesContext(connections[REPLICA]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        page = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert page.status_code == 200
    assert replica.captured_queries == []
    assert any(
        Issue._meta.db_table in query["sql"] or Article._meta.db_table in query["sql"]
        for query in primary.captured_queries
    )


def test_replica_urls_become_mirrored_aliases_and_must_match_the_primary():
    env = {k: v for k, v in os.environ.items() if k != "NEWSROOM_TEST_REPLICA_MIRROR"}
    env["DATABASE_REPLICA_URLS"] = "postgres://reader@10.0.0.2:5432/archive, postgres://reader@10.0.0.3/archive"
    env["DATABASE_URL"] = "postgres://writer@10.0.0.1:5432/archive"
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(sorted(s.DATABASES), s.NEWSROOM_READ_REPLICAS, s.DATABASES['replica_2']['HOST'], "
        "s.DATABASES['replica_1']['TEST']['MIRROR'])"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.stdout.split() == [
        "['default',",
        "'replica_1',",
        "'replica_2']",
        "['replica_1',",
        "'replica_2']",
        "10.0.0.3",
        "default",
    ], done.stderr
    env["DATABASE_REPLICA_URLS"] = "sqlite:////tmp/replica.sqlite3"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "DATABASE_REPLICA_URLS: replica 1 is" in done.stderr
