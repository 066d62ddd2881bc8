"""The app under load: ten years of realistic data, gunicorn on loopback, 20 locust users, figures printed.

Run: .venv/bin/python bench/load.py [--duration 60] [--users 20] [--workers 4]
(throw-away database kcsp_bench_load on the test PostgreSQL; temporary media; nothing else is touched)

Each page is driven alone by the same number of users for an equal share of the duration, so its
requests per second can be set against the floor (the static accessibility page, measured the same
way in the same run). Targets: public pages >= 0.5 x the floor, signed-in pages >= 0.1 x, no errors,
and the same number of SQL queries per page with 1 year and with 10 years of data.
"""

import argparse
import csv
import datetime
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchdb import bench_database
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

HERE = Path(__file__).resolve().parent
COMMITTEES = [("Kent Community Safety Partnership", "kcsp"), ("KCSP Working Group", "working-group"),
              ("Domestic Abuse Executive Group", "da-executive")]  # fmt: skip
MEETINGS_PER_YEAR = 30
ITEMS_PER_MEETING = 8
PRIORITIES = ["Domestic Abuse", "Violence Against Women and Girls", "Road Safety", "Serious Violence", "Prevent"]
PLAN_ITEMS_PER_PRIORITY = 8
FIRST_YEAR = 2016
TEXT = "The partnership reviewed delivery across the districts and agreed the next steps with partners. " * 6

BIDS_PER_YEAR = 60
DHR_CASES_PER_YEAR = 4  # 40 over ten years


def load_bids(year: int, people) -> None:
    """A grant year with 60 bids: past years delivered and closed, the latest with the chair."""
    from decimal import Decimal

    from grants.models import Bid, BidStep, GrantYear

    # The first and the latest year stay open with bids for the chair, so the 1-year and 10-year query
    # counts compare the same page shape.
    latest = year in (FIRST_YEAR, FIRST_YEAR + ARGS_YEARS[0] - 1)
    grant_year = GrantYear.objects.create(
        year=year, amount_granted=Decimal("90000"), tactical_pot=Decimal("30000"),
        closed_on=None if latest else datetime.date(year + 1, 3, 31),
    )  # fmt: skip
    statuses = ["recommended", "approved", "submitted", "declined"] if latest else ["completed", "withdrawn"]
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
ARGS_YEARS = [10]  # set from --years before loading, so the bid loader knows the latest year


