"""create_editor: the login the run script prints works in the admin, once."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_create_editor_prints_a_password_that_logs_in_once(client):
    out = StringIO()
    call_command("create_editor", "desk", stdout=out)
    username, password = re.search(r"username '([^']+)' password '([^']+)'", out.getvalue()).groups()
    assert client.login(username=username, password=password)
    assert client.get("/admin/articles/article/").status_code == 200
    again = StringIO()
    call_command("create_editor", "desk", stdout=again)
    assert "exists already" in again.getvalue() and password not in again.getvalue()
    assert client.login(username=username, password=password), "a second run does not change the password"
    call_command("create_editor", "desk", "--reset-password", stdout=StringIO())
    assert not client.login(username=username, password=password)
