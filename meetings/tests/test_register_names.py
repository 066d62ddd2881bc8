"""Names as they stood at the meeting, and the attendance block in the partnership's order (reference paper 003)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from kcsp import roles
from meetings import minuting
from meetings.models import Minute, SignedMinutes
from meetings.record import minutes_record
from meetings.signing import minutes_approve

from .factories import chaired_by, held_meeting
from .registerworld import mark, page_data, register_url, register_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return register_world()


@pytest.fixture
def clerk(make_user):
    client = Client()
    client.force_login(make_user(roles.OFFICER))
    return client


def save(client, meeting, marks, **added) -> None:
    url = register_url(meeting)
    data = page_data(client.get(url))
    for person, kind, parts in marks:
        mark(data, person, kind, **parts)
    data.update({key: str(getattr(value, "pk", value)) for key, value in added.items()})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors


def attendance_lines(meeting) -> list[str]:
    return [f"{b['heading']}: {', '.join(b['names'])}" for b in minutes_record(meeting, "public")["attendance"]]


def rename_everyone(people) -> None:
    """Later changes of title, initials and letters after the name (an honour, a promotion, a marriage of title)."""
    for person in people.values():
        person.title, person.initials, person.post_nominals = "Dr", "QZ", "OBE"
        person.save()


def test_the_attendance_block_prints_as_the_reference_notes_do(clerk, world):
    # Reference paper 003, notes of 24 March 2022: "PRESENT: Mr Rivers (Vice-Chairman in the Chair), Ms S Brinson,
    # Mr M Burbeck, Ms C Collins, …" and "IN ATTENDANCE: Mrs A Taylor"; absent members are not printed.
    meeting, p = world["meeting"], world["people"]
    save(
        clerk,
        meeting,
        [
            (p["collins"], "present", {}),
            (p["burbeck"], "present", {}),
            (p["rivers"], "present", {"capacity": "vice_chair_in_chair"}),
            (p["brinson"], "present", {}),
            (p["hinds"], "absent", {}),
        ],
        **{"new1-person": p["taylor"], "new1-mark": "in_attendance"},
    )
    assert attendance_lines(meeting) == [
        "PRESENT: Mr Rivers (Vice-Chairman in the Chair), Ms S Brinson, Mr M Burbeck, Ms C Collins",
        "IN ATTENDANCE: Mrs A Taylor",
    ]
    minuting.minute_add(minute=Minute(meeting=meeting, item=world["items"]["B1"], title="Agreement", text="Noted."))
    page = clerk.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Mr Rivers (Vice-Chairman in the Chair), Ms S Brinson, Mr M Burbeck, Ms C Collins" in page


def test_the_chair_comes_first_then_the_vice_chair_then_the_rest_and_each_block_in_its_place(clerk, world):
    meeting, p = world["meeting"], world["people"]
    save(
        clerk,
        meeting,
        [
            (p["brinson"], "present", {}),
            (p["rivers"], "present", {"capacity": "vice_chair"}),
            (p["collins"], "present", {"capacity": "chair"}),
            (p["hinds"], "apologies", {}),
            (p["wilkinson"], "present", {}),
        ],
        **{"new1-person": p["taylor"], "new1-mark": "in_attendance", "new1-role": "Community Safety Manager"},
        **{"new2-person": p["former"], "new2-mark": "also_present"},
    )
    assert attendance_lines(meeting) == [
        "PRESENT: Ms C Collins (Chairman), Mr Rivers (Vice-Chairman), Ms S Brinson, Mr N Wilkinson",
        "ALSO PRESENT: Mr X Former",
        "IN ATTENDANCE: Mrs A Taylor (Community Safety Manager)",
        "APOLOGIES: Mr J Hinds",
    ]


def test_renaming_people_after_the_meeting_leaves_the_register_and_the_record_as_they_stood(clerk, world):
    meeting, p = world["meeting"], world["people"]
    save(
        clerk,
        meeting,
        [
            (p["rivers"], "present", {"capacity": "vice_chair_in_chair"}),
            (p["platt"], "substitute", {"substitute_for": p["burbeck"]}),
            (p["collins"], "present", {"name": "Ms C Collins QFSM"}),
        ],
        **{"new1-person": p["taylor"], "new1-mark": "in_attendance", "new1-role": "Community Safety Manager"},
    )
    before = attendance_lines(meeting)
    assert before[0] == (
        "PRESENT: Mr Rivers (Vice-Chairman in the Chair), Ms C Collins QFSM, Mr B Platt (substitute for Mr M Burbeck)"
    )
    rename_everyone(p)
    assert attendance_lines(meeting) == before
    page = clerk.get(register_url(meeting))
    data = page_data(page)
    assert data[f"p{p['rivers'].pk}-name"] == "Mr Rivers", "the register shows the name as recorded"
    assert data[f"p{p['brinson'].pk}-name"] == "Dr QZ Brinson OBE", "someone not yet recorded is offered as now"
    # Saving the register again, names untouched or cleared, never rewrites a recorded name …
    data[f"p{p['collins'].pk}-name"] = ""
    assert clerk.post(register_url(meeting), data).status_code == 302
    assert attendance_lines(meeting) == before
    # … unless the clerk types another.
    save(clerk, meeting, [(p["rivers"], "present", {"capacity": "vice_chair_in_chair", "name": "Sir R Rivers"})])
    assert attendance_lines(meeting)[0].startswith("PRESENT: Sir R Rivers (Vice-Chairman in the Chair), ")


def test_a_person_renamed_after_signing_leaves_the_signed_record_unchanged(clerk, make_user, world):
    meeting, p = world["meeting"], world["people"]
    save(
        clerk,
        meeting,
        [(p["rivers"], "present", {"capacity": "vice_chair_in_chair"}), (p["brinson"], "present", {})],
        **{"new1-person": p["taylor"], "new1-mark": "in_attendance", "new1-role": "Community Safety Manager"},
    )
    minuting.minute_add(
        minute=Minute(meeting=meeting, item=world["items"]["B1"], title="Agreement", text="RESOLVED that it be noted.")
    )
    later = held_meeting(committee=world["committee"], starts_at=timezone.now() - datetime.timedelta(hours=2))
    chair = make_user(roles.CHAIR)
    chaired_by(later, chair)
    minutes_approve(meeting=meeting, at_meeting=later, user=chair)
    signed = SignedMinutes.objects.get(meeting=meeting, kind="public")
    content = signed.content
    assert content["attendance"][0]["names"][:2] == ["Mr Rivers (Vice-Chairman in the Chair)", "Ms S Brinson"]
    rename_everyone(p)
    signed.refresh_from_db()
    assert signed.content == content
    page = clerk.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Mr Rivers (Vice-Chairman in the Chair), Ms S Brinson" in page and "Dr QZ" not in page
    register = clerk.get(register_url(meeting)).content.decode()
    assert "cannot change" in register and "Mrs A Taylor" in register and "Dr QZ Taylor" not in register
