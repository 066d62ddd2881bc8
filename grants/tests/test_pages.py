"""The grant pages as users meet them: the reference papers' totals, exports read back, forms and the queue."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from grants.budget import year_summaries
from grants.exports import GIVING_COLUMNS
from grants.models import Bid, GrantYear, Pot
from kcsp import roles
from kcsp.demo_clock import REFERENCE_TODAY
from kcsp.testing import assert_queries_constant, opened
from meetings.tests.factories import PDF_BYTES

from .factories import BidFactory, GrantYearFactory

pytestmark = pytest.mark.django_db
S = Bid.Status


@pytest.fixture
def demo(settings, demo_load):
    settings.DEBUG = True
    demo_load(REFERENCE_TODAY)  # as `manage.py demo --today 2022-10-31`: the papers' own dates


def test_demo_years_reproduce_the_reference_papers_totals(demo):
    past, current = year_summaries(GrantYear.objects.filter(year__in=[2021, 2022]).order_by("year"))
    assert past.year.amount_granted == Decimal("39661.00")
    assert past.spent == Decimal("22941.60")
    assert past.funded_projects == 7
    assert past.year.returned_unspent == past.underspend == Decimal("16719.40")
    assert past.pots[Pot.TACTICAL].locked
    assert current.pots[Pot.TACTICAL].size == Decimal("13220.00")
    assert current.pots[Pot.UPFRONT].size == Decimal("26441.00")
    assert current.pots[Pot.UPFRONT].awaiting == Decimal("26440.00")
    assert current.pots[Pot.UPFRONT].remaining == Decimal("1.00")
    assert Bid.objects.filter(grant_year=current.year).awaiting_chair().count() == 5
    bystander = Bid.objects.get(title="Bystander Approach Training")
    assert (bystander.total_cost, bystander.match_funding) == (Decimal("25000.00"), Decimal("20000.00"))
    assert bystander.plan_item.number == "5.3"


def test_public_pages_show_the_summary_and_funded_projects(demo):
    client = Client()
    listing = client.get(reverse("grants:year_list")).content.decode()
    assert "£22,941.60" in listing and "£16,719.40" in listing
    past = client.get(reverse("grants:year_detail", args=[2021])).content.decode()
    assert "190,000 views on Facebook" in past and "55 people attended" in past
    assert "Under-spend returned to the Commissioner" in past
    current = client.get(reverse("grants:year_detail", args=[2022])).content.decode()
    assert "£26,440" in current and "£13,221" in current
    assert "Best Bar None" not in current, "bids awaiting decisions are not public"


def test_360giving_rows_read_back(demo):
    response = Client().get(reverse("grants:giving_export"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == GIVING_COLUMNS
    assert len(rows) == 7
    assert sum(Decimal(row["Amount Awarded"]) for row in rows) == Decimal("22941.60")
    assert {row["Currency"] for row in rows} == {"GBP"}
    assert len({row["Identifier"] for row in rows}) == 7
    assert all(row["Identifier"].startswith("360G-kcsp-2021-") for row in rows)
    assert {row["Award Date"] for row in rows} == {"2021-04-01"}
    assert {row["Funding Org:Name"] for row in rows} == {"Kent Community Safety Partnership"}


def test_officer_exports_read_back(demo, make_user):
    client = Client()
    client.force_login(make_user(roles.OFFICER))
    workbook = load_workbook(io.BytesIO(client.get(reverse("grants:bid_export", args=[2022, "xlsx"])).content))
    sheet = workbook.active
    assert sheet["B1"].value == "Project title"
    assert [sheet.cell(row=n, column=8).value for n in range(2, 7)] == [622.5, 5000, 5980, 13000, 1837.5]
    text = client.get(reverse("grants:bid_export", args=[2022, "csv"])).content.decode("utf-8-sig")
    assert "Trauma Awareness Project" in text and "13000.00" in text
    assert client.get(reverse("grants:bid_export", args=[2022, "pdf"])).status_code == 404


def test_the_chair_decides_from_the_queue(demo, make_user):
    chair = Client()
    chair.force_login(make_user(roles.CHAIR))
    page = chair.get(reverse("grants:queue")).content.decode()
    assert page.count('data-testid="queue-bid"') == 5
    assert "Recommended by the working group</strong> (recorded by " in page
    best, bystander = Bid.objects.get(title="Best Bar None"), Bid.objects.get(title="Bystander Approach Training")
    url = reverse("grants:queue_decide", args=[best.pk])
    response = chair.post(url, {f"bid-{best.pk}-decision": "approve", f"bid-{best.pk}-comment": "Good value"})
    assert response.status_code == 302
    best.refresh_from_db()
    assert best.status == S.APPROVED and best.steps.last().reason == "Good value"
    url = reverse("grants:queue_decide", args=[bystander.pk])
    chair.post(url, {f"bid-{bystander.pk}-decision": "reject", f"bid-{bystander.pk}-comment": "VRU funds it"})
    bystander.refresh_from_db()
    assert bystander.status == S.REJECTED
    bad = chair.post(url, {f"bid-{bystander.pk}-decision": "approve"})
    assert bad.status_code == 404, "a decided bid has left the queue"


def test_a_decision_past_the_budget_shows_the_figures_and_changes_nothing(make_user):
    year = GrantYearFactory(year=2031, amount_granted=Decimal("300.00"), tactical_pot=Decimal("100.00"))
    author = make_user(roles.MEMBER)
    BidFactory(grant_year=year, amount_requested=Decimal("150.00"), status=S.APPROVED, created_by=author)
    over = BidFactory(grant_year=year, amount_requested=Decimal("50.01"), status=S.RECOMMENDED, created_by=author)
    chair = Client()
    chair.force_login(make_user(roles.CHAIR))
    url = reverse("grants:queue_decide", args=[over.pk])
    response = chair.post(url, {f"bid-{over.pk}-decision": "approve"})
    assert response.status_code == 200
    assert "only £50.00 is left" in response.content.decode()
    assert Bid.objects.get(pk=over.pk).status == S.RECOMMENDED
    response = chair.post(url, {f"bid-{over.pk}-decision": "maybe"})
    assert "Choose approve or reject" in response.content.decode()


def test_a_bid_form_with_bad_figures_explains_and_saves_nothing(make_user):
    year = GrantYearFactory(year=2032)
    member = Client()
    member.force_login(make_user(roles.MEMBER))
    organisation = BidFactory.build().applicant_organisation
    organisation.save()
    form = {
        "title": "Knife crime leaflets",
        "description": "Leaflets",
        "applicant_organisation": organisation.pk,
        "contact_name": "A Partner",
        "contact_email": "a@partner.example",
        "pot": "upfront",
        "amount_requested": "1200.505",
        "total_cost": "1000",
        "match_funding": "0",
    }
    response = member.post(reverse("grants:bid_create", args=[2032]), form)
    assert "no more than two decimal places" in response.content.decode()
    form["amount_requested"] = "1200"
    response = member.post(reverse("grants:bid_create", args=[2032]), form)
    assert "cannot be more than the total project cost" in response.content.decode()
    assert not Bid.objects.filter(grant_year=year).exists()
    form["amount_requested"] = "800"
    response = member.post(reverse("grants:bid_create", args=[2032]), form)
    bid = Bid.objects.get(grant_year=year)
    assert response["Location"] == bid.get_absolute_url()
    assert (bid.status, bid.number, bid.amount_requested) == (S.DRAFT, 1, Decimal("800.00"))


def test_an_illegal_step_from_the_page_is_refused_with_a_message(make_user):
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    bid = BidFactory(grant_year=GrantYearFactory(year=2033), status=S.DRAFT, created_by=make_user(roles.MEMBER))
    response = officer.get(reverse("grants:bid_step", args=[bid.pk, "recommend"]), follow=True)
    assert "it cannot be moved to" in response.content.decode()
    assert officer.get(reverse("grants:bid_step", args=[bid.pk, "teleport"])).status_code == 404


def test_attachments_are_checked_and_only_reach_those_who_see_the_bid(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    author_user = make_user(roles.MEMBER)
    author, other = Client(), Client()
    author.force_login(author_user)
    other.force_login(make_user(roles.MEMBER))
    bid = BidFactory(grant_year=GrantYearFactory(year=2034), status=S.DRAFT, created_by=author_user)
    url = reverse("grants:attachment_create", args=[bid.pk])
    fake = SimpleUploadedFile("quote.pdf", b"MZ this is not a pdf", content_type="application/pdf")
    response = author.post(url, {"title": "Quote", "file": fake})
    assert "is not a PDF" in response.content.decode()
    assert not bid.attachments.exists()
    good = SimpleUploadedFile("../../quote\x07.pdf", PDF_BYTES, content_type="application/pdf")
    author.post(url, {"title": "Quote", "file": good})
    attachment = bid.attachments.get()
    assert attachment.original_name == "quote.pdf"
    download = reverse("grants:attachment_file", args=[attachment.pk])
    assert author.get(download).status_code == 200
    assert other.get(download).status_code == 404
    assert other.get(bid.get_absolute_url()).status_code == 404


def test_grant_pages_make_the_same_queries_as_bids_grow(make_user):
    year = GrantYearFactory(year=2035, amount_granted=Decimal("90000"), tactical_pot=Decimal("30000"))
    author = make_user(roles.MEMBER)
    chair, officer = Client(), Client()
    chair.force_login(make_user(roles.CHAIR))
    officer.force_login(make_user(roles.OFFICER))

    def grow():
        for _ in range(4):
            bid = BidFactory(grant_year=year, status=S.RECOMMENDED, created_by=author)
            BidFactory(grant_year=year, status=S.COMPLETED, created_by=author, outcomes="1\n2")
            bid.steps.create(from_status=S.SUBMITTED, to_status=S.RECOMMENDED, by=author, at=bid.created_at)

    grow()
    assert_queries_constant(chair, reverse("grants:queue"), grow)

    def another_open_year():
        other = GrantYearFactory(year=2040 + GrantYear.objects.count())
        BidFactory(grant_year=other, status=S.RECOMMENDED, created_by=author)

    assert_queries_constant(chair, reverse("grants:queue"), another_open_year)
    assert_queries_constant(officer, reverse("grants:bid_list", args=[2035]), grow)
    assert_queries_constant(Client(), reverse("grants:year_detail", args=[2035]), grow)
    assert_queries_constant(Client(), reverse("grants:year_list"), grow)


def test_year_figures_cannot_fall_below_what_is_approved(make_user):
    year = GrantYearFactory(year=2036, amount_granted=Decimal("3000"), tactical_pot=Decimal("1000"))
    BidFactory(grant_year=year, amount_requested=Decimal("1500"), status=S.APPROVED, created_by=make_user(roles.MEMBER))
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    url = reverse("grants:year_edit", args=[2036])
    form = opened(
        officer,
        url,
        {
            "amount_granted": "2100",
            "pot_model": "split",
            "tactical_pot": "700",
            "final_approval": "commissioner",
            "refunds_received": "0",
            "rolled_over": "0",
        },
    )
    response = officer.post(url, form)
    assert "less than the £1,500.00 already approved from it" in response.content.decode()
    assert GrantYear.objects.get(year=2036).amount_granted == Decimal("3000.00")
    form.update(amount_granted="2400", tactical_pot="800.01")
    assert "at most a third of the grant" in officer.post(url, form).content.decode()
    form.update(amount_granted="2400", tactical_pot="800", refunds_received="100")
    assert officer.post(url, form).status_code == 302
    year.refresh_from_db()
    assert (year.amount_granted, year.refunds_received) == (Decimal("2400.00"), Decimal("100.00"))


def test_typed_text_cannot_become_a_spreadsheet_formula(make_user):
    year = GrantYearFactory(year=2037)
    BidFactory(grant_year=year, title="=HYPERLINK(\"http://evil.example\",\"Click\")", status=S.SUBMITTED,
               created_by=make_user(roles.MEMBER), description="@SUM(1+1)")  # fmt: skip
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    sheet = load_workbook(io.BytesIO(officer.get(reverse("grants:bid_export", args=[2037, "xlsx"])).content)).active
    assert sheet["B2"].value == '\'=HYPERLINK("http://evil.example","Click")'
    assert sheet["B2"].data_type == "s"
    text = officer.get(reverse("grants:bid_export", args=[2037, "csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_a_draft_edit_cannot_undo_a_submission_made_meanwhile(make_user):
    from grants import services

    author = make_user(roles.MEMBER)
    bid = BidFactory(grant_year=GrantYearFactory(year=2038), status=S.DRAFT, created_by=author)
    stale = Bid.objects.get(pk=bid.pk)
    services.bid_step(bid=bid, action="submit", user=author)
    stale.title = "Changed after submission"
    with pytest.raises(Exception, match="Only a draft"):
        services.bid_save(bid=stale, user=author)
    bid.refresh_from_db()
    assert (bid.status, bid.title) == (S.SUBMITTED, bid.title)


def test_a_closed_year_keeps_its_figures(make_user):
    from django.core.exceptions import ValidationError

    from grants import services

    year = GrantYearFactory(year=2039, closed_on=datetime.date(2040, 3, 31))
    year.amount_granted = Decimal("50000")
    with pytest.raises(ValidationError, match="closed"):
        services.year_figures_save(year=year)
    assert GrantYear.objects.get(pk=year.pk).amount_granted == Decimal("39661.00")


def test_a_queue_served_from_the_fragment_cache_carries_each_chairs_own_working_token(
    settings, make_user, django_capture_on_commit_callbacks
):
    """The queue's HTML is shared by everyone with the chair's rights (kcsp/fragments.py); each form's CSRF token is
    written in per request, so a second chair decides with the token of the page they were given."""
    import re

    from kcsp import pagecache

    settings.FRAGMENT_CACHE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.generation_bump()
        year = GrantYearFactory(year=2033)
        bid = BidFactory(grant_year=year, status=S.RECOMMENDED, created_by=make_user(roles.MEMBER))
        first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        first.force_login(make_user(roles.CHAIR))
        second.force_login(make_user(roles.CHAIR))
    warm = first.get(reverse("grants:queue")).content.decode()
    assert bid.reference in warm
    with CaptureQueriesContext(connection) as hit:
        page = second.get(reverse("grants:queue")).content.decode()
    assert not any("grants_bidstep" in q["sql"] for q in hit.captured_queries), "the queue was built, not reused"
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert tokens and "csrfslot" not in page
    url = reverse("grants:queue_decide", args=[bid.pk])
    refused = second.post(url, {f"bid-{bid.pk}-decision": "approve", "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        done = second.post(url, {f"bid-{bid.pk}-decision": "approve", "csrfmiddlewaretoken": tokens[0]})
    assert done.status_code == 302
    assert Bid.objects.get(pk=bid.pk).status == S.APPROVED
    after = second.get(reverse("grants:queue")).content.decode()
    assert 'data-testid="queue-bid"' not in after, "a decision left the bid in the cached queue"
