"""The demo reads as a partnership in mid-year on any day, and loading it again replaces its own rows only.

Each load is placed around a `today` passed in (kcsp/demo_clock.py); no clock or database is mocked. The packs
are built eagerly when the load commits (the settings' CELERY_TASK_ALWAYS_EAGER) and read back as PDFs.
"""

import datetime
import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agreement.models import Agreement, PlanVersion, ProgressUpdate
from grants.models import Bid, GrantYear
from kcsp.demo import demo_old_rows_note, demo_partnership_load
from kcsp.demo_clock import DemoClock
from kcsp.financial_year import financial_quarter, financial_year
from kcsp.home_queries import agendas_to_agree
from kcsp.models import DemoRecord, Organisation, Person, User
from meetings import access
from meetings.chair_agreement import agreement_request
from meetings.demo import DATA, _read
from meetings.models import Action, Committee, Meeting, Pack, SignedMinutes, TermsOfReference
from meetings.workingdays import is_working_day

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
FIRST = datetime.date(2026, 11, 30)  # a Monday
LATER = datetime.date(2027, 5, 6)  # a Thursday in the next financial year, 22 weeks on


def load(today, capture):
    with capture(execute=True):
        return demo_partnership_load(today)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Meeting, Action, SignedMinutes, TermsOfReference, Agreement, GrantYear, Bid, Pack)
    } | {"people": Person.objects.count(), "users": User.objects.count(), "orgs": Organisation.objects.count()}


def assert_alive(today: datetime.date) -> None:
    kcsp = Meeting.objects.filter(committee__slug="kcsp")
    upcoming = kcsp.filter(starts_at__date__gt=today).order_by("starts_at")
    following = upcoming.first()
    assert following is not None and following.status == Meeting.Status.WITH_CHAIR, "the chair has an agenda"
    sent = following.status_changes.get()  # put with the chair by the real step, not by setting the status
    assert (sent.action, sent.from_status, sent.to_status) == ("send-to-chair", "draft", "with_chair")
    assert sent.by.email == "officer@kcsp.example" and sent.reason and agreement_request(following) == sent
    asked = [m for m in mail.outbox if m.to == ["chair@kcsp.example"] and str(following) in m.subject]
    assert asked and sent.reason in asked[-1].body, "the chair is e-mailed the agenda with the officer's note"
    assert is_working_day(following.date) and 7 <= (following.date - today).days <= 21
    assert upcoming.filter(status=Meeting.Status.DRAFT).exists(), "the officer has an agenda to prepare"
    chair = User.objects.get(email="chair@kcsp.example")  # Mr Rivers, Vice-Chairman, with no Chairman in office
    draft = upcoming.filter(status=Meeting.Status.DRAFT).first()
    assert agendas_to_agree(chair, today).filter(pk=draft.pk).exists(), "the chair sees the draft they will agree"
    held = kcsp.filter(starts_at__date__lt=today).order_by("-starts_at")
    last, before = held[0], held[1]
    assert last.status == Meeting.Status.HELD and not last.minutes.exists(), "the officer has minutes to write"
    assert before.status == Meeting.Status.MINUTES_APPROVED and before.minutes_approved_at_meeting == last
    assert SignedMinutes.objects.filter(meeting=before).exists() and before.minutes_signed_at.date() == last.date
    assert all(is_working_day(m.date) for m in kcsp)
    title = before.items.get(section="A", position=4).title  # the notes of the meeting before, with its date
    assert title.startswith("Notes of meeting held on") and str(before.date.year - (before.date.month < 6)) in title
    dates = last.items.get(title="Dates of future meetings").description  # the demo's own meetings, as placed
    assert f"{following.date:%-d %B %Y}, 10am" in dates and f"{upcoming[1].date:%-d %B %Y}, 10am" in dates
    assert f"{last.date:%B}'s agenda" in sent.reason
    assert not Action.objects.filter(minute__meeting__committee__slug="kcsp", due_on__lt=today).exists()
    member = User.objects.get(email="member@kcsp.example")
    mine = Action.objects.visible_to(member).open().filter(owner__user=member, due_on__gt=today)
    assert mine.exists(), "the member login has an open action of its own, due ahead"

    agreement = Agreement.objects.get(year=financial_year(today))
    assert agreement.title.endswith(f"{financial_year(today)}/{(financial_year(today) + 1) % 100:02d}")
    version = agreement.plan.versions.get()
    assert version.status == PlanVersion.Status.PUBLISHED
    now = ProgressUpdate.objects.filter(plan=agreement.plan, year=financial_year(today))
    assert now.filter(quarter=financial_quarter(today)).count() == 3, "this quarter's updates"
    latest = {}
    for update in ProgressUpdate.objects.filter(plan=agreement.plan).order_by("year", "quarter", "pk"):
        latest[update.item_key] = update.status
    overdue = [item.number for item in version.items.all() if item.is_overdue(latest.get(item.key), today=today)]
    assert overdue in ([], ["6.3"]), "one item left overdue at most, as a real plan has"

    year = GrantYear.objects.get(year=financial_year(today))
    assert datetime.date(year.year, 4, 1) <= today <= datetime.date(year.year + 1, 3, 31)
    assert Bid.objects.filter(grant_year=year).awaiting_chair().count() == 5, "the chair has bids to decide"
    assert GrantYear.objects.get(year=financial_year(today) - 1).closed_on is not None


