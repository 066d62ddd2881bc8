"""A past round entered after the event: the officer gives the date a bid was really submitted, the chair (or an
officer recording the Commissioner) the date it was really decided. 360Giving's Award Date and the bid's history
use that date; the step's recorded time stays the real one. Bad dates are refused, changing nothing."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grants.models import Bid, BidStep
from kcsp import roles

from .factories import BidFactory, GrantYearFactory

pytestmark = pytest.mark.django_db
S = Bid.Status


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def on(date: datetime.date, reason: str = "") -> dict:
    return {"reason": reason, "decided_on_day": date.day, "decided_on_month": date.month, "decided_on_year": date.year}


@pytest.fixture
def world(make_user):
    year = GrantYearFactory(
        year=2020,
        amount_granted=Decimal("20000.00"),
        tactical_pot=Decimal("0"),
        has_tactical_pot=False,
        commissioner_step=False,
    )
    officer, chair = make_user(roles.OFFICER), make_user(roles.CHAIR)
    bid = BidFactory(grant_year=year, status=S.DRAFT, created_by=officer, title="Street pastors 2020")
    return {"bid": bid, "officer": signed_in(officer), "chair": signed_in(chair)}


def step_url(bid, action):
    return reverse("grants:bid_step", args=[bid.pk, action])


def test_the_360giving_award_date_and_history_show_the_date_really_decided(world):
    bid, officer, chair = world["bid"], world["officer"], world["chair"]
    page = officer.get(step_url(bid, "submit")).content.decode()
    assert "Date submitted (if submitted before it was recorded here)" in page
    assert officer.post(step_url(bid, "submit"), on(datetime.date(2020, 6, 2))).status_code == 302
    assert officer.post(step_url(bid, "recommend"), {"reason": ""}).status_code == 302
    assert (
        "Date decided (if decided before it was recorded here)" in chair.get(step_url(bid, "approve")).content.decode()
    )
    assert chair.post(step_url(bid, "approve"), on(datetime.date(2020, 7, 14))).status_code == 302
    step = BidStep.objects.get(bid=bid, to_status=S.APPROVED)
    assert step.decided_on == datetime.date(2020, 7, 14)
    assert timezone.now() - step.at < datetime.timedelta(minutes=1), "the step's time stays when it was recorded"

    rows = {
        row["Title"]: row
        for row in csv.DictReader(io.StringIO(Client().get(reverse("grants:giving_export")).content.decode("utf-8")))
    }
    assert rows["Street pastors 2020"]["Award Date"] == "2020-07-14"
    history = officer.get(bid.get_absolute_url()).content.decode()
    assert f"Decided on 14 July 2020 (recorded {timezone.localdate():%-d %B %Y})" in history
    assert f"Submitted on 2 June 2020 (recorded {timezone.localdate():%-d %B %Y})" in history


def test_a_blank_date_is_the_day_it_is_recorded(world):
    bid, officer, chair = world["bid"], world["officer"], world["chair"]
    officer.post(step_url(bid, "submit"), {"reason": ""})
    officer.post(step_url(bid, "recommend"), {"reason": ""})
    chair.post(
        step_url(bid, "approve"), {"reason": "", "decided_on_day": "", "decided_on_month": "", "decided_on_year": ""}
    )
    assert BidStep.objects.get(bid=bid, to_status=S.APPROVED).decided_on is None
    rows = list(csv.DictReader(io.StringIO(Client().get(reverse("grants:giving_export")).content.decode("utf-8"))))
    assert rows[0]["Award Date"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    "date, message",
    [
        (None, "The date decided must be today or in the past"),
        (datetime.date(2020, 6, 1), "The date decided cannot be before the bid was submitted (2 June 2020)"),
        ("partly", "Date decided must include a year"),
    ],
)
def test_a_bad_date_is_refused_and_changes_nothing(world, date, message):
    bid, officer, chair = world["bid"], world["officer"], world["chair"]
    officer.post(step_url(bid, "submit"), on(datetime.date(2020, 6, 2)))
    officer.post(step_url(bid, "recommend"), {"reason": ""})
    if date == "partly":
        data = on(datetime.date(2020, 7, 14)) | {"decided_on_year": ""}
    else:
        data = on(date or timezone.localdate() + datetime.timedelta(days=1), reason="Approved")
    response = chair.post(step_url(bid, "approve"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    bid.refresh_from_db()
    assert bid.status == S.RECOMMENDED
    assert not BidStep.objects.filter(bid=bid, to_status=S.APPROVED).exists()


def test_a_member_submitting_their_own_bid_gives_no_date(world, make_user):
    member = make_user(roles.MEMBER)
    bid = BidFactory(grant_year=world["bid"].grant_year, status=S.DRAFT, created_by=member)
    client = signed_in(member)
    assert "Date submitted" not in client.get(step_url(bid, "submit")).content.decode()
    client.post(step_url(bid, "submit"), on(datetime.date(2020, 6, 2)))  # not a field for them: ignored
    assert BidStep.objects.get(bid=bid, to_status=S.SUBMITTED).decided_on is None


def test_steps_without_a_date_have_no_field(world):
    bid, officer = world["bid"], world["officer"]
    officer.post(step_url(bid, "submit"), {"reason": ""})
    assert "decided_on" not in officer.get(step_url(bid, "recommend")).content.decode()
