"""A committee with a held meeting whose minutes have public, restricted and DHR minutes, people who did and did not
attend it (with and without accounts), a clerk, and a later held meeting chaired by the chair: for the tests of
circulation, amendments and approval (test_amendments.py, test_amendment_pages.py)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from kcsp import roles
from kcsp.tests.factories import PersonFactory
from meetings import minuting
from meetings.models import AgendaItem, Attendance, Minute
from meetings.tests.factories import CommitteeFactory, MembershipFactory, chaired_by, held_meeting

PUBLIC_TEXT = "The working group reported on the plan.\n\nRESOLVED that the update be noted."


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver.example"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(make_user):
    committee = CommitteeFactory(name="Community Safety Partnership")
    now = timezone.now()
    march = held_meeting(committee=committee, starts_at=now - datetime.timedelta(days=60), contact_email="")
    july = held_meeting(committee=committee, starts_at=now - datetime.timedelta(days=2))
    users = {
        "clerk": make_user(roles.OFFICER, email="clerk@amend.example"),
        "chair": make_user(roles.CHAIR, email="chair@amend.example"),
        "stranger": make_user(roles.MEMBER, email="stranger@amend.example"),  # sits nowhere, attended nothing
    }
    people, kinds = (
        {},
        {
            "member": "present",  # sits on the committee and came
            "guest": "in_attendance",  # an officer of a partner, not a member
            "visitor": "also_present",
            "absent": "apologies",  # sits on the committee, sent apologies
            "stayed_away": "absent",
            "substitute": "substitute",
        },
    )
    for name in kinds:
        users[name] = make_user(roles.MEMBER, email=f"{name}@amend.example")
        people[name] = PersonFactory(user=users[name], surname=name.title())
    for name in ("member", "absent", "stayed_away"):
        MembershipFactory(committee=committee, person=people[name])
    users["nonattending_member"] = make_user(roles.MEMBER, email="nonattending@amend.example")
    MembershipFactory(committee=committee, person=PersonFactory(user=users["nonattending_member"]))
    for name, kind in kinds.items():
        substitute_for = people["absent"] if kind == "substitute" else None
        Attendance.objects.create(meeting=march, person=people[name], kind=kind, substitute_for=substitute_for)
    Attendance.objects.create(meeting=march, person=PersonFactory(email="paper@amend.example"), kind="present")
    chaired_by(july, users["chair"])
    items = {
        "public": AgendaItem.objects.create(meeting=march, section="B", position=1, title="Working Group Update"),
        "restricted": AgendaItem.objects.create(
            meeting=march, section="D", position=1, title="Heron case conference", restriction_reason="prevent"
        ),
        "dhr": AgendaItem.objects.create(
            meeting=march, section="D", position=2, title="Osprey review", restriction_reason="dhr"
        ),
    }
    minutes = {
        kind: minuting.minute_add(minute=Minute(meeting=march, item=item, title=item.title, text=text))
        for kind, item, text in (
            ("public", items["public"], PUBLIC_TEXT),
            ("restricted", items["restricted"], "Heron: the case was discussed."),
            ("dhr", items["dhr"], "Osprey: the panel reported."),
        )
    }
    return {"committee": committee, "march": march, "july": july, "users": users, "people": people, "minutes": minutes}
