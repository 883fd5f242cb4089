"""The import command and services end to end, on the real seeds and on broken input made by the tests."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from articles.models import Article, ArticleCredit, Issue, Page, Photo, Reporter
from importer.models import EventResult, ImportEvent, ImportRun
from tests.conftest import SEEDS, SEEDS_DIR

pytestmark = pytest.mark.django_db(transaction=False)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_issue", *args, stdout=out, stderr=err, no_progress=True)
    return out.getvalue(), err.getvalue()


def snapshot() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Issue, Page, Article, Photo, Reporter, ArticleCredit)}


def test_importing_the_seeds_creates_the_archive():
    out, _ = run(str(SEEDS_DIR))
    assert out.count("imported ") == len(SEEDS)
    counts = snapshot()
    assert counts["Issue"] == len(SEEDS)
    assert counts["Page"] >= len(SEEDS)
    assert counts["Article"] > 50 and counts["Photo"] > 5 and counts["Reporter"] > 5
    run_row = ImportRun.objects.get()
    assert run_row.status == "succeeded" and run_row.totals["imported"] == len(SEEDS)
    assert run_row.totals["articles"] == counts["Article"]
    assert f"{counts['Article']} articles" in out.splitlines()[-1]
    for page in Page.objects.all():
        assert page.raw_text.strip(), "every page keeps its raw text"


def test_page_raw_text_is_the_file_verbatim():
    run(str(SEEDS[0]))
    text = SEEDS[0].read_text(encoding="utf-8")
    assert "".join(Page.objects.order_by("index").values_list("raw_text", flat=True)) == text


def test_importing_twice_creates_nothing_and_says_so():
    run(str(SEEDS_DIR))
    before = snapshot()
    out, _ = run(str(SEEDS_DIR))
    assert snapshot() == before
    assert out.count("skipped /") == len(SEEDS)
    assert "0 imported" in out and f"{len(SEEDS)} skipped" in out


def test_dry_run_json_writes_nothing_and_follows_the_contract():
    out, _ = run(str(SEEDS[0]), "--dry-run", "--json")
    document = json.loads(out)
    assert document["source"] == SEEDS[0].name
    assert set(document["issue"]) >= {"date", "paper"}
    page = document["pages"][0]
    assert set(page) >= {"index", "number", "section", "staff", "articles", "photos", "furniture", "unassigned"}
    article = page["articles"][0]
    assert set(article) >= {"headline", "kicker", "subheadline", "reporters", "body", "kind", "duplicate_of"}
    assert snapshot() == dict.fromkeys(snapshot(), 0)
    assert not ImportRun.objects.exists()


def test_overrides_apply_to_dry_run_and_import():
    out, _ = run(str(SEEDS[0]), "--dry-run", "--json", "--date", "2022-10-31", "--paper", "测试报")
    assert json.loads(out)["issue"] == {**json.loads(out)["issue"], "date": "2022-10-31", "paper": "测试报"}
    run(str(SEEDS[0]), "--date", "2022-10-31", "--paper", "测试报", "--edition", "区版")
    issue = Issue.objects.get()
    assert (str(issue.publication_date), issue.paper, issue.edition) == ("2022-10-31", "测试报", "区版")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "31.10.2022"], "YYYY-MM-DD"),
        (["--json"], "--dry-run"),
        (["--jobs", "0"], "--jobs"),
    ],
)
def test_bad_options_are_command_errors(args, message):
    with pytest.raises(CommandError, match=message):
        run(str(SEEDS[0]), *args)
    assert not Issue.objects.exists()


def test_unknown_option_is_refused():
    with pytest.raises((CommandError, TypeError, SystemExit)):
        call_command("import_issue", str(SEEDS[0]), "--colour", "red")


def test_gb18030_copy_imports_to_the_same_articles(tmp_path):
    text = SEEDS[2].read_text(encoding="utf-8")
    (tmp_path / "gb.txt").write_bytes(text.encode("gb18030"))
    out_utf8, _ = run(str(SEEDS[2]), "--dry-run", "--json")
    out_gb, _ = run(str(tmp_path / "gb.txt"), "--dry-run", "--json")
    assert json.loads(out_gb)["pages"] == json.loads(out_utf8)["pages"]
    assert json.loads(out_gb)["issue"]["encoding"] == "gb18030"
    run(str(tmp_path / "gb.txt"))
    assert Issue.objects.get().encoding == "gb18030"
    assert ImportEvent.objects.get().encoding == "gb18030"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\n  \n", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("truncated.txt", "本报讯（记者张三）今天".encode()[:-1], "truncated"),
        ("latin.txt", b"\x81\x30\x81" + b"\xff" * 10, "undecodable"),
    ],
)
def test_bad_files_fail_alone_with_their_name(tmp_path, name, content, message):
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(SEEDS[2], batch / "a_good.txt")
    (batch / f"b_{name}").write_bytes(content)
    shutil.copy(SEEDS[4], batch / "c_good.txt")
    with pytest.raises(CommandError, match="1 of 3 file"):
        run(str(batch))
    assert Issue.objects.count() == 2
    failed = ImportEvent.objects.get(result=EventResult.FAILED)
    assert f"b_{name}" in failed.message and message in failed.message
    assert ImportRun.objects.get().status == "partial"


def test_missing_path_and_empty_directory_are_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="2 of 3"):
        run(str(tmp_path / "nope.txt"), str(tmp_path / "empty"), str(SEEDS[4]))
    messages = " ".join(ImportEvent.objects.filter(result="failed").values_list("message", flat=True))
    assert "no such file" in messages and "no .txt files" in messages
    assert Issue.objects.count() == 1


def test_crlf_bom_and_utf16_copies_give_the_same_segmentation(tmp_path):
    text = SEEDS[4].read_text(encoding="utf-8")
    reference = json.loads(run(str(SEEDS[4]), "--dry-run", "--json")[0])["pages"]
    variants = {
        "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
        "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf16.txt": text.encode("utf-16"),
    }
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
        pages = json.loads(run(str(tmp_path / name), "--dry-run", "--json")[0])["pages"]
        assert [p["articles"] for p in pages] == [p["articles"] for p in reference], name


def test_form_feeds_break_pages(tmp_path):
    text = " 第一版\n本报讯（记者甲乙） 今天上午，会议召开。\n\f第二版\n本报讯（记者丙丁） 明天下午，活动举行。\n"
    (tmp_path / "ff.txt").write_text(text, encoding="utf-8")
    pages = json.loads(run(str(tmp_path / "ff.txt"), "--dry-run", "--json")[0])["pages"]
    assert [[a["body"] for a in p["articles"]] for p in pages] == [["今天上午，会议召开。"], ["明天下午，活动举行。"]]


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_size_limit(tmp_path, force):
    """Refused with the same message whether the file is hashed first or (forced) goes straight to parsing."""
    with pytest.raises(CommandError, match="over the limit"):
        run(str(SEEDS[4]), "--max-bytes", "100", *force)
    assert not Issue.objects.exists()
    event = ImportEvent.objects.get()
    assert event.result == EventResult.FAILED and event.message.startswith(f"{SEEDS[4]}: file is ")


@pytest.mark.parametrize("mode", [[], ["--dry-run"]])
def test_a_negative_max_bytes_is_refused_the_same_in_a_dry_run_and_an_import(mode):
    from importer.management.commands.import_issue import MAX_BYTES_NEGATIVE

    with pytest.raises(CommandError) as refused:
        run(str(SEEDS[4]), "--max-bytes", "-1", *mode)
    assert str(refused.value) == MAX_BYTES_NEGATIVE
    assert not Issue.objects.exists() and not ImportRun.objects.exists()


def test_a_dry_run_keeps_its_max_bytes(tmp_path):
    with pytest.raises(CommandError, match="could not be parsed"):
        run(str(SEEDS[4]), "--max-bytes", "100", "--dry-run")


def test_manifest_gives_paper_date_and_edition(tmp_path):
    shutil.copy(SEEDS[4], tmp_path / "one.txt")
    (tmp_path / "manifest.csv").write_text(
        "file,paper,date,edition\none.txt,清单报,2021-02-03,东区版\n", encoding="utf-8"
    )
    run(str(tmp_path))
    issue = Issue.objects.get()
    assert (issue.paper, str(issue.publication_date), issue.edition) == ("清单报", "2021-02-03", "东区版")


def test_parallel_parsing_gives_the_same_archive():
    run(str(SEEDS_DIR), "--jobs", "2")
    parallel = list(
        Article.objects.order_by("issue__sha256", "page__index", "order").values_list(
            "issue__sha256", "page__index", "order", "headline", "body", "kind"
        )
    )
    Issue.objects.all().delete()
    run(str(SEEDS_DIR), "--jobs", "1")
    serial = list(
        Article.objects.order_by("issue__sha256", "page__index", "order").values_list(
            "issue__sha256", "page__index", "order", "headline", "body", "kind"
        )
    )
    assert parallel == serial and serial


def test_a_database_failure_mid_file_leaves_no_trace_and_the_next_run_imports_it(monkeypatch):
    from importer.services import copy as services

    real = services.bulk_insert
    calls = {"n": 0}

    def failing(model, objects, **options):
        calls["n"] += 1
        if model is Photo:
            raise DatabaseError("connection lost in the middle of the file")
        return real(model, objects, **options)

    monkeypatch.setattr(services, "bulk_insert", failing)
    with pytest.raises(CommandError, match="database error"):
        run(str(SEEDS[0]))
    assert calls["n"] > 1, "the failure happened after some rows were written"
    assert snapshot() == dict.fromkeys(snapshot(), 0)
    assert ImportEvent.objects.get().result == EventResult.FAILED
    monkeypatch.setattr(services, "bulk_insert", real)
    run(str(SEEDS[0]))
    assert Issue.objects.count() == 1 and Article.objects.exists()


def test_forced_reimport_keeps_what_editors_touched(editor):
    from articles import services as article_services

    run(str(SEEDS[2]))
    edited = Article.objects.order_by("id").first()
    article_services.article_update(
        article=edited, user=editor, data={"headline": "编辑改过的标题", "body": "编辑改写的正文。"}
    )
    untouched_before = Article.objects.exclude(pk=edited.pk).count()
    out, _ = run(str(SEEDS[2]), "--force")
    assert "re-imported" in out
    kept = Article.objects.get(pk=edited.pk)
    assert (kept.headline, kept.body) == ("编辑改过的标题", "编辑改写的正文。")
    assert Article.objects.exclude(pk=edited.pk).count() == untouched_before
    assert Issue.objects.count() == 1
    assert not Article.objects.filter(fingerprint=edited.fingerprint).exclude(pk=edited.pk).exists()


def test_purge_removes_an_issue_and_logs_it():
    run(str(SEEDS[2]), str(SEEDS[4]))
    issue = Issue.objects.order_by("id").first()
    out = StringIO()
    call_command("purge_issue", str(issue.pk), "--yes", "--chunk-size", "3", stdout=out)
    assert "purged" in out.getvalue()
    assert not Issue.objects.filter(pk=issue.pk).exists()
    assert not Article.objects.filter(issue_id=issue.pk).exists()
    assert Issue.objects.count() == 1
    assert ImportEvent.objects.filter(result=EventResult.PURGED).count() == 1
    run(str(SEEDS_DIR))  # the purged file imports again
    assert Issue.objects.count() == len(SEEDS)


def test_seed_files_are_in_the_repository():
    assert len(SEEDS) == 5
    shared = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    if shared.is_dir():
        for seed in SEEDS:
            assert seed.read_bytes() == (shared / seed.name).read_bytes()


@pytest.mark.django_db(transaction=True)
def test_killing_the_postgres_connection_mid_file_rolls_the_file_back(monkeypatch, db_vendor):
    """The server ends our session in the middle of a file: nothing of it stays, the next run imports it."""
    if db_vendor != "postgresql":
        pytest.skip("needs PostgreSQL to terminate a backend")
    import psycopg
    from django.db import connection

    from importer.services import copy as services

    real = services.bulk_insert
    settings = connection.settings_dict
    dsn = f"host={settings['HOST']} port={settings['PORT'] or 5432} user={settings['USER']} dbname={settings['NAME']}"
    if settings.get("PASSWORD"):
        dsn += f" password={settings['PASSWORD']}"

    killed = []

    def kill_then_write(model, objects, **options):
        if model is Photo and not killed:
            killed.append(True)
            with psycopg.connect(dsn, autocommit=True) as killer:
                killer.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
        return real(model, objects, **options)

    monkeypatch.setattr(services, "bulk_insert", kill_then_write)
    with pytest.raises(CommandError, match="database error"):
        run(str(SEEDS[0]), str(SEEDS[4]))
    monkeypatch.setattr(services, "bulk_insert", real)
    assert not Issue.objects.filter(source_name=SEEDS[0].name).exists()
    assert not Page.objects.exists() or set(Page.objects.values_list("issue__source_name", flat=True)) == {
        SEEDS[4].name
    }
    assert Issue.objects.filter(source_name=SEEDS[4].name).exists(), "the batch went on with the next file"
    run(str(SEEDS[0]))
    assert Issue.objects.filter(source_name=SEEDS[0].name).exists()


def public_texts() -> list[str]:
    return sorted(Article.objects.public().values_list("fingerprint", flat=True))


def test_forced_reimport_keeps_duplicates_photos_and_page_corrections(editor):
    from articles import services as article_services

    run(str(SEEDS[2]))  # seed 002 prints one article twice
    copy = Article.objects.exclude(duplicate_of=None).get()
    before = {"articles": Article.objects.count(), "photos": Photo.objects.count(), "public": public_texts()}
    article_services.article_verify(articles=[copy], user=editor)
    photo = Photo.objects.first()
    article_services.photo_update(photo=photo, user=editor, data={"caption": "编辑改过的图说"})
    page = Page.objects.first()
    article_services.page_update(page=page, user=editor, data={"section": "编辑定的版名"})

    out, _ = run(str(SEEDS[2]), "--force")
    assert "re-imported" in out
    assert Article.objects.count() == before["articles"]
    assert Photo.objects.count() == before["photos"]
    assert public_texts() == before["public"], "the copy stays a copy, the first copy stays public"
    copy.refresh_from_db()
    assert copy.duplicate_of is not None and copy.duplicate_of.duplicate_of_id is None
    assert Photo.objects.get(pk=photo.pk).caption == "编辑改过的图说"
    assert Page.objects.get(pk=page.pk).section == "编辑定的版名"


def test_forced_reimport_of_a_verified_first_copy_keeps_later_copies_pointing_at_it(editor):
    from articles import services as article_services

    run(str(SEEDS[2]))
    first = Article.objects.filter(duplicates__isnull=False).get()
    article_services.article_verify(articles=[first], user=editor)
    run(str(SEEDS[2]), "--force")
    assert Article.objects.filter(duplicate_of=first).count() == 1
    assert Article.objects.filter(fingerprint=first.fingerprint, duplicate_of=None).count() == 1


def test_the_failed_file_event_names_the_line(tmp_path):
    (tmp_path / "cut.txt").write_bytes("第一行\n第二行\n第三行".encode()[:-1])
    with pytest.raises(CommandError):
        run(str(tmp_path / "cut.txt"))
    event = ImportEvent.objects.get()
    assert event.line == 3 and "cut.txt:3" in event.message


def test_ctrl_c_logs_the_run_as_interrupted_and_a_crash_as_failed(monkeypatch):
    from importer import services

    def stopped(error):
        def batch(**kwargs):
            raise error

        return batch

    monkeypatch.setattr(services, "issues_import_batch", stopped(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        run(str(SEEDS[4]))
    assert ImportRun.objects.get().status == "interrupted"
    monkeypatch.setattr(services, "issues_import_batch", stopped(RuntimeError("a bug")))
    with pytest.raises(RuntimeError):
        run(str(SEEDS[4]))
    assert ImportRun.objects.order_by("pk").last().status == "failed"


def test_purge_without_a_terminal_needs_yes(monkeypatch):
    run(str(SEEDS[4]))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="--yes"):
        call_command("purge_issue", str(Issue.objects.get().pk), stdout=StringIO())
    assert Issue.objects.count() == 1


def test_the_run_log_records_the_command_line():
    run(str(SEEDS[4]), "--paper", "测试报", "--jobs", "2")
    command_line = ImportRun.objects.get().command_line
    assert command_line.startswith("manage.py import_issue ") and "--paper '测试报'" in command_line
    assert "--jobs 2" in command_line and str(SEEDS[4]) in command_line


def test_a_file_named_twice_in_a_batch_is_imported_once():
    out, _ = run(str(SEEDS[0]), str(SEEDS_DIR), str(SEEDS[0]))
    assert Issue.objects.count() == len(SEEDS)
    assert ImportEvent.objects.count() == len(SEEDS) and out.count("imported ") == len(SEEDS)


def test_a_written_file_and_its_log_event_commit_together(monkeypatch):
    """If the file's log event cannot be written, the file's rows go too: log and archive never disagree."""
    from importer.services import batches as services

    real = services._event_create

    def failing(run_row, report, *args, **kwargs):
        if report.result == EventResult.IMPORTED:
            raise DatabaseError("the log table is gone")
        return real(run_row, report, *args, **kwargs)

    monkeypatch.setattr(services, "_event_create", failing)
    with pytest.raises(CommandError, match="database error"):
        run(str(SEEDS[0]))
    assert snapshot() == dict.fromkeys(snapshot(), 0)
    assert ImportEvent.objects.get().result == EventResult.FAILED


def test_copy_writes_the_same_rows_as_bulk_create(monkeypatch, db_vendor):
    """On PostgreSQL the importer writes with COPY; the rows must be exactly those of Django's bulk_create."""
    if db_vendor != "postgresql":
        pytest.skip("COPY is the PostgreSQL writer")
    from importer.services import copy as services

    def rows() -> dict[str, list]:
        skip = {"id", "issue", "page", "article", "duplicate_of", "reporter", "photographer", "created_at"}
        skip |= {"imported_at", "updated_at"}
        found = {}
        for model in (Issue, Page, Article, ArticleCredit, Photo):
            fields = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
            keys = {
                Issue: ["sha256"],
                Page: ["issue__sha256", "index"],
                Article: ["issue__sha256", "page__index", "order", "duplicate_of__order"],
                ArticleCredit: ["article__issue__sha256", "article__page__index", "article__order", "reporter__name"],
                Photo: ["issue__sha256", "page__index", "order", "article__order", "photographer__name"],
            }[model]
            found[model.__name__] = list(model.objects.order_by(*keys, *fields).values_list(*keys, *fields))
        return found

    run(str(SEEDS_DIR))
    copied = rows()
    assert copied["Article"] and copied["ArticleCredit"] and copied["Photo"]
    Issue.objects.all().delete()
    monkeypatch.setattr(services, "_copy_insert", lambda model, objects: model.objects.bulk_create(objects))
    run(str(SEEDS_DIR))
    assert rows() == copied


