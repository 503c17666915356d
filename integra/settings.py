"""Integra settings: twelve-factor, everything that differs between machines comes from the
environment.

DATABASE_URL   default: a SQLite file under var/ (WAL, immediate transactions)
REDIS_URL      default: the in-memory channel layer (one process only)
SECRET_KEY     required when DEBUG is off
DEBUG          "1"/"true" to turn on
ALLOWED_HOSTS  comma separated
EMAIL_HOST     when set, email goes out by SMTP (EMAIL_PORT, EMAIL_HOST_USER,
               EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL); else to the console
HTTPS          default: on when DEBUG is off. Redirects to HTTPS, secure cookies, HSTS
               (SECURE_HSTS_SECONDS, default a year). HTTPS=0 only on a machine no one
               reaches over a network (the tests do).
PROXY_SSL_HEADER  behind a reverse proxy that terminates TLS: the header it sets, e.g.
               X-Forwarded-Proto (and the proxy must strip it from clients)
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # A server that runs with DEBUG off is one people reach: it must not sign their sessions
    # and password-reset links with a key printed in this file. dev.py runs with DEBUG on;
    # the tests and the benchmarks set a key of their own.
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off: export SECRET_KEY=<a long random "
            "string> (python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or DEBUG=1 on a development machine."
        )
    SECRET_KEY = "integra-development-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# HTTPS whenever DEBUG is off (`manage.py check --deploy` is clean then): plain HTTP is
# redirected, cookies only travel encrypted, browsers are told to use HTTPS for a year.
HTTPS = env_flag("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", True)
if os.environ.get("PROXY_SSL_HEADER"):
    # The proxy terminates TLS and says so in this header; without it every request would
    # look like plain HTTP and be redirected forever.
    header = os.environ["PROXY_SSL_HEADER"].upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{header}", "https")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "health_check",  # its command: manage.py health_check health --no-http
    "allauth",
    "allauth.account",
    "accounts",
    "scheduling",
    "patients",
    "professionals",
    "phonenumber_field",
    "billing",
    "backoffice",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "integra.problems.ApiProblemsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffOnlyAdminMiddleware",
]

# Content-Security-Policy (django-csp 4): the browser runs only scripts and styles served
# from our own origin, plus an inline <script>/<style> carrying this response's nonce
# (`nonce="{{ request.csp_nonce }}"`; django-csp adds 'nonce-…' to the header only on pages
# that use it). No 'unsafe-inline' anywhere: no event-handler attributes (onclick=...), no
# style="..." attributes (positions and colours are classes or SVG attributes; scripts set
# element.style, which CSP allows). 'self' covers the same-origin websocket in
# connect-src. Statement PDFs are rendered by weasyprint on the server, not under this policy.
# Kept in one block: the middleware goes right after SecurityMiddleware so every page
# rendered below it (403s included) can use the nonce.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "integra.urls"
ASGI_APPLICATION = "integra.asgi.application"

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

SQLITE_PATH = BASE_DIR / "var" / "integra.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}", conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    # Without immediate transactions and a busy timeout, concurrent writers fail with
    # "database is locked" instead of waiting their turn.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=20000; PRAGMA synchronous=NORMAL;"
        ),
    }
    # A file, not memory: concurrency tests need several connections to one database.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("SQLITE_TEST_PATH") or str(BASE_DIR / "var" / "test.sqlite3")
    }
else:
    # Requests run on a fixed set of threads (ASGI_THREADS, integra/workers.py), so each
    # thread keeps its connection: at most ASGI_THREADS (+ the websocket thread) per process.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "300"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# How many requests one daphne process runs Django code for at once; the rest wait on the
# event loop. Also the most database connections a process opens for HTTP.
ASGI_THREADS = int(os.environ.get("ASGI_THREADS", "8"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels-redis, waiting out a Redis outage instead of ending every socket
            # (integra/channel_layer.py).
            "BACKEND": "integra.channel_layer.ResilientRedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, the same as
            # channels-redis's blocking-pop timeout: idle consumers then crash with
            # "Timeout reading from ...". A longer socket timeout keeps them alive.
            # Its pools also stop at 100 connections and then raise instead of waiting:
            # a burst of (re)connecting screens needs more. A Redis that cannot be reached
            # is given up on within two seconds, not the system's TCP timeout.
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 30,
                        "socket_connect_timeout": 2,
                        "max_connections": 1000,
                    }
                ],
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# How often each process checks that it still hears the channel layer (scheduling/fanout.py:
# a restarted Redis forgets every group membership). The in-memory layer cannot; 0 = never.
LIVE_HEARTBEAT_SECONDS = float(os.environ.get("LIVE_HEARTBEAT_SECONDS", "1" if REDIS_URL else "0"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Each name as its readers write it (the language switch lists them so), in the order a
# bare "pt" in Accept-Language resolves (Brazilian first: most of the clinic's readers).
LANGUAGES = [
    ("en", "English"),
    ("pt-br", "Português (Brasil)"),
    ("pt-pt", "Português (Portugal)"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["integra.formats"]
# The server's own zone is never the zone a person reads: every time shown goes through the
# location's zone. Tests run with a zone no location uses (Asia/Kathmandu, +05:45), so a
# time formatted in the server's zone is visibly wrong there.
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")

# How long a service waits for a row another transaction holds before it tells the user to
# try again (PostgreSQL; accounts.locks, docs/locking.md). Writes hold locks for
# milliseconds, so seconds mean something is stuck.
LOCK_TIMEOUT_MS = int(os.environ.get("LOCK_TIMEOUT_MS", "5000"))
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"

# Accounts (django-allauth). People log in with their email; the clinic creates every
# account (staff invite professionals), so there is no public sign-up. The admin's own
# login form still takes a username (ModelBackend) for staff.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapter.ClinicAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
# The clinic typed the address in and the invitation link proves it reaches the person.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""

# ---- Login throttling and session timeouts (accounts/throttling.py, accounts/sessions.py)
# django-axes counts failed logins on every password form (allauth's and the admin's both
# call authenticate with the request; its backend goes first and refuses a locked-out pair
# before any password is checked). allauth's own rate limits (in the cache) stay too.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
INSTALLED_APPS.append("axes")
# The timeout check needs the signed-in user and messages; axes' middleware, last, turns a
# refused login into the lockout page.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "accounts.sessions.SessionTimeoutMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
LOGIN_COOLOFF_MINUTES = int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15"))
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = LOGIN_COOLOFF_MINUTES / 60  # hours, as axes reads a number
# Per account and address together: a guesser locks their own pair, not the person's
# account from everywhere (reception's shared office address keeps working for others).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not restart the cool-off, so the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# In the database: shared by every process, and it holds while Redis is down (the cache
# handler on our cache would forget every lockout then, as that cache fails open).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_USERNAME_CALLABLE = "accounts.throttling.attempted_username"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
# Behind a reverse proxy: the header that carries the client's address (X-Forwarded-For),
# read only when named here; PROXY_COUNT proxies append to it (the last is ours).
PROXY_CLIENT_IP_HEADER = os.environ.get("PROXY_CLIENT_IP_HEADER", "")
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))

# Sessions end after a time without activity and, whatever the activity, a time after
# login; staff (shared reception screens) sooner than professionals (their own phones).
# Only requests a person makes count as activity: a page's own background refreshes and its
# live socket do not, so a calendar left open on a screen goes idle.
SESSION_IDLE_MINUTES_STAFF = int(os.environ.get("SESSION_IDLE_MINUTES_STAFF", "30"))
SESSION_IDLE_MINUTES_PROFESSIONAL = int(
    os.environ.get("SESSION_IDLE_MINUTES_PROFESSIONAL", str(12 * 60))
)
SESSION_ABSOLUTE_HOURS_STAFF = int(os.environ.get("SESSION_ABSOLUTE_HOURS_STAFF", "12"))
SESSION_ABSOLUTE_HOURS_PROFESSIONAL = int(
    os.environ.get("SESSION_ABSOLUTE_HOURS_PROFESSIONAL", str(30 * 24))
)
# The cookie outlives every limit: the middleware ends sessions, and says why.
SESSION_COOKIE_AGE = 3600 * max(SESSION_ABSOLUTE_HOURS_STAFF, SESSION_ABSOLUTE_HOURS_PROFESSIONAL)
# How often an open live socket checks that its session still holds (and closes with 4401,
# which the pages answer by reloading into the login page).
SESSION_SOCKET_CHECK_SECONDS = float(os.environ.get("SESSION_SOCKET_CHECK_SECONDS", "60"))
# ---- end of login throttling and session timeouts

# allauth's rate limits (failed logins, reset requests) count in the cache: with several
# processes it must be shared, so Redis when configured. Sessions are in the database, so
# Redis being down never signs anyone out; the cache then works without it (integra/cache.py)
# and gives up on a connection within half a second.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "integra.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "integra",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The handler's level also filters what Django's own loggers propagate (django.request
    # logs every 4xx as a warning), so LOG_LEVEL=ERROR keeps a busy server's log quiet.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "level": os.environ.get("LOG_LEVEL", "WARNING"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Invitations, password resets and statements go through Django's email: SMTP when
# EMAIL_HOST is set, else printed to the console. EMAIL_BACKEND overrides both.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = not EMAIL_USE_SSL and env_flag("EMAIL_USE_TLS", True)  # STARTTLS unless SSL
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "465" if EMAIL_USE_SSL else "587"))
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "billing@integra.invalid")
CLINIC_NAME = os.environ.get("CLINIC_NAME", "Integra")
