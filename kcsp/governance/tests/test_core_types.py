"""Record types of the partnership core (kcsp/retention.py): people and accounts, organisations, sign-in records."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from kcsp import roles
from kcsp.governance.record_types import DisposalRefused, record_type
from kcsp.models import Organisation, Person, User
from kcsp.tests.factories import OrganisationFactory, PersonFactory
from meetings.models import Attendance
from meetings.tests.factories import MembershipFactory, held_meeting

from .helpers import dispose, due_ids, history_count

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.make_aware(datetime.datetime(2015, 5, 1, 9, 0))


def _age(model, pk):
    """Move every history row of the record (its changes) to long ago."""
    model.history.filter(**{model._meta.pk.attname: pk}).update(history_date=LONG_AGO)


def test_person_due_from_last_activity_not_while_a_member(make_user):
    user = make_user(roles.MEMBER, full_name="Shirley Brinson")
    old = PersonFactory(forenames="Shirley", surname="Brinson", email="s.brinson@kent.example", user=user)
    User.objects.filter(pk=user.pk).update(last_login=LONG_AGO)
    _age(Person, old.pk)
    recent = PersonFactory()
    member = PersonFactory()
    _age(Person, member.pk)
    MembershipFactory(person=member)
    assert due_ids("person") == {old.pk}
    assert record_type("person").label(old.pk) == f"Person {old.pk}"
    assert recent.pk not in due_ids("person", trigger="created")


def test_person_due_from_membership_end():
    person = PersonFactory()
    MembershipFactory(person=person, starts_on=datetime.date(2010, 1, 1), ends_on=datetime.date(2015, 1, 1))
    current = PersonFactory()
    MembershipFactory(person=current, starts_on=datetime.date(2010, 1, 1), ends_on=datetime.date(2015, 1, 1))
    MembershipFactory(person=current)
    assert due_ids("person", trigger="membership_end") == {person.pk}


def test_person_anonymised_keeps_signed_names_removes_contact_account_sessions(
    client, make_user, django_capture_on_commit_callbacks
):
    from axes.models import AccessLog

    user = make_user(roles.MEMBER, email="s.brinson@kent.example", full_name="Shirley Brinson")
    person = PersonFactory(
        forenames="Shirley", surname="Brinson", email="s.brinson@kent.example", job_title="Head of Safety", user=user
    )
    person.job_title = "Director of Safety"
    person.save()  # a second history row holding an old value
    unsigned = held_meeting()
    Attendance.objects.create(meeting=unsigned, person=person, kind="present", name_as_recorded="Ms S Brinson")
    client.force_login(user)
    AccessLog.objects.create(username=user.email, ip_address="10.0.0.1", user_agent="test")

    dispose("person", person.pk, "anonymise", capture=django_capture_on_commit_callbacks)

    person.refresh_from_db()
    assert person.surname == f"Former member {person.pk}"
    assert (person.forenames, person.email, person.job_title, person.user_id) == ("", "", "", None)
    assert not Person.history.filter(surname="Brinson").exists()
    assert not Person.history.filter(id=person.pk, job_title__contains="Safety").exists()
    user.refresh_from_db()
    assert not user.is_active and "brinson" not in user.email and user.full_name == ""
    assert not User.history.filter(full_name="Shirley Brinson").exists()
    assert not User.history.filter(email="s.brinson@kent.example").exists()
    assert not Session.objects.exists()
    assert not AccessLog.objects.filter(username__icontains="brinson").exists()
    attendance = Attendance.objects.get(person=person)
    assert attendance.name_as_recorded == f"Former member {person.pk}"
    assert not Attendance.history.filter(name_as_recorded="Ms S Brinson").exists()


def test_person_anonymise_never_rewrites_signed_attendance(make_user, django_capture_on_commit_callbacks):
    from meetings.tests.factories import committee_business

    chair = make_user(roles.CHAIR)
    PersonFactory(user=chair)
    business = committee_business(member_user=make_user(roles.MEMBER), chair_user=chair)
    signed_rows = Attendance.objects.filter(meeting=business["signed"])
    named = signed_rows.exclude(name_as_recorded="").first()
    before = named.name_as_recorded
    dispose("person", named.person_id, "anonymise", capture=django_capture_on_commit_callbacks)
    named.refresh_from_db()
    assert named.name_as_recorded == before  # the signed record keeps the name
    assert Person.objects.get(pk=named.person_id).surname == f"Former member {named.person_id}"


def test_person_delete_refused_while_named_then_deleted(django_capture_on_commit_callbacks):
    named = PersonFactory()
    Attendance.objects.create(meeting=held_meeting(), person=named, kind="present")
    with pytest.raises(DisposalRefused, match="Anonymise the person instead"):
        dispose("person", named.pk, capture=django_capture_on_commit_callbacks)
    alone = PersonFactory()
    dispose("person", alone.pk, capture=django_capture_on_commit_callbacks)
    assert not Person.objects.filter(pk=alone.pk).exists() and history_count(Person, [alone.pk]) == 0


def test_organisation_inactive_due_and_deleted(django_capture_on_commit_callbacks):
    old = OrganisationFactory(is_active=False)
    _age(Organisation, old.pk)
    OrganisationFactory(is_active=False)  # changed recently
    active = OrganisationFactory()
    _age(Organisation, active.pk)
    assert due_ids("organisation") == {old.pk}
    assert record_type("organisation").label(old.pk) == old.name
    dispose("organisation", old.pk, capture=django_capture_on_commit_callbacks)
    assert not Organisation.objects.filter(pk=old.pk).exists() and history_count(Organisation, [old.pk]) == 0


def test_sign_in_records_per_month(django_capture_on_commit_callbacks):
    from axes.models import AccessAttempt, AccessLog

    old = AccessLog.objects.create(username="a@kent.example", ip_address="10.0.0.1", user_agent="x")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=LONG_AGO)
    recent = AccessAttempt.objects.create(
        username="b@kent.example", ip_address="10.0.0.2", user_agent="x", failures_since_start=1
    )
    assert due_ids("session", 12) == {201505}
    assert record_type("session").label(201505) == "Sign-in records of May 2015"
    dispose("session", 201505, capture=django_capture_on_commit_callbacks)
    assert not AccessLog.objects.filter(pk=old.pk).exists()
    assert AccessAttempt.objects.filter(pk=recent.pk).exists()


def test_account_without_a_person_due_and_closed(make_user, django_capture_on_commit_callbacks):
    from kcsp.governance.typebase import SECOND_OFFSET

    idle = make_user(roles.OFFICER, email="idle.officer@kent.example", full_name="Idle Officer")
    User.objects.filter(pk=idle.pk).update(last_login=LONG_AGO, date_joined=LONG_AGO)
    busy = make_user(roles.OFFICER)
    assert SECOND_OFFSET + idle.pk in due_ids("person")
    assert SECOND_OFFSET + busy.pk not in due_ids("person")
    assert record_type("person").label(SECOND_OFFSET + idle.pk) == f"Account {idle.pk}"
    dispose("person", SECOND_OFFSET + idle.pk, "anonymise", capture=django_capture_on_commit_callbacks)
    idle.refresh_from_db()
    assert not idle.is_active and idle.full_name == "" and "idle" not in idle.email
    assert not User.history.filter(full_name="Idle Officer").exists()
    assert SECOND_OFFSET + idle.pk not in due_ids("person")
