"""Two officers editing the same minute: the second save is refused, told what changed, and loses nothing."""

import pytest
from django.test import Client

from kcsp import roles
from kcsp.locking import VERSION_FIELD
from meetings.models import Minute
from meetings.tests.factories import committee_business

pytestmark = pytest.mark.django_db


def form_data(page, **changes):
    form = page.context["form"]
    data = {name: form[name].value() for name in ("item", "title", "text", "approves_minutes_of")}
    data[VERSION_FIELD] = form[VERSION_FIELD].value()
    return {**{k: "" if v is None else v for k, v in data.items()}, **changes}


def test_the_second_of_two_concurrent_edits_is_refused_and_shown_the_saved_minute(make_user):
    minute = committee_business(member_user=make_user(roles.MEMBER))["minute"]
    first, second = Client(), Client()
    first.force_login(make_user(roles.OFFICER))
    second.force_login(make_user(roles.OFFICER))
    url = f"/meetings/minutes/{minute.pk}/edit/"
    first_page, second_page = first.get(url), second.get(url)

    saved = first.post(url, form_data(first_page, text="1. The board noted the update."))
    assert saved.status_code == 302
    history_before = Minute.history.filter(id=minute.pk).count()

    refused = second.post(url, form_data(second_page, title="Working Group Update (amended)"))
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else changed this minute since you opened it" in body
    assert "What changed since you opened it" in body and "Minute" in body
    assert "The board noted the update." in body, "the saved version is shown"
    assert 'value="Working Group Update (amended)"' in body, "what the second officer typed is kept"
    minute.refresh_from_db()
    assert (minute.title, minute.text) == ("Working Group Update", "1. The board noted the update.")
    assert Minute.history.filter(id=minute.pk).count() == history_before, "nothing saved"

    # Having seen the saved minute, the second officer saves again and keeps both changes.
    again = second.post(url, form_data(refused, text="1. The board noted the update."))
    assert again.status_code == 302
    minute.refresh_from_db()
    assert (minute.title, minute.text) == ("Working Group Update (amended)", "1. The board noted the update.")


def test_a_save_without_the_version_is_refused(officer_client, make_user):
    minute = committee_business(member_user=make_user(roles.MEMBER))["minute"]
    url = f"/meetings/minutes/{minute.pk}/edit/"
    data = {**form_data(officer_client.get(url), title="Changed"), VERSION_FIELD: ""}
    assert "Someone else changed this minute" in officer_client.post(url, data).content.decode()
    assert Minute.objects.get(pk=minute.pk).title == "Working Group Update"
