"""Parsing many files: rounds of files, each decoded, segmented and tokenised, possibly in worker processes.

Still no Django: the workers of ``--jobs N`` import only this package, so they start fast and hold no
database connection. The single writer lives in ``importer.services``. Each file has a time budget
(``parse_timeout``); a file over it fails alone.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from multiprocessing.pool import AsyncResult

from .budget import ParseTimeout, time_budget
from .decoding import decode_bytes
from .discovery import SourceFile
from .drafts import IssueDraft
from .errors import ImportInputError
from .reading import file_sha256, read_capped
from .segmenter import parse_issue
from .tokens import DictionaryEntry, index_draft, prepare_for_import, set_dictionary_provider, use_dictionary

#: The message of a file that used up its time budget (``ParseTimeout``).
PARSE_TIMEOUT_MESSAGE = "parsing took longer than its budget of {seconds:g} s (--parse-timeout): not imported"


@dataclass
class ParseOutcome:
    """What parsing one file gave: a draft, the error that stopped it, or why it was skipped."""

    source: SourceFile
    sha256: str = ""
    draft: IssueDraft | None = None
    error: ImportInputError | None = None
    seconds: float = 0.0
    skipped: str | None = None


def parse_bytes(data: bytes, *, source: str, max_bytes: int | None = None, location: str | None = None) -> IssueDraft:
    """Decode and segment one raw issue file; ``location`` (the path) is what errors name."""
    decoded = decode_bytes(data, source=location or source, max_bytes=max_bytes)
    draft = parse_issue(decoded.text, source=source)
    draft.encoding = decoded.encoding
    draft.sha256 = file_sha256(data)
    draft.size = len(data)
    return draft


def _timed_out(name: str, seconds: float) -> ImportInputError:
    return ImportInputError(PARSE_TIMEOUT_MESSAGE.format(seconds=seconds), source=name)


def _read_and_segment(source: SourceFile, max_bytes: int | None, parse_timeout: float | None) -> ParseOutcome:
    started = time.perf_counter()
    outcome = ParseOutcome(source=source, skipped=source.skipped)
    name = str(source.path)
    if source.skipped:
        return outcome
    try:
        if source.problem:
            raise ImportInputError(source.problem, source=name, line=source.line)
        data = read_capped(source.path, max_bytes=max_bytes)
        with time_budget(parse_timeout):
            outcome.draft = parse_bytes(data, source=source.path.name, max_bytes=max_bytes, location=name)
        outcome.sha256 = outcome.draft.sha256
    except ImportInputError as error:
        outcome.error = error
    except ParseTimeout:
        outcome.draft, outcome.error = None, _timed_out(name, parse_timeout or 0)
    except Exception as error:  # a parser bug must fail this file only, with its name
        outcome.error = ImportInputError(f"parser error: {type(error).__name__}: {error}", source=name)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _index(outcome: ParseOutcome, parse_timeout: float | None, grams: bool = False) -> None:
    """Tokenise a parsed file within what its budget has left after segmenting it."""
    if outcome.draft is None:
        return
    started = time.perf_counter()
    name = str(outcome.source.path)
    left = None if not parse_timeout else max(parse_timeout - outcome.seconds, 0.001)
    try:
        with time_budget(left):
            index_draft(outcome.draft, grams=grams)
    except ParseTimeout:
        outcome.draft, outcome.error = None, _timed_out(name, parse_timeout or 0)
    except Exception as error:  # a tokeniser failure fails this file only, with its name
        outcome.draft = None
        outcome.error = ImportInputError(f"indexing error: {type(error).__name__}: {error}", source=name)
    outcome.seconds += time.perf_counter() - started


#: Most files parsed as one round: all of them segmented, then all tokenised. Each stage's code and data
#: (jieba's dictionary above all) stay in the CPU's caches for a whole round instead of being evicted
#: by the other stage at every file; measured at about 10 % of an import. Bounded, so memory is too.
ROUND_SIZE = 16
#: A small batch is cut into about this many rounds per worker, so that every worker has work from the
#: start and the first file reaches the writer early (``round_size``).
ROUNDS_PER_WORKER = 4


def round_size(files: int | None, jobs: int) -> int:
    """Files per round: ``ROUND_SIZE`` for a large (or uncounted) batch; a small one in smaller rounds,
    about ``ROUNDS_PER_WORKER`` per worker, so that 40 files on two workers do not go as 16 + 16 + 8."""
    if files is None:
        return ROUND_SIZE
    return max(1, min(ROUND_SIZE, math.ceil(files / (max(jobs, 1) * ROUNDS_PER_WORKER))))


def parse_round(
    sources: list[SourceFile],
    max_bytes: int | None = None,
    index: bool = False,
    parse_timeout: float | None = None,
    grams: bool = False,
) -> list[ParseOutcome]:
    """Parse a few files stage by stage (see ``ROUND_SIZE``); errors are returned per file, and a file
    over its ``parse_timeout`` (seconds) fails alone. ``index`` also tokenises the files and builds their
    search documents, ``grams`` (with ``index``) their SQLite index grams (``tokens.index_draft``)."""
    _release_free_memory()
    outcomes = [_read_and_segment(source, max_bytes, parse_timeout) for source in sources]
    if index:
        prepare_for_import()
        for outcome in outcomes:
            _index(outcome, parse_timeout, grams)
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


def _worker_start(dictionary: Sequence[DictionaryEntry] | None, index: bool = False) -> None:
    """A worker tokenises with the word list it was given: a forked one must not ask the provider it
    inherited (that would query the parent's database connection). It dies by the default action of
    SIGTERM and SIGHUP, not by the handlers of a command it was forked from (the pool ends its workers
    with SIGTERM). With ``index`` it loads jieba at once, unless it was forked from a parent that had
    (``parse_sources``)."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    set_dictionary_provider(None)
    if dictionary is not None:
        use_dictionary(dictionary)
    if index:
        prepare_for_import()


def parse_sources(
    items: Iterable[SourceFile | object],
    *,
    jobs: int = 1,
    max_bytes: int | None = None,
    index: bool = False,
    dictionary: Sequence[DictionaryEntry] | None = None,
    parse_timeout: float | None = None,
    grams: bool = False,
) -> Iterator:
    """Parse files in order; with ``jobs > 1`` in that many worker processes (results still in input order).

    ``items`` is consumed lazily, so a batch of any size is never held in memory. Items that are not a
    ``SourceFile`` (a file the caller has already decided about, such as one already imported) pass
    through in their place, which keeps every file's report in input order. ``index`` also runs jieba
    and builds search documents, in the workers, so the single writer only writes. Files are parsed
    in rounds (``round_size``: the first items are looked ahead at to learn whether the batch is
    small). ``dictionary`` is the editors' word list jieba applies, here and in every worker.
    ``parse_timeout`` is each file's time budget in seconds (None: none). ``grams`` (with ``index``)
    also computes the grams the SQLite index stores, in the workers too.
    """
    if jobs <= 1:
        if dictionary is not None:
            use_dictionary(dictionary)
        for group in _rounds(items, jobs=1):
            yield from (
                parse_round(group, max_bytes, index, parse_timeout, grams) if isinstance(group, list) else [group]
            )
        return
    context = multiprocessing.get_context("spawn" if _unsafe_to_fork() else "fork")
    # A bounded window of rounds in flight: parsed drafts wait in memory only until the writer takes
    # them, so memory stays flat however many files a batch holds and however slow the writer is.
    window = jobs * 2
    if index and context.get_start_method() == "fork":
        # jieba loaded once, here, and shared by every forked worker (copy-on-write; ``prepare_for_import``
        # freezes it out of the collector, which would otherwise touch and so copy every page of it):
        # each worker loading its own cost as much CPU again per worker, which two workers on two cores
        # beside the writer did not have, and the first file waited for the slowest of them
        prepare_for_import()
    with context.Pool(processes=jobs, initializer=_worker_start, initargs=(dictionary, index)) as pool:
        pending: deque = deque()
        for group in _rounds(items, jobs=jobs):
            if isinstance(group, list):
                pending.append(pool.apply_async(parse_round, (group, max_bytes, index, parse_timeout, grams)))
            else:
                pending.append([group])
            if len(pending) >= window:
                yield from _results(pending.popleft())
                _release_free_memory()
        while pending:
            yield from _results(pending.popleft())


def _rounds(items: Iterable[SourceFile | object], *, jobs: int) -> Iterator[list[SourceFile] | object]:
    """Consecutive files grouped by ``round_size``; any other item on its own, in its place.

    Up to ``ROUND_SIZE * ROUNDS_PER_WORKER * jobs`` items are read ahead: if the batch ends within them,
    it is small, and its rounds are sized to it."""
    iterator = iter(items)
    ahead = list(itertools.islice(iterator, ROUND_SIZE * ROUNDS_PER_WORKER * max(jobs, 1)))
    small = len(ahead) < ROUND_SIZE * ROUNDS_PER_WORKER * max(jobs, 1)
    size = round_size(sum(isinstance(item, SourceFile) for item in ahead) if small else None, jobs)
    group: list[SourceFile] = []
    for item in itertools.chain(ahead, iterator):
        if isinstance(item, SourceFile):
            group.append(item)
            if len(group) == size:
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
