"""Backup codes (kcsp/backupcodes.py): made when the first app is confirmed, shown once, each works once, renewable."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from kcsp import roles
from kcsp.backupcodes import BACKUP_CODES_COUNT, backup_codes_issue, backup_codes_left
from kcsp.enrolment import enrolment_code_issue
from kcsp.models import EnrolmentCode
from kcsp.testing import totp_now

pytestmark = pytest.mark.django_db
SETUP, VERIFY, NEW_CODES = "/account/two-factor/", "/account/two-factor/code/", "/account/two-factor/backup-codes/"


@pytest.fixture(autouse=True)
def no_throttle(settings):
    """Wrong codes slow down the next try; these tests type the right one straight after."""
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0


def shown_codes(response) -> list[str]:
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    assert "shown only once" in page and "Each code works once" in page
    return re.findall(r'<code class="kcsp-backup-code">(\d{4} \d{4})</code>', page)


def password_only(user) -> Client:
    client = Client()
    assert client.post("/account/sign-in/", {"username": user.email, "password": PASSWORD}).status_code == 302
    return client


def enrolled(make_user) -> tuple:
    """A DHR-cleared person who set up their first app through the pages: (client, user, app, codes shown)."""
    user = make_user(roles.DHR_CLEARED)
    client = password_only(user)
    client.post(SETUP, {"enrolment_code": enrolment_code_issue(user=user, via=EnrolmentCode.Via.ADMIN)})
    app = TOTPDevice.objects.get(user=user, confirmed=False)
    codes = shown_codes(client.post(SETUP, {"code": totp_now(app)}))
    return client, user, app, codes


def test_confirming_the_first_app_shows_a_set_of_backup_codes_once(make_user):
    client, user, _, codes = enrolled(make_user)
    assert len(set(codes)) == BACKUP_CODES_COUNT == backup_codes_left(user)
    account = client.get("/account/").content.decode()
    assert f"You have {BACKUP_CODES_COUNT} unused backup codes" in account and "Make new backup codes" in account
    assert not any(code in account or code.replace(" ", "") in account for code in codes), "shown once only"
    assert not any(code.replace(" ", "") in client.get(SETUP).content.decode() for code in codes)


def test_each_backup_code_works_once_and_the_sign_in_does_not_claim_the_app(make_user):
    _, user, _, codes = enrolled(make_user)
    client = password_only(user)
    signed = client.post(VERIFY, {"code": codes[0], "next": "/reviews/"})  # typed with its space, as printed
    assert signed.status_code == 302 and signed["Location"] == "/reviews/"
    reviews = client.get("/reviews/")
    assert reviews.status_code == 200
    assert f"You used a backup code. You have {BACKUP_CODES_COUNT - 1} backup codes left." in reviews.content.decode()
    account = client.get("/account/").content.decode()
    assert "You have entered a backup code in this session." in account
    assert "code from your authenticator app in this session" not in account
    again = password_only(user).post(VERIFY, {"code": codes[0].replace(" ", "")})
    assert again.status_code == 200
    assert "That backup code has already been used" in again.content.decode()
    assert "is not right" in password_only(user).post(VERIFY, {"code": "12345678"}).content.decode()


def test_new_backup_codes_need_a_verified_session_and_replace_the_old_ones(make_user):
    client, user, app, old = enrolled(make_user)
    thief = password_only(user)
    refused = thief.get(NEW_CODES)
    assert refused.status_code == 302 and refused["Location"].startswith(VERIFY)
    assert thief.post(NEW_CODES).status_code == 302 and backup_codes_left(user) == BACKUP_CODES_COUNT
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == {
        code.replace(" ", "") for code in old
    }, "a password alone changed nothing"
    page = client.get(NEW_CODES).content.decode()
    assert f"You have {BACKUP_CODES_COUNT} unused backup codes" in page and "the old ones stop working" in page
    new = shown_codes(client.post(NEW_CODES))
    assert len(new) == BACKUP_CODES_COUNT and not set(new) & set(old)
    assert "is not right" in password_only(user).post(VERIFY, {"code": old[1]}).content.decode(), "old ones stop"
    assert password_only(user).post(VERIFY, {"code": new[1]}).status_code == 302
    assert f"You have {BACKUP_CODES_COUNT - 1} unused backup codes" in client.get("/account/").content.decode()


def test_a_session_verified_by_a_backup_code_stays_verified_when_it_makes_new_ones(make_user):
    _, user, _, codes = enrolled(make_user)
    client = password_only(user)
    client.post(VERIFY, {"code": codes[2]})
    new = shown_codes(client.post(NEW_CODES))
    assert len(new) == BACKUP_CODES_COUNT and client.get("/reviews/").status_code == 200


def test_replacing_the_app_keeps_the_codes_and_a_person_without_an_app_is_sent_to_set_one_up(make_user):
    client, user, _, codes = enrolled(make_user)
    client.get(SETUP)
    new_app = TOTPDevice.objects.get(user=user, confirmed=False)
    replaced = client.post(SETUP, {"code": totp_now(new_app)})
    assert replaced.status_code == 302 and "Your backup codes" not in replaced.content.decode()
    assert backup_codes_left(user) == BACKUP_CODES_COUNT
    assert password_only(user).post(VERIFY, {"code": codes[3]}).status_code == 302, "the old codes still work"
    nobody = make_user(roles.OFFICER)
    client.force_login(nobody)
    assert client.get(NEW_CODES)["Location"] == SETUP, "no app yet"
    assert "backup code" not in client.get("/account/").content.decode().lower()
    assert all(re.fullmatch(r"\d{4} \d{4}", code) for code in backup_codes_issue(user=nobody))
