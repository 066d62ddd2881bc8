"""The data behind bench/load.py and bench/profile.py: years of meetings, plans, bids and DHR cases, bench users
and the list of pages to measure.

Years are loaded newest first: year 1 is the current financial year (meetings past and upcoming, open actions, an
open grant year, cases under review), years 2..N the ones before it. So the pages measured at 1 year and at N years
are the same records (the latest meeting, plan and grant year), with more history behind them: their 10y / 1y
ratio is the cost of the history alone. Everything is written with bulk_create (no signals): after loading, call
`loaded()` to rebuild the search documents once and move the page-cache generation on.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.test import Client
from django.utils import timezone

COMMITTEES = [("Kent Community Safety Partnership", "kcsp"), ("KCSP Working Group", "working-group"),
              ("Domestic Abuse Executive Group", "da-executive")]  # fmt: skip
MEETINGS_PER_YEAR = 30
ITEMS_PER_MEETING = 8
PRIORITIES = ["Domestic Abuse", "Violence Against Women and Girls", "Road Safety", "Serious Violence", "Prevent"]
PLAN_ITEMS_PER_PRIORITY = 8
BIDS_PER_YEAR = 60
DHR_CASES_PER_YEAR = 4  # 40 over ten years
TEXT = "The partnership reviewed delivery across the districts and agreed the next steps with partners. " * 6
SEARCH = "/search/?q=partnership+campaign"


def current_year() -> int:
    """The financial year (starting 1 April) that today falls in: the newest year loaded."""
    today = timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def years(first: int, last: int) -> list[int]:
    """Financial years for loads first..last (1-based), newest first: years(1, 1) is the current year alone."""
    return [current_year() - n for n in range(first - 1, last)]


def load_bids(year: int, people) -> None:
    """A grant year with 60 bids: past years delivered and closed, the current one open with bids for the chair."""
    from grants.models import Bid, BidStep, GrantYear

    current = year == current_year()
    grant_year = GrantYear.objects.create(
        year=year, amount_granted=Decimal("90000"), tactical_pot=Decimal("30000"),
        closed_on=None if current else datetime.date(year + 1, 3, 31),
    )  # fmt: skip
    statuses = ["recommended", "approved", "submitted", "declined"] if current else ["completed", "withdrawn"]
    author = people[0].user
    bids = Bid.objects.bulk_create(
        Bid(
            grant_year=grant_year, number=n, title=f"Project {n}: partnership campaign", description=TEXT[:300],
            applicant_organisation=people[n % len(people)].organisation, contact_name="Project lead",
            contact_email="lead@bench.example", amount_requested=Decimal("500.00"), total_cost=Decimal("750.00"),
            status=statuses[n % len(statuses)], created_by=author,
            actual_spend=Decimal("450.00") if statuses[n % len(statuses)] == "completed" else None,
            outcomes="120 people reached" if statuses[n % len(statuses)] == "completed" else "",
        )
        for n in range(1, BIDS_PER_YEAR + 1)
    )  # fmt: skip
    BidStep.objects.bulk_create(
        BidStep(bid=bid, from_status="draft", to_status=bid.status, by=author, at=timezone.now(), reason="Bench")
        for bid in bids
    )


def load_dhr_cases(year: int, people) -> None:
    """Four DHR cases notified in the year (still under review: the DHR home counts the overdue ones)."""
    from dhr.models import Case

    Case.objects.bulk_create(
        Case(
            pseudonym=f"Bench{year}{n}",
            year=year,
            csp_area="swale",
            notified_on=datetime.date(year, 5, n + 1),
            status=Case.Status.NOTIFIED,
        )  # fmt: skip
        for n in range(DHR_CASES_PER_YEAR)
    )


# Each is called as loader(year, people) after a year's meetings and plan are loaded.
YEAR_LOADERS: list = [load_bids, load_dhr_cases]


def load_year(year: int, people) -> None:
    """One financial year: 30 meetings across the committees (items, papers, minutes, actions) and a plan."""
    from meetings.minutetext import Style, minute_blocks
    from meetings.models import Action, AgendaItem, Committee, Meeting, Minute, Paper, PaperSection

    committees = [Committee.objects.get_or_create(slug=slug, defaults={"name": name})[0] for name, slug in COMMITTEES]
    now = timezone.now()
    current = year == current_year()
    meetings = Meeting.objects.bulk_create(
        Meeting(
            committee=committees[n % len(committees)],
            starts_at=timezone.make_aware(datetime.datetime(year, 4, 1, 10)) + datetime.timedelta(days=12 * n),
            contact_name="Democratic Services Officer",
            status=Meeting.Status.PUBLISHED if current else Meeting.Status.MINUTES_APPROVED,
            agenda_agreed_at=now,
            published_at=now,
        )
        for n in range(MEETINGS_PER_YEAR)
    )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            section="D" if position == ITEMS_PER_MEETING else "B",
            position=position,
            title=f"Report {position}: partnership update",
            description=TEXT[:200],
            restriction_reason="prevent" if position == ITEMS_PER_MEETING else "",
        )
        for meeting in meetings
        for position in range(1, ITEMS_PER_MEETING + 1)
    )
    papers = Paper.objects.bulk_create(
        Paper(item=item, format="written", subject=item.title, summary=TEXT[:300]) for item in items
    )
    PaperSection.objects.bulk_create(
        PaperSection(paper=paper, position=n, heading=f"Part {n}", body=f"{TEXT}\n\n{TEXT}")
        for paper in papers
        for n in (1, 2)
    )
    text = f"{TEXT}\n\n{TEXT}\n\nRESOLVED that the update be noted"
    blocks = minute_blocks(text, Style())  # the same text for every minute: parsed once
    number = Minute.objects.filter(committee__in=committees).count()
    minutes = Minute.objects.bulk_create(
        Minute(
            meeting=item.meeting,
            committee_id=item.meeting.committee_id,
            item=item,
            number=number + n,
            title=item.title,
            text=text,
            blocks=blocks,
        )  # fmt: skip
        for n, item in enumerate(items, start=1)
    )
    Action.objects.bulk_create(
        Action(
            minute=minute,
            text="Circulate the update to partners",
            owner=people[i % len(people)],
            due_on=datetime.date(year + 1, 3, 31),
            status="open" if current else "done",
        )  # fmt: skip
        for i, minute in enumerate(minutes)
    )
    load_plan(year, people)
    for loader in YEAR_LOADERS:
        loader(year, people)


def load_plan(year: int, people) -> None:
    """The year's agreement and a published action plan, with an update for every item every quarter."""
    from agreement.models import ActionPlan, Agreement, PlanItem, PlanVersion, Priority, ProgressUpdate

    agreement = Agreement.objects.create(year=year, title=f"Community Safety Agreement {year}", is_published=True)
    priorities = Priority.objects.bulk_create(
        Priority(agreement=agreement, position=n, name=name) for n, name in enumerate(PRIORITIES, start=1)
    )
    plan = ActionPlan.objects.create(agreement=agreement)
    version = PlanVersion.objects.create(plan=plan)
    items = PlanItem.objects.bulk_create(
        PlanItem(
            version=version,
            priority=priority,
            position=n,
            objective=TEXT[:150],
            actions=["Deliver the campaign", "Report to the board"],
            timescale=f"March {year + 1}",
        )  # fmt: skip
        for priority in priorities
        for n in range(1, PLAN_ITEMS_PER_PRIORITY + 1)
    )
    PlanVersion.objects.filter(pk=version.pk).update(status="published", number=1, published_at=timezone.now())
    officer = people[0].user
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            plan=plan,
            item_key=item.key,
            year=year,
            quarter=quarter,
            narrative=TEXT[:250],
            status=["green", "amber", "green", "complete"][quarter - 1],
            created_by=officer,
        )  # fmt: skip
        for item in items
        for quarter in (1, 2, 3, 4)
    )


