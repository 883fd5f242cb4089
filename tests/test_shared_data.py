"""Tests that need ../shared fail in CI and skip elsewhere, never pass silently."""

from __future__ import annotations

import pytest
from _pytest.outcomes import Failed, Skipped

from tests import shared_data


def test_missing_shared_data_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(shared_data, "SHARED", tmp_path / "shared")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(Failed, match="CI must have it"):
        shared_data.require_shared("devset")


def test_missing_shared_data_skips_with_its_reason_elsewhere(monkeypatch, tmp_path):
    monkeypatch.setattr(shared_data, "SHARED", tmp_path / "shared")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(Skipped, match="devset is missing"):
        shared_data.require_shared("devset")


def test_present_shared_data_is_returned(monkeypatch, tmp_path):
    (tmp_path / "shared" / "devset").mkdir(parents=True)
    monkeypatch.setattr(shared_data, "SHARED", tmp_path / "shared")
    assert shared_data.require_shared("devset") == tmp_path / "shared" / "devset"
