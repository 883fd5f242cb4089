"""What the API benchmarks share: Django set up against a bench database, an API client (in-process through
Django's test client, or HTTP to a running server), percentiles, and the requests of the mixes.

Not a benchmark itself (``bench_search.py`` and ``bench_load.py`` use it).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
#: Settings a benchmark process needs and a bench database does not care about (never used outside bench/).
BENCH_ENV = {
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-any-deployment-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "NEWSROOM_HTTPS": "0",
    "NEWSROOM_ANON_RATE": "100000000/minute",
    "NEWSROOM_USER_RATE": "100000000/minute",
    "NEWSROOM_MANIFEST_STATIC": "0",
}


def bench_env(database_url: str | None = None) -> dict[str, str]:
    """The environment of a benchmark process or of a server it starts: ours, then the caller's, then the URL."""
    env = dict(BENCH_ENV, **os.environ)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit(
            "set DATABASE_URL to the bench database, e.g. postgres://postgres@127.0.0.1:5432/newsroom_bench_1m"
        )
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0–100) of the values; NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary(values: list[float]) -> dict[str, float | int]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values) if values else float("nan"),
    }


class Response:
    __slots__ = ("data", "ms", "status")

    def __init__(self, status: int, data, ms: float) -> None:
        self.status, self.data, self.ms = status, data, ms


class InProcessClient:
    """The API through Django's test client, in this process: the view, serializers and queries, no network."""

    name = "in-process"

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client()

    def get(self, path: str, params: dict | None = None) -> Response:
        started = time.perf_counter()
        response = self.client.get(path, data=params or {})
        ms = (time.perf_counter() - started) * 1000
        return Response(response.status_code, _json(response.content), ms)


class HttpClient:
    """The API over HTTP/1.1 keep-alive to a running server (loopback)."""

    name = "http"

    def __init__(self, base_url: str, timeout: float = 120) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port or 80, timeout
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str, params: dict | None = None) -> Response:
        url = path + ("?" + urllib.parse.urlencode(params) if params else "")
        for attempt in range(2):  # a server may close an idle keep-alive connection: reconnect once
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.connection.request("GET", url, headers={"Accept": "application/json"})
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.HTTPException, OSError):  # refused, reset, timed out
                self.connection.close()
                self.connection = None
                if attempt:
                    return Response(599, None, (time.perf_counter() - started) * 1000)
                continue
            return Response(response.status, _json(body), (time.perf_counter() - started) * 1000)
        raise AssertionError("unreachable")


def _json(content: bytes):
    try:
        return json.loads(content)
    except ValueError:
        return None


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> dict:
    return {"cores": os.cpu_count(), "python": sys.version.split()[0], "load_average": os.getloadavg()}


