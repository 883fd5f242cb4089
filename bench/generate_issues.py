#!/usr/bin/env python3
"""Write N synthetic issue files in the seeds' raw format, for import benchmarks.

Real articles from the seeds (their raw text, as the segmenter found its spans) are shuffled into new
pages, their running text re-wrapped at other column widths (CJK characters count one cell, ASCII
half), with a new date line per issue. Every file is different (so none is skipped as already
imported), and the output is deterministic for a given --seed.

usage: bench/generate_issues.py OUT_DIR N [--seed 1] [--pages 3] [--articles-per-page 6]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from importer.parsing import parse_issue  # noqa: E402

WEEKDAYS = "一二三四五六日"


def article_chunks(seeds_dir: Path) -> list[str]:
    """The raw text of every article of every seed: from its first to its last span."""
    chunks = []
    for seed in sorted(seeds_dir.glob("*.txt")):
        draft = parse_issue(seed.read_text(encoding="utf-8"), source=seed.name)
        for page in draft.pages:
            spans: dict[int, list[int]] = {}
            for segment in page.segments:
                if segment.article is not None:
                    span = spans.setdefault(segment.article, [segment.start, segment.end])
                    span[0], span[1] = min(span[0], segment.start), max(span[1], segment.end)
            for start, end in spans.values():
                text = page.raw_text[start:end].strip("\n")
                if len(text) > 40:
                    chunks.append(text)
    return chunks


def cells(char: str) -> float:
    return 0.5 if ord(char) < 128 else 1.0


def rewrap(block: str, width: int) -> str:
    """Join a block's lines and wrap them again at ``width`` cells (short blocks are left as they are)."""
    lines = block.split("\n")
    if len(lines) < 3:
        return block
    text = "".join(line.strip() for line in lines)
    out, current, used = [], "", 0.0
    for char in text:
        # never break before closing punctuation, nor before white space: a line that begins with one
        # space starts a new page in this format
        if used + cells(char) > width and current and char not in "，。、；：！？）》”" and not char.isspace():
            out.append(current)
            current, used = "", 0.0
        current += char
        used += cells(char)
    if current:
        out.append(current)
    return "\n".join(out)


def make_issue(rng: random.Random, chunks: list[str], date: dt.date, pages: int, per_page: int) -> str:
    parts = []
    for page_no in range(pages):
        width = rng.randint(9, 20)
        picked = rng.sample(chunks, k=min(per_page, len(chunks)))
        body = "\n\n".join("\n\n".join(rewrap(block, width) for block in chunk.split("\n\n")) for chunk in picked)
        header = f" 第{page_no + 1:02d}版"
        if page_no == 0:
            header += f"\n{date.year}年{date.month}月{date.day}日 星期{WEEKDAYS[date.weekday()]}"
        parts.append(f"{header}\n\n{body}\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--articles-per-page", type=int, default=6)
    parser.add_argument("--seeds-dir", type=Path, default=ROOT / "seeds")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    chunks = article_chunks(args.seeds_dir)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    start = dt.date(2010, 1, 1)
    total = 0
    for number in range(args.count):
        date = start + dt.timedelta(days=number)
        text = make_issue(rng, chunks, date, args.pages, args.articles_per_page)
        path = args.out_dir / f"{date:%Y}" / f"synthetic_{number:06d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    print(f"wrote {args.count} files, {total / 1e6:.1f} MB, from {len(chunks)} seed articles, into {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
