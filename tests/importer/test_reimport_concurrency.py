"""Editors saving while a forced re-import rewrites the same issue, with real concurrent transactions.

Each thread has its own database connection and commits for real (a transactional test), as a web worker
and an import process would. Only PostgreSQL has row locks to deadlock on; SQLite locks the whole file.
"""

from __future__ import annotations

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from articles import services as article_services
from articles.models import Article, ArticleCredit, Issue, Page, Photo, Reporter
from importer.parsing.pipeline import parse_bytes
from importer.parsing.tokens import index_draft
from importer.services import issue_import
from tests.articles.admin_helpers import form_post_data
from tests.articles.test_admin import change_form_data
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db(transaction=True)

SEED = SEEDS[4]  # one page, with a photo of an article


def _wait_until_waiting_for_a_lock(pid: int, *, seconds: float = 20) -> None:
    """Return once backend ``pid`` waits for a row lock another transaction holds."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the editor's save never waited for the re-import")


#: What the editors' saves of the admin branch's write paths leave (page, issue, reporter, credits, photo form).
PAGE_SECTION, ISSUE_EDITION, REPORTER_NAME = "编辑改的版名", "编辑改的版次", "编辑改过名的记者"


def _credit_of(article: Article) -> ArticleCredit:
    return ArticleCredit.objects.filter(article__issue=article.issue_id).order_by("pk").first()


def _editor_save(kind: str, *, article: Article, photo: Photo, user) -> None:
    if kind == "page_update":
        article_services.page_update(page=article.page, user=user, data={"section": PAGE_SECTION})
    elif kind == "issue_update":
        article_services.issue_update(issue=article.issue, user=user, data={"edition": ISSUE_EDITION})
    elif kind == "reporter_update":
        article_services.reporter_update(reporter=_credit_of(article).reporter, user=user, name=REPORTER_NAME)
    elif kind == "credit_create":
        reporter = article_services.reporter_get_or_create(name="新来的通讯员")
        article_services.credit_create(article=article, reporter=reporter, role="通讯员", user=user)
    elif kind == "credit_update":
        article_services.credit_update(credit=_credit_of(article), user=user, data={"role": "通讯员"})
    elif kind == "credit_reorder":
        credit = ArticleCredit.objects.filter(article=article).order_by("pk").first()
        article_services.credit_update(credit=credit, user=user, data={"order": 9})
    elif kind == "credit_delete":
        article_services.credit_delete(credit=_credit_of(article), user=user)
    elif kind == "admin_photo":
        client = Client()
        client.force_login(user)
        url = reverse("admin:articles_photo_change", args=[photo.pk])
        data = form_post_data(client.get(url).context["adminform"].form, caption="编辑在重新导入时改的图说")
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
    elif kind == "admin":
        client = Client()
        client.force_login(user)
        url = reverse("admin:articles_article_change", args=[article.pk])
        response = client.post(url, change_form_data(article, headline="编辑在重新导入时改的标题"))
        assert response.status_code == 302, response.content.decode()[:2000]
    elif kind == "article_update":
        article_services.article_update(article=article, user=user, data={"headline": "编辑在重新导入时改的标题"})
    elif kind == "article_verify":
        article_services.article_verify(articles=[article], user=user)
    else:
        article_services.photo_update(photo=photo, user=user, data={"caption": "编辑在重新导入时改的图说"})


def _assert_landed(kind: str, *, article: Article, photo: Photo, credit: ArticleCredit | None) -> None:
    """The editor's save of ``kind`` is stored (after the re-import, on the rows it kept)."""
    if kind in ("photo_update", "admin_photo"):
        assert Photo.objects.get(pk=photo.pk).caption == "编辑在重新导入时改的图说"
        assert Photo.objects.get(pk=photo.pk).article_id == photo.article_id
    elif kind in ("article_update", "admin"):
        assert Article.objects.get(pk=article.pk).headline == "编辑在重新导入时改的标题"
    elif kind == "article_verify":
        assert Article.objects.get(pk=article.pk).verified_at is not None
    elif kind == "page_update":
        assert Page.objects.get(pk=article.page_id).section == PAGE_SECTION
    elif kind == "issue_update":
        assert Issue.objects.get(pk=article.issue_id).edition == ISSUE_EDITION
    elif kind == "reporter_update":
        assert Reporter.objects.get(pk=credit.reporter_id).name == REPORTER_NAME
        assert REPORTER_NAME in Article.objects.get(pk=credit.article_id).search_document
    elif kind == "credit_create":
        assert ArticleCredit.objects.filter(article=article, reporter__name="新来的通讯员").exists()
    elif kind == "credit_update":
        assert ArticleCredit.objects.get(pk=credit.pk).role == "通讯员"
    else:
        assert not ArticleCredit.objects.filter(pk=credit.pk).exists()


