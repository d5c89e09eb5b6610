"""Settings for tyreso-it, read from the environment in this one place.

Local defaults are safe and need no server: SQLite, the console email backend and Celery on
kombu's filesystem transport. Production values come only from the environment
(see `.env.example`).
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from tyreso_it.core.env import env, env_bool, env_float, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    # Sessions, password resets and CSRF tokens are signed with it: a key anyone can read in
    # this file would let them forge those. Only a developer's DEBUG run may do without one.
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the app needs a long random signing key in "
            "the environment, e.g. from: python -c \"import secrets; "
            "print(secrets.token_urlsafe(50))\" (see .env.example)."
        )
    SECRET_KEY = "insecure-local-only-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.forms",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "django_htmx",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tyreso_it.core",
    "organisation",
    "servicecatalog",
    "orders",
    "portfolio",
    "raci",
    "board",
    "costs",
    "registry",
    "accessibility",
    "records",
    "api",
    # At the top: the demo data and `manage.py load_demo` know every app below.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses a body larger than REQUEST_BODY_MAX_BYTES (413) before anything reads it.
    "tyreso_it.core.uploads.RequestBodyLimitMiddleware",
    # Static files are served by the app itself (no CDN, no separate web server needed).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything below, so every page, error and download gets the policy.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Private, no-store on everything the app makes (static files are served above).
    "tyreso_it.core.middleware.PrivateNoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a login after an idle hour or a working day (SESSION_IDLE_SECONDS, _MAX_SECONDS).
    "tyreso_it.core.middleware.SessionTimeoutMiddleware",
    # With single sign-on: renews the login at the provider every OIDC_RENEW_SECONDS.
    "organisation.oidc.SessionRefresh",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as axes asks: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tyreso_it.urls"
WSGI_APPLICATION = "tyreso_it.wsgi.application"
ASGI_APPLICATION = "tyreso_it.asgi.application"

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
                "django.template.context_processors.csp",
                "tyreso_it.navigation.navigation",
            ],
        },
    },
    {
        # Hot fragments (`*.jinja` under jinja2/): see tyreso_it/core/jinja2.py.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "tyreso_it.core.jinja2.environment"},
    },
]

FORM_RENDERER = "tyreso_it.core.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tyreso_it.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the embedded worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The orders' covering indexes (INCLUDE) are for PostgreSQL; SQLite, the development default,
# builds them without their extra columns, which is all the warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "organisation.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a login from where too many failed (django-axes; authenticates no one).
    "axes.backends.AxesStandaloneBackend",
    "organisation.backends.PermissionBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# The login path is one setting, so a municipal single sign-on can replace it.
LOGIN_URL = env("LOGIN_URL", "login")
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Throttled logins (django-axes, tyreso_it.core.login_throttle), on the login page and the
# admin's alike. After LOGIN_FAILURE_LIMIT failed logins to one account from one address, or
# LOGIN_ADDRESS_FAILURE_LIMIT from one address to any accounts, within LOGIN_COOLOFF_MINUTES,
# logins from there are refused until LOGIN_COOLOFF_MINUTES after the last failure. Every
# failure is logged (logger "axes", with the user name and the address) and listed in the
# admin, where an administrator can lift a lockout.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_HANDLER = "tyreso_it.core.login_throttle.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
LOGIN_FAILURE_LIMITS = [LOGIN_FAILURE_LIMIT, LOGIN_ADDRESS_FAILURE_LIMIT]  # one per parameter
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
# A login refused during a lockout is not counted again: the pause ends when the page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "tyreso_it.core.login_throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "tyreso_it.core.login_throttle.client_ip"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_SENSITIVE_PARAMETERS: list[str] = []  # log the user name and address; never the password
# Behind this many reverse proxies the login's address is read from X-Forwarded-For (the entry
# the outermost proxy added); 0 reads REMOTE_ADDR. Set it only when every request passes
# through the proxies: otherwise a client could write the header and choose its address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Single sign-on with OpenID Connect (organisation.oidc), on when OIDC_DISCOVERY_URL or
# OIDC_ISSUER is set: the authorization code flow with PKCE, state and nonce, against Entra ID,
# ADFS, Keycloak or any provider by configuration alone. The provider's endpoints are read from
# its discovery document (fetched once, when first needed). People are found by the
# employee-id claim, never by email; their roles follow their groups (OIDC_GROUP_ROLES,
# "group=role_code,..."), their departments stay in the register of authorised orderers.
OIDC_ISSUER = env("OIDC_ISSUER", "").rstrip("/")
OIDC_DISCOVERY_URL = env(
    "OIDC_DISCOVERY_URL",
    f"{OIDC_ISSUER}/.well-known/openid-configuration" if OIDC_ISSUER else "",
)
SSO_ENABLED = bool(OIDC_DISCOVERY_URL)
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = env("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO", "RS256")
OIDC_CLAIM_NAME = env("OIDC_CLAIM_NAME", "name")
OIDC_CLAIM_GIVEN_NAME = env("OIDC_CLAIM_GIVEN_NAME", "given_name")
OIDC_CLAIM_FAMILY_NAME = env("OIDC_CLAIM_FAMILY_NAME", "family_name")
OIDC_CLAIM_EMAIL = env("OIDC_CLAIM_EMAIL", "email")
OIDC_CLAIM_EMPLOYEE_ID = env("OIDC_CLAIM_EMPLOYEE_ID", "employee_id")
OIDC_CLAIM_GROUPS = env("OIDC_CLAIM_GROUPS", "groups")
# Where the claims are read from: the ID token, and the userinfo endpoint as well unless off
# (Entra ID puts groups and employee id in the ID token only).
OIDC_USE_USERINFO = env_bool("OIDC_USE_USERINFO", True)
# A group may give several roles ("grp-a=it_coordinator,grp-a=it_architect"); the roles named
# here are the provider's to give and take, every other role stays as the admin sets it.
OIDC_GROUP_ROLES = [
    tuple(part.strip() for part in item.split("=", 1))
    for item in env_list("OIDC_GROUP_ROLES", [])
]
if any(len(pair) != 2 or not all(pair) for pair in OIDC_GROUP_ROLES):
    raise ImproperlyConfigured('OIDC_GROUP_ROLES is "group=role_code,group=role_code,...".')
# With single sign-on on, LOCAL_PASSWORDS=break-glass keeps password login for superusers and
# the accounts named in BREAK_GLASS_ACCOUNTS only; "all" (the default) keeps it for everyone.
LOCAL_PASSWORDS = env("LOCAL_PASSWORDS", "all")
if LOCAL_PASSWORDS not in {"all", "break-glass"}:
    raise ImproperlyConfigured('LOCAL_PASSWORDS is "all" or "break-glass".')
BREAK_GLASS_ACCOUNTS = env_list("BREAK_GLASS_ACCOUNTS", [])
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # the hint of the provider's logout
# The login is renewed silently at the provider this often (at most the idle timeout, set
# below), so an account disabled there loses its session here within that time.
OIDC_RENEW_SECONDS = env_int("OIDC_RENEW_SECONDS", 15 * 60)
# The REST API accepts access tokens of the provider (`Authorization: Bearer <JWT>`) for
# another system or a script acting as a person, on by default with single sign-on: checked
# locally against the provider's keys, with the audience OIDC_API_AUDIENCE (by default the
# client id), the person found by the employee-id claim. They only read, unless they carry
# the scope OIDC_API_WRITE_SCOPE (when set).
OIDC_API_BEARER = env_bool("OIDC_API_BEARER", True)
OIDC_API_AUDIENCE = env("OIDC_API_AUDIENCE", "")
OIDC_API_WRITE_SCOPE = env("OIDC_API_WRITE_SCOPE", "")
OIDC_API_LEEWAY_SECONDS = env_int("OIDC_API_LEEWAY_SECONDS", 30)
if SSO_ENABLED:
    if not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
        raise ImproperlyConfigured(
            "Single sign-on needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET with OIDC_ISSUER or "
            "OIDC_DISCOVERY_URL (see README, Single sign-on)."
        )
    AUTHENTICATION_BACKENDS.append("organisation.oidc.OIDCBackend")

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "sv"
# The product speaks Swedish whatever the browser asks for; msgids are English.
LANGUAGES = [("sv", _("Swedish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Without collectstatic (the local default), serve straight from the app directories.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Attachments are never served from MEDIA_URL (no route serves it): a view checks the
# reader's right first.
MEDIA_URL = "/_media-not-served/"
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_ALLOWED_EXTENSIONS = [
    "pdf", "docx", "xlsx", "odt", "ods", "pptx", "txt", "csv", "png", "jpg", "jpeg",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The largest request body taken at all: an attachment with its form around it.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", ATTACHMENT_MAX_BYTES + 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# HTTPS=true: served over HTTPS, behind the TLS-terminating proxy that sets
# X-Forwarded-Proto. Plain HTTP is then redirected to HTTPS, browsers are told to use nothing
# but HTTPS for a year (HSTS; HSTS_SECONDS, HSTS_INCLUDE_SUBDOMAINS) and the cookies travel
# over HTTPS only.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response (Django's ContentSecurityPolicyMiddleware):
# scripts and style sheets only from the app's own files, nothing inline but what is named
# below, no plugins, no other site may frame a page or receive a form.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    # A browser without the two directives below falls back to this one.
    "style-src": [CSP.SELF],
    # The system map's <style> (lines that darken for a pointed-at system) carries the nonce.
    "style-src-elem": [CSP.SELF, CSP.NONCE],
    # Style attributes stay allowed: the timeline places its bars and the system map sizes its
    # picture and colours its legend from the data, in percentages and colours no fixed set of
    # classes holds. An attribute can style an element; it cannot run script or load anything.
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    # With single sign-on, logging out is sent on to the provider's logout page.
    "form-action": [CSP.SELF, *([f"{urlsplit(OIDC_DISCOVERY_URL).scheme}://"
                                 f"{urlsplit(OIDC_DISCOVERY_URL).netloc}"]
                               if SSO_ENABLED else [])],
    "frame-ancestors": [CSP.NONE],
    # The API's Swagger UI and ReDoc pages (api.views.docs) keep this policy: their scripts
    # are the app's files and their style elements carry the nonce.
}

# Email through Django's mailers; the console backend by default, SMTP in production.
_email_backend = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if _email_backend == "django.core.mail.backends.smtp.EmailBackend":
    # Django's, which also tells the outbox which recipients the server refused.
    _email_backend = "tyreso_it.core.smtp.EmailBackend"
MAILERS = {"default": {"BACKEND": _email_backend}}
if _email_backend.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env("EMAIL_HOST_USER", ""),
        "password": env("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "IT-beställning <it-bestallning@tyreso.se>")

REDIS_URL = env("REDIS_URL", "")
# The cache never fails a page: with Redis away it answers as empty, asking Redis again every
# CACHE_COOLDOWN_SECONDS, and a connection or reply taking longer than CACHE_TIMEOUT_SECONDS
# counts as away. It keeps signed JSON, never pickles (tyreso_it.core.cache: the trust
# boundary). Every process (web, worker, beat) names its keys with the same prefix.
CACHE_TIMEOUT_SECONDS = env_float("CACHE_TIMEOUT_SECONDS", 0.25)
CACHE_COOLDOWN_SECONDS = env_float("CACHE_COOLDOWN_SECONDS", 5)
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", "tyreso-it")
CACHES = {
    "default": (
        {
            "BACKEND": "tyreso_it.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
                "cooldown": CACHE_COOLDOWN_SECONDS,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
              "KEY_PREFIX": CACHE_KEY_PREFIX}
    )
}
# Sessions are read from the cache and written through to the database, so a page does not
# query the session row. That needs a cache every web process shares: Redis in production
# (REDIS_URL; `manage.py check --deploy` warns without it). Without Redis the cache is the
# process's own, which is right for one web process (`make run`, the tests).
SESSION_ENGINE = "tyreso_it.core.sessions"  # cached_db, each session cached at most 5 minutes
# A login ends after SESSION_IDLE_SECONDS without a request (an hour) or SESSION_MAX_SECONDS
# after it began (a working day: ten hours, from an early start to a late meeting), whichever
# comes first (tyreso_it.core.middleware.SessionTimeoutMiddleware). The cookie lasts no longer.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 60 * 60)
SESSION_MAX_SECONDS = env_int("SESSION_MAX_SECONDS", 10 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = min(OIDC_RENEW_SECONDS, SESSION_IDLE_SECONDS)
# The request's user, permissions, departments and providers are kept in the cache too
# (organisation.access), which needs a cache every process shares: on with Redis.
ACCESS_CACHE = env_bool("ACCESS_CACHE", bool(REDIS_URL))
# The start of the access cache's keys: the same for every process of one installation (web
# and worker), another for another installation sharing the Redis.
ACCESS_CACHE_PREFIX = env("ACCESS_CACHE_PREFIX", "access")
# The IT chief's dashboard and an order's history are kept in the cache while the database
# stays as it was (tyreso_it.core.kept, PostgreSQL only); false builds them on every request.
KEPT_MARKUP = env_bool("KEPT_MARKUP", True)

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport, so the
# embedded default runs a worker and beat without any server.
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
# JSON only, never pickle: whoever can write to the broker must not run code in a worker.
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_EVENT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often the outbox is drained (seconds). Web requests never talk to the broker.
OUTBOX_DRAIN_INTERVAL = env_int("OUTBOX_DRAIN_INTERVAL", 15)
# Tries that reach the mail server and fail for the message's own sake (a recipient
# temporarily refused, say) before it is given up; a permanent refusal gives up at once, and a
# server that cannot be reached counts against no message.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 10)
# Retries wait this long at first, doubling up to the most (seconds), for as long as it takes.
OUTBOX_RETRY_MIN = 60
OUTBOX_RETRY_MAX = 3600
# How long a drain's claim on a message lasts (seconds): longer than one send can take, as
# each step of it waits at most EMAIL_TIMEOUT; a message whose worker died is sent again after.
OUTBOX_CLAIM_LEASE = 300
# Every message's Message-ID is made once, on this domain, and kept for every try.
OUTBOX_MESSAGE_ID_DOMAIN = urlsplit(SITE_URL).hostname or "localhost"
# The health check (`manage.py outbox_health`, scripts/healthcheck.py outbox) fails when the
# oldest pending message is older than this (seconds), or a message was given up in the last day.
OUTBOX_ALERT_AFTER = env_int("OUTBOX_ALERT_AFTER", 30 * 60)
OUTBOX_ALERT_FAILED_FOR = 24 * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Django's own console handler would print every line a second time.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Failed logins and lockouts are warnings; axes' INFO lines are housekeeping.
        "axes": {"level": "WARNING"},
    },
}

# Accessibility: who is told of a reported barrier, and how many reports an address may send
# an hour (and everyone together, against a flood).
ACCESSIBILITY_CONTACT_EMAIL = env("ACCESSIBILITY_CONTACT_EMAIL", "tillganglighet@tyreso.se")
ACCESSIBILITY_REPORTS_PER_ADDRESS_HOUR = env_int("ACCESSIBILITY_REPORTS_PER_ADDRESS_HOUR", 5)
ACCESSIBILITY_REPORTS_PER_HOUR = env_int("ACCESSIBILITY_REPORTS_PER_HOUR", 200)

# Orders: an order is "ageing" in the queue after this many days without a transition.
ORDER_AGEING_DAYS = env_int("ORDER_AGEING_DAYS", 14)
ORDER_PAGE_SIZE = 25
DELEGATION_THRESHOLD_SEK = env_int("DELEGATION_THRESHOLD_SEK", 100_000)

# Service catalogue: reminders this many days before each contract's notice date, each once.
CONTRACT_NOTICE_REMINDER_DAYS = tuple(
    int(days) for days in env_list("CONTRACT_NOTICE_REMINDER_DAYS", ["120", "60", "30"])
)

# The REST API (api/): Django REST framework with an OpenAPI schema (drf-spectacular).
# Who is asking is found by the classes in API_AUTHENTICATION_CLASSES, tried in order: the
# browser's session (with CSRF) and personal API tokens. Bearer tokens of the municipality's
# OpenID provider are the third (OIDC_API_BEARER); a token the product's own class does not
# recognise (it lacks the product's prefix) is left to the next class.
API_AUTHENTICATION_CLASSES = [
    "api.authentication.SessionAuthentication",
    "api.authentication.TokenAuthentication",
    # Does nothing unless SSO_ENABLED and OIDC_API_BEARER.
    "api.authentication.ProviderTokenAuthentication",
    *env_list("API_EXTRA_AUTHENTICATION_CLASSES", []),
]
# Requests per personal token (or per person, for the browser), per second, minute, hour or
# day; counted in the cache (Redis in production, so every web process counts together).
API_THROTTLE_RATE = env("API_THROTTLE_RATE", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": API_AUTHENTICATION_CLASSES,
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ApiAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_THROTTLE_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tyresö IT API",
    "DESCRIPTION": (
        "Orders, the service catalogue, the portfolio, Beslutsråd IT and the HUKI matrix, "
        "with exactly the rights of the person behind the request. Authenticate with the "
        "browser's session or a personal API token (`Authorization: Bearer <token>`, made on "
        "the page API tokens). Errors are RFC 9457 problem details "
        "(`application/problem+json`) in Swedish, or English with `Accept-Language: en`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.Order.Status",
        "OrderKindEnum": "orders.models.Order.Kind",
        "ServiceKindEnum": "servicecatalog.models.Service.Kind",
        "CommentKindEnum": "orders.models.Comment.Kind",
        "AgendaItemKindEnum": "board.models.AgendaItem.Kind",
        "ProjectStatusEnum": "portfolio.models.Project.Status",
        "MeetingStatusEnum": "board.models.Meeting.Status",
        "PlanStatusEnum": "servicecatalog.models.ManagementPlan.Status",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
}