def write_results(name: str, results: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    return path


def ids_spread(cursor, sql: str, count: int) -> list:
    """``count`` values of a one-column query spread evenly over its rows (deterministic)."""
    cursor.execute(sql)
    rows = [row[0] for row in cursor.fetchall()]
    if not rows:
        return []
    step = max(1, len(rows) // count)
    return rows[::step][:count]


def list_requests(cursor, supports: dict, variants: int = 10) -> list[tuple[str, str, dict]]:
    """(group, path, params) of the list, deep-page, filter, facet and detail requests of the mixes: each in
    ``variants`` versions (other reporters, months, ids), so that no cache answers every repetition."""
    requests: list[tuple[str, str, dict]] = []
    cursor.execute("SELECT count(*) FROM articles_article WHERE status = 'published' AND duplicate_of_id IS NULL")
    public = cursor.fetchone()[0]
    requests += [("list page 1", "/api/articles/", {})] * variants
    deep = max(1, min(1000, public // 20))
    requests += [("list page 1,000", "/api/articles/", {"page": deep - i}) for i in range(variants)]
    for token in supports.get("deep_cursors", [])[:variants]:
        requests.append(("list cursor deep", "/api/articles/", {"cursor": token}))
    reporters = ids_spread(
        cursor,
        "SELECT reporter_id FROM articles_articlecredit GROUP BY reporter_id ORDER BY count(*) DESC, reporter_id",
        variants,
    )
    requests += [("filter reporter", "/api/articles/", {"reporter": r}) for r in reporters]
    cursor.execute("SELECT DISTINCT paper FROM articles_issue WHERE paper <> '' ORDER BY paper")
    papers = [row[0] for row in cursor.fetchall()]
    requests += [("filter paper", "/api/articles/", {"paper": papers[i % len(papers)]}) for i in range(variants)]
    years = list(range(2015, 2025))
    requests += [
        (
            "filter date range",
            "/api/articles/",
            {"date_from": f"{years[i % 10]}-0{1 + i % 9}-01", "date_to": f"{years[i % 10]}-0{1 + i % 9}-28"},
        )
        for i in range(variants)
    ]
    requests += [
        ("filter paper+year", "/api/articles/", {"paper": papers[i % len(papers)], "year": years[i % 10]})
        for i in range(variants)
    ]
    if supports.get("facets"):
        requests += [("facets", "/api/articles/", {"facets": "all"})] * variants
        requests += [
            ("facets", "/api/articles/", {"facets": "all", "paper": papers[i % len(papers)]}) for i in range(variants)
        ]
    articles = ids_spread(
        cursor,
        "SELECT id FROM articles_article WHERE status = 'published' AND duplicate_of_id IS NULL ORDER BY id",
        variants,
    )
    requests += [("detail", f"/api/articles/{i}/", {}) for i in articles]
    requests += [("issue list", "/api/issues/", {})] * variants
    requests += [("reporter list", "/api/reporters/", {})] * variants
    requests += [("reporter detail", f"/api/reporters/{r}/", {}) for r in reporters]
    return requests


def detect_support(client, cursor) -> dict:
    """What the API under test offers: facets, snippets and cursors (read from its answers, not assumed)."""
    supports: dict = {}
    answer = client.get("/api/articles/", {"facets": "all", "page_size": 1})
    supports["facets"] = answer.status == 200 and isinstance(answer.data, dict) and "facets" in answer.data
    answer = client.get("/api/articles/", {"cursor": "", "page_size": 20})
    next_link = (answer.data or {}).get("next") if isinstance(answer.data, dict) else None
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(next_link or "").query).get("cursor", [""])[0]
    supports["cursor"] = bool(answer.status == 200 and token)
    if supports["cursor"]:
        supports["deep_cursors"] = deep_cursors(client, cursor, next_link)
    return supports


def deep_cursors(client, cursor, next_link: str, pages: int = 10000, variants: int = 10) -> list[str]:
    """Cursors of list pages about ``pages`` deep. A cursor that reads as base64 JSON ``[date, id]`` (the
    keyset of newest first) is built from the article at that depth; any other kind is reached by following
    ``next`` links (up to 200 pages deep, so this stays a setup step)."""
    import base64

    token = urllib.parse.parse_qs(urllib.parse.urlsplit(next_link).query)["cursor"][0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        keyset = isinstance(decoded, list) and len(decoded) == 2 and isinstance(decoded[1], int)
    except ValueError:
        keyset = False
    if keyset:
        cursor.execute("SELECT count(*) FROM articles_article WHERE status = 'published' AND duplicate_of_id IS NULL")
        depth = min(pages * 20, max(0, cursor.fetchone()[0] - 20 * variants - 1))
        cursor.execute(
            "SELECT a.id, i.publication_date FROM articles_article a JOIN articles_issue i ON i.id = a.issue_id "
            "WHERE a.status = 'published' AND a.duplicate_of_id IS NULL "
            "ORDER BY i.publication_date DESC NULLS LAST, a.id DESC OFFSET %s LIMIT %s",
            [depth, 20 * variants],
        )
        rows = cursor.fetchall()[::20]
        return [
            base64.urlsafe_b64encode(json.dumps([d.isoformat() if d else None, pk]).encode()).decode().rstrip("=")
            for pk, d in rows
        ]
    tokens = []
    for _ in range(200):
        answer = client.get("/api/" + next_link.split("/api/", 1)[1])
        next_link = (answer.data or {}).get("next")
        if not next_link:
            break
        tokens.append(urllib.parse.parse_qs(urllib.parse.urlsplit(next_link).query)["cursor"][0])
    return tokens[-variants:]
