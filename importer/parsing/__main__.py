"""``python -m importer.parsing FILE``: print the dry-run segmentation JSON of a raw file, without Django.

The same document as ``manage.py import_issue FILE --dry-run --json``; handy for the scorer and for
working on the segmenter without a database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import ImportInputError, issue_to_contract, parse_bytes


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m importer.parsing FILE", file=sys.stderr)
        return 2
    path = Path(argv[0])
    try:
        draft = parse_bytes(path.read_bytes(), source=path.name)
    except (OSError, ImportInputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    json.dump(issue_to_contract(draft), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
