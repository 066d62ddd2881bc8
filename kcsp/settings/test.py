"""Test settings: always PostgreSQL and Redis on this machine, Celery eager unless a test starts a worker."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key-that-is-long-enough-for-django-checks-0123456789"
DATABASES = {"default": env.db("TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/kcsp")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
# Fault tests start real worker and web processes with these switched by the environment.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
PACK_REBUILD_DELAY_SECONDS = 0
# Every pack a test builds is read back and checked for PDF/UA structure (kcsp.pdfstructure, issue 19).
PACK_STRUCTURE_CHECK = True
# Workers started by fault tests start at once; the warm-up only saves time on a worker's first pack build.
PACK_WORKER_WARM_UP = env.bool("PACK_WORKER_WARM_UP", default=False)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# bench/load.py and bench/profile.py serve their signed-in floor from bench/urls.py (the product's URLs plus it).
ROOT_URLCONF = env("BENCH_URLCONF", default=ROOT_URLCONF)  # noqa: F405
# Fault tests give a fresh worker a short visibility timeout, so a killed worker's task comes back quickly.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_RESTORE_THROTTLE", default=10),
}
# The page cache is off in tests (its own tests switch it on): pages must show each test's own data.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0)
# Fragments likewise (kcsp/tests/test_fragments.py switches them on): a test's writes commit only at its end.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=0)
CACHES = {"default": {**CACHES["default"], "LOCATION": REDIS_URL}}  # noqa: F405
# The walking tests ask the API hundreds of times a minute from one address; api/tests lower these to test 429.
API_RATES = {"anon": "100000/minute", "user": "100000/minute"}
