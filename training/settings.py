"""Settings of Vigil, read from the environment (django-environ).

With no variable set, Vigil runs embedded: SQLite beside the code and grading executed
in-process (Celery eager). Production sets DJANGO_DEBUG=false, DJANGO_SECRET_KEY,
DATABASE_URL (PostgreSQL) and REDIS_URL (the Celery broker), and refuses to start without
a secret key.
"""
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from training.storage_settings import file_storages, s3_options

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
    SECRET_KEY = "insecure-embedded-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

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
    "drf_spectacular_sidecar",  # Swagger UI's files, served by the site (no CDN)
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "accounts",
    "schools",
    "djangosaml2",
    "sso",
    "courses",
    "progress",
    "quizzes",
    "cohorts",
    "lti",
    "studio",
    "administration",
    "privacy",
    "registry",
    "xapi",
    "observatory",
    "demo",
]
# The cross-school observatory publishes a count only when it comes from at least this many
# schools and this many reports (docs/observatory.md).
VIGIL_OBSERVATORY_K = env.int("VIGIL_OBSERVATORY_K", default=5)

# Benchmarks only (bench/README.md): a bare one-row endpoint beside the real ones.
VIGIL_BENCH = env.bool("VIGIL_BENCH", default=False)
if VIGIL_BENCH:
    INSTALLED_APPS.append("bench.bareapp")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "training.admission.AdmissionMiddleware",  # before sessions: a saturated web answers "queue" at once
    "lti.middleware.LtiEmbeddedCookiesMiddleware",  # before sessions: sees the cookies they set
    "django.contrib.sessions.middleware.SessionMiddleware",
    "djangosaml2.middleware.SamlSessionMiddleware",  # request.saml_session: the SSO requests outstanding
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "training.permissions.RulesCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "privacy.middleware.PrivacyNoticeMiddleware",  # a new privacy notice before any page
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
]

# Admission control (training/admission.py), off until set: a request that waited longer than
# this in front of the process (X-Request-Start from the proxy), or beyond this many at once in
# one process, gets the queue answer (503, Retry-After of this many to twice as many seconds).
VIGIL_ADMISSION_MAX_QUEUE_MS = env.int("VIGIL_ADMISSION_MAX_QUEUE_MS", default=0)
VIGIL_ADMISSION_MAX_CONCURRENT = env.int("VIGIL_ADMISSION_MAX_CONCURRENT", default=0)
VIGIL_ADMISSION_RETRY_AFTER_SECONDS = env.int("VIGIL_ADMISSION_RETRY_AFTER_SECONDS", default=5)

ROOT_URLCONF = "training.urls"
WSGI_APPLICATION = "training.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# First django-axes, which refuses any sign-in during a lockout (the right password too); then
# who may do what: the rules of schools/rules.py (object permissions); then passwords (Django's
# backend, refusing the members of a school that allows single sign-on only) and SAML (sso/).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "sso.backends.LocalPasswordBackend",
    "sso.backends.SchoolSaml2Backend",
]

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
                "django.template.context_processors.i18n",
                "schools.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'vigil.sqlite3'}"),
}
# Reusing connections matters: a new connection per request costs several times the write.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Opt-in connection pool of each process (Django's native psycopg pool): with many web
# processes, or an exam start where hundreds of requests arrive at once, each process keeps
# at most DJANGO_DB_POOL_MAX_SIZE connections and a request waits (up to
# DJANGO_DB_POOL_TIMEOUT seconds) for a free one instead of PostgreSQL refusing a new one.
# A pool replaces persistent connections (Django refuses both), so CONN_MAX_AGE becomes 0.
DB_POOL_MAX_SIZE = env.int("DJANGO_DB_POOL_MAX_SIZE", default=0)
if DB_POOL_MAX_SIZE and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(env.int("DJANGO_DB_POOL_MIN_SIZE", default=1), DB_POOL_MAX_SIZE),
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": env.float("DJANGO_DB_POOL_TIMEOUT", default=10.0),
    }
# Behind pgbouncer in transaction mode (DJANGO_DB_PGBOUNCER=true), consecutive transactions of
# one Django connection may run on different server connections: no server-side cursors
# (QuerySet.iterator() would open one outside a transaction) and no prepared statements
# (psycopg prepares a query it sees often, on one server connection only).
if env.bool("DJANGO_DB_PGBOUNCER", default=False) and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Otherwise PostgreSQL may keep prepared statements, and only the queries compiled once
    # (training/compiled.py: the answer submit's lookups) ask for it: every other query binds
    # its values on the client, which psycopg never prepares, and no count reaches this one.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2**31 - 1)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Files only the staff who may see them download, through a view that checks who asks and
