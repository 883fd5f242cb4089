"""Repeated failed admin logins lock the username out from that address (django-axes), until the cool-off
ends or an administrator lifts it with ``manage.py axes_reset_username``."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import override

from newsroom.lockout import LOCKED_OUT_STATUS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-for-this-test"


@pytest.fixture
def staff(db):
    user = UserFactory(username="desk-editor", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(client, password: str, *, username: str = "desk-editor", address: str = "192.0.2.20", **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def lock_out(client, settings, **kwargs) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert attempt(client, "wrong", **kwargs).status_code in (200, LOCKED_OUT_STATUS)


def test_failed_logins_lock_out_even_the_right_password(client, settings, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200  # the form again, with its error
    locked = attempt(client, "wrong")
    assert locked.status_code == LOCKED_OUT_STATUS
    assert "This login is locked after" in locked.content.decode()
    refused = attempt(client, PASSWORD)
    assert refused.status_code == LOCKED_OUT_STATUS and "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302, "not logged in"


def test_the_lock_is_by_username_and_address(client, settings, staff):
    lock_out(client, settings)
    other = UserFactory(username="night-editor", is_staff=True)
    other.set_password(PASSWORD)
    other.save()
    assert attempt(client, PASSWORD, username="night-editor").status_code == 302, "another login, same address"
    client.logout()
    assert attempt(client, PASSWORD, address="198.51.100.30").status_code == 302, "same login, another address"


def test_an_invented_forwarded_for_does_not_give_a_new_address(client, settings, staff):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.200").status_code == LOCKED_OUT_STATUS


def test_the_lock_ends_after_the_cool_off(client, settings, staff):
    from axes.models import AccessAttempt

    lock_out(client, settings)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert attempt(client, PASSWORD).status_code == 302


def test_an_administrator_lifts_the_lock(client, settings, staff):
    lock_out(client, settings)
    call_command("axes_reset_username", "desk-editor", stdout=StringIO())
    assert attempt(client, PASSWORD).status_code == 302


def test_the_lockout_page_speaks_chinese(client, settings, staff):
    settings.LANGUAGE_CODE = "zh-hans"
    with override("zh-hans"):
        lock_out(client, settings)
        page = attempt(client, PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登录已锁定" in page and "This login" not in page
