"""A first authenticator app needs an enrolment code as well as the password: issued by an admin, or e-mailed."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from kcsp import roles
from kcsp.demo import DEMO_PASSWORD
from kcsp.enrolment import enrolment_code_issue
from kcsp.models import EnrolmentCode, User
from kcsp.testing import totp_now

pytestmark = pytest.mark.django_db
SETUP = "/account/two-factor/"


def thief(user, password=PASSWORD) -> Client:
    """Someone who has the password and nothing else."""
    client = Client()
    assert client.post("/account/sign-in/", {"username": user.email, "password": password}).status_code == 302
    return client


@pytest.mark.parametrize("role", [roles.DHR_CLEARED, roles.ADMIN])
def test_a_password_alone_cannot_enrol_an_app(make_user, role):
    user = make_user(role)
    other = make_user(role)
    client = thief(user)
    page = client.get(SETUP).content.decode()
    assert "Enter your enrolment code" not in page and "otpauth://" not in page and "totp-secret" not in page
    assert "Enter your enrolment code" in client.post(SETUP, {"code": "123456"}).content.decode()
    expired = enrolment_code_issue(user=user, via=EnrolmentCode.Via.ADMIN)
    EnrolmentCode.objects.filter(user=user).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    someone_elses = enrolment_code_issue(user=other, via=EnrolmentCode.Via.ADMIN)
    for guess in ("ABCD-EFGH-JKMN", expired, someone_elses):
        refused = client.post(SETUP, {"enrolment_code": guess}).content.decode()
        assert "The enrolment code is not right, has been used or has expired" in refused, guess
        assert "otpauth://" not in refused
    assert not user_has_device(user)
    assert client.get("/reviews/" if role == roles.DHR_CLEARED else "/admin/").status_code in (302, 404)


def test_a_code_works_once_and_a_new_one_cancels_the_old(make_user):
    user = make_user(roles.DHR_CLEARED)
    old = enrolment_code_issue(user=user, via=EnrolmentCode.Via.ADMIN)
    code = enrolment_code_issue(user=user, via=EnrolmentCode.Via.ADMIN)
    client = thief(user)
    assert "not right" in client.post(SETUP, {"enrolment_code": old}).content.decode()
    assert client.post(SETUP, {"enrolment_code": code}).status_code == 302
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "Your backup codes" in client.post(SETUP, {"code": totp_now(device)}).content.decode()
    assert user_has_device(user)
    TOTPDevice.objects.filter(user=user).delete()  # say the phone and the backup codes are lost, without the reset
    StaticDevice.objects.filter(user=user).delete()  # command
    again = thief(user)
    assert "not right" in again.post(SETUP, {"enrolment_code": code}).content.decode(), "single use"
    stored = EnrolmentCode.objects.get(user=user)
    assert code.replace("-", "") not in (stored.digest, str(stored.__dict__)), "only a digest is stored"


def test_the_key_shown_after_the_code_is_a_fresh_one(make_user):
    user = make_user(roles.ADMIN)
    seen = TOTPDevice.objects.create(user=user, name="left over", confirmed=False)
    client = thief(user)
    client.post(SETUP, {"enrolment_code": enrolment_code_issue(user=user, via=EnrolmentCode.Via.ADMIN)})
    page = client.get(SETUP).content.decode()
    assert seen.config_url.split("secret=")[1].split("&")[0] not in page
    assert not TOTPDevice.objects.filter(pk=seen.pk).exists()


def test_an_e_mailed_code_goes_to_the_accounts_own_address_once_a_minute(make_user, settings, mailoutbox):
    settings.SITE_URL = "https://kcsp.kent.gov.uk"
    user = make_user(roles.DHR_CLEARED)
    client = thief(user)
    assert client.post("/account/two-factor/enrolment-code/").status_code == 302
    assert client.post("/account/two-factor/enrolment-code/").status_code == 302
    (mail,) = mailoutbox
    assert mail.to == [user.email] and mail.from_email == settings.DEFAULT_FROM_EMAIL
    assert "https://kcsp.kent.gov.uk/account/two-factor/" in mail.body
    code = mail.body.split("Your enrolment code is ")[1].split()[0]
    assert client.post(SETUP, {"enrolment_code": code}).status_code == 302
    assert "totp-secret" in client.get(SETUP).content.decode()


def test_an_administrator_issues_codes_shown_once(admin_client, make_user):
    user = make_user(roles.DHR_CLEARED)
    response = admin_client.post(
        "/admin/kcsp/user/", {"action": "issue_enrolment_codes", "_selected_action": [user.pk]}
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    code = page.split(f"<td>{user.email}</td><td><code>")[1].split("<")[0]
    assert EnrolmentCode.objects.get(user=user).via == EnrolmentCode.Via.ADMIN
    client = thief(user)
    assert client.post(SETUP, {"enrolment_code": code}).status_code == 302


def test_the_reset_command_removes_the_apps_and_prints_a_new_enrolment_code(make_user, capsys):
    user = make_user(roles.DHR_CLEARED)
    TOTPDevice.objects.create(user=user, name="lost phone", confirmed=True)
    call_command("two_factor_reset", user.email)
    printed = capsys.readouterr().out
    assert not user_has_device(user)
    code = printed.split("(give it to")[1].split(": ")[1].strip()
    assert thief(user).post(SETUP, {"enrolment_code": code}).status_code == 302


def test_the_demo_prints_an_enrolment_code_for_each_login_that_needs_one(settings, capsys):
    settings.DEBUG = True
    call_command("demo")
    printed = capsys.readouterr().out
    admin = User.objects.get(email="admin@kcsp.example")
    line = next(line for line in printed.splitlines() if line.startswith("admin@kcsp.example needs a one-time code"))
    code = line.split("enrolment code ")[1].split()[0]
    assert thief(admin, DEMO_PASSWORD).post(SETUP, {"enrolment_code": code}).status_code == 302
    dhr = User.objects.get(email="dhr@kcsp.example")
    assert user_has_device(dhr) and "dhr@kcsp.example needs a one-time code for its pages" not in printed


def test_an_e_mailed_code_never_cancels_the_one_an_administrator_issued(make_user):
    """Someone holding only the password can ask for an e-mailed code; that must not void the admin's code."""
    from kcsp.enrolment import enrolment_code_find, enrolment_code_issue, enrolment_code_send
    from kcsp.models import EnrolmentCode

    user = make_user(roles.DHR_CLEARED)
    issued = enrolment_code_issue(user=user, via=EnrolmentCode.Via.ADMIN)
    assert enrolment_code_send(user=user)
    assert enrolment_code_find(user=user, code=issued) is not None
    again = enrolment_code_issue(user=user, via=EnrolmentCode.Via.ADMIN)
    assert enrolment_code_find(user=user, code=issued) is None, "a new admin code still replaces the old one"
    assert enrolment_code_find(user=user, code=again) is not None


def test_the_setup_page_showing_the_apps_key_is_never_cached(make_user):
    client = Client()
    client.force_login(make_user(roles.DHR_CLEARED))
    assert "no-store" in client.get("/account/two-factor/")["Cache-Control"]
