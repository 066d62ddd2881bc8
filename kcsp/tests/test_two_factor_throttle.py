"""Wrong one-time codes slow a person down but never lock them out: capped delay, cleared by any right code."""

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import models as totp_models
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from kcsp import roles

pytestmark = pytest.mark.django_db
VERIFY = "/account/two-factor/code/"
BACKUP = "backup-4242"


class Phone:
    """A person with an authenticator app and a backup code, and a clock the test moves on."""

    def __init__(self, user, monkeypatch):
        self.user = user
        self.now = time.time()
        monkeypatch.setattr(totp_models, "time", SimpleNamespace(time=lambda: self.now))
        self.app = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        self.backup = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
        self.backup.token_set.create(token=BACKUP)

    def code(self) -> str:
        totp = TOTP(self.app.bin_key, self.app.step, self.app.t0, self.app.digits, self.app.drift)
        totp.time = self.now
        return f"{totp.token():0{self.app.digits}d}"

    def wait(self, seconds: float) -> None:
        """Let time pass: the app's clock moves on and so does every stored wrong-code time."""
        self.now += seconds
        for device in (*TOTPDevice.objects.filter(user=self.user), *StaticDevice.objects.filter(user=self.user)):
            if device.throttling_failure_timestamp:
                device.throttling_failure_timestamp -= timedelta(seconds=seconds)
                device.save(update_fields=["throttling_failure_timestamp"])

    def counts(self) -> tuple[int, int]:
        self.app.refresh_from_db()
        self.backup.refresh_from_db()
        return self.app.throttling_failure_count, self.backup.throttling_failure_count


@pytest.fixture
def phone(make_user, monkeypatch):
    return Phone(make_user(roles.DHR_CLEARED), monkeypatch)


def signed_in(user) -> Client:
    client = Client()
    response = client.post("/account/sign-in/", {"username": user.email, "password": PASSWORD})
    assert response["Location"].startswith(VERIFY)
    return client


def enter(client, code):
    return client.post(VERIFY, {"code": code, "next": "/reviews/"})


def test_a_dozen_sign_ins_with_a_typo_each_then_a_wrong_code_and_the_backup_code_after_the_capped_delay(phone):
    for _ in range(12):
        client = signed_in(phone.user)
        assert "The code is not right" in enter(client, "000000").content.decode()
        phone.wait(31)  # the next 30-second code; the 1-second delay long past
        assert enter(client, phone.code()).status_code == 302
        assert phone.counts() == (0, 0), "a right code clears the count on every device"

    client = signed_in(phone.user)
    for _ in range(8):  # uncapped, the eighth wrong code would mean 128 seconds' wait
        assert "The code is not right" in enter(client, "000000").content.decode()
        phone.wait(settings.TWO_FACTOR_MAX_DELAY_SECONDS)
    enter(client, "000000")
    refused = enter(client, BACKUP).content.decode()
    cap = settings.TWO_FACTOR_MAX_DELAY_SECONDS
    assert f"Wait {cap} seconds and try again" in refused
    assert "not right" not in refused
    phone.wait(cap)
    assert enter(client, BACKUP)["Location"] == "/reviews/", "the backup code works once the capped delay is over"
    assert client.get("/reviews/").status_code == 200
    assert phone.counts() == (0, 0)


def test_a_right_app_code_clears_the_backup_codes_count_too(phone):
    client = signed_in(phone.user)
    enter(client, "000000")
    phone.wait(2)
    enter(client, "111111")
    assert phone.counts() == (2, 2), "a wrong code counts once against the person, on every device"
    phone.wait(31)
    assert enter(client, phone.code()).status_code == 302
    assert phone.counts() == (0, 0)


def test_the_wait_is_told_and_the_reset_command_clears_it_keeping_the_apps(phone, capsys):
    client = signed_in(phone.user)
    for _ in range(4):
        enter(client, "000000")
        phone.wait(8)
    enter(client, "000000")
    page = enter(client, phone.code()).content.decode()
    assert "Wait 16 seconds and try again" in page
    call_command("two_factor_reset", f"  {phone.user.email.upper()} ", "--unlock")
    assert "Cleared the wrong-code count on 2 device(s)" in capsys.readouterr().out
    assert enter(client, phone.code()).status_code == 302
    assert TOTPDevice.objects.filter(user=phone.user, confirmed=True).exists()


def test_guessing_with_the_password_alone_is_slowed_to_an_hour_after_twenty_wrong_codes(phone):
    """A capped delay alone would let someone with the password guess once a minute for ever."""
    client = signed_in(phone.user)
    for _ in range(settings.TWO_FACTOR_SLOW_AFTER):
        assert "The code is not right" in enter(client, "000000").content.decode()
        phone.wait(settings.TWO_FACTOR_MAX_DELAY_SECONDS)
    refused = enter(client, BACKUP).content.decode()
    assert "and try again" in refused and "not right" not in refused
    phone.wait(settings.TWO_FACTOR_MAX_DELAY_SECONDS * 2)
    assert "minutes and try again" in enter(client, BACKUP).content.decode(), "still waiting well past a minute"
    phone.wait(settings.TWO_FACTOR_SLOW_DELAY_SECONDS)
    assert enter(client, BACKUP)["Location"] == "/reviews/", "never locked out: the backup code works after the hour"
    assert phone.counts() == (0, 0)


@pytest.mark.parametrize("right", ["app", "backup"])
def test_a_right_code_inside_the_delay_after_a_wrong_one_is_told_to_wait_never_not_right(phone, right):
    """The throttle stands (nothing is checked inside the delay) but a person who now types the right code is
    told to wait and try again, not that their code is wrong."""
    client = signed_in(phone.user)
    for wrong in range(1, 4):
        enter(client, "000000")
        page = enter(client, phone.code() if right == "app" else BACKUP).content.decode()
        assert "not right" not in page, page
        wait = "1 second" if wrong == 1 else f"{2 ** (wrong - 1)} seconds"
        assert f"Wait {wait} and try again" in page
        assert phone.counts() == (wrong, wrong), "the code typed inside the delay was neither checked nor counted"
        phone.wait(2**wrong)
    assert enter(client, phone.code() if right == "app" else BACKUP)["Location"] == "/reviews/"
