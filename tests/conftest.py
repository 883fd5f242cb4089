"""Shared fixtures: the seeds, imported once per test that needs them, and API clients by role."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

from articles.permissions import ensure_editors_group
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
SEEDS = sorted(SEEDS_DIR.glob("*.txt"))
SHARED_DIR = ROOT.parent / "shared"


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine} ({settings.DATABASES['default'].get('HOST') or settings.DATABASES['default']['NAME']})"


@pytest.fixture(autouse=True)
def english(settings):
    """Tests assert the English source texts: run them in English (the test client sends no Accept-Language,
    so the default language would apply). The Chinese default is tested on its own (tests/test_i18n.py),
    which switches back to ``zh-hans``."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def admin_login(client, *, username: str, password: str) -> bool:
    """Log in through the admin's login form, as a browser does: the path django-axes watches (the test
    client's ``login()`` calls ``authenticate()`` without the request, which axes refuses)."""
    response = client.post("/admin/login/?next=/admin/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture
def imported_seeds(db):
    """All five seeds imported through the real service, as the command does."""
    from importer.services import issues_import_batch

    report = issues_import_batch(paths=[SEEDS_DIR])
    assert not report.failed, [f.message for f in report.failed]
    return report


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor-on-duty", is_staff=True)
    user.groups.add(ensure_editors_group(apps))  # transactional tests flush the migration's group
    return user


@pytest.fixture
def plain_user(db):
    return UserFactory(username="reader")


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def editor_client(editor) -> APIClient:
    client = APIClient()
    client.force_authenticate(editor)
    return client


@pytest.fixture
def db_vendor(db) -> str:
    return connection.vendor