@pytest.mark.parametrize(
    "kind",
    [
        "article_update",
        "article_verify",
        "photo_update",
        "admin",
        "page_update",
        "issue_update",
        "reporter_update",
        "credit_create",
        "credit_update",
        "credit_delete",
        "admin_photo",
    ],
)
def test_an_editor_save_during_a_forced_reimport_waits_for_it_instead_of_deadlocking(kind, editor, db_vendor):
    """The re-import holds the issue row and is about to rewrite its articles and photos (the segmenter
    changed) when an editor saves one of them. Before locks were taken in one order (issue, then its rows),
    the save locked its article or photo first and then waited for the issue, while the re-import waited
    for that row: PostgreSQL's ``deadlock detected`` killed one of them. Now the save waits for the issue,
    then lands; through the admin too (its form locks the article to check the version)."""
    if db_vendor != "postgresql":
        pytest.skip("row-lock deadlocks need PostgreSQL")
    call_command("import_issue", str(SEED), stdout=StringIO(), no_progress=True)
    issue = Issue.objects.get()
    photos = Photo.objects.filter(issue=issue).order_by("pk")
    photo = photos.exclude(article=None).first() or photos.first()
    article = photo.article or Article.objects.filter(issue=issue).order_by("pk").first()
    credit = _credit_of(article)
    draft = parse_bytes(SEED.read_bytes(), source=SEED.name)
    index_draft(draft)
    # the segmenter changed since: the re-import rewrites the article and the photo the editor saves
    place = (article.page.index, article.order)
    next(p for p in draft.pages if p.index == place[0]).articles[place[1]].headline = "新分段给的标题"
    next(p for p in draft.pages if p.index == photo.page.index).photos[photo.order].caption += "（新分段）"

    editor_pid: list[int] = []
    editor_connected = threading.Event()
    issue_locked = threading.Event()
    errors: list[BaseException] = []
    results = []

    def reimport() -> None:
        try:
            editor_connected.wait(10)
            with transaction.atomic():
                # what issue_import does first: lock the issue row (then it rewrites the issue's rows)
                Issue.objects.select_for_update().get(pk=issue.pk)
                issue_locked.set()
                _wait_until_waiting_for_a_lock(editor_pid[0])
                results.append(issue_import(draft=draft, force=True))
        except BaseException as error:
            errors.append(error)
        finally:
            issue_locked.set()
            connection.close()

    def edit() -> None:
        try:
            connection.ensure_connection()
            editor_pid.append(connection.connection.info.backend_pid)
            editor_connected.set()
            issue_locked.wait(10)
            _editor_save(kind, article=article, photo=photo, user=editor)
        except BaseException as error:
            errors.append(error)
        finally:
            editor_connected.set()
            connection.close()

    threads = [threading.Thread(target=reimport), threading.Thread(target=edit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors
    assert results and results[0].result == "reimported"
    # the save landed after the re-import, on the same (kept) rows
    _assert_landed(kind, article=article, photo=photo, credit=credit)


def test_many_editor_saves_racing_a_forced_reimport_all_land(editor, db_vendor):
    """The workbench report's race, without choreography: editors save articles and photos of an issue
    while a forced re-import rewrites all of them. Every save lands, and the re-import completes."""
    if db_vendor != "postgresql":
        pytest.skip("row-lock deadlocks need PostgreSQL")
    seed = SEEDS[0]
    call_command("import_issue", str(seed), stdout=StringIO(), no_progress=True)
    articles = list(Article.objects.order_by("pk"))
    photos = list(Photo.objects.order_by("pk"))
    draft = parse_bytes(seed.read_bytes(), source=seed.name)
    index_draft(draft)
    for page in draft.pages:  # the segmenter changed since: every row is rewritten
        for article_draft in page.articles:
            article_draft.headline = (article_draft.headline or "") + "（新分段）"
        for photo_draft in page.photos:
            photo_draft.caption += "（新分段）"
    saves = [("article_update", a, None) for a in articles[0::3]]
    saves += [("article_verify", a, None) for a in articles[1::3]]
    saves += [("photo_update", None, p) for p in photos]
    # the admin branch's write paths too: pages, the issue, credits
    saves += [
        ("page_update", next(a for a in articles if a.page_id == pk), None) for pk in {a.page_id for a in articles}
    ]
    saves += [("issue_update", articles[0], None)]
    credited = [a for a in articles[2::3] if ArticleCredit.objects.filter(article=a).exists()]
    saves += [("credit_reorder", a, None) for a in credited]
    start = threading.Barrier(len(saves) + 1, timeout=30)
    errors: list[BaseException] = []
    results = []

    def reimport() -> None:
        try:
            start.wait()
            results.append(issue_import(draft=draft, force=True))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    def save(kind: str, article: Article | None, photo: Photo | None) -> None:
        try:
            connection.ensure_connection()
            start.wait()
            _editor_save(kind, article=article, photo=photo, user=editor)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=reimport)] + [threading.Thread(target=save, args=s) for s in saves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors
    assert results and results[0].result == "reimported"
    for kind, article, photo in saves:
        if kind == "article_update":
            assert Article.objects.get(pk=article.pk).headline == "编辑在重新导入时改的标题"
        elif kind == "credit_reorder":
            assert ArticleCredit.objects.filter(article=article).order_by("pk").first().order == 9
        else:
            _assert_landed(kind, article=article, photo=photo, credit=None)
