"""The demo holds exactly what the July 2022 front sheet and the March 2022 notes hold (loaded on its reference
day, 31 October 2022, so the papers' own dates stand)."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from kcsp.demo_clock import REFERENCE_TODAY
from meetings.models import Attendance, Meeting, Minute

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, demo_load):
    settings.DEBUG = True
    demo_load(REFERENCE_TODAY)  # the first `manage.py demo --today 2022-10-31`, from the session's one load
    call_command("demo", "--today", "2022-10-31", stdout=io.StringIO())  # idempotent: a second run changes nothing


def test_july_2022_agenda_matches_the_front_sheet(demo):
    july = Meeting.objects.get(starts_at__date="2022-07-14")
    assert [f"{i.code} {i.title}" for i in july.items.order_by("section", "position")] == [
        "A1 Introduction",
        "A2 Apologies",
        "A3 Declarations of Interest",
        "A4 Notes of meeting held on 24 March 2022",
        "B1 Kent Community Safety Agreement and Action Plan Update",
        "B2 Kent Community Safety Partnership Working Group Update",
        "B3 KCSP and Subgroup Terms of Reference Review and Update",
        "B4 Kent Police Tackling Violence Against Women and Girls Strategy Update",
        "C1 Dates of future meetings",
        "D1 Domestic Homicide Review Update",
        "D2 Kent and Medway PREVENT Duty Delivery Board Update",
        "D3 Kent and Medway Joint Exploitation Group Update",
    ]
    assert july.contact_name == "Anna Taylor" and july.contact_phone == "03000416478"


def test_march_2022_notes_hold_minutes_51_to_60_with_attendance(demo):
    march = Meeting.objects.get(starts_at__date="2022-03-24")
    minutes = Minute.objects.filter(meeting=march).order_by("number")
    assert [m.number for m in minutes] == list(range(51, 61))
    assert [m.item.code for m in minutes] == ["A4", "B1", "B2", "B3", "B4", "B5", "C1", "D1", "D2", "D3"]
    b1 = minutes.get(number=52)
    assert [block["number"] for block in b1.blocks if block["kind"] == "paragraph"] == [1, 2, 3]
    decision = b1.blocks[-1]
    assert decision["kind"] == "decision" and [part["label"] for part in decision["parts"]] == ["a)", "b)", "c)"]
    assert march.status == Meeting.Status.MINUTES_APPROVED and march.minutes_signed_by
    present = march.attendance.filter(kind=Attendance.Kind.PRESENT)
    assert present.count() == 24
    assert present.get(capacity="vice_chair_in_chair").person.display_name == "Mr Rivers"
    assert march.attendance.get(kind="in_attendance").person.display_name == "Mrs A Taylor"


def test_public_sees_approved_public_minutes_but_nothing_restricted(demo):
    march = Meeting.objects.get(starts_at__date="2022-03-24")
    body = Client().get(f"/meetings/{march.pk}/minutes/").content.decode()
    assert "52. Kent Community Safety Agreement Review and Refresh" in body
    assert "Agree the priorities and cross-cutting themes" in body
    for hidden in ("Domestic Homicide", "PREVENT", "Joint Exploitation", "Sylvie", "Substantial"):
        assert hidden not in body, hidden
    july = Meeting.objects.get(starts_at__date="2022-07-14")
    agenda = Client().get(f"/meetings/{july.pk}/").content.decode()
    assert "B3" in agenda and "17 November 2022, 10am" in agenda
    # Section D lists its titles with the exclusion statement, as the July 2022 front sheet does; the DHR item's
    # title is withheld (no DHR-cleared user published a generic one), and no restricted item is a link.
    assert (
        "Domestic Homicide" not in agenda and 'D1</strong> <span data-testid="listed-title">Restricted item' in agenda
    )
    assert "Kent and Medway PREVENT Duty Delivery Board Update" in agenda
    assert "Meeting not open to the press and public and reports not for publication" in agenda
    d_items = july.items.filter(section="D").values_list("pk", flat=True)
    assert not any(f"/meetings/items/{pk}/" in agenda for pk in d_items)