def test_a_file_imported_by_another_process_meanwhile_is_skipped(monkeypatch):
    """The archive did not hold the file when we looked, but another import wrote it before our insert:
    the unique hash refuses ours, the file's transaction rolls back, and it counts as skipped."""
    from types import SimpleNamespace

    from importer.parsing.pipeline import parse_bytes
    from importer.services import batches, issue_import

    run(str(SEEDS[4]))
    before = snapshot()
    monkeypatch.setattr(Issue.objects, "select_for_update", lambda: Issue.objects.none())
    draft = parse_bytes(SEEDS[4].read_bytes(), source=SEEDS[4].name)
    result = issue_import(draft=draft)
    assert result.result == EventResult.SKIPPED and result.issue == Issue.objects.get()
    assert snapshot() == before

    no_hashes = SimpleNamespace(filter=lambda **lookup: SimpleNamespace(values_list=lambda *fields: []))
    monkeypatch.setattr(batches, "Issue", SimpleNamespace(objects=no_hashes))
    out, _ = run(str(SEEDS[4]))
    assert "1 skipped" in out and snapshot() == before
    assert list(ImportEvent.objects.order_by("pk").values_list("result", flat=True)) == ["imported", "skipped"]


def test_forced_reimport_when_editors_kept_everything(editor):
    """Nothing is left to write again (every article verified, the photo edited): the file re-imports."""
    from articles import services as article_services

    run(str(SEEDS[4]))
    article_services.article_verify(articles=list(Article.objects.all()), user=editor)
    for photo in Photo.objects.all():
        article_services.photo_update(photo=photo, user=editor, data={"caption": photo.caption + "（改）"})
    before = snapshot()
    out, _ = run(str(SEEDS[4]), "--force")
    assert "re-imported" in out and snapshot() == before
