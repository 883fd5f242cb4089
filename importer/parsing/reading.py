"""Reading and hashing a raw file with a hard cap, and never blocking on something that is not a file.

The size a file reports cannot be trusted: ``/dev/zero`` says 0 bytes and never ends, and opening a FIFO
for reading waits for a writer that may never come. So a file is opened non-blocking, refused unless it
is a regular file, and read for at most ``max_bytes + 1`` bytes, whatever its size said.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from .decoding import check_size
from .errors import ImportInputError

_CHUNK = 1 << 20


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words an operator knows."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def not_regular_message(mode: int) -> str:
    return f"not a regular file ({file_kind(mode)}): only regular files are imported"


def _open_regular(path: Path, *, max_bytes: int | None) -> int:
    """A descriptor of ``path`` opened for reading, once it is known to be a regular file within the limit."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise ImportInputError(f"cannot read file: {error.strerror or error}", source=str(path)) from error
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise ImportInputError(not_regular_message(status.st_mode), source=str(path))
        check_size(status.st_size, max_bytes=max_bytes, source=str(path))
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _chunks(path: Path, *, max_bytes: int | None):
    """The file's bytes in chunks, refused as soon as more than ``max_bytes`` came (a file growing while read)."""
    descriptor = _open_regular(path, max_bytes=max_bytes)
    with os.fdopen(descriptor, "rb", buffering=0) as handle:
        total = 0
        while True:
            want = _CHUNK if max_bytes is None else min(_CHUNK, max_bytes + 1 - total)
            try:
                chunk = handle.read(want) if want > 0 else b""
            except OSError as error:
                raise ImportInputError(f"cannot read file: {error.strerror or error}", source=str(path)) from error
            if not chunk:
                return
            total += len(chunk)
            check_size(total, max_bytes=max_bytes, source=str(path))
            yield chunk


def read_capped(path: Path, *, max_bytes: int | None) -> bytes:
    """The whole file, at most ``max_bytes`` (``None``: no limit) or ``ImportInputError``."""
    return b"".join(_chunks(path, max_bytes=max_bytes))


def hash_file(path: Path, *, max_bytes: int | None) -> str:
    """The file's SHA-256, read under the same cap as ``read_capped``."""
    digest = hashlib.sha256()
    for chunk in _chunks(path, max_bytes=max_bytes):
        digest.update(chunk)
    return digest.hexdigest()


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
