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


def test_check_deploy_warns_only_of_what_the_readme_explains():
    result = run_manage("check", "--deploy", SECRET_KEY=REAL_KEY, ALLOWED_HOSTS="kcsp.example.org")
    assert result.returncode == 0, result.stderr
    warnings = {line.split(")")[0].split("(")[-1] for line in result.stderr.splitlines() if line.startswith("?: (")}
    explained = {"security.W021"}
    assert warnings <= explained, warnings
    readme = (settings.BASE_DIR / "README.md").read_text()
    for warning in explained:
        assert warning in readme


def test_tests_always_run_on_postgresql_and_redis():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
