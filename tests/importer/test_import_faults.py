"""Fault tests of a batch: bad manifests, links, loops, FIFOs and devices, slow files, --max-bytes 0.

Each goes through the command, as an operator would meet it, and checks the summary it prints and the
import log it leaves: nothing dropped silently, nothing hanging, and the rest of the batch imported.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Issue
from importer.management.commands import import_issue
from importer.models import EventResult, ImportEvent, ImportRun
from importer.parsing import discovery, pipeline
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db(transaction=False)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_issue", *args, stdout=out, stderr=err, no_progress=True)
    return out.getvalue(), err.getvalue()


def failing(*args: str) -> tuple[str, str]:
    """Run a batch that must exit non-zero; its summary line and per-file lines still come out."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_issue", *args, stdout=out, stderr=err, no_progress=True)
    return out.getvalue(), err.getvalue() + str(raised.value)


def events() -> dict[str, tuple[str, str, int | None]]:
    return {e.path: (e.result, e.message, e.line) for e in ImportEvent.objects.all()}


def test_a_bad_manifest_fails_its_directory_only_and_every_other_directory_is_imported(tmp_path):
    for name, seed in (("a", SEEDS[0]), ("b", SEEDS[1]), ("b2", SEEDS[2]), ("c", SEEDS[3])):
        directory = tmp_path / name[0]
        directory.mkdir(exist_ok=True)
        shutil.copy(seed, directory / f"{name}.txt")
    (tmp_path / "a" / "manifest.csv").write_text("file,paper,date\na.txt,清单报,2021-02-03\n", encoding="utf-8")
    bad = tmp_path / "b" / "manifest.csv"
    bad.write_text("file,paper,date\nb.txt,清单报,2021-02-03\nb2.txt,清单报,03.02.2021\n", encoding="utf-8")
    shutil.copy(SEEDS[4], tmp_path / "z.txt")

    out, err = failing(str(tmp_path))

    logged = events()
    assert logged[str(bad)] == (EventResult.FAILED, f"{bad}:3: manifest date '03.02.2021' is not YYYY-MM-DD", 3)
    unusable = discovery.MANIFEST_UNUSABLE.format(manifest=bad)
    for name in ("b.txt", "b2.txt"):
        assert logged[str(tmp_path / "b" / name)] == (EventResult.FAILED, f"{tmp_path / 'b' / name}: {unusable}", None)
    imported = [path for path, (result, _, _) in logged.items() if result == EventResult.IMPORTED]
    assert sorted(imported) == sorted(
        str(p) for p in (tmp_path / "a" / "a.txt", tmp_path / "c" / "c.txt", tmp_path / "z.txt")
    )
    assert Issue.objects.get(source_name="a.txt").paper == "清单报"
    assert "3 imported" in out and "3 failed" in out and "3 of 6 file(s) failed" in err
    assert ImportRun.objects.get().totals["failed"] == 3


def test_a_bad_manifest_json_names_its_line(tmp_path):
    shutil.copy(SEEDS[4], tmp_path / "one.txt")
    (tmp_path / "manifest.json").write_text('{"one.txt": {"paper": "某报",\n "date": }}', encoding="utf-8")
    failing(str(tmp_path))
    event = ImportEvent.objects.get(path=str(tmp_path / "manifest.json"))
    assert event.line == 2 and "unreadable manifest" in event.message


