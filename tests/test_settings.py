"""Production settings: secrets from the environment, and `check --deploy` clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


# Values checked at start-up: a typo stops the process with the variable's name.


def test_a_typo_in_the_import_status_stops_the_start():
    """It once read as a status no article has: every imported article hidden from the API, nothing said."""
    done = manage("check", NEWSROOM_IMPORT_STATUS="publised")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "NEWSROOM_IMPORT_STATUS='publised'" in done.stderr
    assert "published, draft, withdrawn" in done.stderr


def test_a_deployment_refuses_a_secret_key_too_weak_to_be_one():
    done = manage(
        "check", DATABASE_URL=DEPLOYED_DATABASE, DJANGO_ALLOWED_HOSTS="archive.example.org", DJANGO_SECRET_KEY="s3cret"
    )
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in done.stderr


def test_the_import_statuses_accepted_are_the_article_statuses():
    from django.conf import settings

    from articles.models import ArticleStatus

    assert sorted(settings.IMPORT_STATUSES) == sorted(ArticleStatus.values)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("NEWSROOM_IMPORT_STATUS", "Published", "is not one of: published, draft, withdrawn"),
        ("NEWSROOM_ANON_RATE", "120 per minute", "is not a rate"),
        ("NEWSROOM_USER_RATE", "100/fortnight", "is not a rate"),
        ("NEWSROOM_ANON_RATE", "0/minute", "is not a rate"),
        ("NEWSROOM_IMPORT_MAX_BYTES", "20MB", "is not a whole number"),
        ("NEWSROOM_IMPORT_MAX_BYTES", "-5", "must be at least 0"),
        ("NEWSROOM_PARSE_TIMEOUT", "soon", "is not a number"),
        ("NEWSROOM_PARSE_TIMEOUT", "-1", "must be a number of at least 0"),
        ("NEWSROOM_CONN_MAX_AGE", "-1", "must be at least 0"),
        ("NEWSROOM_CONN_MAX_AGE", "forever", "is not a whole number"),
        ("NEWSROOM_HSTS_SECONDS", "1y", "is not a whole number"),
        ("NEWSROOM_TRUSTED_PROXIES", "-1", "must be at least 0"),
        ("NEWSROOM_LOGIN_FAILURE_LIMIT", "0", "must be at least 1"),
        ("NEWSROOM_HTTPS", "ture", "is not a boolean"),
        ("NEWSROOM_BEHIND_PROXY", "yes please", "is not a boolean"),
        ("DJANGO_DEBUG", "enabled", "is not a boolean"),
        ("NEWSROOM_LANGUAGE_CODE", "zh-cn", "is not one of: zh-hans, en"),
        ("NEWSROOM_LOG_LEVEL", "verbose", "is not one of"),
    ],
)
def test_settings_refuse_a_bad_value_with_its_name(name, value, message):
    error = _reload_settings({**PRODUCTION, name: value}, expect_error=True)
    assert f"{name}={value!r}" in error and message in error


@pytest.mark.parametrize(
    ("name", "value", "setting", "expected"),
    [
        ("NEWSROOM_ANON_RATE", " 30 / Minute ", "REST_FRAMEWORK.DEFAULT_THROTTLE_RATES.anon", "30/minute"),
        ("NEWSROOM_IMPORT_MAX_BYTES", "1_048_576", "NEWSROOM_IMPORT_MAX_BYTES", 1048576),
        ("NEWSROOM_IMPORT_MAX_BYTES", "0", "NEWSROOM_IMPORT_MAX_BYTES", 0),
        ("NEWSROOM_HTTPS", "OFF", "SESSION_COOKIE_SECURE", False),
        ("NEWSROOM_HTTPS", "", "SESSION_COOKIE_SECURE", True),
        ("NEWSROOM_IMPORT_STATUS", "draft", "NEWSROOM_IMPORT_STATUS", "draft"),
        ("NEWSROOM_TRUSTED_PROXIES", "2", "REST_FRAMEWORK.NUM_PROXIES", 2),
        ("NEWSROOM_CONN_MAX_AGE", "0", "DATABASES.default.CONN_MAX_AGE", 0),
    ],
)
def test_settings_read_good_values(name, value, setting, expected):
    module = _reload_settings({**PRODUCTION, "DATABASE_URL": DEPLOYED_DATABASE, name: value})
    found = module
    for part in setting.split("."):
        found = found[part] if isinstance(found, dict) else getattr(found, part)
    assert found == expected


def test_the_anonymous_client_address_ignores_forwarded_for_by_default():
    module = _reload_settings(PRODUCTION)
    assert module.REST_FRAMEWORK["NUM_PROXIES"] == 0 and module.NEWSROOM_TRUSTED_PROXIES == 0


def test_throttle_state_is_in_redis_when_redis_url_is_set_and_in_memory_otherwise():
    shared = _reload_settings({**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/3"})
    assert shared.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert shared.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"
    embedded = _reload_settings(PRODUCTION)
    assert embedded.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def _reload_settings(environ: dict[str, str], *, expect_error: bool = False):
    """newsroom.settings executed afresh under ``environ`` (a module object), or its error's text."""
    import importlib.util

    from django.core.exceptions import ImproperlyConfigured

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEWSROOM_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    spec = importlib.util.spec_from_file_location("settings_under_test", ROOT / "newsroom" / "settings.py")
    module = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as patch:
        for name in [k for k in os.environ if k not in clean]:
            patch.delenv(name)
        for name, value in {**clean, "NEWSROOM_VAR_DIR": str(ROOT / "var"), **environ}.items():
            patch.setenv(name, value)
        try:
            spec.loader.exec_module(module)
        except ImproperlyConfigured as error:
            if expect_error:
                return str(error)
            raise
    assert not expect_error, "the settings accepted the value"
    return module


def test_readme_lists_every_environment_variable_the_settings_read():
    import re

    readme = (ROOT / "README.md").read_text()
    read = set()
    for source in ("newsroom/settings.py", "newsroom/gunicorn.conf.py"):
        read |= set(re.findall(r"env\.\w+\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']", (ROOT / source).read_text()))
    assert {"DATABASE_URL", "NEWSROOM_IMPORT_STATUS", "NEWSROOM_WORKERS"} <= read
    assert sorted(name for name in read if f"`{name}`" not in readme) == []
