"""Domain errors of the import path. They name the file and, where known, the line."""

from __future__ import annotations


class ImportInputError(Exception):
    """A raw file that cannot be imported: wrong encoding, empty, binary, truncated, too large, missing."""

    def __init__(self, message: str, *, source: str, line: int | None = None, offset: int | None = None):
        self.message = message
        self.source = source
        self.line = line
        self.offset = offset
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.message}"