def assert_public_pack(today, loaded_at) -> None:
    july = Meeting.objects.filter(committee__slug="kcsp", starts_at__date__lt=today).order_by("-starts_at")[0]
    pack = Pack.objects.get(meeting=july, kind=Pack.Kind.PUBLIC)
    assert pack.status == Pack.Status.READY
    member = User.objects.get(email="member@kcsp.example")
    assert july.committee.memberships.filter(person__user=member).exists()
    assert "public" in access.pack_kinds_visible(member, july) and pack.built_at >= loaded_at, "a pack new to them"
    response = Client().get(reverse("meetings:pack_download", args=[july.pk, "public"]))
    assert response.status_code == 200
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content])))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Kent Community Safety Agreement and Action Plan Update" in " ".join(text.split())
    assert f"{july.date:%-d %B %Y}" in " ".join(text.split())


def test_the_demo_is_alive_on_two_days_and_replaces_only_its_own_rows(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    loaded_at = timezone.now()
    load(FIRST, django_capture_on_commit_callbacks)
    assert_alive(FIRST)
    assert_public_pack(FIRST, loaded_at)
    first = counts()

    load(FIRST + datetime.timedelta(days=3), django_capture_on_commit_callbacks)  # same week: nothing moves
    assert counts() == first
    assert DemoRecord.objects.values("placed_for").distinct().count() == 1

    kcsp = Meeting.objects.get(committee__slug="kcsp", status=Meeting.Status.DRAFT)
    users_own = Meeting.objects.create(committee=kcsp.committee, starts_at=kcsp.starts_at + datetime.timedelta(days=1))
    load(LATER, django_capture_on_commit_callbacks)
    assert Meeting.objects.filter(pk=users_own.pk).exists(), "a meeting a user made is never touched"
    later = counts()
    assert later == first | {"Meeting": first["Meeting"] + 1}, "the demo's rows replaced, not duplicated"
    assert {r.placed_for for r in DemoRecord.objects.all()} == {DemoClock(LATER).placed_for}
    users_own.delete()
    assert_alive(LATER)
    assert_public_pack(LATER, loaded_at)
    assert set(Agreement.objects.values_list("year", flat=True)) == {financial_year(LATER) - 1, financial_year(LATER)}


def test_a_database_holding_the_old_demo_is_told_what_to_do_and_nothing_is_duplicated_or_deleted(
    settings, django_capture_on_commit_callbacks
):
    """The demo before issue 16 left the papers' meetings on their own 2022 dates, unmarked: a load finds them, names
    them, places nothing over them and deletes nothing (one cheap load: no meetings, agreement or packs are made)."""
    settings.DEBUG = True
    july = next(row for row in _read(DATA)["meetings"] if row["key"] == "july")
    committee = Committee.objects.create(slug=july["committee"], name="Kent Community Safety Partnership")
    starts_at = timezone.make_aware(datetime.datetime.fromisoformat(july["starts_at"]))
    old = Meeting.objects.create(  # as the old demo made it: held, its agenda agreed and published before
        committee=committee,
        starts_at=starts_at,
        status=Meeting.Status.HELD,
        agenda_agreed_at=starts_at - datetime.timedelta(days=14),
        published_at=starts_at - datetime.timedelta(days=8),
    )
    assert "14 July 2022" in demo_old_rows_note() and "new database" in demo_old_rows_note()
    load(FIRST, django_capture_on_commit_callbacks)
    assert list(Meeting.objects.all()) == [old], "no meeting duplicated, the old one kept"
    assert not DemoRecord.objects.exists() and not Agreement.objects.exists() and not GrantYear.objects.exists()
    assert User.objects.filter(email="member@kcsp.example").exists(), "the logins are still made"
