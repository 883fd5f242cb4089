"""Real Redis, real Celery workers, real databases for the queued-import tests.

Workers are subprocesses, so they cannot see pytest-django's test database (in memory on SQLite, inside a
transaction on PostgreSQL): each test gets a database of its own, copied from one migrated once per session
(a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL), and every process of the test (the
commands, the workers, the dump) reaches it through DATABASE_URL. Jobs go to Redis db 5, on a queue named for
this test run, so nothing else that uses the same Redis sees them.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.services import require

ROOT = Path(__file__).resolve().parent.parent.parent
REDIS_URL = os.environ.get("NEWSROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def require_redis() -> str:
    """The test broker, which must answer: fail in CI, skip with the reason elsewhere."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        require(False, f"no Redis answers at {REDIS_URL} ({error}); the queued-import tests need one")
    return REDIS_URL


@dataclass
class Databases:
    """Databases made from one migrated template; dropped at the end of the session."""

    workdir: Path
    vendor: str
    server: dict = field(default_factory=dict)  # PostgreSQL: host, port, user, password
    template: str = ""
    made: list[str] = field(default_factory=list)

    def url(self, name: str) -> str:
        if self.vendor == "sqlite":
            return f"sqlite:///{self.workdir / name}.sqlite3"
        server = self.server
        password = f":{server['PASSWORD']}" if server.get("PASSWORD") else ""
        return f"postgres://{server['USER']}{password}@{server['HOST']}:{server['PORT'] or 5432}/{name}"

    def create(self) -> str:
        """A new migrated database: its DATABASE_URL."""
        name = f"newsroom_queue_{uuid.uuid4().hex[:10]}"
        if self.vendor == "sqlite":
            shutil.copy(self.workdir / f"{self.template}.sqlite3", self.workdir / f"{name}.sqlite3")
        else:
            self._sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.made.append(name)
        return self.url(name)

    def migrate_template(self, env: dict) -> None:
        self.template = f"newsroom_queue_template_{uuid.uuid4().hex[:8]}"
        if self.vendor != "sqlite":
            self._sql(f'CREATE DATABASE "{self.template}"')
        self.made.append(self.template)
        manage(env | {"DATABASE_URL": self.url(self.template)}, "migrate", "--verbosity", "0")

    def drop_all(self) -> None:
        if self.vendor == "sqlite":
            shutil.rmtree(self.workdir, ignore_errors=True)
            return
        for name in self.made:
            self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _sql(self, statement: str) -> None:
        import psycopg

        server = self.server
        with psycopg.connect(
            host=server["HOST"],
            port=server["PORT"] or 5432,
            user=server["USER"],
            password=server.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(statement)


def manage(env: dict, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    completed = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if check and completed.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed


def archive(env: dict) -> list[dict]:
    """The canonical dump (tests.importer.archive_dump) of the database in ``env``."""
    completed = subprocess.run(
        [sys.executable, "-m", "tests.importer.archive_dump"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(completed.stdout)


def run_status(env: dict, run_id: int, *, timeout: float = 300) -> dict:
    """Wait for a run to end (``import_status --wait``) and return it as JSON."""
    completed = manage(
        env,
        "import_status",
        str(run_id),
        "--wait",
        "--json",
        "--timeout",
        str(timeout),
        check=False,
        timeout=timeout + 60,
    )
    assert completed.stdout.strip(), completed.stderr
    return json.loads(completed.stdout)


class Workers:
    """Celery workers started by a test, each in its own session so that it and its pool go down together."""

    def __init__(self, env: dict, logdir: Path) -> None:
        self.env, self.logdir = env, logdir
        self.processes: list[subprocess.Popen] = []

    def start(self, *, module: list[str] | None = None) -> subprocess.Popen:
        """A worker (``celery -A newsroom worker --concurrency 1``), or ``module`` that takes the same options."""
        name = f"w{len(self.processes)}-{uuid.uuid4().hex[:6]}@%h"
        options = ["--concurrency", "1", "--loglevel", "INFO", "-n", name, "--without-gossip", "--without-mingle"]
        command = (
            [sys.executable, *module, *options]
            if module
            else [sys.executable, "-m", "celery", "-A", "newsroom", "worker", *options]
        )
        log = (self.logdir / f"worker{len(self.processes)}.log").open("w")
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append(process)
        return process

    def wait_ready(self, count: int, *, timeout: float = 240) -> None:
        """Until ``count`` workers say they are ready (they then share the jobs from the first one on)."""
        deadline = time.monotonic() + timeout
        while self.logs().count(" ready.") < count:
            dead = [p for p in self.processes if p.poll() is not None]
            assert not dead and time.monotonic() < deadline, self.logs()
            time.sleep(0.2)

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.logdir.glob("worker*.log")))

    def stop(self) -> None:
        for process in self.processes:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()


def _signal_group(process: subprocess.Popen, number: int) -> None:
    """Signal a worker and its pool (its session, which the test started); gone already is fine."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, number)


def queue_clear(queue: str) -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).delete(queue)
