"""Every workflow step, allowed and refused, by status and by role; each step recorded with who, when and why."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from agreement.tests.factories import agreement_world
from grants import services
from grants.models import Bid, BidStep
from grants.workflow import STEPS
from kcsp import roles

from .factories import BidFactory, GrantYearFactory

pytestmark = pytest.mark.django_db
S = Bid.Status

# Who may take each step (the member may submit only a bid they wrote).
ALLOWED = {
    "submit": {roles.OFFICER, "author"},
    "recommend": {roles.OFFICER},
    "decline": {roles.OFFICER},
    "approve": {roles.CHAIR},
    "reject": {roles.CHAIR},
    "send-to-commissioner": {roles.OFFICER},
    "commissioner-approve": {roles.OFFICER},
    "commissioner-decline": {roles.OFFICER},
    "start-delivery": {roles.OFFICER},
    "complete": {roles.OFFICER},
    "withdraw": {roles.OFFICER},
}
EXTRA = {"reason": "Because", "actual_spend": Decimal("900.00"), "outcomes": "55 people trained"}


@pytest.fixture
def people(make_user):
    users = {role: make_user(role) for role in roles.ALL_ROLES}
    users["author"] = make_user(roles.MEMBER, email="author@partner.example")
    return users


def new_bid(people, status):
    return BidFactory(status=status, created_by=people["author"], grant_year=GrantYearFactory())


def test_the_table_covers_every_step():
    assert set(ALLOWED) == set(STEPS)


@pytest.mark.parametrize("action", sorted(STEPS))
def test_each_step_is_taken_only_by_its_role(action, people, django_capture_on_commit_callbacks):
    step = STEPS[action]
    source = step.sources[0]
    for who, user in people.items():
        bid = new_bid(people, source)
        if who in ALLOWED[action]:
            with django_capture_on_commit_callbacks(execute=True):
                moved = services.bid_step(bid=bid, action=action, user=user, **EXTRA)
            assert moved.status == step.target
            recorded = BidStep.objects.get(bid=bid)
            assert (recorded.from_status, recorded.to_status, recorded.by, recorded.reason) == (
                source,
                step.target,
                user,
                "Because",
            )
        else:
            with pytest.raises(PermissionDenied):
                services.bid_step(bid=bid, action=action, user=user, **EXTRA)
            bid.refresh_from_db()
            assert bid.status == source, f"{who} moved the bid with {action}"
            assert not bid.steps.exists()


@pytest.mark.parametrize("action", sorted(STEPS))
def test_each_step_is_refused_from_every_other_status_with_a_clear_message(action, people):
    step = STEPS[action]
    user = people[roles.CHAIR] if roles.CHAIR in ALLOWED[action] else people[roles.OFFICER]
    for status in S.values:
        if status in step.sources:
            continue
        bid = new_bid(people, status)
        with pytest.raises(ValidationError) as refused:
            services.bid_step(bid=bid, action=action, user=user, **EXTRA)
        assert bid.reference in refused.value.messages[0]
        assert Bid.Status(status).label in refused.value.messages[0]
        bid.refresh_from_db()
        assert bid.status == status


def test_reasons_are_required_where_the_step_says_so(people):
    for action in ("decline", "commissioner-decline", "withdraw"):
        bid = new_bid(people, STEPS[action].sources[0])
        with pytest.raises(ValidationError, match="Enter"):
            services.bid_step(bid=bid, action=action, user=people[roles.OFFICER], reason="  ")
        assert Bid.objects.get(pk=bid.pk).status == STEPS[action].sources[0]


def test_completion_needs_spend_within_the_approval_and_outcomes(people):
    bid = new_bid(people, S.IN_DELIVERY)
    officer = people[roles.OFFICER]
    with pytest.raises(ValidationError, match="between £0.00 and the £1,000.00 approved"):
        services.bid_step(bid=bid, action="complete", user=officer, actual_spend=Decimal("1000.01"), outcomes="x")
    with pytest.raises(ValidationError, match="outcomes"):
        services.bid_step(bid=bid, action="complete", user=officer, actual_spend=Decimal("900"), outcomes="")
    services.bid_step(bid=bid, action="complete", user=officer, actual_spend=Decimal("1000.00"), outcomes="Done")
    assert Bid.objects.get(pk=bid.pk).actual_spend == Decimal("1000.00")


def test_a_closed_year_refuses_every_step(people):
    bid = new_bid(people, S.RECOMMENDED)
    bid.grant_year.closed_on = datetime.date(2023, 3, 31)
    bid.grant_year.save()
    with pytest.raises(ValidationError, match="closed"):
        services.bid_step(bid=bid, action="approve", user=people[roles.CHAIR])


def test_the_chair_is_told_when_bids_await_and_the_applicant_when_decided(people, django_capture_on_commit_callbacks):
    chair = people[roles.CHAIR]
    bid = new_bid(people, S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.bid_step(bid=bid, action="recommend", user=people[roles.OFFICER])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [chair.email]
    assert "1 bid await your decision" in mail.outbox[0].subject
    assert "/grants/queue/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.bid_step(bid=bid, action="reject", user=chair, reason="Not this year")
    decided = mail.outbox[1]
    assert sorted(message.to[0] for message in mail.outbox[1:]) == sorted({bid.contact_email, people["author"].email})
    assert "rejected by the chair" in decided.subject.lower()
    assert "Not this year" in decided.body
    assert "/account/notifications/" in decided.body
    with django_capture_on_commit_callbacks(execute=True):
        services.bid_step(bid=new_bid(people, S.SUBMITTED), action="recommend", user=people[roles.OFFICER])
    assert len(mail.outbox) == 4, "each new recommendation is a new notice"


def test_a_chair_who_switched_the_notice_off_gets_no_mail(people, django_capture_on_commit_callbacks):
    from notifications.models import Preference

    Preference.objects.create(user=people[roles.CHAIR], kind="bid_awaiting", enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.bid_step(bid=new_bid(people, S.SUBMITTED), action="recommend", user=people[roles.OFFICER])
    assert mail.outbox == []


def test_no_mail_when_the_step_is_refused(people, django_capture_on_commit_callbacks):
    bid = new_bid(people, S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.bid_step(bid=bid, action="approve", user=people[roles.CHAIR])
    assert mail.outbox == []


def test_approval_marks_the_linked_action_plan_item_purple(people):
    """In a year whose chair's approval is final (see test_rounds_workflow for the Commissioner's)."""
    world = agreement_world()
    item = world["draft_version"].items.filter(grant_funded=False).first()
    year = GrantYearFactory(year=world["draft_version"].plan.agreement.year, commissioner_step=False)
    bid = BidFactory(grant_year=year, status=S.RECOMMENDED, created_by=people["author"], plan_item=item)
    services.bid_step(bid=bid, action="approve", user=people[roles.CHAIR])
    item.refresh_from_db()
    assert item.grant_funded
    assert item.history.count() >= 2


def test_bid_numbers_run_per_year_and_only_drafts_change(people):
    year = GrantYearFactory()
    organisation = BidFactory.build().applicant_organisation
    organisation.save()
    made = [
        services.bid_save(
            bid=Bid(
                grant_year=year,
                title=f"P{n}",
                description="d",
                applicant_organisation=organisation,
                contact_name="c",
                contact_email="c@x.example",
                amount_requested=Decimal("10"),
                total_cost=Decimal("10"),
            ),
            user=people["author"],
        )
        for n in range(3)
    ]
    assert [bid.number for bid in made] == [1, 2, 3]
    assert made[0].reference == "CRG 2022/23-01"
    services.bid_step(bid=made[0], action="submit", user=people["author"])
    made[0].refresh_from_db()
    made[0].title = "Changed"
    with pytest.raises(ValidationError, match="Only a draft"):
        services.bid_save(bid=made[0], user=people["author"])
