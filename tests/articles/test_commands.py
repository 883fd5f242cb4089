"""create_editor: the login the run script prints works in the admin, once."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import admin_login

pytestmark = pytest.mark.django_db


def test_create_editor_prints_a_password_that_logs_in_once(client):
    out = StringIO()
    call_command("create_editor", "desk", stdout=out)
    username, password = re.search(r"username '([^']+)' password '([^']+)'", out.getvalue()).groups()
    assert admin_login(client, username=username, password=password)
    assert client.get("/admin/articles/article/").status_code == 200
    again = StringIO()
    call_command("create_editor", "desk", stdout=again)
    assert "exists already" in again.getvalue() and password not in again.getvalue()
    client.logout()
    assert admin_login(client, username=username, password=password), "a second run does not change the password"
    call_command("create_editor", "desk", "--reset-password", stdout=StringIO())
    client.logout()
    assert not admin_login(client, username=username, password=password)
