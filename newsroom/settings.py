"""Settings of the newsroom archive, read from the environment.

Django's own variables keep their DJANGO_ names (DJANGO_SECRET_KEY, DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS) and
the database comes from DATABASE_URL; the archive's own settings are prefixed NEWSROOM_. Nothing secret has
a default: without DJANGO_SECRET_KEY the project refuses to start unless DJANGO_DEBUG is on.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_positive_int(name: str, default: int) -> int:
    """A whole number ≥ 1 from the environment; anything else stops the start with the variable's name."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number from 1, not {value!r}.")
    return int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
VAR_DIR = Path(os.environ.get("NEWSROOM_VAR_DIR", BASE_DIR / "var"))
#: The embedded default: no DATABASE_URL, an SQLite file in var/, a checkout on one machine. A deployment
#: names its database, and then every secret and host must come from the environment.
EMBEDDED = not os.environ.get("DATABASE_URL")


def local_secret_key() -> str:
    """A random key kept in var/secret_key (mode 0600, never committed), made on first use.

    Only for the embedded default, so that ``manage.py`` works in a fresh checkout (the segmentation
    scorer runs ``manage.py import_issue --dry-run`` with no environment at all).
    """
    import secrets

    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not (EMBEDDED or DEBUG):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. A deployment (DATABASE_URL set) takes its secret key from the "
            "environment; only the embedded SQLite default makes a local one in var/secret_key."
        )
    SECRET_KEY = local_secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or EMBEDDED) else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set: a deployment (DATABASE_URL set) names the host names the site "
        "answers to, comma-separated."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "articles",
    "importer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # Accept-Language picks zh-hans or en; after sessions
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}",
        conn_max_age=int(os.environ.get("NEWSROOM_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if EMBEDDED:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default lives in var/
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the API read while an import writes; a busy timeout instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters travel apart from the SQL: no client-side quoting of long article texts on bulk inserts.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "server_side_binding", env_bool("NEWSROOM_PG_SERVER_SIDE_BINDING", True)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("NEWSROOM_LANGUAGE_CODE", "zh-hans")
TIME_ZONE = os.environ.get("NEWSROOM_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
# Editors read Chinese: zh-hans unless the browser asks for English; our catalogue lives in locale/ and is
# compiled by scripts/bootstrap (the .mo files are build output, not kept in git).
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("NEWSROOM_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("NEWSROOM_MANIFEST_STATIC", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security: on by default, loosened only for plain-HTTP local runs (NEWSROOM_HTTPS=0).
NEWSROOM_HTTPS = env_bool("NEWSROOM_HTTPS", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("NEWSROOM_BEHIND_PROXY") else None
SECURE_SSL_REDIRECT = NEWSROOM_HTTPS and env_bool("NEWSROOM_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = NEWSROOM_HTTPS
CSRF_COOKIE_SECURE = NEWSROOM_HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("NEWSROOM_HSTS_SECONDS", "31536000" if NEWSROOM_HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = NEWSROOM_HTTPS
SECURE_HSTS_PRELOAD = NEWSROOM_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "articles.pagination.ArchivePagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("NEWSROOM_ANON_RATE", "120/minute"),
        "user": os.environ.get("NEWSROOM_USER_RATE", "1200/minute"),
        # /api/articles/export/, per client, on top of the anon/user rates
        "export": os.environ.get("NEWSROOM_EXPORT_RATE", "10/hour"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom archive API",
    "DESCRIPTION": "The curated e-paper archive: issues, pages, articles, photos and reporters.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NEWSROOM_LOG_LEVEL", "WARNING")},
    "loggers": {"importer": {"level": os.environ.get("NEWSROOM_IMPORT_LOG_LEVEL", "INFO"), "propagate": True}},
}

# The archive's own settings.
#: status given to imported articles: "published" puts the import straight on the public API.
NEWSROOM_IMPORT_STATUS = os.environ.get("NEWSROOM_IMPORT_STATUS", "published")
#: raw files larger than this are refused before decoding.
NEWSROOM_IMPORT_MAX_BYTES = int(os.environ.get("NEWSROOM_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
#: paper name used when neither the text nor --paper names one.
NEWSROOM_DEFAULT_PAPER = os.environ.get("NEWSROOM_DEFAULT_PAPER", "")
#: lists count their matches exactly up to this many rows, then report a lower bound (count_is_exact false).
NEWSROOM_COUNT_CAP = env_positive_int("NEWSROOM_COUNT_CAP", 1_000)
#: facets are exact up to this many matches, else counted over the newest this many (facets.exact false).
NEWSROOM_FACET_CAP = env_positive_int("NEWSROOM_FACET_CAP", 1_000)
#: how many papers, sections, kinds and reporters a facet lists.
NEWSROOM_FACET_TOP = env_positive_int("NEWSROOM_FACET_TOP", 10)
#: the most rows one export request gives a reader who is not an editor.
NEWSROOM_EXPORT_MAX_ROWS = env_positive_int("NEWSROOM_EXPORT_MAX_ROWS", 10_000)
