"""Services some tests need running beside the suite (Redis, PostgreSQL, a server's binaries).

As with ../shared (tests/shared_data.py): in CI (``CI`` set) a missing service is a failure, since .ci/run
starts them; a local run without one skips those tests with the reason.
"""

from __future__ import annotations

import os
import socket

import pytest

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
#: This suite's own Redis database number, apart from the ones other work on the machine uses.
REDIS_TEST_DB = 3


def require(condition: bool, message: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must have it")
    pytest.skip(message)


def answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


def require_redis() -> str:
    """The URL of the test database on a Redis server on 127.0.0.1:6379."""
    require(answers(REDIS_HOST, REDIS_PORT), f"no Redis answers on {REDIS_HOST}:{REDIS_PORT}")
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_TEST_DB}"
