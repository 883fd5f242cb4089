"""Per-directory manifests: ``manifest.csv`` (columns file,paper,date,edition) or ``manifest.json``.

A manifest is all or nothing: one bad row makes the whole file unusable, reported with its name and line,
so that an operator fixes it and runs again rather than gets half a directory imported with the wrong
dates (a file imported once is skipped by its hash afterwards; fixing its date would need ``--force``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import ImportInputError

#: Names of per-directory manifests that give paper, date and edition per file.
MANIFEST_NAMES = ("manifest.csv", "manifest.json")


@dataclass(frozen=True)
class ManifestEntry:
    paper: str | None = None
    date: dt.date | None = None
    edition: str | None = None


def read_manifest(directory: Path) -> dict[str, ManifestEntry]:
    """Per-file paper/date/edition of a directory's manifests; ``ImportInputError`` names the manifest
    and, where the format has lines, the line."""
    entries: dict[str, ManifestEntry] = {}
    for name in MANIFEST_NAMES:
        manifest = directory / name
        if not manifest.is_file():
            continue
        rows = _csv_rows(manifest) if name.endswith(".csv") else _json_rows(manifest)
        for line, row in rows:
            if not isinstance(row, dict) or not row.get("file"):
                where = f"row {line}" if name.endswith(".csv") else f"entry {line}"
                raise ImportInputError(f"manifest {where} has no 'file'", source=str(manifest), line=_line(name, line))
            entries[str(row["file"]).strip()] = ManifestEntry(
                paper=(row.get("paper") or "").strip() or None,
                date=_parse_date(row.get("date"), source=str(manifest), line=_line(name, line)),
                edition=(row.get("edition") or "").strip() or None,
            )
    return entries


def _line(name: str, number: int) -> int | None:
    """JSON entries are counted, not located: only a CSV row has a line to name."""
    return number if name.endswith(".csv") else None


def _csv_rows(manifest: Path) -> list[tuple[int, object]]:
    """Rows with the line each ends on (a quoted field may span lines)."""
    rows: list[tuple[int, object]] = []
    reader = None
    try:
        with manifest.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                rows.append((reader.line_num, row))
    except csv.Error as error:
        line = reader.line_num if reader is not None else None
        raise ImportInputError(f"unreadable manifest: {error}", source=str(manifest), line=line) from error
    except (OSError, ValueError) as error:
        raise ImportInputError(f"unreadable manifest: {error}", source=str(manifest)) from error
    return rows


def _json_rows(manifest: Path) -> list[tuple[int, object]]:
    try:
        loaded = json.loads(manifest.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise ImportInputError(f"unreadable manifest: {error.msg}", source=str(manifest), line=error.lineno) from error
    except (OSError, ValueError) as error:
        raise ImportInputError(f"unreadable manifest: {error}", source=str(manifest)) from error
    if isinstance(loaded, dict):
        loaded = [{"file": key, **value} if isinstance(value, dict) else None for key, value in loaded.items()]
    if not isinstance(loaded, list):
        raise ImportInputError("unreadable manifest: neither an object nor a list", source=str(manifest))
    return list(enumerate(loaded, start=1))


def _parse_date(value: str | None, *, source: str, line: int | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise ImportInputError(f"manifest date {value!r} is not YYYY-MM-DD", source=source, line=line) from error
