"""Production refuses to start without real secrets, addresses and its own cache database; `check --deploy` is clean."""

import pytest
from django.conf import settings

from kcsp.testing import import_production_settings
from kcsp.testing import manage_production as run_manage


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key_and_short_keys():
    for key in ("insecure-development-key-not-for-production", "short-key"):
        result = run_manage("check", SECRET_KEY=key)
        assert result.returncode != 0, key
        assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", ALLOWED_HOSTS=None)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("SITE_URL", None),
        ("SITE_URL", "http://kcsp.kent.gov.uk"),
        ("SITE_URL", "https://127.0.0.1:8000"),
        ("SITE_URL", "kcsp.kent.gov.uk"),
        ("DEFAULT_FROM_EMAIL", None),
        ("DEFAULT_FROM_EMAIL", ""),
        ("DEFAULT_FROM_EMAIL", "Kent Community Safety Partnership <kcsp@localhost>"),
        ("DEFAULT_FROM_EMAIL", "kcsp@example.org"),
        ("DEFAULT_FROM_EMAIL", "kcsp@mail.example"),
        ("DEFAULT_FROM_EMAIL", "not an address"),
        ("CACHE_URL", None),  # defaults to the database after REDIS_URL's: fine
        ("CACHE_URL", "redis://127.0.0.1:6379/0"),
        ("CACHE_URL", "redis://127.0.0.1/0"),
    ],
)
def test_production_refuses_placeholder_addresses_and_a_shared_redis_database(setting, value):
    result = import_production_settings(**{setting: value})
    if setting == "CACHE_URL" and value is None:
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode != 0, f"{setting}={value!r} was accepted"
    assert f"{setting} must" in result.stderr, result.stderr[-500:]


def test_production_starts_with_real_addresses():
    result = run_manage("check")
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_and_the_hsts_preload_decision_is_documented():
    result = run_manage("check", "--deploy")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (1 silenced)" in result.stdout, result.stdout + result.stderr
    assert "security.W021" in (settings.BASE_DIR / "README.md").read_text(), "say why preload is off"
    preloaded = run_manage("check", "--deploy", SECURE_HSTS_PRELOAD="true")
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
    result = run_manage("shell", "-c", probe, ALLOWED_HOSTS="kcsp.example.org", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    status, hsts, csp, cookies = result.stdout.strip().splitlines()[-4:]
    assert status == "200"
    assert hsts == "max-age=31536000; includeSubDomains"
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert cookies == "True True True True"


def test_tests_always_run_on_postgresql_and_redis():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")


@pytest.mark.django_db
def test_the_password_reset_e_mail_links_to_site_url_not_the_requests_host(client, make_user, settings, mailoutbox):
    settings.SITE_URL = "https://kcsp.kent.gov.uk/"
    user = make_user(email="reset@kent.gov.uk")
    client.post("/account/password/reset/", {"email": user.email}, HTTP_HOST="127.0.0.1")
    (mail,) = mailoutbox
    links = [line for line in mail.body.splitlines() if "://" in line]
    assert links and all(line.startswith("https://kcsp.kent.gov.uk/account/password/reset/") for line in links), links
