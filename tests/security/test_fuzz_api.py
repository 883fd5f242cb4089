"""schemathesis against the project's own OpenAPI schema on a live local server: every GET operation with
bounded, reproducible examples (schemathesis' deterministic generation), valid and invalid; no answer may be a
5xx and every documented answer must match the schema. Its summary is printed (pytest -s shows it)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db(transaction=True)

MAX_EXAMPLES = 25


def test_the_live_api_holds_against_generated_requests(live_server, tmp_path):
    from importer.services import issues_import_batch

    assert not issues_import_batch(paths=SEEDS[:2]).failed
    schemathesis = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert schemathesis, "schemathesis is installed with the test extras (scripts/bootstrap)"
    done = subprocess.run(
        [
            schemathesis,
            "run",
            f"{live_server.url}/api/schema/?format=json",
            "--url",
            live_server.url,
            "--include-method",
            "GET",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--generation-deterministic",
            "--phases",
            "examples,coverage,fuzzing",
            "--request-timeout",
            "30",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    print(done.stdout[-6000:])
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-4000:]
    assert "No issues found" in done.stdout or "passed" in done.stdout
