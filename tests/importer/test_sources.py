"""Finding the files of a batch: streamed, sorted like their full paths, each file once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from importer.parsing import ImportInputError, pipeline
from importer.parsing.discovery import (
    SKIP_LINK_TO_DIRECTORY,
    SourceFile,
    count_sources,
    discover,
    distinct_roots,
    iter_sources,
)
from importer.parsing.pipeline import parse_sources


def make_tree(root: Path) -> list[Path]:
    names = ["b.txt", "a/z.txt", "a/b/c.txt", "a/b.txt", "a-b/x.txt", "a/b/notes.md", "c/d/e/f.txt", "A.txt"]
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name, encoding="utf-8")
    return sorted(p for p in root.rglob("*.txt") if p.is_file())


def test_files_come_in_the_order_of_their_sorted_full_paths(tmp_path):
    expected = make_tree(tmp_path)
    assert [source.path for source in iter_sources([tmp_path])] == expected
    assert count_sources([tmp_path]) == len(expected) == 7


def test_a_file_named_twice_or_inside_a_named_directory_is_taken_once(tmp_path):
    expected = make_tree(tmp_path)
    inner = tmp_path / "a" / "b.txt"
    found = [s.path for s in iter_sources([inner, tmp_path, tmp_path / "a", str(tmp_path) + "/", inner])]
    assert sorted(found) == expected and len(found) == len(expected)


def test_missing_path_and_directory_without_text_files_are_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ImportInputError, match="no such file or directory"):
        discover([tmp_path / "missing"])
    with pytest.raises(ImportInputError, match=r"directory holds no \.txt files"):
        discover([tmp_path / "empty"])


def test_discovery_is_lazy(tmp_path):
    """A batch holds one directory listing at a time, never the whole list of files."""
    make_tree(tmp_path)
    sources = iter_sources([tmp_path])
    first = next(sources)
    (tmp_path / "c" / "d" / "e" / "late.txt").write_text("late", encoding="utf-8")  # not listed yet
    rest = list(sources)
    assert first.path.name == "A.txt" and [s.path.name for s in rest][-2:] == ["f.txt", "late.txt"]


def test_manifest_entries_reach_their_files(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "one.txt").write_text("x", encoding="utf-8")
    (tmp_path / "d" / "manifest.csv").write_text("file,paper,date\none.txt,某报,2020-01-02\n", encoding="utf-8")
    (source,) = iter_sources([tmp_path])
    assert source.manifest.paper == "某报" and source.manifest.date.isoformat() == "2020-01-02"


@pytest.mark.parametrize("jobs", [1, 2])
def test_items_that_are_not_files_pass_through_in_their_place(tmp_path, jobs, monkeypatch):
    """Files are parsed in rounds; anything else keeps its place between them."""
    monkeypatch.setattr(pipeline, "ROUND_SIZE", 2)
    files = make_tree(tmp_path)
    items: list = [SourceFile(files[0]), "decided", *map(SourceFile, files[1:5]), "also decided", SourceFile(files[5])]
    results = list(parse_sources(iter(items), jobs=jobs, index=True))
    assert [r if isinstance(r, str) else r.source.path for r in results] == [
        files[0],
        "decided",
        *files[1:5],
        "also decided",
        files[5],
    ]
    drafts = [r.draft for r in results if not isinstance(r, str) and r.draft is not None]
    assert drafts and all(draft.indexed for draft in drafts)


def test_links_to_directories_are_not_followed_and_are_reported(tmp_path):
    """As rglob does: a link back up the tree would otherwise repeat files without end."""
    expected = make_tree(tmp_path)
    (tmp_path / "a" / "up").symlink_to(tmp_path, target_is_directory=True)
    sources = list(iter_sources([tmp_path]))
    assert [source.path for source in sources if not source.skipped] == expected
    (link,) = [source for source in sources if source.skipped]
    assert link.path == tmp_path / "a" / "up" and link.skipped == SKIP_LINK_TO_DIRECTORY


def test_a_directory_that_cannot_be_listed_fails_in_its_place_and_the_walk_goes_on(tmp_path, monkeypatch):
    make_tree(tmp_path)
    locked = tmp_path / "a" / "b"
    real_scandir = os.scandir

    def scandir(path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    sources = list(iter_sources([tmp_path]))
    assert [s.path.relative_to(tmp_path).as_posix() for s in sources] == [
        "A.txt",
        "a/b",
        "a/b.txt",
        "a/z.txt",
        "a-b/x.txt",
        "b.txt",
        "c/d/e/f.txt",
    ]
    (problem,) = [s for s in sources if s.problem]
    assert problem.path == locked and "cannot list directory: Permission denied" in problem.problem
    (outcome,) = parse_sources([problem])
    assert outcome.draft is None and str(outcome.error) == f"{locked}: cannot list directory: Permission denied"
    assert count_sources([tmp_path]) == len(sources)


def test_a_named_file_inside_a_named_directory_is_kept_unless_the_walk_finds_it(tmp_path):
    make_tree(tmp_path)
    upper = tmp_path / "a" / "UPPER.TXT"
    upper.write_text("x", encoding="utf-8")
    assert distinct_roots([tmp_path, tmp_path / "a" / "z.txt", upper]) == [tmp_path, upper]


def test_the_progress_total_counts_every_entry_the_batch_reports(tmp_path):
    make_tree(tmp_path)
    (tmp_path / "empty").mkdir()
    paths = [tmp_path / "a", tmp_path / "missing", tmp_path / "empty", tmp_path / "b.txt", tmp_path / "missing"]
    assert count_sources(paths) == 3 + 1 + 1 + 1


def test_an_input_error_survives_the_trip_back_from_a_worker():
    """Pool results are pickled: an error that could not be rebuilt killed the pool's result thread."""
    import pickle

    error = pickle.loads(pickle.dumps(ImportInputError("bad byte", source="x.txt", line=3, offset=7)))
    assert (str(error), error.line, error.offset) == ("x.txt:3: bad byte", 3, 7)
