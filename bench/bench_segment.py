"""Time the segmenter on the five seeds and on the seeds re-set at other column widths.

usage: python bench/bench_segment.py [--runs N] [--widths 9,20]

Prints milliseconds per file (mean and best of N runs) for ``parse_issue`` alone: decoding, jieba
tokens and the database are not part of it. The rewrapped variants use ../shared/tools/rewrap_variant.py
when it is there (the scorer's own tool), else a simple local rewrap.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from importer.parsing import parse_issue  # noqa: E402


def _rewrapper():
    path = ROOT.parent / "shared" / "tools" / "rewrap_variant.py"
    if path.exists():
        spec = importlib.util.spec_from_file_location("rewrap_variant", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.rewrap

    def rewrap(raw: str, width: float) -> str:
        out, block = [], []
        for line in [*raw.split("\n"), ""]:
            if line.strip() and not (line.startswith(" ") and not line.startswith("  ")):
                block.append(line.strip())
                continue
            if block:
                joined = "".join(block)
                step = int(width)
                out.extend(joined[i : i + step] for i in range(0, len(joined), step))
                block = []
            out.append(line)
        return "\n".join(out[:-1])

    return rewrap


def measure(text: str, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        parse_issue(text, source="bench.txt")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.mean(times), min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--widths", default="9,20")
    args = parser.parse_args()
    rewrap = _rewrapper()
    widths = [None] + [float(w) for w in args.widths.split(",") if w]
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    parse_issue(seeds[0].read_text(encoding="utf-8"), source="warm-up")  # imports and regex compilation
    print(f"{'file':32} {'width':>6} {'chars':>7} {'mean ms':>8} {'best ms':>8}")
    all_means = []
    for seed in seeds:
        raw = seed.read_text(encoding="utf-8")
        for width in widths:
            text = raw if width is None else rewrap(raw, width)
            mean, best = measure(text, args.runs)
            all_means.append(mean)
            label = "as-is" if width is None else f"{width:g}"
            print(f"{seed.name:32} {label:>6} {len(text):>7} {mean:>8.1f} {best:>8.1f}")
    print(
        f"mean over {len(all_means)} files: {statistics.mean(all_means):.1f} ms, worst {max(all_means):.1f} ms "
        f"({args.runs} runs each)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
