#!/usr/bin/env python3
"""Plot search latency against archive size from ``bench_search.py``'s results: the API and the plain scan,
p50 and p95, log scales, written to docs/search-latency.png.

usage:
    .venv/bin/python bench/plot_search.py [RESULTS.json …] [--before RESULTS.json …] [--out docs/search-latency.png]

Without files it reads bench/results/search_100k.json and search_1m.json. ``--before`` adds the API as an
earlier commit measured it (dashed), e.g. the ``LIKE`` search of main before the search index.
Needs the ``bench`` extra (``pip install -e ".[bench]"``: matplotlib).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [ROOT / "bench" / "results" / "search_100k.json", ROOT / "bench" / "results" / "search_1m.json"]


def series(paths: list[Path], key: str) -> tuple[list[int], list[float], list[float]]:
    rows = sorted((json.loads(p.read_text(encoding="utf-8")) for p in paths), key=lambda r: r["articles"])
    rows = [r for r in rows if r["summary"].get(key, {}).get("n")]
    return (
        [r["articles"] for r in rows],
        [r["summary"][key]["p50"] for r in rows],
        [r["summary"][key]["p95"] for r in rows],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--before", nargs="*", type=Path, default=[])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "search-latency.png")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
    lines = [
        ("API search (index)", args.results, "api_search", "tab:blue", "-"),
        ("icontains scan", args.results, "scan", "tab:red", "-"),
        ("API search before (LIKE)", args.before, "api_search", "tab:gray", "--"),
    ]
    for label, paths, key, colour, style in lines:
        if not paths:
            continue
        sizes, p50, p95 = series(paths, key)
        if not sizes:
            continue
        axes.plot(sizes, p95, style, color=colour, marker="o", label=f"{label}, p95")
        axes.plot(sizes, p50, style, color=colour, marker="s", alpha=0.5, label=f"{label}, p50")
    axes.axhline(50, color="tab:green", linestyle=":", label="target p95 50 ms")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("articles in the archive")
    axes.set_ylabel("latency per query (ms)")
    axes.set_title("Search latency against archive size (2 cores, shared machine)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