def test_a_symlink_loop_named_on_the_command_line_fails_as_a_path(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    out, err = failing(str(loop), str(SEEDS[4]))
    assert events()[str(loop)] == (EventResult.FAILED, f"{loop}: {discovery.PATH_IS_A_LOOP}", None)
    assert "1 imported" in out and "1 of 2 file(s) failed" in err and "Traceback" not in out + err


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_fifo_or_a_device_named_directly_is_refused_at_once(tmp_path, special, monkeypatch):
    if special == "fifo":
        path = tmp_path / "pipe.txt"
        os.mkfifo(path)
        kind = "a FIFO"
    else:
        path = Path(special)
        kind = "a character device"
    started = time.monotonic()
    failing(str(path), str(SEEDS[4]))
    assert time.monotonic() - started < 60, "it must not wait for the FIFO's writer or the device's end"
    result, message, _ = events()[str(path)]
    assert (
        result == EventResult.FAILED
        and message == f"{path}: not a regular file ({kind}): only regular files are imported"
    )
    assert Issue.objects.count() == 1
    # forced (no hashing first) and as a dry run: the same refusal
    failing(str(path), "--force")
    with pytest.raises(CommandError, match="could not be parsed"):
        run(str(path), "--dry-run")


def test_links_loops_and_fifos_inside_a_directory_are_skipped_with_their_reason(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(SEEDS[4], batch / "good.txt")
    (batch / "link.txt").symlink_to(batch / "good.txt")
    (batch / "loop.txt").symlink_to(batch / "loop.txt")
    (batch / "broken.txt").symlink_to(tmp_path / "gone.txt")
    (batch / "up").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(batch / "pipe.txt")
    os.mkfifo(batch / "notes")  # not a name the batch would take: not reported

    out, _ = run(str(batch))

    expected = {
        "broken.txt": discovery.SKIP_BROKEN_LINK,
        "link.txt": discovery.SKIP_LINK,
        "loop.txt": discovery.SKIP_LINK_LOOP,
        "pipe.txt": discovery.SKIP_SPECIAL.format(kind="A FIFO"),
        "up": discovery.SKIP_LINK_TO_DIRECTORY,
    }
    logged = events()
    assert logged.pop(str(batch / "good.txt"))[0] == EventResult.IMPORTED
    assert logged == {str(batch / name): (EventResult.SKIPPED, reason, None) for name, reason in expected.items()}
    assert "1 imported, 0 re-imported, 5 skipped (0 already imported, 5 links or special files), 0 failed" in out
    for name, reason in expected.items():
        assert f"skipped {batch / name}: {reason}" in out
    assert ImportRun.objects.get().totals | {"skipped": 5, "skipped_not_files": 5} == ImportRun.objects.get().totals
    # run again: the file is skipped as imported, the rest for their reasons, and the dry run says so
    out, _ = run(str(batch))
    assert "5 skipped (1 already imported" not in out and "6 skipped (1 already imported, 5 links" in out
    _, err = run(str(batch), "--dry-run")
    assert f"skipped {batch / 'pipe.txt'}: " in err


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_max_bytes_zero_is_no_limit_in_a_dry_run_and_an_import(settings, dry_run):
    settings.NEWSROOM_IMPORT_MAX_BYTES = 100
    with pytest.raises(CommandError):
        run(str(SEEDS[4]), *dry_run)
    out, _ = run(str(SEEDS[4]), "--max-bytes", "0", *dry_run)
    assert ("dry run" in out) if dry_run else (Issue.objects.count() == 1)
    with pytest.raises(CommandError, match=re.escape(import_issue.MAX_BYTES_NEGATIVE)):
        run(str(SEEDS[4]), "--max-bytes", "-1", *dry_run)
    settings.NEWSROOM_IMPORT_MAX_BYTES = 0
    run(str(SEEDS[3]), *dry_run)


SLOW_MARK = "慢文件标记"


@pytest.fixture
def slow_segmenter(monkeypatch):
    """The segmenter takes far longer than any budget on a file carrying ``SLOW_MARK``."""
    real = pipeline.parse_issue

    def parse_issue(text, **kwargs):
        if SLOW_MARK in text:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                time.sleep(0.01)
        return real(text, **kwargs)

    monkeypatch.setattr(pipeline, "parse_issue", parse_issue)
    monkeypatch.setattr(pipeline, "_unsafe_to_fork", lambda: False)  # workers inherit the patch


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_over_its_parse_budget_fails_alone_and_the_batch_goes_on(tmp_path, slow_segmenter, jobs):
    shutil.copy(SEEDS[3], tmp_path / "a.txt")
    (tmp_path / "b.txt").write_text(SEEDS[4].read_text(encoding="utf-8") + SLOW_MARK + "\n", encoding="utf-8")
    shutil.copy(SEEDS[2], tmp_path / "c.txt")
    started = time.monotonic()
    out, err = failing(str(tmp_path), "--parse-timeout", "8", "--jobs", jobs)
    assert time.monotonic() - started < 80, "the slow file must not hold the batch for its whole time"
    message = pipeline.PARSE_TIMEOUT_MESSAGE.format(seconds=8)
    assert events()[str(tmp_path / "b.txt")] == (EventResult.FAILED, f"{tmp_path / 'b.txt'}: {message}", None)
    assert Issue.objects.count() == 2 and "2 imported" in out and "1 of 3 file(s) failed" in err


def test_the_parse_budget_comes_from_the_setting_and_zero_is_none(settings, tmp_path, slow_segmenter):
    (tmp_path / "b.txt").write_text(SEEDS[4].read_text(encoding="utf-8") + SLOW_MARK + "\n", encoding="utf-8")
    settings.NEWSROOM_PARSE_TIMEOUT = 0.3
    _, err = failing(str(tmp_path))
    assert pipeline.PARSE_TIMEOUT_MESSAGE.format(seconds=0.3) in err
    with pytest.raises(CommandError, match=re.escape(import_issue.PARSE_TIMEOUT_NEGATIVE)):
        run(str(tmp_path), "--parse-timeout", "-1")
