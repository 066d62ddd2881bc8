"""Corrections after signing are errata: recorded by the chair, dated, reasoned and signed, shown beside the
signed record to those who may read the minute they correct, never edited, deleted or printed into the record."""

import datetime
import html
import re

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kcsp import roles
from kcsp.models import User
from kcsp.testing import otp_verify
from kcsp.tests.factories import PersonFactory
from meetings import minuting
from meetings.errata import erratum_record
from meetings.models import Action, Attendance, Declaration, Erratum, Meeting, Minute, OfficeTerm, SignedMinutes
from meetings.signedpdf import pdf_words

pytestmark = pytest.mark.django_db


def url(world) -> str:
    return f"/meetings/{world['meeting'].pk}/minutes/errata/new/"


def page_text(response) -> str:
    """The page as read: tags dropped, entities decoded, whitespace run together."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", response.content.decode())).split())


def form(minute=None, text="Minute 2, paragraph 2: for “twelve” read “eleven”.", reason="A typing error.", on=None):
    on = on or timezone.localdate()
    data = {"text": text, "reason": reason, "made_on_day": on.day, "made_on_month": on.month, "made_on_year": on.year}
    return {**data, "minute": minute.pk if minute else ""}


def test_the_chair_records_an_erratum_shown_beside_the_record_and_not_in_it(signed_world):
    chair, minutes = signed_world["clients"]["chair"], signed_world["minutes"]
    page = chair.get(url(signed_world))
    assert page.status_code == 200 and "Sign and record the erratum" in page.content.decode()
    offered = {m.pk for m in page.context["form"].fields["minute"].queryset}
    assert offered == {minutes[k].pk for k in ("procedural", "public", "restricted")}, "the DHR minute is not theirs"
    response = chair.post(url(signed_world), form(minutes["public"]))
    assert response.status_code == 302 and response["Location"].endswith("/minutes/#errata")
    erratum = Erratum.objects.get()
    person = signed_world["users"]["chair"].person
    assert erratum.signed_by_person == person and erratum.recorded_by == signed_world["users"]["chair"]
    assert erratum.signed_by_name.startswith(person.display_name) and "in the Chair on" in erratum.signed_by_name
    day = f"{timezone.localdate():%-d %B %Y}"
    shown = f"Erratum of {day}, signed by {erratum.signed_by_name} (minute 2): {erratum.text} (A typing error.)"
    for who in ("anonymous", "member", "cleared"):
        body = page_text(signed_world["clients"][who].get(f"/meetings/{signed_world['meeting'].pk}/minutes/"))
        assert shown in body, who
        assert "Errata have been recorded since signing" in body, "the download link says errata exist"
    record = signed_world["records"]["public"]
    record.refresh_from_db()
    assert "eleven" not in str(record.content) and "eleven" not in pdf_words(record.pdf.open("rb").read())


def test_an_erratum_on_a_restricted_or_dhr_minute_shows_only_to_those_who_may_read_that_minute(signed_world):
    minutes = signed_world["minutes"]
    chair_user = User.objects.get(pk=signed_world["users"]["chair"].pk)
    chair_user.groups.add(*signed_world["users"]["cleared"].groups.filter(name=roles.DHR_CLEARED))
    chair_user.is_verified = lambda: True  # a cleared chair who has entered a one-time code
    meeting = signed_world["meeting"]
    for kind in ("restricted", "dhr"):
        erratum_record(
            meeting=meeting,
            user=chair_user,
            minute=minutes[kind],
            text=f"Correction to the {kind} minute: Osprey",
            reason=f"{kind} reason",
            made_on=timezone.localdate(),
        )
    readers = {
        "anonymous": set(),
        "outsider": set(),
        "member": {"restricted"},
        "officer": {"restricted"},
        "cleared": {"restricted", "dhr"},
    }
    for who, kinds in readers.items():
        body = signed_world["clients"][who].get(f"/meetings/{meeting.pk}/minutes/").content.decode()
        for kind in ("restricted", "dhr"):
            assert (f"Correction to the {kind} minute" in body) == (kind in kinds), f"{who} / {kind}"


def test_only_the_committee_chair_may_record_one(signed_world, make_user):
    clients = signed_world["clients"]
    for who in ("anonymous", "outsider", "member", "officer", "cleared"):
        assert clients[who].get(url(signed_world)).status_code in (302, 403), who
        assert clients[who].post(url(signed_world), form()).status_code in (302, 403), who
    other_chair = Client()
    other = make_user(roles.CHAIR)
    PersonFactory(user=other)
    other_chair.force_login(other)
    assert other_chair.get(url(signed_world)).status_code == 403, "a chair of another committee"
    assert other_chair.post(url(signed_world), form()).status_code == 403
    # A vice-chair in office may sign, by the office's name.
    OfficeTerm.objects.create(
        committee=signed_world["committee"],
        person=other.person,
        office="vice_chair",
        starts_on=datetime.date(2020, 1, 1),
    )
    assert other_chair.post(url(signed_world), form()).status_code == 302
    assert Erratum.objects.get().signed_by_name == f"{other.person.display_name}, Vice-Chairman"
    assert not Erratum.objects.filter(recorded_by__in=[signed_world["users"][w] for w in ("officer", "member")])
    unsigned = signed_world["at_meeting"]
    assert clients["chair"].get(f"/meetings/{unsigned.pk}/minutes/errata/new/").status_code == 404


def test_a_bad_erratum_is_refused_naming_the_rule_keeping_what_was_typed(signed_world):
    chair, minutes = signed_world["clients"]["chair"], signed_world["minutes"]
    signed_on = timezone.localtime(signed_world["meeting"].minutes_signed_at).date()
    cases = {
        "before signing": (form(on=signed_on - datetime.timedelta(days=1)), "on or after the day the minutes"),
        "future": (form(on=timezone.localdate() + datetime.timedelta(days=3)), "cannot be dated in the future"),
        "no reason": (form(reason=""), "Enter why the correction is made"),
        "no text": (form(text=""), "Enter the correction"),
        "DHR minute": (form(minutes["dhr"]), "Choose one of this meeting"),
    }
    for name, (data, message) in cases.items():
        response = chair.post(url(signed_world), data)
        assert response.status_code == 200 and "govuk-error-summary" in response.content.decode(), name
        body = page_text(response)
        assert message in body, f"{name}: {message!r} not said"
        if data["text"]:
            assert "for “twelve” read “eleven”" in body, f"{name}: the typed text is kept"
    assert not Erratum.objects.exists()


def test_errata_are_never_edited_or_deleted_and_no_admin_offers_a_change_to_a_signed_record(
    signed_world, rf, make_user
):
    erratum = erratum_record(
        meeting=signed_world["meeting"],
        user=signed_world["users"]["chair"],
        minute=None,
        text="The date of the next meeting is 14 July.",
        reason="Wrong date announced.",
        made_on=timezone.localdate(),
    )
    for name in ("erratum_edit", "erratum_delete", "erratum_update"):
        with pytest.raises(NoReverseMatch):
            reverse(f"meetings:{name}", args=[erratum.pk])
    frozen = (Minute, Attendance, Declaration, Action, SignedMinutes, Erratum, Meeting)
    administrator = make_user(roles.ADMIN)
    request = rf.get("/admin/")
    request.user = administrator
    for model in frozen:
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue  # not in the admin at all: it offers nothing to change
        row = model.objects.filter(**({"meeting": signed_world["meeting"]} if model is not Meeting else {})).first()
        row = row or signed_world["meeting"]
        assert not model_admin.has_change_permission(request, row), f"the admin may change {model.__name__}"
        assert not model_admin.has_delete_permission(request, row), f"the admin may delete {model.__name__}"
    admin_client = Client()
    admin_client.force_login(administrator)
    otp_verify(admin_client, administrator)
    assert admin_client.get("/admin/").status_code == 200
    assert admin_client.get("/admin/meetings/").status_code == 404, "no meetings model is in the admin"


def test_the_service_refuses_draft_minutes_and_anyone_but_the_chair(signed_world):
    with pytest.raises(ValidationError, match="only against signed minutes"):
        erratum_record(
            meeting=signed_world["at_meeting"],
            user=signed_world["users"]["chair"],
            minute=None,
            text="x",
            reason="y",
            made_on=timezone.localdate(),
        )
    elsewhere = minuting.minute_add(minute=Minute(meeting=signed_world["at_meeting"], title="Other", text="Noted."))
    with pytest.raises(ValidationError, match="Choose one of this meeting"):
        erratum_record(
            meeting=signed_world["meeting"],
            user=signed_world["users"]["chair"],
            minute=elsewhere,
            text="x",
            reason="y",
            made_on=timezone.localdate(),
        )
    with pytest.raises(ValidationError, match="signed by the chair"):
        erratum_record(
            meeting=signed_world["meeting"],
            user=signed_world["users"]["officer"],
            minute=None,
            text="x",
            reason="y",
            made_on=timezone.localdate(),
        )
    assert not Erratum.objects.exists()
