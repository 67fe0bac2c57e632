"""Django settings for SIZes.

Every setting that differs between machines is read from the environment here, in one place
(see the README's "Configuration" table). Defaults suit a laptop demo: SQLite in ./var.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int | str:
    """An integer from the environment; a value that is not one is kept as text so the
    system checks (sizes/core/checks.py) can report it by name instead of crashing here."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        return value


DATA_DIR = Path(os.environ.get("SIZES_DATA_DIR", Path.cwd() / "var")).resolve()


def _secret_key() -> str:
    """Use SECRET_KEY from the environment, or one kept in the data directory."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("SIZES_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "sizes.core",
    "sizes.accounts",
    "sizes.audit",
    "sizes.partners",
    "sizes.zones",
    "sizes.variations",
    "sizes.resources",
    "sizes.outcomes",
    "sizes.api",
    "sizes.geo",
    "sizes.engagement",
    "sizes.web",
    "sizes.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sizes.core.csp.CSPMiddleware",  # django-csp's, the header built once (sizes/core/csp.py)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sizes.core.ratelimit.RateLimitMiddleware",
    "sizes.core.middleware.DomainErrorMiddleware",
    # Database unreachable (PostgreSQL down, SQLite locked): 503 with Retry-After, not a 500.
    "sizes.core.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "sizes.urls"
WSGI_APPLICATION = "sizes.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "sizes.web.jinja.environment",
            "autoescape": True,
        },
    },
    {
        # Django's own templates: the admin and built-in error pages.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# SQLite by default (WAL and a busy timeout, so a web server and `sizes tick` can share it);
# PostgreSQL when DATABASE_URL is set, e.g. postgres://user@127.0.0.1:5432/sizes.
_sqlite_default = f"sqlite:///{DATA_DIR / 'sizes.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _sqlite_default), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that needs no round trip when the connection has
    # heard nothing from the server (sizes/core/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "sizes.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept between requests (CONN_MAX_AGE above), as for PostgreSQL: opening
    # one costs about 1.5 ms of CPU (the pragmas, reading the schema), as much as a whole
    # lookup (issue 9). Nothing needs a fresh one: `sizes restore` replaces the tables in place,
    # in one transaction, and SQLite's other connections see the new schema and rows.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if not os.environ.get("DATABASE_URL"):
        DATA_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# SignInThrottle refuses sign-ins while an account name or IP is locked out (too many failures);
# ModelBackend then checks the password.
AUTHENTICATION_BACKENDS = [
    "sizes.accounts.backends.SignInThrottle",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("SIZES_STATIC_ROOT") or None  # only for collectstatic
# Serve app static files straight from the package: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Web security (see docs/reliability.md, "Web security") ------------------------------------
# SIZES_HTTPS=true is the production switch: the site is served over HTTPS (directly or behind
# a TLS proxy), so plain-HTTP requests are redirected, cookies are sent over HTTPS only and
# browsers are told (HSTS) never to use plain HTTP for this host again.
# `manage.py check --deploy` is clean with it on (a test proves this).
SIZES_HTTPS = env_bool("SIZES_HTTPS", False)
SECURE_SSL_REDIRECT = SIZES_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SIZES_SECURE_COOKIES", SIZES_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HSTS for a year, for subdomains too, and asking to be preloaded into browsers (the header
# alone does not add the site to the preload list: that is a separate, deliberate submission).
# SIZES_HSTS_SECONDS=0 turns HSTS off, e.g. while trying HTTPS out.
SIZES_HSTS_SECONDS = env_int("SIZES_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_SECONDS = (
    SIZES_HSTS_SECONDS if SIZES_HTTPS and isinstance(SIZES_HSTS_SECONDS, int) else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SIZES_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SIZES_HSTS_PRELOAD", True)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and strips it from clients),
# so Django knows the original request was HTTPS. Never set it without such a proxy.
if env_bool("SIZES_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_FAILURE_VIEW = "sizes.web.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


def _origin(url: str) -> list[str]:
    """The scheme://host[:port] of a URL template, for the CSP; none for an empty one."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.netloc.replace("{s}", "*")  # tile servers' {s} subdomains: any of them
    return [f"{parts.scheme}://{host}"] if parts.scheme and host else []