def load_year(year: int, people) -> None:
    """One financial year: 30 meetings across the committees (items, papers, minutes, actions) and a plan."""
    from meetings.minutetext import Style, minute_blocks
    from meetings.models import Action, AgendaItem, Committee, Meeting, Minute, Paper, PaperSection

    committees = [Committee.objects.get_or_create(slug=slug, defaults={"name": name})[0] for name, slug in COMMITTEES]
    now = timezone.now()
    meetings = Meeting.objects.bulk_create(
        Meeting(
            committee=committees[n % len(committees)],
            starts_at=timezone.make_aware(datetime.datetime(year, 4, 1, 10)) + datetime.timedelta(days=12 * n),
            contact_name="Democratic Services Officer",
            status=Meeting.Status.MINUTES_APPROVED if year < now.year else Meeting.Status.PUBLISHED,
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
    number = Minute.objects.filter(committee__in=committees).count()
    minutes = []
    for item in items:
        number += 1
        minutes.append(
            Minute(
                meeting=item.meeting,
                committee_id=item.meeting.committee_id,
                item=item,
                number=number,
                title=item.title,
                text=f"{TEXT}\n\n{TEXT}\n\nRESOLVED that the update be noted",
                blocks=minute_blocks(f"{TEXT}\n\n{TEXT}\n\nRESOLVED that the update be noted", Style()),
            )  # fmt: skip
        )
    minutes = Minute.objects.bulk_create(minutes)
    Action.objects.bulk_create(
        Action(
            minute=minute,
            text="Circulate the update to partners",
            owner=people[i % len(people)],
            due_on=datetime.date(year + 1, 3, 31),
            status="done" if year < now.year else "open",
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


def bench_users(people):
    """A signed-in member (on every committee) and officer; returns their session cookies."""
    from django.contrib.auth.models import Group

    from kcsp import roles
    from kcsp.models import User
    from meetings.models import Committee, Membership

    sessions = {}
    for role in (roles.MEMBER, roles.OFFICER, roles.CHAIR):
        user = User.objects.create_user(email=f"{role}@bench.example", password="x" * 16, full_name=f"Bench {role}")
        user.groups.add(Group.objects.get(name=role))
        if role == roles.MEMBER:
            person = people[1]
            person.user = user
            person.save()
            for committee in Committee.objects.all():
                Membership.objects.create(committee=committee, person=person, organisation=person.organisation,
                                          starts_on=datetime.date(FIRST_YEAR, 4, 1))  # fmt: skip
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def pages(sessions) -> list[tuple[str, str, str | None, str]]:
    """(label, path, session, kind) for the floor and the main pages, all on the latest year."""
    from agreement.models import PlanVersion
    from grants.models import GrantYear
    from meetings.models import Meeting

    meeting = Meeting.objects.order_by("-starts_at").first()
    version = PlanVersion.objects.order_by("-plan__agreement__year").first()
    grant_year = GrantYear.objects.order_by("-year").first()
    return [
        ("floor: accessibility page", "/accessibility/", None, "floor"),
        ("meeting page (public)", f"/meetings/{meeting.pk}/", None, "public"),
        ("calendar (public)", "/meetings/", None, "public"),
        ("action plan (public)", f"/agreement/versions/{version.pk}/", None, "public"),
        ("agenda with restricted items (member)", f"/meetings/{meeting.pk}/", sessions["member"], "signed in"),
        ("action plan (officer)", f"/agreement/versions/{version.pk}/", sessions["officer"], "signed in"),
        ("exception report (member)", f"/agreement/versions/{version.pk}/exceptions/", sessions["member"],
         "signed in"),
        ("grant year (public)", f"/grants/{grant_year.year}/", None, "public"),
        ("chair's queue (chair)", "/grants/queue/", sessions["chair"], "signed in"),
        ("search (public)", "/search/?q=partnership+campaign", None, "public"),
        ("search (member)", "/search/?q=partnership+campaign", sessions["member"], "signed in"),
    ]  # fmt: skip


def query_counts(page_list) -> dict[str, int]:
    counts = {}
    for label, path, session, _ in page_list:
        client = Client()
        if session:
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[label] = len(captured.captured_queries)
    return counts


def drive(path: str, session: str | None, *, port: int, users: int, seconds: int, out: Path) -> dict:
    """One headless locust run against one page; returns its aggregated figures."""
    env = {
        **os.environ,
        "BENCH_PATH": path,
        "BENCH_SESSION": session or "",
        "BENCH_COOKIE": settings.SESSION_COOKIE_NAME,
    }
    subprocess.run(  # noqa: S603  (our own interpreter and fixed arguments)
        [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--users", str(users),
         "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
         "--csv", str(out), "--only-summary", "--loglevel", "ERROR", "--exit-code-on-error", "0"],
        check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{out}_stats.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")

    def number(text: str) -> float:
        return float("nan") if text in ("", "N/A") else float(text)  # N/A: no request finished in time

    return {
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "rps": number(row["Requests/s"]),
        "p50": number(row["50%"]),
        "p95": number(row["95%"]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load in all, shared by the pages")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    ARGS_YEARS[0] = args.years

    from kcsp.models import User
    from kcsp.testing import free_port, start_web, stop_process
    from kcsp.tests.factories import PersonFactory
    from search.indexing import documents_rebuild

    with tempfile.TemporaryDirectory() as media, bench_database("kcsp_bench_load"):
        settings.MEDIA_ROOT = media
        people = [PersonFactory() for _ in range(6)]
        people[0].user = User.objects.create_user(email="plan-officer@bench.example", password="x" * 16)
        people[0].save()
        load_year(FIRST_YEAR, people)
        documents_rebuild()  # bulk_create sends no signals: the search documents are built as after a restore
        sessions = bench_users(people)
        one_year = query_counts(pages(sessions))
        for year in range(FIRST_YEAR + 1, FIRST_YEAR + args.years):
            load_year(year, people)
        documents_rebuild()
        page_list = pages(sessions)
        ten_years = query_counts(page_list)
        from dhr.models import Case
        from grants.models import Bid
        from meetings.models import AgendaItem, Meeting, Minute

        print(
            f"data: {args.years} years, {Meeting.objects.count()} meetings, {AgendaItem.objects.count()} items and "
            f"papers, {Minute.objects.count()} minutes, {Bid.objects.count()} bids, {Case.objects.count()} DHR "
            f"cases; {args.users} users; gunicorn with {args.workers} workers"
        )
        port = free_port()
        web = start_web(
            port,
            Path(media) / "web.log",
            workers=args.workers,
            CONN_MAX_AGE=60,
            MEDIA_ROOT=media,
            PAGE_CACHE_SECONDS=60,
        )
        try:
            seconds = max(args.duration // len(page_list), 3)
            results = {
                label: drive(path, session, port=port, users=args.users, seconds=seconds, out=Path(media) / f"p{n}")
                for n, (label, path, session, _) in enumerate(page_list)
            }
        finally:
            stop_process(web)
        report(page_list, results, one_year, ten_years, seconds, args.years)


def report(page_list, results, one_year, ten_years, seconds, years):
    floor = results[page_list[0][0]]["rps"]
    targets = {"floor": None, "public": 0.5, "signed in": 0.1}
    print(f"each page {seconds} s alone; ratio = its requests/s over the floor's")
    print(f"{'page':40} {'req':>6} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>6} {'target':>7} "
          f"{'errors':>6} {'queries 1y':>10} {f'{years}y':>4}")  # fmt: skip
    total_errors = 0
    for label, _, _, kind in page_list:
        r = results[label]
        total_errors += r["errors"]
        target = targets[kind]
        verdict = "" if target is None else (">=" if r["rps"] / floor >= target else "MISS ") + f"{target}"
        print(
            f"{label:40} {r['requests']:>6} {r['rps']:>8.1f} {r['p50']:>7.0f} {r['p95']:>7.0f} "
            f"{r['rps'] / floor:>6.2f} {verdict:>7} {r['errors']:>6} {one_year[label]:>10} {ten_years[label]:>4}"
        )
    same = all(one_year[k] == ten_years[k] for k in one_year)
    print(f"errors: {total_errors} (target 0); queries per page equal at 1 and {years} years: {same}")


if __name__ == "__main__":
    main()
