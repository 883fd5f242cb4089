"""Each seed's segmentation equals its reviewed golden file (see ``regenerate_golden`` to update them)."""

from __future__ import annotations

import json
import os

import pytest

from tests.importer.regenerate_golden import contract_of, dump, golden_path, seeds, write_golden

SEEDS = seeds()


@pytest.mark.parametrize("seed", SEEDS, ids=[seed.stem for seed in SEEDS])
def test_seed_matches_golden(seed):
    if os.environ.get("UPDATE_GOLDEN") == "1":
        write_golden(seed)
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
