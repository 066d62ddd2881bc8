"""Sign-in lockout, session expiry and the Content-Security-Policy header, as a visitor meets them."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from kcsp import roles

SIGN_IN = "/account/sign-in/"


def sign_in(client, email, password, address="192.0.2.10"):
    return client.post(SIGN_IN, {"username": email, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_that_address_and_account_out_for_the_cool_off(make_user):
    user = make_user(roles.MEMBER)
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, user.email, f"wrong-{attempt}")
        assert response.status_code == 200
        assert "Enter a correct e-mail address and password" in response.content.decode()
    locked = sign_in(client, user.email, "wrong-again")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Sign-in locked for 15 minutes" in page
    assert "entered wrongly 5 times" in page and "reset your password" in page
    # Even the right password is refused while locked, and nobody is signed in.
    refused = sign_in(client, user.email, PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session

    # The same account from another address, and another account from this one, still sign in.
    assert sign_in(Client(), user.email, PASSWORD, address="198.51.100.7").status_code == 302
    other = make_user(roles.MEMBER)
    assert sign_in(Client(), other.email, PASSWORD).status_code == 302

    # After the cool-off the lock lifts by itself.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(1))
    assert sign_in(client, user.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_right_password_before_the_limit_clears_the_count(make_user):
    user = make_user(roles.OFFICER)
    for _ in range(3):
        for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            assert sign_in(Client(), user.email, f"wrong-{attempt}").status_code == 200
        assert sign_in(Client(), user.email, PASSWORD).status_code == 302, "a busy user is never locked out"


@pytest.mark.django_db
def test_sign_in_lasts_eight_hours_at_most_and_ends_with_the_browser(make_user):
    user = make_user(roles.MEMBER)
    client = Client()
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"], "a browser-session cookie: gone when the browser closes"
    session = Session.objects.get(session_key=cookie.value)
    lasts = session.expire_date - timezone.now()
    assert datetime.timedelta(hours=7, minutes=59) < lasts <= datetime.timedelta(hours=8)
    assert client.get("/account/").status_code == 200

    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    expired = client.get("/account/")
    assert expired.status_code == 302 and expired["Location"].startswith(SIGN_IN)


@pytest.mark.django_db
def test_every_page_sends_a_policy_with_nothing_inline_or_from_elsewhere(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


@pytest.mark.django_db
def test_changing_case_spaces_or_unicode_form_of_the_address_gets_no_fresh_guesses(make_user):
    user = make_user(roles.OFFICER, email="officer@kcsp.test")
    spellings = [
        " Officer@Kcsp.Test ",
        "officer@kcsp.test",
        "OFFICER@KCSP.TEST",
        "\u00a0Ｏfficer@kcsp.test",
        "officer@kcsp.test",
    ]
    for attempt, spelling in enumerate(spellings[: settings.AXES_FAILURE_LIMIT - 1]):
        assert sign_in(Client(), spelling, f"wrong-{attempt}").status_code == 200, spelling
    assert sign_in(Client(), spellings[-1], "wrong-last").status_code == 429
    for spelling in spellings:
        assert sign_in(Client(), spelling, PASSWORD).status_code == 429, f"{spelling!r} should be locked out too"
    # The lock is for that address: the same account from elsewhere still signs in, in any spelling.
    assert sign_in(Client(), "OFFICER@kcsp.test ", PASSWORD, address="198.51.100.7").status_code == 302
    assert AccessAttempt.objects.filter(username="officer@kcsp.test").count() == 1
    assert user.email == "officer@kcsp.test"


@pytest.mark.django_db
def test_sign_in_accepts_the_address_in_any_case_with_spaces_or_in_compatibility_forms(make_user):
    make_user(roles.MEMBER, email="member@kcsp.test")
    for spelling in (" Member@KCSP.test ", "ＭＥＭＢＥＲ@kcsp.test"):
        response = sign_in(Client(), spelling, PASSWORD)
        assert response.status_code == 302, spelling
