"""The team's shared test data beside the checkout (../shared: gold, tools, the dev set).

It is others' text and stays there: tests read it in place. In CI (``CI`` set) a missing file is a
failure, since a suite that silently skips its segmentation scores proves nothing; a plain local run
without ../shared skips those tests with the reason.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def require_shared(*parts: str) -> Path:
    """``../shared/<parts>``, which must exist: fail in CI, skip with the reason elsewhere."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing (the tests read ../shared beside the checkout)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must have it")
        pytest.skip(message)
    return path


def load_shared_tool(name: str):
    """A module from ../shared/tools (the scorer, the column-width rewrapper)."""
    path = require_shared("tools", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"shared_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