# records it (cohort exports, research extracts): never under MEDIA_ROOT, which DEBUG and a
# production web server serve to anyone who has the address.
PRIVATE_FILES_ROOT = Path(env("DJANGO_PRIVATE_FILES_ROOT", default=str(BASE_DIR / "private")))
# Across machines, an S3-compatible bucket every web and worker host reaches holds both
# (training/storage_settings.py): VIGIL_S3_BUCKET, and for a store other than AWS its
# VIGIL_S3_ENDPOINT_URL; keys from VIGIL_S3_ACCESS_KEY_ID/VIGIL_S3_SECRET_ACCESS_KEY or boto3's own chain.
VIGIL_S3_BUCKET = env("VIGIL_S3_BUCKET", default="")
STORAGES = file_storages(private_root=PRIVATE_FILES_ROOT, s3=VIGIL_S3_BUCKET and s3_options(
    bucket=VIGIL_S3_BUCKET, endpoint_url=env("VIGIL_S3_ENDPOINT_URL", default=""),
    region=env("VIGIL_S3_REGION", default=""), access_key=env("VIGIL_S3_ACCESS_KEY_ID", default=""),
    secret_key=env("VIGIL_S3_SECRET_ACCESS_KEY", default=""),
    addressing_style=env("VIGIL_S3_ADDRESSING_STYLE", default=""),
))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's three, with a JSON parser that refuses deep nesting and text that cannot be stored.
    "DEFAULT_PARSER_CLASSES": [
        "training.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "training.api_errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Scoped throttles only: a view opts in with throttle_scope (the public attestation check,
    # API and page alike); the pages count with training.throttles on the same machinery.
    "DEFAULT_THROTTLE_RATES": {
        "attestation_verify": env("VIGIL_VERIFY_RATE", default="60/minute"),
        # Password reset requests (accounts.views): per e-mail address, per client address.
        "password_reset_email": env("VIGIL_PASSWORD_RESET_RATE", default="5/hour"),
        "password_reset_ip": env("VIGIL_PASSWORD_RESET_IP_RATE", default="20/hour"),
    },
    # Who the client is, for every throttle and the sign-in lockout (training.throttles.client_ip):
    # X-Forwarded-For is believed only behind this many proxies of our own, each appending the
    # address it saw; 0 (the default) counts REMOTE_ADDR, so a forged header changes nothing.
    "NUM_PROXIES": env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0),
}
# The cache holds the throttles' counters. Local memory (per process) unless DJANGO_CACHE_URL
# is set; with several web processes, point it at Redis (redis://host:6379/1) to share them.
CACHES = {"default": env.cache("DJANGO_CACHE_URL", default="locmemcache://")}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vigil API",
    "DESCRIPTION": "AI-literacy training for clinicians: courses, cases, grading, cohort reliance.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the pinned package drf-spectacular-sidecar, never a CDN (works offline).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge image from swagger.io (it would send the schema's address to a third party).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Every operation's shared error answers (403, 404, 400) in the one error shape.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "training.api_schema.add_error_responses",
    ],
}

