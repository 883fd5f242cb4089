"""Domain errors of the import path. They name the file and, where known, the line."""

from __future__ import annotations

from functools import partial


class ImportInputError(Exception):
    """A raw file that cannot be imported: wrong encoding, empty, binary, truncated, too large, missing."""

    def __init__(self, message: str, *, source: str, line: int | None = None, offset: int | None = None):
        self.message = message
        self.source = source
        self.line = line
        self.offset = offset
        super().__init__(str(self))

    def __reduce__(self):
        """Pickled whole: a worker process sends it back to the writer, and the default pickling of an
        exception (its ``args`` only) could not rebuild one with keyword-only arguments; the pool's
        result thread died on it and the batch waited forever."""
        return partial(type(self), source=self.source, line=self.line, offset=self.offset), (self.message,)

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.message}"
