"""Golden files of the segmenter: the expected contract JSON of every seed, under ``tests/golden/``.

``test_segmenter_golden.py`` parses each seed in ``seeds/`` and compares the result with
``tests/golden/<seed-stem>.json``, so any change in segmentation shows up as a diff to review.
After an intended change, regenerate the files and review the diff before committing:

    python -m tests.importer.regenerate_golden          # rewrite all golden files, then review the diff

(No Django is needed for either: the segmenter is pure Python.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT / "seeds"
GOLDEN_DIR = ROOT / "tests" / "golden"


def seeds() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.txt"))


def golden_path(seed: Path) -> Path:
    return GOLDEN_DIR / f"{seed.stem}.json"


def contract_of(seed: Path) -> dict:
    """The contract document of a seed, as ``python -m importer.parsing SEED`` prints it."""
    from importer.parsing import issue_to_contract, parse_bytes

    return issue_to_contract(parse_bytes(seed.read_bytes(), source=seed.name))


def dump(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def write_golden(seed: Path) -> Path:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    path = golden_path(seed)
    path.write_text(dump(contract_of(seed)), encoding="utf-8")
    return path


def main() -> int:
    for seed in seeds():
        print(f"wrote {write_golden(seed).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