# Content-Security-Policy (django-csp) on every response: scripts and styles only from the
# site's own files, so an injected inline script, handler or style attribute does not run;
# nothing from another site; no plugins; forms post to the site only. Per-view relaxations
# with csp.decorators (the API docs allow data: images). VIGIL_CSP_FRAME_ANCESTORS lists who
# may frame the pages (an LMS, for LTI: "'self',https://lms.example"; browsers then ignore
# X-Frame-Options); VIGIL_CSP_REPORT_URI, if set, receives the browsers' violation reports.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": env.list("VIGIL_CSP_FRAME_ANCESTORS", default=[NONE]),
    },
}
if env("VIGIL_CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [env("VIGIL_CSP_REPORT_URI")]

# Sign-in lockout (django-axes, in the database so every web process sees it): after
# VIGIL_SIGNIN_FAILURE_LIMIT wrong passwords for one username from one client address, every
# sign-in page (the site's, the browsable API's, the admin's) refuses that username from that
# address, the right password included, for VIGIL_SIGNIN_COOLOFF_MINUTES after the last
# failure. A success below the limit clears the count. An admin lifts a lockout early in the
# Django admin (Axes > Access attempts) or with `manage.py axes_reset_username USERNAME`.
AXES_FAILURE_LIMIT = env.int("VIGIL_SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("VIGIL_SIGNIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # not username alone: no locking others out
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "training.throttles.client_ip"  # the throttles' rule (NUM_PROXIES)
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # failures are kept; no row of address and browser per sign-in

# Single sign-on (SAML 2.0, sso/ with djangosaml2 and pysaml2). Each school is its own service
# provider, configured per request from the database (sso.saml_config). VIGIL_SAML_KEY_FILE and
# VIGIL_SAML_CERT_FILE (PEM, one pair for every school) sign the requests and let identity
# providers encrypt assertions; without them requests go unsigned. VIGIL_SAML_BASE_URL fixes
# the address in the entity ids (https://vigil.example) instead of the request's host.
SAML_CONFIG_LOADER = "sso.saml_config.config_for_request"
SAML_XMLSEC_BINARY = env("VIGIL_XMLSEC1", default="/usr/bin/xmlsec1")
VIGIL_SAML_KEY_FILE = env("VIGIL_SAML_KEY_FILE", default="")
VIGIL_SAML_CERT_FILE = env("VIGIL_SAML_CERT_FILE", default="")
VIGIL_SAML_BASE_URL = env("VIGIL_SAML_BASE_URL", default="")
VIGIL_SAML_CLOCK_SKEW_SECONDS = env.int("VIGIL_SAML_CLOCK_SKEW_SECONDS", default=60)
VIGIL_SAML_METADATA_TIMEOUT_SECONDS = env.int("VIGIL_SAML_METADATA_TIMEOUT_SECONDS", default=60)
SAML_CSP_HANDLER = ""  # the login view allows its one identity provider's origin itself
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
SAML_IGNORE_AUTHENTICATED_USERS_ON_LOGIN = True
SAML_LOGOUT_REQUEST_PREFERRED_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_SESSION_COOKIE_NAME = "vigil_saml"
ACS_DEFAULT_REDIRECT_URL = "home"

# Celery. Without REDIS_URL, grading runs in-process (eager): the embedded default.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message for another
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=4)
CELERY_TASK_TIME_LIMIT = 60
CELERY_TASK_SOFT_TIME_LIMIT = 45
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that lost the broker waits for it however long it is away (Celery gives up after
# 100 attempts, about 50 minutes, by default); the supervisor (deploy/) restarts it if it stops.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Socket timeouts: a frozen broker must not hang a submit (the sweeper covers the miss).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600, "socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# kombu's Redis transport with the repairs that keep a worker alive when the broker goes away
# while a message is unacknowledged (training/broker.py); other schemes keep kombu's own.
CELERY_BROKER_TRANSPORT = "training.broker:Transport" if urlparse(REDIS_URL).scheme in ("redis", "rediss") else None
CELERY_BEAT_SCHEDULE = {
    "sweep-ungraded-responses": {
        "task": "quizzes.sweep_ungraded_responses",
        "schedule": timedelta(seconds=env.int("VIGIL_SWEEP_EVERY_SECONDS", default=60)),
    },
    "sweep-export-jobs": {
        "task": "cohorts.sweep_export_jobs",
        "schedule": timedelta(seconds=env.int("VIGIL_SWEEP_EVERY_SECONDS", default=60)),
    },
    "sweep-import-jobs": {
        "task": "courses.sweep_import_jobs",
        "schedule": timedelta(seconds=env.int("VIGIL_SWEEP_EVERY_SECONDS", default=60)),
    },
    "sweep-regrade-jobs": {
        "task": "quizzes.sweep_regrade_jobs",
        "schedule": timedelta(seconds=env.int("VIGIL_SWEEP_EVERY_SECONDS", default=60)),
    },
    "sweep-data-exports": {
        "task": "privacy.sweep_data_exports",
        "schedule": timedelta(seconds=env.int("VIGIL_SWEEP_EVERY_SECONDS", default=60)),
    },
    # Once a day: warn a school's admins of an automatic erasure, then carry it out on the day.
    "apply-retention": {"task": "privacy.apply_retention", "schedule": timedelta(days=1)},
    # LTI grade passback: queue the final grades new or changed, resend those left pending.
    "sweep-lti-passbacks": {
        "task": "lti.sweep_passbacks",
        "schedule": timedelta(seconds=env.int("VIGIL_SWEEP_EVERY_SECONDS", default=60)),
    },
    # LTI roster: every LMS course's members synced into its cohort.
    "sync-lti-rosters": {
        "task": "lti.sync_rosters",
        "schedule": timedelta(seconds=env.int("VIGIL_LTI_ROSTER_EVERY_SECONDS", default=6 * 3600)),
    },
    "sweep-xapi-outbox": {
        "task": "xapi.sweep_outbox",
        "schedule": timedelta(seconds=env.int("VIGIL_SWEEP_EVERY_SECONDS", default=60)),
    },
}
# Keep the database connection of a worker across tasks (Celery closes it otherwise).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)

# A response still ungraded this long after its submit is re-enqueued by the sweeper.
VIGIL_GRADING_TIMEOUT = timedelta(seconds=env.int("VIGIL_GRADING_TIMEOUT_SECONDS", default=120))
# Export jobs one staff member may have waiting or being written at once, and request per hour.
VIGIL_EXPORTS_AT_ONCE = env.int("VIGIL_EXPORTS_AT_ONCE", default=3)
VIGIL_EXPORTS_PER_HOUR = env.int("VIGIL_EXPORTS_PER_HOUR", default=30)
# Uploads (course packages, Moodle XML and GIFT files) larger than this are imported by a
# background job with a progress page, not within the request (a 49 MiB bank takes ~90 s).
VIGIL_IMPORT_IN_REQUEST_BYTES = env.int("VIGIL_IMPORT_IN_REQUEST_BYTES", default=1024 * 1024)

# xAPI statements (docs/xapi.md): the IRI prefix of Vigil's activities, the statements per
# POST, how long a delivery holds the rows it is posting, the backoff between tries of a
# statement the LRS did not take (doubling from the base, at most the cap), the HTTP timeout.
VIGIL_XAPI_ACTIVITY_BASE = env("VIGIL_XAPI_ACTIVITY_BASE", default="https://vigil.invalid/xapi")
VIGIL_XAPI_BATCH = env.int("VIGIL_XAPI_BATCH", default=50)
VIGIL_XAPI_LEASE = timedelta(seconds=env.int("VIGIL_XAPI_LEASE_SECONDS", default=120))
VIGIL_XAPI_BACKOFF_BASE_SECONDS = env.int("VIGIL_XAPI_BACKOFF_BASE_SECONDS", default=5)
VIGIL_XAPI_BACKOFF_CAP_SECONDS = env.int("VIGIL_XAPI_BACKOFF_CAP_SECONDS", default=3600)
VIGIL_XAPI_HTTP_TIMEOUT = env.int("VIGIL_XAPI_HTTP_TIMEOUT_SECONDS", default=10)
# LRS hosts the operators allow on a private network or over plain http (names, or
# "*.domain" for its subdomains; comma-separated). Any other LRS must be https on a host
# whose addresses are all public (xapi/hosts.py, docs/xapi.md).
VIGIL_XAPI_ALLOWED_HOSTS = env.list("VIGIL_XAPI_ALLOWED_HOSTS", default=[])

# LTI registrations (lti/registration_rules.py): an LMS's issuer and URLs over plain HTTP are
# accepted only for a loopback host, and only with this on (DEBUG: a platform on the
# developer's machine, the tests' platform on 127.0.0.1).
VIGIL_LTI_ALLOW_HTTP_LOOPBACK = env.bool("VIGIL_LTI_ALLOW_HTTP_LOOPBACK", default=DEBUG)

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Production: DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and these.
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("DJANGO_EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Vigil <no-reply@localhost>")
# How long the link of an invitation to set one's password stays valid (days).
VIGIL_INVITATION_DAYS = env.int("VIGIL_INVITATION_DAYS", default=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # HTTPS is the deployer's to switch on (the benchmarks run production settings over plain
    # HTTP on 127.0.0.1): behind a TLS proxy that sets X-Forwarded-Proto, trust it, redirect
    # plain HTTP, and send HSTS once the whole site is served over HTTPS.
    if env.bool("DJANGO_TRUST_X_FORWARDED_PROTO", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=False)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)

# SQLite ignores deferrable unique constraints; PostgreSQL (production, CI) enforces them.
SILENCED_SYSTEM_CHECKS = ["models.W038"]

# The identity provider posts its answer from its own site: the SAML session cookie goes with
# that cross-site POST only as SameSite=None, which browsers accept on Secure cookies only.
SAML_SESSION_COOKIE_SAMESITE = "None" if globals().get("SESSION_COOKIE_SECURE") else "Lax"
