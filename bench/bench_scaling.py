"""Does segmentation time grow linearly with the size of its input? Times ``parse_issue`` on texts of
1, 3 and 10 MB (``--sizes``) of each kind below and prints seconds, MB/s, and the ratio of each
size's time per MB to the smallest size's (about 1.0 throughout means linear time).

Kinds: lines of photo credits (every line ends in 摄, a run of caption-like lines), page-start lines
(every line opens a page), short blank-separated blocks (every block headline-like), bulleted
briefs, and the seeds themselves repeated.

usage: python bench/bench_scaling.py [--sizes 1,3,10] [--kinds captions,pages,...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from importer.parsing import parse_issue  # noqa: E402


def _repeat(piece: str, size: int) -> str:
    count = max(1, size // len(piece.encode("utf-8")))
    return piece * count


def _seeds(size: int) -> str:
    text = "".join(path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").glob("*.txt")))
    return _repeat(text, size)


KINDS = {
    "captions": lambda size: _repeat("某镇村民在田间收获庄稼的场景 张三摄\n", size),
    "pages": lambda size: _repeat(" 第一版\n", size),
    "short-blocks": lambda size: _repeat("某区召开工作会议\n\n", size),
    "briefs": lambda size: _repeat("●某镇开展志愿服务活动，群众踊跃参加。\n", size),
    "seeds": _seeds,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,3,10", help="sizes in MB")
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args()
    sizes = [float(size) for size in args.sizes.split(",")]
    print(f"{'kind':14} {'MB':>6} {'seconds':>8} {'MB/s':>7} {'s/MB vs smallest':>17}")
    for kind in args.kinds.split(","):
        first = None
        for size in sizes:
            text = KINDS[kind](int(size * 1_000_000))
            megabytes = len(text.encode("utf-8")) / 1_000_000
            start = time.perf_counter()
            parse_issue(text, source=f"{kind}.txt")
            seconds = time.perf_counter() - start
            per_mb = seconds / megabytes
            first = first or per_mb
            print(f"{kind:14} {megabytes:>6.1f} {seconds:>8.2f} {megabytes / seconds:>7.2f} {per_mb / first:>17.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
