"""Base settings, read from the environment in this one place (django-environ)."""

import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def redis_next_database(url: str) -> str:
    """The same Redis server, next database number: redis://h:6379/0 -> redis://h:6379/1 (wraps at 16)."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(number + 1) % 16}"))


env = environ.Env()
if env.bool("KCSP_READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "kcsp.apps.PartnershipAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "rules",
    "django_celery_results",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "kcsp.apps.KcspConfig",
    "kcsp.governance.apps.GovernanceConfig",
    "meetings",
    "agreement",
    "grants",
    "dhr",
    "search",
    "notifications",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Public pages for visitors who are not signed in, from the cache (see kcsp/pagecache.py).
    "kcsp.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # One access-log row for every request that touched DHR content, whichever view served it (dhr/gate.py).
    "dhr.gate.DhrAccessLogMiddleware",
    # The protective marking on every page that loaded restricted or DHR material (kcsp/marking.py).
    "kcsp.marking.ProtectiveMarkingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kcsp.urls"
WSGI_APPLICATION = "kcsp.wsgi.application"

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
                "kcsp.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/kcsp")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "kcsp.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out sign-in is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # django-rules, deciding its own permissions alone (kcsp/rules_backend.py); ModelBackend for the rest.
    "kcsp.rules_backend.RuleDecidesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Sign-in lockout (django-axes): five wrong passwords for one e-mail address from one address lock that
# pair out for the cool-off; a right password before then clears the count. Locking on the pair keeps a
# stranger from locking a colleague out from elsewhere, and a shared office address from locking everyone.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field; axes would otherwise look for "email"
# Every spelling of an address (case, surrounding spaces, Unicode compatibility forms) is one identity.
AXES_USERNAME_CALLABLE = "kcsp.identity.lockout_identity"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kcsp.views.locked_out"
AXES_ENABLE_ADMIN = False  # unlock with `manage.py axes_reset_username <e-mail>`
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): nothing inline, nothing from elsewhere. Scripts are modules in
# static/kcsp/; styles come from the compiled stylesheet only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Uploads live outside the web root and are only ever served by views that
# check permission: there is deliberately no MEDIA_URL route.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/no-public-media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Kent Community Safety Partnership <kcsp@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# 360Giving publication of funded grants: identifiers are prefixed with the partnership's registered prefix.
GRANTS_360_PREFIX = env("GRANTS_360_PREFIX", default="360G-kcsp")
GRANTS_FUNDER_ID = env("GRANTS_FUNDER_ID", default="360G-kcsp")
GRANTS_FUNDER_NAME = env("GRANTS_FUNDER_NAME", default="Kent Community Safety Partnership")

# History is for reading: reverting a user from the admin could restore lost privileges.
SIMPLE_HISTORY_REVERT_DISABLED = True

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# Widgets crispy-forms-gds leaves unstyled get GOV.UK's input class (time: 5 characters wide, like "10:00").
CRISPY_CLASS_CONVERTERS = {
    "timeinput": "govuk-input govuk-input--width-5",
    "numberinput": "govuk-input govuk-input--width-10",
    "urlinput": "govuk-input",
}

# Celery: every time limit and retry rule lives here, not in the tasks.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker process warms up for pack builds when it starts (meetings/packbuild/warm.py: a few seconds on a busy
# machine), longer than Celery's default 4 s wait for a new process.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 30
PACK_WORKER_WARM_UP = env.bool("PACK_WORKER_WARM_UP", default=True)
# A task whose worker died unacknowledged is handed out again after this long (it must exceed the
# longest countdown, see PACK_REBUILD_DELAY_SECONDS). A worker that only loses a child process
# re-queues at once (reject on worker lost).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TIMEZONE = TIME_ZONE

# Queues by kind of work, so a long run of PDF builds never holds up an e-mail (README, "Deployment": one worker
# per queue, `celery -A kcsp worker -Q packs`). A worker started without -Q consumes all three. Every task of ours
# is routed here by name (module globs for modules of one kind); kcsp/tests/test_queues.py fails on a task left
# out. Beat's scheduled tasks are routed by these same rules when beat sends them.
CELERY_TASK_DEFAULT_QUEUE = "default"
# Each queue its own direct exchange and routing key (as Celery makes a queue it creates itself): a bare Queue(name)
# would bind all three to the default exchange with the routing key "default", so a message sent by that exchange
# would reach every queue.
CELERY_TASK_QUEUES = tuple(Queue(name, Exchange(name), routing_key=name) for name in ("packs", "email", "default"))
CELERY_TASK_ROUTES = {
    # "packs": agenda pack builds, and the other PDFs rendered by the same machinery (WeasyPrint).
    "meetings.tasks.pack_build_task": {"queue": "packs"},
    "meetings.tasks.signed_minutes_render_task": {"queue": "packs"},
    "meetings.tasks.signed_minutes_retag_task": {"queue": "packs"},
    "agreement.tasks.plan_pdf_task": {"queue": "packs"},
    "kcsp.tasks.render_check_task": {"queue": "packs"},
    # "email": every task whose work is sending e-mail.
    "notifications.tasks.*": {"queue": "email"},
    "meetings.tasks.chair_agreement_mail_task": {"queue": "email"},
    "dhr.tasks.overdue_digest_task": {"queue": "email"},
    # "default": short housekeeping.
    "meetings.tasks.packs_resend_task": {"queue": "default"},
    "kcsp.tasks.kept_copies_expire_task": {"queue": "default"},
    "kcsp.governance.tasks.disposal_list_make_task": {"queue": "default"},
    "kcsp.governance.tasks.disposal_run": {"queue": "default"},
    "kcsp.governance.tasks.disposal_resend_task": {"queue": "default"},
}

# Schedules (exactly one `celery beat` runs them). Notices are idempotent, so a rerun sends nothing twice;
# pack requests are kept in PostgreSQL and re-sent here if the broker lost or never received them.
CELERY_BEAT_SCHEDULE = {
    "packs-resend-pending": {"task": "meetings.tasks.packs_resend_task", "schedule": 300.0},
    "signed-minutes-retag": {
        "task": "meetings.tasks.signed_minutes_retag_task",
        "schedule": crontab(hour=2, minute=45),
    },
    "reader-copies-expire": {"task": "kcsp.tasks.kept_copies_expire_task", "schedule": crontab(hour=3, minute=30)},
    "action-reminders": {
        "task": "notifications.tasks.action_reminders_task",
        "schedule": crontab(hour=7, minute=0),
    },
    "plan-update-reminders": {
        "task": "notifications.tasks.plan_update_reminders_task",
        "schedule": crontab(hour=7, minute=10),
    },
    "terms-review-reminders": {
        "task": "notifications.tasks.terms_review_reminders_task",
        "schedule": crontab(hour=7, minute=20, day_of_week="mon"),
    },
    "dhr-overdue-digest": {
        "task": "dhr.tasks.overdue_digest_task",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    # Issue 20: the records past their retention period, listed for the data protection officer's review.
    "disposal-list-make": {
        "task": "kcsp.governance.tasks.disposal_list_make_task",
        "schedule": crontab(day_of_month=1, hour=4, minute=15),
    },
    # Approved disposals the broker never got (it was down) or a dead worker held are sent again.
    "disposal-resend": {"task": "kcsp.governance.tasks.disposal_resend_task", "schedule": 900.0},
}

# The address links in e-mails and feeds start with (no request is at hand in a scheduled task).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# The issuer shown in authenticator apps next to the account name.
OTP_TOTP_ISSUER = "Kent Community Safety Partnership"
# Wrong one-time codes: delays of factor x 1, 2, 4 ... seconds per person, never more than the cap
# (kcsp/otp.py); a right code on any of the person's devices clears them.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
TWO_FACTOR_MAX_DELAY_SECONDS = env.int("TWO_FACTOR_MAX_DELAY_SECONDS", default=60)
# Wrong one-time codes in a row after which each further try waits an hour (kcsp/otp.py): stops guessing.
TWO_FACTOR_SLOW_AFTER = env.int("TWO_FACTOR_SLOW_AFTER", default=20)
TWO_FACTOR_SLOW_DELAY_SECONDS = env.int("TWO_FACTOR_SLOW_DELAY_SECONDS", default=3600)
# A first authenticator app needs an enrolment code (kcsp/enrolment.py), valid this long.
ENROLMENT_CODE_HOURS = env.int("ENROLMENT_CODE_HOURS", default=72)

# The protective marking of restricted and Domestic Homicide Review material, and the handling line shown with it
# on every page, PDF, file, export and e-mail that carries such material (kcsp/marking.py).
PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
HANDLING_LINE = env("HANDLING_LINE", default="Not for onward distribution without the partnership's agreement")

# Public pages are kept this long at most for visitors who are not signed in; any change to a record
# empties the page cache at once (kcsp/pagecache.py). 0 switches the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# Parts of signed-in pages are kept this long at most, per viewer's rights (kcsp/fragments.py); any change to a
# record empties them at once, as it does the page cache. 0 switches fragment caching off.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=300)
# The page cache lives in its own Redis database (by default the one after the broker's), so emptying or
# filling it never touches Celery's queues; production refuses a CACHE_URL equal to REDIS_URL.
CACHE_URL = env("CACHE_URL", default=redis_next_database(REDIS_URL))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "kcsp",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}

# Packs rebuild this long after the last change to a published agenda (debounce).
PACK_REBUILD_DELAY_SECONDS = env.int("PACK_REBUILD_DELAY_SECONDS", default=20)

# When true, every pack built is read back and checked (kcsp.pdfstructure); the tests turn it on.
PACK_STRUCTURE_CHECK = False

# Told to the user on start and on the system status page.
KCSP_DATABASE_NOTE = env("KCSP_DATABASE_NOTE", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every render step at INFO; axes every sign-in (failures are WARNINGs).
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "axes")},
}

# The OParl API (api/): Django REST framework, its OpenAPI document generated by drf-spectacular, the reader's
# assets from drf-spectacular-sidecar's static files (never a CDN: our CSP allows only our own origin).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.PublicRate", "api.throttles.TokenRate"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    # The rate limit's address: REMOTE_ADDR unless told how many proxies in front set X-Forwarded-For (then the
    # address that many hops back); never the client's own X-Forwarded-For, which would dodge the limit.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}
API_RATES = {"anon": env("API_RATE_PUBLIC", default="600/minute"), "user": env("API_RATE_TOKEN", default="1200/minute")}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kent Community Safety Partnership: OParl 1.1 API",
    "DESCRIPTION": "Meetings, agendas, papers, minutes and packs as OParl 1.1 (https://oparl.org). Read-only. "
    "The public sees what the public site shows; an API token (Account, API tokens) sees what its owner sees. "
    "Domestic Homicide Review material is never here.",
    "VERSION": "1.1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No deep links: Swagger UI puts them inside each operation's button (axe: nested-interactive, WCAG 4.1.2).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["api.schema_hooks.oparl_required"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
