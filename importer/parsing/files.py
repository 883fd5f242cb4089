"""Finding raw files, reading manifests and parsing many files, possibly in worker processes.

Still no Django: the workers of ``--jobs N`` import only this package, so they start fast and hold no
database connection. The single writer lives in ``importer.services``.
"""

from __future__ import annotations

import csv
import ctypes
import datetime as dt
import hashlib
import json
import multiprocessing
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from multiprocessing.pool import AsyncResult
from pathlib import Path

from .decoding import check_size, decode_bytes
from .drafts import IssueDraft
from .errors import ImportInputError
from .segmenter import parse_issue
from .tokens import DictionaryEntry, index_draft, prepare_for_import, set_dictionary_provider, use_dictionary

#: Names of per-directory manifests that give paper, date and edition per file.
MANIFEST_NAMES = ("manifest.csv", "manifest.json")


@dataclass(frozen=True)
class ManifestEntry:
    paper: str | None = None
    date: dt.date | None = None
    edition: str | None = None


@dataclass(frozen=True)
class SourceFile:
    """A file to import and what its directory's manifest says about it.

    ``problem`` marks an entry found but not readable (a directory that cannot be listed): it fails
    in its place in the batch, with this message, and the walk goes on."""

    path: Path
    manifest: ManifestEntry = field(default_factory=ManifestEntry)
    problem: str | None = None


@dataclass
class ParseOutcome:
    """What parsing one file gave: a draft, or the error that stopped it."""

    source: SourceFile
    sha256: str = ""
    draft: IssueDraft | None = None
    error: ImportInputError | None = None
    seconds: float = 0.0


def discover(paths: Iterable[str | Path]) -> list[SourceFile]:
    """All files to import, as a list (dry runs and small batches; batches stream ``iter_sources``)."""
    return list(iter_sources(paths))


def iter_sources(paths: Iterable[str | Path]) -> Iterator[SourceFile]:
    """Expand files and directories (recursively, ``*.txt``) into files, sorted, one directory at a time.

    Memory does not grow with the number of files: only the directory being listed and its manifest
    are held. A file named twice, or inside a directory also named, is taken once (overlapping paths are
    dropped before the walk). A path that does not exist, or a directory without any .txt file, is an
    error: an operator who points the importer at the wrong place must hear about it rather than get
    "0 imported".
    """
    for root in distinct_roots([Path(raw) for raw in paths]):
        yield from root_sources(root)


def root_sources(root: Path) -> Iterator[SourceFile]:
    """The files of one path given to a batch (one of ``distinct_roots``): itself, or its walk."""
    if not root.exists():
        raise ImportInputError("no such file or directory", source=str(root))
    if not root.is_dir():
        yield SourceFile(root, read_manifest(root.parent).get(root.name, ManifestEntry()))
        return
    found_any = False
    for source in _walk(root):
        found_any = True
        yield source
    if not found_any:
        raise ImportInputError("directory holds no .txt files", source=str(root))


def count_sources(paths: Iterable[str | Path]) -> int:
    """How many entries a batch of these paths reports (for a progress bar), without holding them:
    the files ``iter_sources`` gives, and one for each path that fails as a whole (missing, no .txt)."""
    count = 0
    for root in distinct_roots([Path(raw) for raw in paths]):
        found = sum(1 for _ in _walk(root, manifests=False)) if root.is_dir() else 0
        count += max(found, 1)
    return count


def distinct_roots(paths: list[Path]) -> list[Path]:
    """The paths in their given order, without repeats, and without directories or .txt files inside a
    directory also given (its walk finds them)."""
    resolved = [path.resolve() for path in paths]
    directories = [real for real, path in zip(resolved, paths, strict=True) if path.is_dir()]
    roots: list[Path] = []
    seen: set[Path] = set()
    for path, real in zip(paths, resolved, strict=True):
        found_by_a_walk = (path.is_dir() or real.name.endswith(".txt")) and any(
            real != directory and real.is_relative_to(directory) for directory in directories
        )
        if real in seen or found_by_a_walk:
            continue
        seen.add(real)
        roots.append(path)
    return roots


