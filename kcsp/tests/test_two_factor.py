"""Two-factor authentication: set up an app, enter a code after the password, and what needs the code."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from kcsp import roles
from kcsp.enrolment import enrolment_code_issue
from kcsp.models import EnrolmentCode
from kcsp.testing import totp_now

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttle(settings):
    """django-otp slows down guesses after a wrong code; these tests type the right one straight after."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def sign_in(client, user):
    return client.post("/account/sign-in/", {"username": user.email, "password": PASSWORD})


def test_a_user_with_an_app_is_asked_for_a_code_and_dhr_opens_only_after_it(client, make_user):
    user = make_user(roles.DHR_CLEARED)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = sign_in(client, user)
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/code/")
    assert client.get("/reviews/").status_code == 404
    page = client.get(response["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    wrong = client.post("/account/two-factor/code/", {"code": "000000", "next": "/reviews/"})
    assert "The code is not right" in wrong.content.decode()
    key_before = client.session.session_key
    right = client.post("/account/two-factor/code/", {"code": totp_now(device), "next": "/reviews/"})
    assert right.status_code == 302 and right["Location"] == "/reviews/"
    assert client.session.session_key != key_before, "a confirmed code moves the session to a new key"
    assert client.get("/reviews/").status_code == 200


def test_a_user_without_an_app_signs_in_with_the_password_alone_and_sets_one_up_with_an_enrolment_code(
    client, make_user
):
    user = make_user(roles.DHR_CLEARED)
    assert sign_in(client, user)["Location"] == "/"
    account = client.get("/account/").content.decode()
    assert "You need a code to open Domestic Homicide Reviews." in account
    assert client.get("/reviews/").status_code == 404
    first = client.get("/account/two-factor/").content.decode()
    assert "Enrolment code" in first and "totp-secret" not in first and "otpauth://" not in first
    assert not TOTPDevice.objects.filter(user=user).exists(), "no key exists before the enrolment code"
    code = enrolment_code_issue(user=user, via=EnrolmentCode.Via.ADMIN)
    assert client.post("/account/two-factor/", {"enrolment_code": code.lower().replace("-", " ")}).status_code == 302
    setup = client.get("/account/two-factor/").content.decode()
    assert "totp-secret" in setup and "otpauth://totp/" in setup
    assert '<svg role="img"' in setup and "QR code of your setup key" in setup
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "is not right" in client.post("/account/two-factor/", {"code": "123"}).content.decode()
    device.throttle_reset()
    key_before = client.session.session_key
    response = client.post("/account/two-factor/", {"code": totp_now(device)})
    assert response.status_code == 200 and "Your backup codes" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.session.session_key != key_before, "the session key is rotated when the code is confirmed"
    assert client.get("/reviews/").status_code == 200
    assert EnrolmentCode.objects.get(user=user).used_at is not None


def test_replacing_an_app_needs_a_code_from_the_current_one(client, make_user):
    user = make_user(roles.OFFICER)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    response = client.get("/account/two-factor/")
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/code/")


def test_the_admin_site_needs_a_code(client, make_user):
    admin = make_user(roles.ADMIN)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/?next=")
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    response = client.get("/admin/kcsp/user/")
    assert response["Location"].startswith("/account/two-factor/code/?next=")
    client.post("/account/two-factor/code/", {"code": totp_now(device)})
    assert client.get("/admin/kcsp/user/").status_code == 200


def test_next_cannot_send_the_user_off_site(client, make_user):
    user = make_user(roles.MEMBER)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    response = client.post("/account/two-factor/code/", {"code": totp_now(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"
