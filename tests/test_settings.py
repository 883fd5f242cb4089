"""Production settings: secrets from the environment, and `check --deploy` clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEWSROOM_"))}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-6f1d0c8e9b7a45e2a1c3d5f7b9e1a3c5d7f9b1e3",
    "DJANGO_ALLOWED_HOSTS": "archive.example.org",
}


def test_check_deploy_is_clean_with_production_settings():
    done = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


DEPLOYED_DATABASE = "postgres://archive@127.0.0.1:5432/archive"


def test_a_deployment_refuses_to_start_without_a_secret_key():
    done = manage("check", DATABASE_URL=DEPLOYED_DATABASE, DJANGO_ALLOWED_HOSTS="archive.example.org")
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY" in done.stderr


def test_a_deployment_refuses_to_start_without_allowed_hosts():
    done = manage("check", DATABASE_URL=DEPLOYED_DATABASE, DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"])
    assert done.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in done.stderr


def test_the_embedded_default_makes_a_private_local_key_once(tmp_path):
    probe = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = manage("shell", "--no-imports", "-c", probe, NEWSROOM_VAR_DIR=str(tmp_path))
    second = manage("shell", "--no-imports", "-c", probe, NEWSROOM_VAR_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert first.stdout.strip() == second.stdout.strip() == key_file.read_text().strip()
    assert len(first.stdout.strip()) >= 50 and (key_file.stat().st_mode & 0o777) == 0o600


def test_the_scorer_command_needs_no_environment(tmp_path):
    """The shared scorer runs `python manage.py import_issue RAW --dry-run --json` with nothing set."""
    seed = sorted((ROOT / "seeds").glob("*.txt"))[-1]
    done = manage("import_issue", str(seed), "--dry-run", "--json", NEWSROOM_VAR_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert '"pages"' in done.stdout


def test_debug_is_off_unless_asked():
    done = manage(
        "shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)", **PRODUCTION
    )
    assert done.stdout.strip() == "False", done.stderr