# Content-Security-Policy on every response (django-csp): scripts and styles only from this
# site, no inline script except the one GOV.UK Frontend's page template needs (it carries the
# request's nonce), no inline style, no plugins, no framing, forms post only here. Images may
# come from the map tile server when one is configured (SIZES_TILE_URL).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_origin(os.environ.get("SIZES_TILE_URL", ""))],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sizes@localhost")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("SIZES_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- SIZes rules (see docs/configuration.md) -------------------------------------------------
# Days a proposed zone stays open for public consultation before it can be declared
# (six weeks, as for neighbourhood-area designation).
SIZES_CONSULTATION_DAYS = env_int("SIZES_CONSULTATION_DAYS", 42)
# The furthest ahead a review date may be set when a zone is declared or renewed, in days.
SIZES_MAX_TERM_DAYS = env_int("SIZES_MAX_TERM_DAYS", 3 * 365)
# Days a zone may stay "review due" before it is dissolved automatically.
SIZES_REVIEW_GRACE_DAYS = env_int("SIZES_REVIEW_GRACE_DAYS", 90)
# Geography (sizes.geo): the projected CRS for metric work (buffers, areas, distances); the
# largest boundary accepted, in vertices and in bytes; the default fringe width and the radius
# drawn around each postcode centroid when a boundary is built from postcodes, in metres.
SIZES_METRIC_CRS = os.environ.get("SIZES_METRIC_CRS", "EPSG:27700")
SIZES_MAX_VERTICES = env_int("SIZES_MAX_VERTICES", 100_000)
SIZES_MAX_UPLOAD_BYTES = env_int("SIZES_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
SIZES_DEFAULT_FRINGE_M = env_int("SIZES_DEFAULT_FRINGE_M", 250)
SIZES_POSTCODE_BUFFER_M = env_int("SIZES_POSTCODE_BUFFER_M", 50)
# PostgreSQL: the place lookup's reads as prepared statements (sizes/core/prepared.py); false
# behind a pooler that cannot keep them (PgBouncer before 1.21 in transaction mode).
SIZES_PG_PREPARE_LOOKUPS = env_bool("SIZES_PG_PREPARE_LOOKUPS", True)
# Map tiles: a URL template such as https://tiles.example.org/{z}/{x}/{y}.png and its credit
# line. Empty (the default) draws zone outlines on a plain background: nothing is fetched.
SIZES_TILE_URL = os.environ.get("SIZES_TILE_URL", "")
SIZES_TILE_ATTRIBUTION = os.environ.get("SIZES_TILE_ATTRIBUTION", "")
# The public API (sizes.api, see docs/api.md): origins allowed to read it from a browser
# (comma-separated, or * for any); empty allows none.
SIZES_API_CORS_ORIGINS = os.environ.get("SIZES_API_CORS_ORIGINS", "")

# Outcomes (docs/outcomes-and-sroi.md): a deflator series (CSV year,index) used to put SROI
# financial proxies stated in other years' prices into the analysis's price year; empty: none.
SIZES_DEFLATORS_FILE = os.environ.get("SIZES_DEFLATORS_FILE", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Engagement (sizes.engagement, see docs/engagement.md): the site's address for links in emails;
# hours an email verification link stays valid; days a partner has to answer an idea; reports
# that hide a comment pending review; the service area suggestions must fall in ("min_lon,
# min_lat,max_lon,max_lat"; empty: inside any imported ward); the largest area a suggestion may
# draw (km²); rate limits (actions per hour).
SIZES_SITE_URL = os.environ.get("SIZES_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SIZES_VERIFY_LINK_HOURS = env_int("SIZES_VERIFY_LINK_HOURS", 72)
SIZES_IDEA_ANSWER_DAYS = env_int("SIZES_IDEA_ANSWER_DAYS", 30)
SIZES_COMMENT_REPORTS_TO_HIDE = env_int("SIZES_COMMENT_REPORTS_TO_HIDE", 3)
SIZES_SERVICE_AREA_BBOX = os.environ.get("SIZES_SERVICE_AREA_BBOX", "")
SIZES_SUGGESTION_MAX_KM2 = env_int("SIZES_SUGGESTION_MAX_KM2", 50)
SIZES_RATE_LIMIT_PER_ACCOUNT = env_int("SIZES_RATE_LIMIT_PER_ACCOUNT", 20)
SIZES_RATE_LIMIT_PER_IP = env_int("SIZES_RATE_LIMIT_PER_IP", 60)
# Rate limits beyond engagement (sizes/core/ratelimit.py; 0 turns one off): sign-in, sign-up
# and password-reset requests per IP an hour (the per-account one is the same as above); failed
# sign-ins per account name and per IP before both are refused for the lockout period; API
# requests a minute per token, and per IP without one. Generous: a person never meets them.
SIZES_ACCOUNT_RATE_LIMIT_PER_IP = env_int("SIZES_ACCOUNT_RATE_LIMIT_PER_IP", 100)
SIZES_SIGN_IN_FAILURES = env_int("SIZES_SIGN_IN_FAILURES", 10)
SIZES_SIGN_IN_FAILURES_PER_IP = env_int("SIZES_SIGN_IN_FAILURES_PER_IP", 50)
SIZES_SIGN_IN_LOCKOUT_MINUTES = env_int("SIZES_SIGN_IN_LOCKOUT_MINUTES", 15)
SIZES_API_RATE_PER_TOKEN = env_int("SIZES_API_RATE_PER_TOKEN", 1200)
SIZES_API_RATE_PER_IP = env_int("SIZES_API_RATE_PER_IP", 600)
