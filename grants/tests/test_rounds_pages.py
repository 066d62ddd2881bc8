"""The thread from priority to plan item to bid to outcome to decision, as the pages and the 360Giving file show it:
allocated against awaiting on the year page, award dates and recipients in 360Giving, a bid's deciding minute and
the plan item's bids."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from agreement.tests.factories import agreement_world
from grants import services
from grants.exports import GIVING_COLUMNS
from grants.models import Bid, BidStep
from kcsp import roles
from kcsp.testing import opened
from kcsp.tests.factories import OrganisationFactory
from meetings.models import Minute
from meetings.tests.factories import AgendaItemFactory, CommitteeFactory, held_meeting

from .factories import BidFactory, GrantYearFactory

pytestmark = pytest.mark.django_db
S = Bid.Status


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def chair_only_year(year: int):
    return GrantYearFactory(
        year=year,
        amount_granted=Decimal("20000.00"),
        tactical_pot=Decimal("0"),
        has_tactical_pot=False,
        commissioner_step=False,
    )


def decided(bid: Bid, status: str, at: datetime.datetime, user) -> Bid:
    BidStep.objects.create(bid=bid, from_status=S.RECOMMENDED, to_status=status, by=user, at=at)
    return bid


def test_the_year_page_counts_only_approved_money_as_allocated(make_user):
    author = make_user(roles.MEMBER)
    chair_only = chair_only_year(2019)
    BidFactory(grant_year=chair_only, status=S.APPROVED, amount_requested=Decimal("1000"), created_by=author)
    BidFactory(grant_year=chair_only, status=S.RECOMMENDED, amount_requested=Decimal("500"), created_by=author)
    page = Client().get(reverse("grants:year_detail", args=[2019]))
    summary = page.context["summary"]
    assert (summary.allocated, summary.awaiting_chair, summary.remaining) == (
        Decimal("1000.00"),
        Decimal("500.00"),
        Decimal("18500.00"),
    )
    html = page.content.decode()
    assert "Awaiting the chair's decision" in html and "£500" in html
    assert "Awaiting the Commissioner" not in html

    split = GrantYearFactory(year=2023)
    BidFactory(grant_year=split, status=S.APPROVED, amount_requested=Decimal("1000"), created_by=author)
    BidFactory(grant_year=split, status=S.COMMISSIONER_APPROVED, amount_requested=Decimal("700"), created_by=author)
    BidFactory(grant_year=split, status=S.RECOMMENDED, amount_requested=Decimal("300"), created_by=author)
    summary = Client().get(reverse("grants:year_detail", args=[2023])).context["summary"]
    assert (summary.allocated, summary.awaiting_commissioner, summary.awaiting_chair) == (
        Decimal("700.00"),
        Decimal("1000.00"),
        Decimal("300.00"),
    )
    listing = Client().get(reverse("grants:year_list")).context["totals"]
    assert listing["allocated"] == Decimal("1700.00")


def test_360giving_includes_chair_only_rounds_with_local_award_dates_and_org_ids(make_user, settings):
    settings.GRANTS_360_PREFIX = "360G-kcsp"
    chair = make_user(roles.CHAIR)
    charity = OrganisationFactory(name="Kent Victim Support", charity_number="1234 567")
    council = OrganisationFactory(name="Kent County Council", local_authority_code="kent")
    unregistered = OrganisationFactory(name="Neighbourhood Watch group")
    chair_only = chair_only_year(2019)
    late = datetime.datetime(2019, 6, 14, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 15 June in Kent (BST)
    first = decided(
        BidFactory(grant_year=chair_only, status=S.APPROVED, applicant_organisation=charity, created_by=chair),
        S.APPROVED,
        late,
        chair,
    )
    decided(
        BidFactory(grant_year=chair_only, status=S.IN_DELIVERY, applicant_organisation=unregistered, created_by=chair),
        S.APPROVED,
        late - datetime.timedelta(days=30),
        chair,
    )
    split = GrantYearFactory(year=2022)
    waiting = decided(
        BidFactory(
            grant_year=split,
            status=S.APPROVED,
            applicant_organisation=council,
            created_by=chair,
            title="Waiting for the Commissioner",
        ),
        S.APPROVED,
        late,
        chair,
    )
    approved = decided(
        BidFactory(grant_year=split, status=S.COMMISSIONER_APPROVED, applicant_organisation=council, created_by=chair),
        S.APPROVED,
        late,
        chair,
    )
    decided(approved, S.COMMISSIONER_APPROVED, datetime.datetime(2022, 12, 1, 23, 30, tzinfo=datetime.UTC), chair)

    response = Client().get(reverse("grants:giving_export"))
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    assert reader.fieldnames == GIVING_COLUMNS
    rows = {row["Title"]: row for row in reader}
    assert waiting.title not in rows, "not funded until the Commissioner approves"
    assert len(rows) == 3
    row = rows[first.title]
    assert row["Award Date"] == "2019-06-15", "the local date of the chair's approval"
    assert row["Recipient Org:Identifier"] == "GB-CHC-1234567"
    assert row["Recipient Org:Charity Number"] == "1234567"
    assert row["Identifier"] == f"360G-kcsp-2019-{first.number:02d}"
    assert row["Grant Programme:Title"] == "Crime Reduction Grant 2019/20"
    fallback = next(row for row in rows.values() if row["Recipient Org:Name"] == unregistered.name)
    assert fallback["Recipient Org:Identifier"] == f"360G-kcsp-org-{unregistered.pk}"
    assert fallback["Award Date"] == "2019-05-16"
    council_row = rows[approved.title]
    assert council_row["Recipient Org:Identifier"] == "GB-LAE-KENT"
    assert council_row["Award Date"] == "2022-12-01", "GMT in December: the Commissioner's approval, same day"


@pytest.fixture
def minutes_world(make_user):
    """A KCSP meeting whose minutes include a public decision, a restricted one and a DHR one, and a decided bid."""
    kcsp = CommitteeFactory(name="Kent Community Safety Partnership", short_name="KCSP")
    meeting = held_meeting(committee=kcsp, starts_at=datetime.datetime(2022, 3, 24, 10, tzinfo=datetime.UTC))
    items = {
        reason: AgendaItemFactory(meeting=meeting, section="D" if reason else "B", restriction_reason=reason)
        for reason in ("", "prevent", "dhr")
    }
    minutes = {
        reason: Minute.objects.create(meeting=meeting, item=item, number=57 + index, title=f"Grant bids {reason}")
        for index, (reason, item) in enumerate(items.items())
    }
    author = make_user(roles.MEMBER)
    bid = BidFactory(grant_year=chair_only_year(2021), status=S.APPROVED, created_by=author)
    decided(bid, S.APPROVED, datetime.datetime(2022, 3, 24, 12, tzinfo=datetime.UTC), make_user(roles.CHAIR))
    return {"minutes": minutes, "bid": bid, "author": author, "meeting": meeting}


def test_a_bid_links_to_the_minute_that_decided_it_and_hidden_minutes_are_never_offered(minutes_world, make_user):
    bid, minutes = minutes_world["bid"], minutes_world["minutes"]
    officer = make_user(roles.OFFICER)
    url = reverse("grants:bid_minute", args=[bid.pk])
    client = signed_in(officer)
    offered = set(client.get(url).context["form"].fields["decided_at_minute"].queryset)
    assert minutes[""] in offered and minutes["prevent"] in offered
    assert minutes["dhr"] not in offered, "a DHR minute is never offered to an officer without DHR clearance"
    html = client.get(url).content.decode()
    assert "Minute 57, KCSP 24 March 2022" in html and "Grant bids dhr" not in html

    refused = client.post(url, opened(client, url, {"decided_at_minute": minutes["dhr"].pk}))
    assert "Choose a minute from the list" in refused.content.decode()
    with pytest.raises(Exception, match="that you may read"):
        services.bid_minute_record(bid=bid, minute=minutes["dhr"], user=officer)
    bid.refresh_from_db()
    assert bid.decided_at_minute is None

    assert client.post(url, opened(client, url, {"decided_at_minute": minutes[""].pk})).status_code == 302
    page = client.get(bid.get_absolute_url()).content.decode()
    minutes_url = reverse("meetings:minutes", args=[minutes_world["meeting"].pk])
    assert f'href="{minutes_url}#minute-57">minute 57, KCSP 24 March 2022</a>' in page
    assert "Decided at" in page


def test_a_restricted_deciding_minute_is_not_shown_to_a_reader_who_may_not_see_it(minutes_world, make_user):
    bid, minutes = minutes_world["bid"], minutes_world["minutes"]
    services.bid_minute_record(bid=bid, minute=minutes["prevent"], user=make_user(roles.OFFICER))
    author_page = signed_in(minutes_world["author"]).get(bid.get_absolute_url()).content.decode()
    assert "#minute-58" not in author_page and "Decided at" not in author_page
    officer_page = signed_in(make_user(roles.OFFICER)).get(bid.get_absolute_url()).content.decode()
    assert "#minute-58" in officer_page


def test_an_undecided_bid_cannot_be_linked_to_a_minute(minutes_world, make_user):
    bid = BidFactory(grant_year=minutes_world["bid"].grant_year, status=S.SUBMITTED, created_by=minutes_world["author"])
    with pytest.raises(Exception, match="no decision from the chair yet"):
        services.bid_minute_record(bid=bid, minute=minutes_world["minutes"][""], user=make_user(roles.OFFICER))


def test_the_commissioners_step_offers_the_minute_to_officers(minutes_world, make_user):
    year = GrantYearFactory(year=2022)
    bid = BidFactory(grant_year=year, status=S.WITH_COMMISSIONER, created_by=minutes_world["author"])
    decided(bid, S.APPROVED, datetime.datetime(2022, 3, 24, 12, tzinfo=datetime.UTC), make_user(roles.CHAIR))
    client = signed_in(make_user(roles.OFFICER))
    url = reverse("grants:bid_step", args=[bid.pk, "commissioner-approve"])
    assert set(client.get(url).context["form"].fields["decided_at_minute"].queryset) == {
        minutes_world["minutes"][""],
        minutes_world["minutes"]["prevent"],
    }
    chosen = minutes_world["minutes"][""].pk
    assert client.post(url, {"reason": "", "decided_at_minute": chosen}).status_code == 302
    bid.refresh_from_db()
    assert (bid.status, bid.decided_at_minute_id) == (S.COMMISSIONER_APPROVED, chosen)


def test_the_plan_item_lists_the_bids_that_fund_it(make_user):
    plan = agreement_world()
    item = plan["draft_item"]
    author, other = make_user(roles.MEMBER), make_user(roles.MEMBER)
    year = GrantYearFactory(year=plan["agreement"].year)
    funded = BidFactory(
        grant_year=year,
        plan_item=item,
        priority=item.priority,
        status=S.COMMISSIONER_APPROVED,
        title="Domestic abuse website posters",
        amount_requested=Decimal("1500"),
        created_by=author,
    )
    own = BidFactory(
        grant_year=year,
        plan_item=item,
        priority=item.priority,
        status=S.SUBMITTED,
        title="Awareness training",
        created_by=author,
    )
    BidFactory(
        grant_year=year,
        plan_item=plan["draft_extra"],
        status=S.SUBMITTED,
        title="Another item's bid",
        created_by=author,
    )
    url = reverse("agreement:item_detail", args=[item.pk])

    officer_page = signed_in(make_user(roles.OFFICER)).get(url).content.decode()
    assert "Bids that fund this item" in officer_page
    assert funded.title in officer_page and own.title in officer_page and "Another item" not in officer_page
    assert funded.applicant_organisation.name in officer_page and "£1,500" in officer_page
    assert "Approved by the Commissioner" in officer_page and f'href="{own.get_absolute_url()}"' in officer_page
    published = plan["published_item"]
    assert published.key == item.key, "the same item in the published plan: bids follow the item across versions"
    url = reverse("agreement:item_detail", args=[published.pk])
    other_page = signed_in(other).get(url).content.decode()
    assert funded.title in other_page, "a funded project is public, as on the year page"
    assert own.title not in other_page, "another partner's bid in progress is not shown"
    assert f'href="{funded.get_absolute_url()}"' not in other_page
    assert own.title in signed_in(author).get(url).content.decode()
    public_page = Client().get(url).content.decode()
    assert funded.title in public_page and own.title not in public_page


def test_pages_naming_bids_plan_items_make_the_same_queries_however_many_items(make_user):
    """A plan item's number reads its plan's numbering (version__plan): the chair's queue, the bid form's list of
    items and the officers' export load it with the items rather than once per item."""
    from agreement.models import PlanVersion
    from agreement.tests.factories import add_item, agreement_world
    from kcsp.testing import assert_queries_constant

    world = agreement_world()
    year = GrantYearFactory(year=world["agreement"].year)
    published = PlanVersion.objects.get(pk=world["published_version"].pk)
    author = make_user(roles.MEMBER)
    clients = {}
    for role in (roles.CHAIR, roles.OFFICER):
        clients[role] = Client()
        clients[role].force_login(make_user(role))
    partner = Client()
    partner.force_login(author)

    def bid_on(item, status):
        return BidFactory(grant_year=year, status=status, created_by=author, priority=item.priority, plan_item=item)

    bid_on(world["published_item"], Bid.Status.RECOMMENDED)

    def grow():
        for n in range(3):
            item = add_item(world["draft_version"], world["first"], f"Another item {n}")
            bid_on(item, Bid.Status.RECOMMENDED)

    def grow_published():
        from agreement import services

        draft = world["draft_version"]
        services.version_publish(version=draft)
        assert PlanVersion.objects.filter(plan=published.plan, status="published").count() == 2

    assert_queries_constant(clients[roles.CHAIR], reverse("grants:queue"), grow)
    assert_queries_constant(clients[roles.OFFICER], reverse("grants:bid_export", args=[year.year, "csv"]), grow)
    assert_queries_constant(partner, reverse("grants:bid_create", args=[year.year]), grow_published)


