"""The anonymous rate limit holds against a client that invents a new X-Forwarded-For per request, believes the
configured proxies only, and counts in a cache every worker process shares."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from newsroom.clientip import client_ip
from tests.services import require_redis

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture
def strict_anon_rate(monkeypatch, settings):
    """Three anonymous requests a minute (DRF binds the rates to the class when it is defined)."""
    from django.core.cache import cache

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": f"{LIMIT}/minute"})
    cache.clear()
    yield
    cache.clear()


def rest_framework(**changes):
    from django.conf import settings

    return override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, **changes}, NEWSROOM_TRUSTED_PROXIES=changes.get("NUM_PROXIES", 0)
    )


def statuses(client: APIClient, forwarded_for: list[str], remote_addr: str = "192.0.2.10") -> list[int]:
    return [
        client.get("/api/issues/", HTTP_X_FORWARDED_FOR=xff, REMOTE_ADDR=remote_addr).status_code
        for xff in forwarded_for
    ]


def test_a_new_forwarded_for_per_request_does_not_escape_the_limit(strict_anon_rate):
    invented = [f"203.0.113.{n}" for n in range(LIMIT + 2)]
    with rest_framework(NUM_PROXIES=0):
        assert statuses(APIClient(), invented) == [200] * LIMIT + [429, 429]
        assert statuses(APIClient(), ["203.0.113.99"], remote_addr="192.0.2.11") == [200], "another address"


def test_with_one_trusted_proxy_the_address_it_saw_counts(strict_anon_rate):
    """The proxy appends the address it received the request from; what the client wrote stays on the left."""
    behind_proxy = [f"10.9.9.{n}, 198.51.100.7" for n in range(LIMIT + 1)]
    with rest_framework(NUM_PROXIES=1):
        assert statuses(APIClient(), behind_proxy, remote_addr="127.0.0.1") == [200] * LIMIT + [429]
        other_client = statuses(APIClient(), ["10.9.9.1, 198.51.100.8"], remote_addr="127.0.0.1")
        assert other_client == [200], "a second client behind the same proxy has its own count"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "10.0.0.1, 198.51.100.7", "192.0.2.10"),
        (1, "10.0.0.1, 198.51.100.7", "198.51.100.7"),
        (2, "10.0.0.1, 198.51.100.7", "10.0.0.1"),
        (3, "10.0.0.1, 198.51.100.7", "10.0.0.1"),
        (1, None, "192.0.2.10"),
    ],
)
def test_logins_and_throttles_see_the_same_client_address(rf, settings, proxies, forwarded_for, expected):
    extra = {"REMOTE_ADDR": "192.0.2.10"} | ({"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {})
    request = rf.get("/", **extra)
    settings.NEWSROOM_TRUSTED_PROXIES = proxies
    with rest_framework(NUM_PROXIES=proxies):
        assert client_ip(request) == expected == AnonRateThrottle().get_ident(request)


def test_the_count_is_shared_by_processes_through_redis(strict_anon_rate):
    """Two cache clients (as two worker processes hold) see one count: a client cannot spread its requests."""
    location = require_redis()
    prefix = f"throttle-test-{uuid.uuid4().hex}"
    first, second = (RedisCache(location, {"KEY_PREFIX": prefix}) for _ in range(2))

    def throttle_on(cache):
        throttle = AnonRateThrottle()
        throttle.cache = cache
        return throttle

    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    request = Request(APIRequestFactory().get("/api/issues/", REMOTE_ADDR="192.0.2.50"))
    try:
        answers = [throttle_on(cache).allow_request(request, None) for cache in [first, second] * LIMIT]
        assert answers == [True] * LIMIT + [False] * LIMIT
    finally:
        first.delete(AnonRateThrottle().get_cache_key(request, None))
