"""Every API route (found in the URL resolver, so a new one is covered without touching this test) with every
method, as anonymous, a plain user, a staff user outside the Editors group and an editor: reads answer, writes
are refused for all (the API is read-only) and change nothing, and drafts reach editors only."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from articles.models import Article, ArticleStatus
from tests.factories import (
    ArticleCreditFactory,
    ArticleFactory,
    PageFactory,
    PhotoFactory,
    ReporterFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

READS = ["get", "head", "options"]
WRITES = ["post", "put", "patch", "delete"]
ROLES = ["anonymous", "plain user", "staff outside Editors", "editor"]
#: The documentation pages: HTML, no metadata for OPTIONS to describe.
HTML_PAGES = {"api-docs", "api-redoc"}
DRAFT_HEADLINE = "只给编辑看的草稿标题"


def api_routes() -> list[tuple[str, URLPattern]]:
    """(name, pattern) of every named route under /api/ (format-suffix twins counted once)."""
    found: dict[str, URLPattern] = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif pattern.name and route.lstrip("^").startswith("api/"):
                found.setdefault(pattern.name, pattern)

    walk(get_resolver().url_patterns, "")
    return sorted(found.items())


@pytest.fixture
def archive(db, django_capture_on_commit_callbacks):
    """One published article with a credit and a photo; a draft alone on a page of its own issue (written as
    a commit would: the reporters' stored counters are recounted on commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        published = ArticleFactory(headline="公开的测试标题")
        credit = ArticleCreditFactory(article=published)
        photo = PhotoFactory(page=published.page, article=published, photographer=ReporterFactory())
        draft = ArticleFactory(page=PageFactory(), status=ArticleStatus.DRAFT, headline=DRAFT_HEADLINE)
        ArticleCreditFactory(article=draft, reporter=ReporterFactory(name="草稿记者"))
    return {
        "issue": published.issue,
        "page": published.page,
        "article": published,
        "photo": photo,
        "reporter": credit.reporter,
        "draft": draft,
    }


@pytest.fixture(params=ROLES)
def role_client(request, editor, plain_user):
    role = request.param
    client = APIClient()
    user = {
        "anonymous": None,
        "plain user": plain_user,
        "staff outside Editors": UserFactory(username="staff-only", is_staff=True),
        "editor": editor,
    }[role]
    if user:
        client.force_authenticate(user)
    return role, client


def url_of(name: str, pattern: URLPattern, archive) -> str:
    if "pk" not in pattern.pattern.regex.groupindex:
        return reverse(name)
    basename = name.rsplit("-", 1)[0]
    assert basename in archive, f"new detail route {name}: give the archive fixture an object for it"
    return reverse(name, kwargs={"pk": archive[basename].pk})


def test_the_resolver_finds_every_route():
    names = {name for name, _ in api_routes()}
    expected = {f"{b}-{k}" for b in ("issue", "page", "article", "photo", "reporter") for k in ("list", "detail")}
    assert expected | {"api-root", "schema", "api-docs", "api-redoc"} <= names


def test_reads_answer_and_writes_are_refused_for_every_role(role_client, archive):
    role, client = role_client
    headlines_before = list(Article.objects.order_by("pk").values_list("headline", "status"))
    for name, pattern in api_routes():
        url = url_of(name, pattern, archive)
        for method in READS:
            response = getattr(client, method)(url)
            expected = {405} if method == "options" and name in HTML_PAGES else {200}
            assert response.status_code in expected, (role, method, url, response.status_code)
        for method in WRITES:
            response = getattr(client, method)(url, {"headline": "改写", "status": "published"}, format="json")
            allowed = {401, 403, 405} if role == "anonymous" else {403, 405}
            assert response.status_code in allowed, (role, method, url, response.status_code)
    assert list(Article.objects.order_by("pk").values_list("headline", "status")) == headlines_before


def test_drafts_reach_editors_only(role_client, archive):
    role, client = role_client
    draft = archive["draft"]
    editor = role == "editor"
    assert client.get(f"/api/articles/{draft.pk}/").status_code == (200 if editor else 404)
    listed = {row["id"] for row in client.get("/api/articles/", {"page_size": 200}).json()["results"]}
    assert (draft.pk in listed) is editor and archive["article"].pk in listed
    seen = "".join(
        client.get(url_of(name, pattern, archive)).content.decode()
        for name, pattern in api_routes()
        if name.endswith(("-list", "-detail"))
    )
    seen += client.get(f"/api/pages/{draft.page.pk}/").content.decode()
    seen += client.get(f"/api/issues/{draft.issue.pk}/").content.decode()
    assert (DRAFT_HEADLINE in seen) is editor
    assert ("草稿记者" in seen) is editor, "a reporter credited on a draft only is not shown either"
