"""The attendance register: one form for everyone, saved whole by one service, every refusal naming its rule."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from kcsp import roles
from kcsp.locking import VERSION_FIELD
from kcsp.models import Person
from meetings import services
from meetings.models import Attendance, Meeting
from meetings.record import minutes_record

from .factories import published_meeting
from .registerworld import mark, page_data, register_url, register_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return register_world()


def blocks(meeting) -> dict[str, str]:
    return {b["heading"]: ", ".join(b["names"]) for b in minutes_record(meeting, "public")["attendance"]}


def full_register(data, p):
    mark(data, p["rivers"], "present", capacity="vice_chair_in_chair")
    mark(data, p["brinson"], "present")
    mark(data, p["burbeck"], "apologies")
    mark(data, p["platt"], "substitute", substitute_for=p["burbeck"])
    mark(data, p["collins"], "present")
    mark(data, p["hinds"], "absent")
    data.update(
        {"new1-person": str(p["taylor"].pk), "new1-mark": "in_attendance", "new1-role": "Community Safety Manager"}
    )
    return data


def test_the_register_lists_every_member_and_substitute_on_the_meetings_date(officer_client, world):
    page = officer_client.get(register_url(world["meeting"]))
    assert page.status_code == 200
    listed = [entry.person for entry in page.context["form"].entries]
    p = world["people"]
    assert listed == [p[k] for k in ("brinson", "burbeck", "collins", "hinds", "rivers", "wilkinson", "platt")]
    body = page.content.decode()
    assert "Mr X Former" not in body.split('data-testid="register-added"')[0], "a membership that ended is not listed"
    # Every control of a row is labelled with the person's name (visually hidden beside the column's words).
    for part in ("name", "role", "organisation", "capacity", "substitute_for"):
        assert f'for="id_p{p["brinson"].pk}-{part}">' in body
    assert 'Present<span class="govuk-visually-hidden">: Ms S Brinson</span>' in body
    assert 'href="/meetings/{}/attendance/people/new/"'.format(world["meeting"].pk) in body


def test_one_post_saves_the_whole_register_and_the_record_prints_it_in_order(make_user, world):
    clerk = make_user(roles.OFFICER)
    client = Client()
    client.force_login(clerk)
    meeting, p = world["meeting"], world["people"]
    url = register_url(meeting)
    response = client.post(url, full_register(page_data(client.get(url)), p))
    assert response.status_code == 302, response.context["form"].errors
    rows = {row.person_id: row for row in meeting.attendance.all()}
    assert len(rows) == 7
    assert rows[p["platt"].pk].substitute_for == p["burbeck"]
    assert rows[p["platt"].pk].organisation == world["orgs"]["KCC"], "filled from the membership"
    assert rows[p["rivers"].pk].name_as_recorded == "Mr Rivers", "filled from the person"
    assert all(row.history.count() == 1 for row in rows.values()), "each row saved with its own history"
    assert rows[p["brinson"].pk].history.first().history_user == clerk
    printed = blocks(meeting)
    assert printed == {
        "PRESENT": "Mr Rivers (Vice-Chairman in the Chair), Ms S Brinson, Ms C Collins, "
        "Mr B Platt (substitute for Mr M Burbeck)",
        "IN ATTENDANCE": "Mrs A Taylor (Community Safety Manager)",
        "APOLOGIES": "Mr M Burbeck",
    }, "absent rows are not printed"
    # Saving the same register again changes nothing (no history rows for nothing).
    again = client.post(url, page_data(client.get(url)))
    assert again.status_code == 302
    assert sum(row.history.count() for row in meeting.attendance.all()) == 7


REFUSALS = {
    "two in the chair": (
        lambda d, p: mark(
            mark(d, p["rivers"], "present", capacity="chair"), p["collins"], "present", capacity="in_chair"
        ),
        "Only one person can be in the chair",
    ),
    "substitute for a member who is present": (
        lambda d, p: mark(mark(d, p["burbeck"], "present"), p["platt"], "substitute", substitute_for=p["burbeck"]),
        "a substitute names a member who is not also present",
    ),
    "substitute for nobody": (
        lambda d, p: mark(d, p["platt"], "substitute"),
        "Select the member Mr B Platt substituted",
    ),
    "two substitutes for one member": (
        lambda d, p: mark(
            mark(d, p["platt"], "substitute", substitute_for=p["hinds"]),
            p["collins"],
            "substitute",
            substitute_for=p["hinds"],
        ),
        "a member has one substitute",
    ),
    "a substitute who substitutes for themselves": (
        lambda d, p: mark(d, p["brinson"], "substitute", substitute_for=p["brinson"]),
        "cannot substitute for themselves",
    ),
    "substitute for set on someone present": (
        lambda d, p: mark(d, p["collins"], "present", substitute_for=p["hinds"]),
        "Only a substitute substitutes for someone",
    ),
    "a capacity without being present": (
        lambda d, p: mark(d, p["hinds"], "apologies", capacity="chair"),
        "Only someone present as a member or substitute has a capacity",
    ),
    "the same person added twice": (
        lambda d, p: d.update({f"new{n}-person": str(p["taylor"].pk) for n in (1, 2)}) or d,
        "Mrs A Taylor is listed twice: a person is on the register only once",
    ),
    "a person added with a role but no person chosen": (
        lambda d, p: d.update({"new3-role": "Analyst"}) or d,
        "Choose added person 3, or clear their role and name",
    ),
    "a name longer than the record holds": (
        lambda d, p: mark(d, p["collins"], "present", name="C" * 201),
        "must be 200 characters or fewer",
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_every_refusal_names_its_rule_keeps_what_was_typed_and_saves_nothing(officer_client, world, case):
    change, rule = REFUSALS[case]
    meeting, p = world["meeting"], world["people"]
    url = register_url(meeting)
    data = mark(page_data(officer_client.get(url)), p["wilkinson"], "present", role="Typed and kept")
    response = officer_client.post(url, change(data, p))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and rule in body.replace("\n", " "), body[:3000]
    assert 'value="Typed and kept"' in body
    assert not meeting.attendance.exists(), "all or nothing: the valid rows were not saved either"


def test_signed_minutes_refuse_the_register_with_the_freeze_message(officer_client, world):
    meeting, p = world["meeting"], world["people"]
    url = register_url(meeting)
    data = mark(page_data(officer_client.get(url)), p["collins"], "present")
    Meeting.objects.filter(pk=meeting.pk).update(minutes_signed_at=timezone.now())
    response = officer_client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "the record can no longer change" in body
    assert not meeting.attendance.exists()
    assert "cannot change" in officer_client.get(url).content.decode()


def test_a_register_opened_before_someone_else_saved_it_is_refused_keeping_what_was_typed(make_user, world):
    meeting, p = world["meeting"], world["people"]
    url = register_url(meeting)
    first, second = Client(), Client()
    first.force_login(make_user(roles.OFFICER, full_name="First Clerk"))
    second.force_login(make_user(roles.OFFICER, full_name="Second Clerk"))
    first_data, second_data = page_data(first.get(url)), page_data(second.get(url))
    assert first.post(url, mark(first_data, p["brinson"], "present")).status_code == 302
    refused = second.post(url, mark(second_data, p["collins"], "apologies", role="Typed by the second"))
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else changed this attendance register since you opened it" in body
    assert 'data-testid="record-changed"' in body and "First Clerk" in body
    assert "Not on the register" in body and "Present; printed as Ms S Brinson" in body
    assert 'value="Typed by the second"' in body
    assert not meeting.attendance.filter(person=p["collins"]).exists()
    # The row the second clerk left alone now shows the first clerk's save; saving again keeps both.
    kept = page_data(refused)
    assert kept[f"p{p['brinson'].pk}-mark"] == "present" and kept[VERSION_FIELD] != second_data[VERSION_FIELD]
    assert second.post(url, kept).status_code == 302
    assert {r.person_id: r.kind for r in meeting.attendance.all()} == {
        p["brinson"].pk: "present",
        p["collins"].pk: "apologies",
    }


def test_a_register_posted_without_its_version_is_refused(officer_client, world):
    url = register_url(world["meeting"])
    data = {**mark(page_data(officer_client.get(url)), world["people"]["collins"], "present"), VERSION_FIELD: ""}
    assert "Someone else changed this attendance register" in officer_client.post(url, data).content.decode()
    assert not world["meeting"].attendance.exists()


def test_a_member_sends_apologies_and_the_register_shows_them(make_user, world):
    p = world["people"]
    upcoming = published_meeting(committee=world["committee"])
    row = services.apologies_send(meeting=upcoming, person=p["collins"])
    assert (row.kind, row.name_as_recorded, row.sent_online) == ("apologies", "Ms C Collins", True)
    client = Client()
    client.force_login(make_user(roles.OFFICER))
    page = client.get(register_url(upcoming))
    assert page_data(page)[f"p{p['collins'].pk}-mark"] == "apologies"
    # Recorded rows offer no "not recorded": a row is taken off with its Remove link, which still works.
    assert f'name="p{p["collins"].pk}-mark" type="radio" value=""' not in page.content.decode()
    remove = client.post(f"/meetings/attendance/{row.pk}/remove/")
    assert remove.status_code == 302 and not Attendance.objects.filter(pk=row.pk).exists()


def test_an_officer_adds_a_person_who_is_not_listed_and_they_print_with_their_letters(officer_client, world):
    meeting = world["meeting"]
    url = f"/meetings/{meeting.pk}/attendance/people/new/"
    assert officer_client.get(url).status_code == 200
    refused = officer_client.post(url, {"title": "Mr", "initials": "A", "post_nominals": "OBE"})
    assert refused.status_code == 200 and "Enter the person&#x27;s surname" in refused.content.decode()
    created = officer_client.post(
        url,
        {
            "title": "Mr",
            "initials": "A",
            "forenames": "Alan",
            "surname": "Smith",
            "post_nominals": "OBE",
            "job_title": "Head of Community Safety",
            "organisation": world["orgs"]["KCC"].pk,
            "email": "alan.smith@example.org",
        },
    )
    smith = Person.objects.get(surname="Smith")
    assert created.status_code == 302 and created["Location"].startswith(f"{register_url(meeting)}?add={smith.pk}")
    back = created["Location"].split("#")[0]
    data = page_data(officer_client.get(back))
    assert data[f"p{smith.pk}-mark"] == "in_attendance" and data[f"p{smith.pk}-name"] == "Mr A Smith OBE"
    assert data[f"p{smith.pk}-role"] == "Head of Community Safety"
    assert officer_client.post(back, data).status_code == 302
    assert blocks(meeting)["IN ATTENDANCE"] == "Mr A Smith OBE (Head of Community Safety)"


def test_a_chair_or_vice_chair_in_office_who_is_no_member_is_listed_and_takes_the_chair(officer_client, world):
    """The demo's vice-chairman holds office without a membership: the register must list him (with the members)
    so the clerk can mark him present in the chair, in one save; an office that ended before the meeting is not."""
    from meetings.models import OfficeTerm

    meeting, p = world["meeting"], world["people"]
    office_holder = Person.objects.create(title="Mr", initials="P", surname="Ashby")
    OfficeTerm.objects.create(
        committee=world["committee"], person=office_holder, office="vice_chair", starts_on=datetime.date(2020, 1, 1)
    )
    OfficeTerm.objects.create(
        committee=world["committee"],
        person=p["former"],
        office="chair",
        starts_on=datetime.date(2010, 1, 1),
        ends_on=datetime.date(2012, 1, 1),
    )
    url = register_url(meeting)
    page = officer_client.get(url)
    listed = [entry.person for entry in page.context["form"].entries]
    assert listed[:2] == [office_holder, p["brinson"]], "listed with the members, by surname"
    assert p["former"] not in listed
    data = mark(page_data(page), office_holder, "present", capacity="vice_chair_in_chair")
    response = officer_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert blocks(meeting)["PRESENT"] == "Mr P Ashby (Vice-Chairman in the Chair)"
