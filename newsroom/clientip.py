"""The client's address, believing X-Forwarded-For only as far as the configured proxies wrote it.

Each trusted proxy appends the address it received the request from, so with N proxies the client is the N-th
entry from the right; whatever stands further left was written by the client and proves nothing. This is
DRF's own rule for its throttles (REST_FRAMEWORK["NUM_PROXIES"], set from the same setting), so the rate limits
and the login lock-out (django-axes) see one and the same address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.NEWSROOM_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote_addr
