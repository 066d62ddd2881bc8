"""Chairs' and vice-chairs' terms: added, ended (early) and corrected by officers, one holder of an office at a time,
and never in a way that contradicts minutes already signed (issue 15)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kcsp import roles
from kcsp.testing import otp_verify
from kcsp.tests.factories import PersonFactory
from meetings.models import OfficeTerm, SignedMinutes
from meetings.office_terms import office_term_add, office_term_end, office_term_save
from meetings.tests.factories import CommitteeFactory
from meetings.tests.record_helpers import add, meeting_on, sign

pytestmark = pytest.mark.django_db

D = datetime.date


def dated(prefix: str, day: D | None) -> dict:
    if day is None:
        return {f"{prefix}_day": "", f"{prefix}_month": "", f"{prefix}_year": ""}
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


@pytest.fixture
def committee():
    return CommitteeFactory(name="Kent Community Safety Partnership", slug="kcsp")


@pytest.fixture
def rivers():
    return PersonFactory(title="Mr", initials="R", surname="Rivers")


def test_an_officer_records_a_chair_from_the_committee_page(officer_client, committee, rivers):
    page = officer_client.get(committee.get_absolute_url()).content.decode()
    assert reverse("meetings:office_create", args=[committee.slug]) in page
    response = officer_client.post(
        reverse("meetings:office_create", args=[committee.slug]),
        {
            "person": rivers.pk,
            "office": "chair",
            **dated("starts_on", D(2022, 6, 1)),
            **dated("ends_on", D(2024, 5, 31)),
        },
    )
    assert response.status_code == 302
    term = OfficeTerm.objects.get()
    assert (term.person, term.office, term.starts_on, term.ends_on) == (rivers, "chair", D(2022, 6, 1), D(2024, 5, 31))
    page = officer_client.get(committee.get_absolute_url()).content.decode()
    assert 'data-testid="office-terms"' in page and reverse("meetings:office_edit", args=[term.pk]) in page
    assert reverse("meetings:office_end", args=[term.pk]) not in page, "a term that ended in 2024 is not ended again"


def test_an_overlapping_term_of_the_same_office_is_refused_naming_the_holder_and_dates(
    officer_client, committee, rivers
):
    office_term_add(committee=committee, term=OfficeTerm(person=rivers, office="chair", starts_on=D(2022, 6, 1)))
    other = PersonFactory(title="Cllr", initials="A", surname="Gulvin")
    response = officer_client.post(
        reverse("meetings:office_create", args=[committee.slug]),
        {"person": other.pk, "office": "chair", **dated("starts_on", D(2023, 1, 1)), **dated("ends_on", None)},
    )
    body = response.content.decode()
    assert (
        response.status_code == 200
        and "Mr R Rivers is Chair of the committee from 1 June 2022 with no end date" in body
    )
    assert OfficeTerm.objects.count() == 1
    # A vice-chair at the same time, and a chair after the first term ends, are fine.
    office_term_add(committee=committee, term=OfficeTerm(person=other, office="vice_chair", starts_on=D(2023, 1, 1)))
    term = OfficeTerm.objects.get(office="chair")
    office_term_end(term=term, ends_on=D(2024, 5, 31), opened_ends_on=None)
    with pytest.raises(ValidationError, match="from 1 June 2022 to 31 May 2024"):
        office_term_add(committee=committee, term=OfficeTerm(person=other, office="chair", starts_on=D(2024, 5, 31)))
    with pytest.raises(ValidationError, match="cannot hold both offices at once"):  # still the vice-chair
        office_term_add(committee=committee, term=OfficeTerm(person=other, office="chair", starts_on=D(2024, 6, 1)))
    vice = OfficeTerm.objects.get(office="vice_chair")
    office_term_end(term=vice, ends_on=D(2024, 5, 31), opened_ends_on=None)
    office_term_add(committee=committee, term=OfficeTerm(person=other, office="chair", starts_on=D(2024, 6, 1)))
    assert OfficeTerm.objects.count() == 3
    page = officer_client.get(committee.get_absolute_url()).content.decode()
    assert page.count(">End<span") == 1, "only the term still running can be ended"


def test_an_end_before_the_start_is_refused(committee, rivers):
    with pytest.raises(ValidationError, match="same as or after the start date"):
        office_term_add(
            committee=committee,
            term=OfficeTerm(person=rivers, office="chair", starts_on=D(2022, 6, 1), ends_on=D(2022, 5, 1)),
        )


def test_ending_a_term_early_after_a_confirmation_page_with_history(officer_client, committee, rivers):
    term = office_term_add(
        committee=committee,
        term=OfficeTerm(person=rivers, office="chair", starts_on=D(2022, 6, 1), ends_on=D(2024, 5, 31)),
    )
    url = reverse("meetings:office_end", args=[term.pk])
    page = officer_client.get(url).content.decode()
    assert "planned to end on 31 May 2024" in page and "End the term" in page
    too_early = officer_client.post(url, {**dated("ends_on", D(2022, 1, 1)), "opened_ends_on": "2024-05-31"})
    assert "must be the same as or after the start of the term, 1 June 2022" in too_early.content.decode()
    response = officer_client.post(
        url, {**dated("ends_on", D(2023, 9, 30)), "opened_ends_on": "2024-05-31"}, follow=True
    )
    assert "ends on 30 September 2023 (ended early)" in response.content.decode()
    term.refresh_from_db()
    assert term.ends_on == D(2023, 9, 30)
    detail = officer_client.get(reverse("meetings:office_detail", args=[term.pk])).content.decode()
    assert 'data-testid="history"' in detail and "31 May 2024" in detail and "30 September 2023" in detail
    # A second officer who opened the page before the first ended it is refused, not silently overwriting.
    stale = officer_client.post(url, {**dated("ends_on", D(2024, 1, 31)), "opened_ends_on": "2024-05-31"})
    assert "Someone else changed this term" in stale.content.decode()
    term.refresh_from_db()
    assert term.ends_on == D(2023, 9, 30)


def test_correcting_a_term_is_locked_and_checked(officer_client, committee, rivers):
    term = office_term_add(committee=committee, term=OfficeTerm(person=rivers, office="chair", starts_on=D(2022, 6, 1)))
    url = reverse("meetings:office_edit", args=[term.pk])
    version = officer_client.get(url).context["form"].initial["record_version"]
    data = {"person": rivers.pk, "office": "chair", **dated("starts_on", D(2022, 5, 1)), **dated("ends_on", None)}
    assert officer_client.post(url, {**data, "record_version": version}).status_code == 302
    term.refresh_from_db()
    assert term.starts_on == D(2022, 5, 1)
    refused = officer_client.post(url, {**data, **dated("starts_on", D(2022, 4, 1)), "record_version": version})
    assert "Someone else changed this" in refused.content.decode()


def test_a_term_under_which_minutes_were_signed_keeps_its_holder_and_that_day(committee, make_user, rivers):
    chair = make_user(roles.CHAIR)
    rivers.user = chair
    rivers.save()
    term = office_term_add(committee=committee, term=OfficeTerm(person=rivers, office="chair", starts_on=D(2021, 6, 1)))
    march, july = meeting_on(committee, 2022, 3, 24), meeting_on(committee, 2022, 7, 14)
    add(march, "Chairman", text="Mr Rivers took the chair.")
    sign(march, at_meeting=july, chair=chair)
    signed = list(SignedMinutes.objects.values("content_sha256", "content"))
    other = PersonFactory(surname="Other")
    for change in ({"person": other}, {"starts_on": D(2022, 8, 1)}):
        term.refresh_from_db()
        for field, value in change.items():
            setattr(term, field, value)
        with pytest.raises(ValidationError, match="signed the minutes of .* under this term"):
            office_term_save(term=term)
    term.refresh_from_db()
    with pytest.raises(ValidationError, match="must keep its holder and cover that day"):
        office_term_end(term=term, ends_on=D(2022, 7, 13), opened_ends_on=None)
    # Ending it after that day is fine; the signed record is as it was.
    office_term_end(term=term, ends_on=D(2023, 5, 31), opened_ends_on=None)
    assert list(SignedMinutes.objects.values("content_sha256", "content")) == signed
    march.refresh_from_db()
    assert march.minutes_signed_by_person == rivers


@pytest.mark.parametrize("role", [None, roles.MEMBER, roles.CHAIR, roles.DHR_CLEARED, roles.ADMIN])
def test_only_officers_add_end_or_correct_terms(role, make_user, committee, rivers):
    term = office_term_add(committee=committee, term=OfficeTerm(person=rivers, office="chair", starts_on=D(2022, 6, 1)))
    client, user = Client(), make_user(role)
    client.force_login(user)
    if role in (roles.ADMIN, roles.DHR_CLEARED):
        otp_verify(client, user)
    for url in (
        reverse("meetings:office_create", args=[committee.slug]),
        reverse("meetings:office_edit", args=[term.pk]),
        reverse("meetings:office_end", args=[term.pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {**dated("ends_on", D(2022, 7, 1))}).status_code == 403, url
    term.refresh_from_db()
    assert term.ends_on is None and OfficeTerm.objects.count() == 1
