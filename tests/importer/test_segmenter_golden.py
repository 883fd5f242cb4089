"""Each seed's segmentation equals its reviewed golden file.

The test only compares: after an intended change, ``python -m tests.importer.regenerate_golden``
rewrites the files, and the diff is reviewed and committed on its own (a test that rewrote its own
expectation could never fail).
"""

from __future__ import annotations

import json

import pytest

from tests.importer.regenerate_golden import contract_of, dump, golden_path, seeds

SEEDS = seeds()


@pytest.mark.parametrize("seed", SEEDS, ids=[seed.stem for seed in SEEDS])
def test_seed_matches_golden(seed):
    path = golden_path(seed)
    assert path.exists(), f"no golden file {path}: run python -m tests.importer.regenerate_golden"
    expected = json.loads(path.read_text(encoding="utf-8"))
    got = json.loads(dump(contract_of(seed)))
    if got != expected:
        # compare page by page first: the assertion message then points at the page that changed
        for got_page, want_page in zip(got["pages"], expected["pages"], strict=False):
            assert got_page["articles"] == want_page["articles"], f"page {got_page['index']} articles changed"
            assert got_page["photos"] == want_page["photos"], f"page {got_page['index']} photos changed"
        assert got == expected