def test_a_draft_bid_whose_applicant_has_since_retired_can_still_be_changed(make_user):
    """The applicant list offers active organisations and the one the draft already names."""
    from kcsp.testing import opened

    author = make_user(roles.MEMBER)
    bid = BidFactory(status=Bid.Status.DRAFT, created_by=author, grant_year=GrantYearFactory(year=2033))
    Organisation = type(bid.applicant_organisation)
    Organisation.objects.filter(pk=bid.applicant_organisation_id).update(is_active=False)
    client = Client()
    client.force_login(author)
    url = reverse("grants:bid_edit", args=[bid.pk])
    fields = {
        "title": "Renamed project",
        "description": bid.description,
        "applicant_organisation": bid.applicant_organisation_id,
        "contact_name": bid.contact_name,
        "contact_email": bid.contact_email,
        "pot": bid.pot,
        "amount_requested": "1000.00",
        "total_cost": "1000.00",
        "match_funding": "0",
    }
    assert client.post(url, opened(client, url, fields)).status_code == 302
    bid.refresh_from_db()
    assert bid.title == "Renamed project"


def test_a_year_with_no_published_agreement_says_why_no_priority_can_be_chosen(make_user):
    chair_only_year(2019)
    page = signed_in(make_user(roles.MEMBER)).get(reverse("grants:bid_create", args=[2019])).content.decode()
    assert "There is no published Community Safety Agreement for 2019/20, so no priority can be chosen" in page
