"""Page speed of the partnership core, as ratios against a static page measured in the same run.

Run: .venv/bin/python bench/pages.py   (uses a throw-away database, kcsp_bench, on the test PostgreSQL)
"""

import statistics
import time

from benchdb import bench_database
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROUNDS = 40


def measure(client, url):
    client.get(url)  # warm caches and templates
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times) * 1000, len(queries)


def main():
    from django.contrib.auth.models import Group

    from kcsp import roles
    from kcsp.models import Organisation, Person, User

    with bench_database("kcsp_bench"):
        user = User.objects.create_user(email="bench@kcsp.example", password="x" * 16)
        user.groups.add(Group.objects.get(name=roles.MEMBER))
        client = Client()
        client.force_login(user)
        baseline, _ = measure(client, "/accessibility/")
        print(f"baseline /accessibility/: {baseline:.2f} ms")
        for total in (25, 250, 2500):
            existing = Organisation.objects.count()
            organisations = Organisation.objects.bulk_create(
                Organisation(name=f"Organisation {i}", kind="responsible") for i in range(existing, total)
            )
            Person.objects.bulk_create(Person(surname=f"Person {o.pk}", organisation=o) for o in organisations)
            ms, queries = measure(client, "/directory/")
            detail_ms, detail_queries = measure(client, f"/directory/{Organisation.objects.first().pk}/")
            print(
                f"/directory/ with {total:>5} organisations: {ms:.2f} ms = {ms / baseline:.2f} x baseline, "
                f"{queries} queries; one organisation page: {detail_ms / baseline:.2f} x, {detail_queries} queries"
            )
        bench_meeting_page(client, baseline)


def bench_meeting_page(client, baseline):
    """The agenda page at 10, 50 and 200 items with a paper each: time as a ratio, queries constant."""
    import datetime

    from django.utils import timezone

    from meetings.models import AgendaItem, Committee, Meeting, Paper

    now = timezone.now()
    meeting = Meeting.objects.create(
        committee=Committee.objects.create(name="Bench committee", slug="bench"),
        starts_at=now + datetime.timedelta(days=30),
        contact_name="Bench",
        status="published",
        agenda_agreed_at=now,
        published_at=now,
    )
    for total in (10, 50, 200):
        existing = meeting.items.count()
        for position in range(existing + 1, total + 1):
            item = AgendaItem.objects.create(meeting=meeting, section="B", position=position, title=f"Item {position}")
            Paper.objects.create(item=item, format="written", subject=f"Paper {position}")
        ms, queries = measure(client, f"/meetings/{meeting.pk}/")
        print(f"meeting page with {total:>3} items: {ms:.2f} ms = {ms / baseline:.2f} x baseline, {queries} queries")


if __name__ == "__main__":
    main()