def _walk(directory: Path, *, manifests: bool = True) -> Iterator[SourceFile]:
    """``*.txt`` files under a directory in the order of their sorted full paths (what ``sorted(rglob)``
    gives), listing one directory at a time. Symbolic links to directories are not followed (as
    ``rglob`` does not: a link back up the tree would never end); a directory that cannot be listed is
    an entry with its ``problem``."""
    try:
        entries = sorted(directory.iterdir(), key=lambda entry: entry.name)
    except OSError as error:
        yield SourceFile(directory, problem=f"cannot list directory: {error.strerror or error}")
        return
    manifest = read_manifest(directory) if manifests and any(e.name in MANIFEST_NAMES for e in entries) else {}
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk(entry, manifests=manifests)
        elif entry.name.endswith(".txt") and entry.is_file():
            yield SourceFile(entry, manifest.get(entry.name, ManifestEntry()))


def _parse_date(value: str | None, *, source: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise ImportInputError(f"manifest date {value!r} is not YYYY-MM-DD", source=source) from error


def read_manifest(directory: Path) -> dict[str, ManifestEntry]:
    """Per-file paper/date/edition from ``manifest.csv`` (columns file,paper,date,edition) or ``manifest.json``."""
    entries: dict[str, ManifestEntry] = {}
    for name in MANIFEST_NAMES:
        manifest = directory / name
        if not manifest.is_file():
            continue
        source = str(manifest)
        try:
            if name.endswith(".csv"):
                with manifest.open(encoding="utf-8-sig", newline="") as handle:
                    rows = list(csv.DictReader(handle))
            else:
                loaded = json.loads(manifest.read_text(encoding="utf-8-sig"))
                rows = [{"file": key, **value} for key, value in loaded.items()] if isinstance(loaded, dict) else loaded
        except (OSError, ValueError, csv.Error) as error:
            raise ImportInputError(f"unreadable manifest: {error}", source=source) from error
        for number, row in enumerate(rows, start=2):
            if not isinstance(row, dict) or not row.get("file"):
                raise ImportInputError(f"manifest row {number} has no 'file'", source=source)
            entries[str(row["file"]).strip()] = ManifestEntry(
                paper=(row.get("paper") or "").strip() or None,
                date=_parse_date(row.get("date"), source=source),
                edition=(row.get("edition") or "").strip() or None,
            )
    return entries


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_bytes(data: bytes, *, source: str, max_bytes: int | None = None, location: str | None = None) -> IssueDraft:
    """Decode and segment one raw issue file; ``location`` (the path) is what errors name."""
    decoded = decode_bytes(data, source=location or source, max_bytes=max_bytes)
    draft = parse_issue(decoded.text, source=source)
    draft.encoding = decoded.encoding
    draft.sha256 = file_sha256(data)
    draft.size = len(data)
    return draft


def _read_and_segment(source: SourceFile, max_bytes: int | None) -> ParseOutcome:
    started = time.perf_counter()
    outcome = ParseOutcome(source=source)
    name = str(source.path)
    try:
        if source.problem:
            raise ImportInputError(source.problem, source=name)
        try:
            check_size(source.path.stat().st_size, max_bytes=max_bytes, source=name)
            data = source.path.read_bytes()
        except OSError as error:
            raise ImportInputError(f"cannot read file: {error.strerror or error}", source=name) from error
        outcome.draft = parse_bytes(data, source=source.path.name, max_bytes=max_bytes, location=name)
        outcome.sha256 = outcome.draft.sha256
    except ImportInputError as error:
        outcome.error = error
    except Exception as error:  # a parser bug must fail this file only, with its name
        outcome.error = ImportInputError(f"parser error: {type(error).__name__}: {error}", source=name)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _index(outcome: ParseOutcome) -> None:
    if outcome.draft is None:
        return
    started = time.perf_counter()
    try:
        index_draft(outcome.draft)
    except Exception as error:  # a tokeniser failure fails this file only, with its name
        outcome.draft = None
        outcome.error = ImportInputError(
            f"indexing error: {type(error).__name__}: {error}", source=str(outcome.source.path)
        )
    outcome.seconds += time.perf_counter() - started


#: Files parsed as one round: all of them segmented, then all tokenised. Each stage's code and data
#: (jieba's dictionary above all) stay in the CPU's caches for a whole round instead of being evicted
#: by the other stage at every file; measured at about 10 % of an import. Bounded, so memory is too.
ROUND_SIZE = 16


def parse_round(sources: list[SourceFile], max_bytes: int | None = None, index: bool = False) -> list[ParseOutcome]:
    """Parse a few files stage by stage (see ``ROUND_SIZE``); errors are returned per file."""
    _release_free_memory()
    outcomes = [_read_and_segment(source, max_bytes) for source in sources]
    if index:
        prepare_for_import()
        for outcome in outcomes:
            _index(outcome)
    return outcomes


@cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None where there is no glibc."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def _release_free_memory() -> None:
    """Hand the C heap's free pages back to the system between rounds.

    A round's drafts and their pickled copies are megabytes of short-lived buffers; glibc keeps the
    freed space, so a long batch's memory crept up with its rare largest rounds. Trimming once a round
    keeps it level (and costs well under a millisecond)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _worker_start(dictionary: Sequence[DictionaryEntry] | None) -> None:
    """A worker tokenises with the word list it was given: a forked one must not ask the provider it
    inherited (that would query the parent's database connection)."""
    set_dictionary_provider(None)
    if dictionary is not None:
        use_dictionary(dictionary)


def parse_sources(
    items: Iterable[SourceFile | object],
    *,
    jobs: int = 1,
    max_bytes: int | None = None,
    index: bool = False,
    dictionary: Sequence[DictionaryEntry] | None = None,
) -> Iterator:
    """Parse files in order; with ``jobs > 1`` in that many worker processes (results still in input order).

    ``items`` is consumed lazily, so a batch of any size is never held in memory. Items that are not a
    ``SourceFile`` (a file the caller has already decided about, such as one already imported) pass
    through in their place, which keeps every file's report in input order. ``index`` also runs jieba
    and builds search documents, in the workers, so the single writer only writes. Files are parsed
    in rounds of up to ``ROUND_SIZE``. ``dictionary`` is the editors' word list jieba applies, here and in
    every worker.
    """
    if jobs <= 1:
        if dictionary is not None:
            use_dictionary(dictionary)
        for group in _rounds(items):
            yield from parse_round(group, max_bytes, index) if isinstance(group, list) else [group]
        return
    context = multiprocessing.get_context("spawn" if _unsafe_to_fork() else "fork")
    # A bounded window of rounds in flight: parsed drafts wait in memory only until the writer takes
    # them, so memory stays flat however many files a batch holds and however slow the writer is.
    window = jobs * 2
    with context.Pool(processes=jobs, initializer=_worker_start, initargs=(dictionary,)) as pool:
        pending: deque = deque()
        for group in _rounds(items):
            if isinstance(group, list):
                pending.append(pool.apply_async(parse_round, (group, max_bytes, index)))
            else:
                pending.append([group])
            if len(pending) >= window:
                yield from _results(pending.popleft())
                _release_free_memory()
        while pending:
            yield from _results(pending.popleft())


def _rounds(items: Iterable[SourceFile | object]) -> Iterator[list[SourceFile] | object]:
    """Consecutive files grouped by ``ROUND_SIZE``; any other item on its own, in its place."""
    group: list[SourceFile] = []
    for item in items:
        if isinstance(item, SourceFile):
            group.append(item)
            if len(group) == ROUND_SIZE:
                yield group
                group = []
            continue
        if group:
            yield group
            group = []
        yield item
    if group:
        yield group


def _results(pending) -> list:
    return pending.get() if isinstance(pending, AsyncResult) else pending


def _unsafe_to_fork() -> bool:
    """Forking a process with live threads can deadlock; fall back to spawn then."""
    import threading

    return threading.active_count() > 1
