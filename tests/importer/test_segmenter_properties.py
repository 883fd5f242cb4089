"""Properties of ``parse_issue`` for any text: it never raises and it conserves every character.

Inputs are random Unicode (weighted towards the characters that steer the segmenter: page-start
spaces, form feeds, blank lines, brackets, arrows, 本报讯…) and random mutations of the seeds:
slices, deleted and duplicated lines, and rewraps at random column widths. Example counts are
kept small so the suite stays fast.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importer.parsing import parse_issue, segmenter
from tests.importer.segment_checks import assert_conserved

SEEDS = [
    path.read_text(encoding="utf-8") for path in sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
]
SEED_LINES = [text.split("\n") for text in SEEDS]

PIECES = st.sampled_from(
    [
        " ",
        "\n",
        "\n\n",
        "\n ",
        "\f",
        "　",
        "本报讯",
        "（记者",
        "）",
        "通讯员",
        "本报记者 ",
        "摄",
        "□",
        "●",
        "⬆",
        "➡",
        "扫图①二维码",
        "。",
        "，",
        "“",
        "”",
        "——",
        "（本版照片均为本报记者",
        "2024年5月8日 星期三",
        "JIAOZUO DAILY",
        "A01│要闻",
        "■编辑：",
        "会议",
        "召开",
        "某镇",
        "石磊",
        "开栏的话",
        "简 讯 快 递",
        "成立成立",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=80).map("".join),
)
COMMON = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rewrap(lines: list[str], width: int) -> list[str]:
    """Join each blank-separated block and cut it again every ``width`` characters."""
    out: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.strip() and not (line.startswith(" ") and not line.startswith("  ")):
            block.append(line.strip())
            continue
        if block:
            joined = "".join(block)
            out.extend(joined[i : i + width] for i in range(0, len(joined), width))
            block = []
        out.append(line)
    return out[:-1]


@st.composite
def mutated_seed(draw) -> str:
    lines = list(draw(st.sampled_from(SEED_LINES)))
    start = draw(st.integers(0, max(0, len(lines) - 1)))
    lines = lines[start : start + draw(st.integers(1, 150))]
    for _ in range(draw(st.integers(0, 6))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "blank", "space"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "blank":
            lines.insert(index, "")
        else:
            lines[index] = " " + lines[index].lstrip()
    if draw(st.booleans()):
        lines = rewrap(lines, draw(st.integers(3, 40)))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n ", "\n\n"]))


@COMMON
@given(TEXTS)
def test_random_text_is_conserved(text):
    assert_conserved(text, parse_issue(text, source="random.txt"))
    assert_conserved(text, segmenter._parse(text, "random.txt"))


@COMMON
@given(mutated_seed())
def test_mutated_seeds_are_conserved(text):
    assert_conserved(text, parse_issue(text, source="mutated.txt"))
    # and the real segmentation handled it, not the never-raise fallback
    assert_conserved(text, segmenter._parse(text, "mutated.txt"))
