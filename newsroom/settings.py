"""Settings of the newsroom archive, read from the environment.

Django's own variables keep their DJANGO_ names (DJANGO_SECRET_KEY, DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS) and
the database comes from DATABASE_URL; the archive's own settings are prefixed NEWSROOM_. Nothing secret has
a default: without DJANGO_SECRET_KEY the project refuses to start unless DJANGO_DEBUG is on. Every value is
read through newsroom.env, which refuses a bad one at start-up with its name (README lists them all).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

DEBUG = env.boolean("DJANGO_DEBUG", False)
VAR_DIR = Path(env.text("NEWSROOM_VAR_DIR", str(BASE_DIR / "var")))
#: The embedded default: no DATABASE_URL, an SQLite file in var/, a checkout on one machine. A deployment
#: names its database, and then every secret and host must come from the environment.
EMBEDDED = not env.raw("DATABASE_URL")


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


# A deployment's key must be able to be one; the embedded default's own key (below) always is.
SECRET_KEY = env.text("DJANGO_SECRET_KEY") if EMBEDDED else env.secret_key("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not (EMBEDDED or DEBUG):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. A deployment (DATABASE_URL set) takes its secret key from the "
            "environment; only the embedded SQLite default makes a local one in var/secret_key."
        )
    SECRET_KEY = local_secret_key()

ALLOWED_HOSTS = env.names("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or EMBEDDED) else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set: a deployment (DATABASE_URL set) names the host names the site "
        "answers to, comma-separated."
    )
CSRF_TRUSTED_ORIGINS = env.names("DJANGO_CSRF_TRUSTED_ORIGINS")

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
    "axes",
    "articles",
    "importer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsroom.db_router.ReplicaReadsMiddleware",  # the API's reads may go to a replica (DATABASE_REPLICA_URLS)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # Accept-Language picks zh-hans or en; after sessions
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: it answers a locked-out login
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
        env.raw("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}",
        conn_max_age=env.integer("NEWSROOM_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if EMBEDDED:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default lives in var/
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the API read while an import writes; a busy timeout instead of "database is locked". Writing
    # transactions begin IMMEDIATE: two writers (Celery workers, an import and an editor) then wait for each
    # other within the timeout, where a transaction that read first and wrote later would fail at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # BEGIN IMMEDIATE: a transaction takes the write lock when it starts, waiting up to the timeout.
            # A deferred one that read first could not upgrade once another process had written meanwhile
            # and failed at once with "database is locked" (two imports side by side did).
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters travel apart from the SQL: no client-side quoting of long article texts on bulk inserts.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "server_side_binding", env.boolean("NEWSROOM_PG_SERVER_SIDE_BINDING", True)
    )


def replica_databases(urls: list[str], primary: dict) -> dict[str, dict]:
    """``replica_1``, ``replica_2``, … from DATABASE_REPLICA_URLS (URLs as DATABASE_URL), with the primary's
    connection options. In tests a replica mirrors the primary (TEST MIRROR): no database is made for it."""
    replicas = {}
    for number, url in enumerate(urls, start=1):
        replica = dj_database_url.parse(
            url, conn_max_age=primary["CONN_MAX_AGE"], conn_health_checks=primary["CONN_HEALTH_CHECKS"]
        )
        if replica["ENGINE"] != primary["ENGINE"]:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS: replica {number} is {replica['ENGINE']}, the primary {primary['ENGINE']}"
            )
        replica["OPTIONS"] = {**primary.get("OPTIONS", {}), **replica.get("OPTIONS", {})}
        replica["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
        replicas[f"replica_{number}"] = replica
    return replicas


DEFAULT_DB_ALIAS = "default"
DATABASES.update(replica_databases(env.names("DATABASE_REPLICA_URLS"), DATABASES["default"]))
#: the aliases the API reads from (newsroom/db_router.py says which reads)
NEWSROOM_READ_REPLICAS = [alias for alias in DATABASES if alias != DEFAULT_DB_ALIAS]
if env.boolean("NEWSROOM_TEST_REPLICA_MIRROR") and not NEWSROOM_READ_REPLICAS:
    # the test suite: a replica alias on the test database, read from only where a test lists it in
    # NEWSROOM_READ_REPLICAS (tests/test_db_router.py)
    DATABASES["replica_test"] = {**DATABASES["default"], "TEST": {"MIRROR": DEFAULT_DB_ALIAS}}
DATABASE_ROUTERS = ["newsroom.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.choice("NEWSROOM_LANGUAGE_CODE", "zh-hans", ["zh-hans", "en"])
TIME_ZONE = env.text("NEWSROOM_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
# Editors read Chinese: zh-hans unless the browser asks for English; our catalogue lives in locale/ and is
# compiled by scripts/bootstrap (the .mo files are build output, not kept in git).
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.text("NEWSROOM_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.boolean("NEWSROOM_MANIFEST_STATIC", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security: on by default, loosened only for plain-HTTP local runs (NEWSROOM_HTTPS=0).
NEWSROOM_HTTPS = env.boolean("NEWSROOM_HTTPS", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.boolean("NEWSROOM_BEHIND_PROXY") else None
SECURE_SSL_REDIRECT = NEWSROOM_HTTPS and env.boolean("NEWSROOM_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = NEWSROOM_HTTPS
CSRF_COOKIE_SECURE = NEWSROOM_HTTPS
SECURE_HSTS_SECONDS = env.integer("NEWSROOM_HSTS_SECONDS", 31536000 if NEWSROOM_HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = NEWSROOM_HTTPS
SECURE_HSTS_PRELOAD = NEWSROOM_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

#: How many reverse proxies stand in front of the server, each adding the address it saw to X-Forwarded-For.
#: Only their entries are believed: with 0 the client is REMOTE_ADDR whatever X-Forwarded-For says, so a
#: client cannot pick a new address per request to escape the rate limits or the login lock-out.
NEWSROOM_TRUSTED_PROXIES = env.integer("NEWSROOM_TRUSTED_PROXIES", 0, minimum=0)

# The throttles' counters live in this cache: shared by every worker process (Redis) when REDIS_URL names one;
# the embedded default (one process) keeps them in memory.
REDIS_URL = env.text("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "newsroom",
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "newsroom"}
}

# Failed admin logins (django-axes): a username is locked out from one address after this many failures in a
# row, for the cool-off time, or until `manage.py axes_reset_username USERNAME` (or axes_reset) lifts it.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.integer("NEWSROOM_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("NEWSROOM_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "newsroom.clientip.client_ip"  # the same trusted-proxy rule as the throttles
AXES_LOCKOUT_CALLABLE = "newsroom.lockout.locked_out"  # the admin's look, in the editor's language

# Content-Security-Policy (django-csp): scripts only from this site, or inline with the response's nonce (the
# workbench's script); style attributes stay allowed, since the admin and ours colour rows with them and Swagger
# UI and ReDoc inject theirs. ReDoc parses the schema in a worker it makes from a blob: URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

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
        "anon": env.rate("NEWSROOM_ANON_RATE", "120/minute"),
        "user": env.rate("NEWSROOM_USER_RATE", "1200/minute"),
        # /api/articles/export/, per client, on top of the anon/user rates
        "export": env.rate("NEWSROOM_EXPORT_RATE", "10/hour"),
    },
    "NUM_PROXIES": NEWSROOM_TRUSTED_PROXIES,
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

LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.choice("NEWSROOM_LOG_LEVEL", "WARNING", LOG_LEVELS)},
    "loggers": {"importer": {"level": env.choice("NEWSROOM_IMPORT_LOG_LEVEL", "INFO", LOG_LEVELS), "propagate": True}},
}

# The archive's own settings.
#: status given to imported articles: "published" puts the import straight on the public API.
#: The values of articles.models.ArticleStatus (models cannot be imported here; a test keeps the two equal).
IMPORT_STATUSES = ["published", "draft", "withdrawn"]
NEWSROOM_IMPORT_STATUS = env.choice("NEWSROOM_IMPORT_STATUS", "published", IMPORT_STATUSES)
#: raw files larger than this are refused before decoding (0: no limit, as --max-bytes 0).
NEWSROOM_IMPORT_MAX_BYTES = env.integer("NEWSROOM_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
#: seconds one file may take to parse (decode, segment, tokenise) before it fails alone (0: no budget).
NEWSROOM_PARSE_TIMEOUT = env.number("NEWSROOM_PARSE_TIMEOUT", 60.0)
#: a run left "running" on another host (or without a process id) is marked aborted by a later run once
#: it has shown no sign of life for this many seconds (on its own host, its process id is checked).
NEWSROOM_IMPORT_STALE_SECONDS = env.integer("NEWSROOM_IMPORT_STALE_SECONDS", 3600, minimum=1)
#: paper name used when neither the text nor --paper names one.
NEWSROOM_DEFAULT_PAPER = env.text("NEWSROOM_DEFAULT_PAPER")

# Imports spread over machines: Celery with Redis as the broker (see newsroom/celery.py and README, "Beyond one
# machine"). Only `import_issue --queue` and `celery -A newsroom worker` use it.
#: the broker: NEWSROOM_CELERY_BROKER_URL, else REDIS_URL (the cache's Redis), else Redis on this machine.
CELERY_BROKER_URL = env.text("NEWSROOM_CELERY_BROKER_URL") or env.text("REDIS_URL") or "redis://127.0.0.1:6379/0"
#: the queue that --queue sends to and workers read; one per deployment (tests use one per run).
CELERY_TASK_DEFAULT_QUEUE = env.text("NEWSROOM_CELERY_QUEUE", "newsroom-import")
# A job is acknowledged only when it has ended, one at a time: a worker killed mid-job (SIGKILL, a machine lost)
# leaves its job to be delivered again, and the file's open transaction dies with its connection.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
#: The import log (ImportRun/ImportEvent) is the result: no result backend to fill and expire.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
#: seconds an unacknowledged job waits before Redis hands it to another worker when its whole worker vanished
#: (a worker that is still alive gives back the job of a killed child at once); longer than any job.
NEWSROOM_CELERY_VISIBILITY_TIMEOUT = env.integer("NEWSROOM_CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": NEWSROOM_CELERY_VISIBILITY_TIMEOUT}
#: seconds `import_issue --queue` waits for the broker before it gives up with a clear error.
NEWSROOM_CELERY_CONNECT_TIMEOUT = env.number("NEWSROOM_CELERY_CONNECT_TIMEOUT", 3.0)
CELERY_BROKER_CONNECTION_TIMEOUT = NEWSROOM_CELERY_CONNECT_TIMEOUT
#: lists count their matches exactly up to this many rows, then report a lower bound (count_is_exact false).
NEWSROOM_COUNT_CAP = env.integer("NEWSROOM_COUNT_CAP", 1_000, minimum=1)
#: facets are exact up to this many matches, else counted over the newest this many (facets.exact false).
NEWSROOM_FACET_CAP = env.integer("NEWSROOM_FACET_CAP", 1_000, minimum=1)
#: how many papers, sections, kinds and reporters a facet lists.
NEWSROOM_FACET_TOP = env.integer("NEWSROOM_FACET_TOP", 10, minimum=1)
#: the most rows one export request gives a reader who is not an editor.
NEWSROOM_EXPORT_MAX_ROWS = env.integer("NEWSROOM_EXPORT_MAX_ROWS", 10_000, minimum=1)
