"""Record types of the agreement and grants apps (agreement/retention.py, grants/retention.py)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from agreement.models import ActionPlan, Agreement, Indicator, IndicatorValue, PlanItem, PlanVersion
from agreement.tests.factories import agreement_world
from grants.models import Bid, BidAttachment, BidStep
from grants.tests.factories import BidFactory, GrantYearFactory
from kcsp.governance.record_types import record_type
from meetings.tests.factories import PDF_BYTES

from .helpers import dispose, due_ids, gone, history_count, search_count

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_plan_due_from_its_year_end_and_deleted(media, django_capture_on_commit_callbacks):
    world = agreement_world()
    plan = world["plan"]
    Agreement.objects.filter(pk=world["agreement"].pk).update(year=2015, period_starts=2015)
    version = world["published_version"]
    version.pdf.save("plan.pdf", ContentFile(PDF_BYTES))
    item = world["published_item"]
    other = ActionPlan.objects.create(agreement=Agreement.objects.create(year=2024, title="Later", period_starts=2024))
    assert due_ids("plan") == {plan.pk}  # 31 March 2016 + 6 years
    assert other.pk not in due_ids("plan")
    assert record_type("plan").label(plan.pk) == "Action plan 2015/16"
    done = dispose("plan", plan.pk, capture=django_capture_on_commit_callbacks)
    assert not PlanVersion.objects.filter(pk=version.pk).exists() and gone(version.pdf.name, media)
    assert history_count(PlanVersion, [version.pk]) == 0 and history_count(PlanItem, [item.pk]) == 0
    assert search_count("plan_item", [item.pk]) == 0 and done.files_removed == 1


def test_retired_indicator_due_and_deleted(django_capture_on_commit_callbacks):
    world = agreement_world()
    indicator = world["indicator"]
    live = Indicator.objects.create(priority=world["first"], name="Live", unit="n")
    Indicator.objects.filter(pk=indicator.pk).update(
        retired=True, retired_at=timezone.make_aware(datetime.datetime(2016, 1, 1))
    )
    assert due_ids("indicator") == {indicator.pk}
    assert record_type("indicator").label(indicator.pk) == "Domestic abuse incidents"
    dispose("indicator", indicator.pk, capture=django_capture_on_commit_callbacks)
    assert not IndicatorValue.objects.filter(indicator_id=indicator.pk).exists()
    assert history_count(Indicator, [indicator.pk]) == 0 and Indicator.objects.filter(pk=live.pk).exists()


def _ended_bid(user, on: datetime.date, **fields):
    bid = BidFactory(
        grant_year=GrantYearFactory(year=on.year - 1), status=Bid.Status.DECLINED, created_by=user, **fields
    )
    BidStep.objects.create(
        bid=bid, from_status="submitted", to_status="declined", by=user, at=timezone.now(), decided_on=on,
        reason="Declined: Ms Contact could not show match funding",
    )  # fmt: skip
    return bid


def test_bid_due_from_decision_deleted_with_attachments(media, make_user, django_capture_on_commit_callbacks):
    user = make_user()
    old = _ended_bid(user, datetime.date(2016, 5, 1))
    recent = _ended_bid(user, datetime.date(2025, 5, 1))
    live = BidFactory(grant_year=GrantYearFactory(year=2015), status=Bid.Status.IN_DELIVERY, created_by=user)
    attachment = BidAttachment(bid=old, title="Quote", original_name="q.pdf", file_kind="pdf", uploaded_by=user)
    attachment.file.save("q.pdf", ContentFile(PDF_BYTES))
    assert due_ids("grant_bid") == {old.pk}
    assert live.pk not in due_ids("grant_bid", trigger="year_end") and recent.pk not in due_ids("grant_bid")
    assert record_type("grant_bid").label(old.pk).endswith(old.title)
    assert due_ids("bid_attachment") == {attachment.pk}
    assert search_count("bid", [old.pk]) == 1
    done = dispose("grant_bid", old.pk, capture=django_capture_on_commit_callbacks)
    assert not Bid.objects.filter(pk=old.pk).exists() and gone(attachment.file.name, media)
    assert done.files_removed == 1 and search_count("bid", [old.pk]) == 0
    assert history_count(Bid, [old.pk]) == 0 and history_count(BidAttachment, [attachment.pk]) == 0
    assert Bid.objects.filter(pk=recent.pk).exists()


def test_bid_attachment_deleted_alone(media, make_user, django_capture_on_commit_callbacks):
    user = make_user()
    bid = _ended_bid(user, datetime.date(2016, 5, 1))
    attachment = BidAttachment(bid=bid, title="Quote", original_name="q.pdf", file_kind="pdf", uploaded_by=user)
    attachment.file.save("q.pdf", ContentFile(PDF_BYTES))
    dispose("bid_attachment", attachment.pk, capture=django_capture_on_commit_callbacks)
    assert not BidAttachment.objects.filter(pk=attachment.pk).exists() and gone(attachment.file.name, media)
    assert history_count(BidAttachment, [attachment.pk]) == 0 and Bid.objects.filter(pk=bid.pk).exists()


def test_bid_anonymised(make_user, django_capture_on_commit_callbacks):
    user = make_user()
    bid = _ended_bid(user, datetime.date(2016, 5, 1), contact_name="Jo Contact", contact_email="jo@partner.example")
    bid.contact_name = "Joanna Contact"
    bid.save()
    dispose("grant_bid", bid.pk, "anonymise", capture=django_capture_on_commit_callbacks)
    bid.refresh_from_db()
    assert (bid.contact_name, bid.contact_email) == ("Former contact", "")
    assert not Bid.history.filter(contact_name__contains="Contact", id=bid.pk).exclude(contact_name="Former contact")
    assert not Bid.history.filter(contact_email="jo@partner.example").exists()
    assert not BidStep.history.filter(reason__contains="Ms Contact").exists()
    assert bid.pk not in due_ids("grant_bid", action="anonymise")
