"""Reading settings from the environment, each value checked when the process starts.

A setting with a typo must stop the start with its name and what it accepts, not run on with a silent
fallback: ``NEWSROOM_IMPORT_STATUS=publised`` once hid every imported article, ``NEWSROOM_HTTPS=ture`` read
as "off". Pure Python apart from Django's ImproperlyConfigured, so settings.py can use it before apps load.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
#: DRF's throttle rates: a number of requests per second, minute, hour or day ("120/minute", "5/s").
RATE = re.compile(r"^\s*(?P<count>\d+)\s*/\s*(?P<period>s|sec|second|m|min|minute|h|hour|d|day)\s*$", re.IGNORECASE)
#: Django's own test of a secret key that is not one (django.core.checks.security.base, W009).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


class Env:
    """The environment's values, read by name; every reader raises ImproperlyConfigured on a bad value."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        """The value, or None when unset or blank (a blank value means "use the default")."""
        value = self.environ.get(name)
        if value is None or not value.strip():
            return None
        return value.strip()

    def text(self, name: str, default: str = "") -> str:
        value = self.raw(name)
        return default if value is None else value

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a boolean: use one of {', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}."
        )

    def integer(self, name: str, default: int, *, minimum: int = 0) -> int:
        """A whole number ≥ ``minimum`` (1 for sizes and counts that must be positive)."""
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value.replace("_", ""))
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
        if number < minimum:
            raise ImproperlyConfigured(f"{name}={value!r} must be at least {minimum}.")
        return number

    def number(self, name: str, default: float, *, minimum: float = 0.0) -> float:
        """A finite number ≥ ``minimum`` (seconds, which may have a fraction)."""
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = float(value.replace("_", ""))
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
        if not math.isfinite(number) or number < minimum:
            raise ImproperlyConfigured(f"{name}={value!r} must be a number of at least {minimum:g}.")
        return number

    def names(self, name: str, default: str = "") -> list[str]:
        """A comma-separated list."""
        value = self.raw(name)
        return [item.strip() for item in (default if value is None else value).split(",") if item.strip()]

    def choice(self, name: str, default: str, choices: Iterable[str]) -> str:
        value = self.raw(name)
        allowed = list(choices)
        if value is None:
            return default
        if value not in allowed:
            raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(allowed)}.")
        return value

    def rate(self, name: str, default: str) -> str:
        """A DRF throttle rate, checked here because DRF itself reads it only at the first request."""
        value = self.raw(name)
        if value is None:
            return default
        match = RATE.match(value)
        if not match or int(match["count"]) < 1:
            raise ImproperlyConfigured(
                f"{name}={value!r} is not a rate: write requests per period, e.g. 120/minute (periods: second, "
                f"minute, hour, day)."
            )
        return f"{int(match['count'])}/{match['period'].lower()}"

    def secret_key(self, name: str) -> str:
        """The secret key, refused when it cannot be one (too short or too few different characters)."""
        value = self.raw(name) or ""
        if value and (len(value) < SECRET_KEY_MIN_LENGTH or len(set(value)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS):
            raise ImproperlyConfigured(
                f"{name} is too weak to be a secret key: it needs at least {SECRET_KEY_MIN_LENGTH} characters "
                f"and {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones (it has {len(value)} and "
                f"{len(set(value))}). Make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
        return value