def people_make() -> list:
    """Six people in their organisations; the first has a login (the officer who writes plans and bids)."""
    from kcsp.models import User
    from kcsp.tests.factories import PersonFactory

    people = [PersonFactory() for _ in range(6)]
    people[0].user = User.objects.create_user(email="plan-officer@bench.example", password="x" * 16)
    people[0].save()
    return people


def loaded() -> dict:
    """After a load: rebuild the search documents (bulk_create sent no signals, as after a restore), gather the
    planner's statistics and move the page-cache generation on, so no page or fragment cached before the load is
    served after it."""
    from django.db import connection

    from kcsp.pagecache import generation_bump
    from search.indexing import documents_rebuild

    written = documents_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics, as autovacuum or the ANALYZE after a restore gives a real database
    generation_bump()  # in autocommit: runs at once
    return written


def bench_users(people) -> dict[str, str]:
    """A member (of every committee), an officer, a chair and a DHR-cleared reader; answers {role: session key}.

    The DHR-cleared session has passed the second factor as after entering a code from an authenticator app
    (kcsp.testing.otp_verify marks the session; the DHR gate and access log run on every request as for anyone)."""
    from django.contrib.auth.models import Group

    from kcsp import roles
    from kcsp.models import User
    from kcsp.testing import otp_verify
    from meetings.models import Committee, Membership

    sessions = {}
    for role in (roles.MEMBER, roles.OFFICER, roles.CHAIR, roles.DHR_CLEARED):
        user = User.objects.create_user(email=f"{role}@bench.example", password="x" * 16, full_name=f"Bench {role}")
        user.groups.add(Group.objects.get(name=role))
        if role == roles.MEMBER:
            person = people[1]
            person.user = user
            person.save()
            for committee in Committee.objects.all():
                Membership.objects.create(committee=committee, person=person, organisation=person.organisation,
                                          starts_on=datetime.date(current_year() - 20, 4, 1))  # fmt: skip
        client = Client()
        client.force_login(user)
        if role == roles.DHR_CLEARED:
            otp_verify(client, user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


@dataclass(frozen=True)
class Page:
    """One page to measure. kind: "public" (anonymous) or "signed in"; session: the cookie value, or None."""

    label: str
    path: str
    session: str | None
    kind: str
    search: bool = False


PUBLIC_FLOOR = "/accessibility/"
SIGNED_IN_FLOOR = "/bench/signed-in-floor/"  # bench/urls.py: sign-in, the base template, nothing else


def floors(sessions) -> dict[str, Page]:
    """The floors: the static accessibility page (public, and cached) and the signed-in floor (as the member)."""
    return {
        "public": Page("floor: public (accessibility)", PUBLIC_FLOOR, None, "public"),
        "cached": Page("floor: cached (accessibility)", PUBLIC_FLOOR, None, "public"),
        "signed in": Page("floor: signed in (base template)", SIGNED_IN_FLOOR, sessions["member"], "signed in"),
    }


def pages(sessions) -> list[Page]:
    """The pages measured, all on the current year's records (the same at 1 and at N years)."""
    from agreement.models import PlanVersion
    from grants.models import GrantYear
    from meetings.models import Meeting

    meeting = Meeting.objects.order_by("-starts_at").first()
    version = PlanVersion.objects.order_by("-plan__agreement__year").first()
    grant_year = GrantYear.objects.order_by("-year").first()
    member, officer, chair, dhr = (sessions[r] for r in ("member", "officer", "chair", "dhr_cleared"))
    plan, exceptions = f"/agreement/versions/{version.pk}/", f"/agreement/versions/{version.pk}/exceptions/"
    return [
        Page("home (public)", "/", None, "public"),
        Page("meeting page (public)", f"/meetings/{meeting.pk}/", None, "public"),
        Page("calendar (public)", "/meetings/", None, "public"),
        Page("action plan (public)", plan, None, "public"),
        Page("grant year (public)", f"/grants/{grant_year.year}/", None, "public"),
        Page("search (public)", SEARCH, None, "public", search=True),
        Page("home (member)", "/", member, "signed in"),
        Page("home (officer)", "/", officer, "signed in"),
        Page("home (chair)", "/", chair, "signed in"),
        Page("home (DHR-cleared, code entered)", "/", dhr, "signed in"),
        Page("agenda with restricted items (member)", f"/meetings/{meeting.pk}/", member, "signed in"),
        Page("action plan (officer)", plan, officer, "signed in"),
        Page("exception report (member)", exceptions, member, "signed in"),
        Page("chair's queue (chair)", "/grants/queue/", chair, "signed in"),
        Page("search (member)", SEARCH, member, "signed in", search=True),
    ]
