"""Finding the files of a batch: the paths given, and the walk of directories, one directory at a time.

Inside a directory nothing is followed or opened that is not a plain file or directory: symbolic links
(to files, to directories, loops, broken ones) and special files (FIFOs, sockets, devices) whose names a
batch would take are reported as skipped, with the reason, in their place. A path named on the command line
is followed if it is a link; if it is a loop, missing or a special file, it fails with a clear message.
Nothing here reads a file's content (only manifests).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ImportInputError
from .manifests import MANIFEST_NAMES, ManifestEntry, read_manifest
from .reading import file_kind, not_regular_message

#: Why an entry of a directory is not imported (the import log's "skipped" message).
SKIP_LINK = "symbolic link, not followed (name its target to import it)"
SKIP_LINK_TO_DIRECTORY = "symbolic link to a directory, not followed"
SKIP_LINK_LOOP = "symbolic link loop, not followed"
SKIP_BROKEN_LINK = "broken symbolic link, not followed"
SKIP_SPECIAL = "{kind}, not a regular file: not read"
#: A file whose directory's manifest is unusable fails (it would otherwise be imported without its
#: manifest's paper and date, and then be skipped as "already imported" once the manifest is fixed).
MANIFEST_UNUSABLE = "not imported: its directory's manifest {manifest} is unusable (fix it and run again)"
NO_SUCH_PATH = "no such file or directory"
PATH_IS_A_LOOP = "symbolic link loop"
NO_TEXT_FILES = "directory holds no .txt files"


@dataclass(frozen=True)
class SourceFile:
    """A file to import and what its directory's manifest says about it.

    ``problem`` marks an entry found but not importable (a directory that cannot be listed, a bad
    manifest at ``line``, a file named directly that is not a regular file): it fails in its place in the
    batch, with this message, and the walk goes on. ``skipped`` marks an entry deliberately not imported
    (a link, a FIFO inside a directory): it is reported as skipped, with this reason."""

    path: Path
    manifest: ManifestEntry = field(default_factory=ManifestEntry)
    problem: str | None = None
    line: int | None = None
    skipped: str | None = None


def discover(paths: Iterable[str | Path]) -> list[SourceFile]:
    """All entries of a batch, as a list (dry runs and small batches; batches stream ``iter_sources``)."""
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
    """The entries of one path given to a batch (one of ``distinct_roots``): itself, or its walk.
    ``ImportInputError`` when the path as a whole is wrong (missing, a loop, no .txt files)."""
    try:
        mode = root.stat().st_mode
    except OSError as error:
        message = PATH_IS_A_LOOP if error.errno == errno.ELOOP else NO_SUCH_PATH
        if error.errno not in (errno.ELOOP, errno.ENOENT, errno.ENOTDIR):
            message = f"cannot read: {error.strerror or error}"
        raise ImportInputError(message, source=str(root)) from error
    if stat.S_ISDIR(mode):
        found_any = False
        for source in _walk(root):
            found_any = True
            yield source
        if not found_any:
            raise ImportInputError(NO_TEXT_FILES, source=str(root))
        return
    if not stat.S_ISREG(mode):  # never opened: a FIFO would block, /dev/zero never ends
        yield SourceFile(root, problem=not_regular_message(mode))
        return
    try:
        manifest = read_manifest(root.parent).get(root.name, ManifestEntry())
    except ImportInputError as error:
        yield _manifest_failure(error)
        yield SourceFile(root, problem=MANIFEST_UNUSABLE.format(manifest=error.source))
        return
    yield SourceFile(root, manifest)


def count_sources(paths: Iterable[str | Path]) -> int:
    """How many entries a batch of these paths reports (for a progress bar), without holding them:
    the entries ``iter_sources`` gives, and one for each path that fails as a whole (missing, no .txt)."""
    count = 0
    for root in distinct_roots([Path(raw) for raw in paths]):
        found = 0
        try:
            for _ in root_sources(root):
                found += 1
        except ImportInputError:
            found += 1
        count += found
    return count


def _resolved(path: Path) -> Path:
    """The real path, or the absolute one when it cannot be resolved (a loop: reported by ``root_sources``)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def distinct_roots(paths: list[Path]) -> list[Path]:
    """The paths in their given order, without repeats, and without directories or .txt files inside a
    directory also given (its walk finds them)."""
    resolved = [_resolved(path) for path in paths]
    is_dir = [_is_dir(path) for path in paths]
    directories = [real for real, directory in zip(resolved, is_dir, strict=True) if directory]
    roots: list[Path] = []
    seen: set[Path] = set()
    for path, real, directory in zip(paths, resolved, is_dir, strict=True):
        found_by_a_walk = (directory or real.name.endswith(".txt")) and any(
            real != other and real.is_relative_to(other) for other in directories
        )
        if real in seen or found_by_a_walk:
            continue
        seen.add(real)
        roots.append(path)
    return roots


def _manifest_failure(error: ImportInputError) -> SourceFile:
    return SourceFile(Path(error.source), problem=error.message, line=error.line)


def _link_reason(entry: os.DirEntry) -> str | None:
    """Why a link found in a directory is skipped, or None for a link the walk would not take anyway
    (a broken or plain link whose name is not ``*.txt``)."""
    try:
        mode = os.stat(entry.path).st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return SKIP_LINK_LOOP
        return SKIP_BROKEN_LINK if entry.name.endswith(".txt") else None
    if stat.S_ISDIR(mode):
        return SKIP_LINK_TO_DIRECTORY
    return SKIP_LINK if entry.name.endswith(".txt") else None


def _walk(directory: Path) -> Iterator[SourceFile]:
    """``*.txt`` files under a directory in the order of their sorted full paths (what ``sorted(rglob)``
    gives), listing one directory at a time, with the entries it skips (links, special files) and the
    failures it meets (a directory that cannot be listed, a bad manifest) in their places."""
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        yield SourceFile(directory, problem=f"cannot list directory: {error.strerror or error}")
        return
    manifest: dict[str, ManifestEntry] = {}
    manifest_problem = None
    if any(entry.name in MANIFEST_NAMES for entry in entries):
        try:
            manifest = read_manifest(directory)
        except ImportInputError as error:
            yield _manifest_failure(error)
            manifest_problem = MANIFEST_UNUSABLE.format(manifest=error.source)
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_symlink():
                reason = _link_reason(entry)
                if reason:
                    yield SourceFile(path, skipped=reason)
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(path)
                continue
            if not entry.name.endswith(".txt"):
                continue
            if entry.is_file(follow_symlinks=False):
                yield SourceFile(path, manifest.get(entry.name, ManifestEntry()), problem=manifest_problem)
            else:
                kind = file_kind(entry.stat(follow_symlinks=False).st_mode)
                yield SourceFile(path, skipped=SKIP_SPECIAL.format(kind=kind[0].upper() + kind[1:]))
        except OSError as error:  # gone between the listing and the look
            yield SourceFile(path, problem=f"cannot read: {error.strerror or error}")
