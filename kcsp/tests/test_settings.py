"""Production settings refuse to start without real secrets and pass `check --deploy`."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

REAL_KEY = secrets.token_urlsafe(64)


def run_manage(*args, **env):
    dropped = ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environ = {k: v for k, v in os.environ.items() if k not in dropped}
    environ.update(DJANGO_SETTINGS_MODULE="kcsp.settings.production", KCSP_READ_DOT_ENV="false", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", ALLOWED_HOSTS="kcsp.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key_and_short_keys():
    for key in ("insecure-development-key-not-for-production", "short-key"):
        result = run_manage("check", SECRET_KEY=key, ALLOWED_HOSTS="kcsp.example.org")
        assert result.returncode != 0, key
        assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", SECRET_KEY=REAL_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_and_the_hsts_preload_decision_is_documented():
    result = run_manage("check", "--deploy", SECRET_KEY=REAL_KEY, ALLOWED_HOSTS="kcsp.example.org")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (1 silenced)" in result.stdout, result.stdout + result.stderr
    assert "security.W021" in (settings.BASE_DIR / "README.md").read_text(), "say why preload is off"
    preloaded = run_manage(
        "check", "--deploy", SECRET_KEY=REAL_KEY, ALLOWED_HOSTS="kcsp.example.org", SECURE_HSTS_PRELOAD="true"
    )
    assert "System check identified no issues (0 silenced)" in preloaded.stdout, preloaded.stdout + preloaded.stderr


def test_production_sends_hsts_csp_and_secure_cookies():
    probe = (
        "from django.test import Client, override_settings; from django.conf import settings as s; "
        "plain = {'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}; "
        "r = override_settings(STORAGES={**s.STORAGES, **plain})(Client().get)("
        "'/accessibility/', secure=True, headers={'host': 'kcsp.example.org'}); "
        "print(r.status_code); print(r['Strict-Transport-Security']); print(r['Content-Security-Policy']); "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT)"
    )
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    result = run_manage("shell", "-c", probe, SECRET_KEY=REAL_KEY, ALLOWED_HOSTS="kcsp.example.org", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    status, hsts, csp, cookies = result.stdout.strip().splitlines()[-4:]
    assert status == "200"
    assert hsts == "max-age=31536000; includeSubDomains"
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert cookies == "True True True True"


def test_tests_always_run_on_postgresql_and_redis():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
