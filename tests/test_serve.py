"""The production path as README's "Run in production" gives it: ``scripts/serve`` (gunicorn, WhiteNoise) on a
fresh PostgreSQL database with production settings, reached as a TLS proxy forwards requests (plain HTTP on
loopback with X-Forwarded-Proto: https). An editor logs in to the admin; the API, its schema and its
documentation's static files answer through it.

It runs in scripts/test's PostgreSQL pass (DATABASE_URL names PostgreSQL); in CI a missing PostgreSQL or gunicorn
is a failure.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import dj_database_url
import pytest

from tests.conftest import SEEDS
from tests.services import require

ROOT = Path(__file__).resolve().parent.parent
SECRET = "serve-test-secret-key-1f9b3c7d5e2a4f6b8d0c1e3a5b7d9f1c3e5a7b9d1f3"


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("runs in the PostgreSQL pass of scripts/test (DATABASE_URL names PostgreSQL)")
    return url


@pytest.fixture
def fresh_database():
    """A database of its own beside the suite's, dropped afterwards (the server runs its migrations)."""
    import psycopg

    base = dj_database_url.parse(postgres_url())
    name = f"{base['NAME']}_serve"
    admin = {"host": base["HOST"], "port": base["PORT"] or 5432, "user": base["USER"], "password": base["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    user = f"{base['USER']}:{base['PASSWORD']}" if base["PASSWORD"] else base["USER"]
    yield f"postgres://{user}@{admin['host']}:{admin['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ProxiedClient:
    """Requests as the TLS proxy sends them on: X-Forwarded-Proto https, cookies kept (secure ones too), no
    redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirects)

    def request(self, path: str, *, data: bytes | None = None, headers: dict[str, str] | None = None, proxy=True):
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        if proxy:
            request.add_header("X-Forwarded-Proto", "https")
            request.add_header("X-Forwarded-For", "198.51.100.77")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: morsel.value for k, morsel in SimpleCookie(header).items()})
        return response.status, response.headers, response.read()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def server(fresh_database, tmp_path):
    require((ROOT / ".venv" / "bin" / "gunicorn").exists(), "gunicorn is not installed in .venv (scripts/bootstrap)")
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEWSROOM_", "PORT"))}
    environ.pop("WEB_CONCURRENCY", None)
    environ.update(
        DATABASE_URL=fresh_database,
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        NEWSROOM_BEHIND_PROXY="1",
        NEWSROOM_TRUSTED_PROXIES="1",
        NEWSROOM_VAR_DIR=str(tmp_path / "var"),
        NEWSROOM_STATIC_ROOT=str(tmp_path / "static"),
        NEWSROOM_WORKERS="2",
        PORT=str(port),
    )
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen(
        ["scripts/serve"], cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 240
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"scripts/serve did not start (exit {process.poll()}):\n{log.read()[-4000:]}")
            time.sleep(0.5)
        manage = [str(ROOT / ".venv" / "bin" / "python"), "manage.py"]
        created = subprocess.run(
            [*manage, "create_editor", "desk"], cwd=ROOT, env=environ, capture_output=True, text=True, check=True
        )
        subprocess.run([*manage, "import_issue", str(SEEDS[0]), "--no-progress"], cwd=ROOT, env=environ, check=True)
        password = re.search(r"password '([^']+)'", created.stdout).group(1)
        yield {"url": f"http://127.0.0.1:{port}", "password": password, "log": log}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.close()


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def test_the_production_server_serves_the_admin_and_the_api(server):
    client = ProxiedClient(server["url"])

    status, headers, _ = client.request("/api/articles/", proxy=False)
    assert status == 301 and headers["Location"].startswith("https://"), "plain HTTP is sent to HTTPS"

    status, headers, body = client.request("/admin/login/?next=/admin/")
    assert status == 200 and "csrftoken" in client.cookies
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "desk", "password": server["password"]})
    status, headers, _ = client.request(
        "/admin/login/?next=/admin/",
        data=form.encode(),
        headers={"Origin": server["url"].replace("http://", "https://"), "Referer": server["url"] + "/admin/login/"},
    )
    assert status == 302 and headers["Location"] == "/admin/", "logged in"
    status, _, body = client.request("/admin/")
    assert status == 200 and b'id="site-name"' in body

    status, _, body = client.request("/api/articles/?page_size=5")
    assert status == 200 and json.loads(body)["count"] > 0
    status, _, body = client.request("/api/schema/?format=json")
    assert status == 200 and json.loads(body)["openapi"].startswith("3.")

    status, _, body = client.request("/api/docs/")
    assert status == 200
    assets = re.findall(rb'(?:src|href)="(/static/[^"]+)"', body)
    assert assets, "Swagger UI's files come from this site"
    for asset in assets:
        status, headers, content = client.request(asset.decode())
        assert status == 200 and content, asset
        assert "immutable" in headers["Cache-Control"], "WhiteNoise serves the hashed names for ever"

    server["log"].seek(0)
    assert re.search(r'"GET /api/articles/\?page_size=5 HTTP/1\.[01]" 200', server["log"].read()), "the access log"
