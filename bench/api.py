"""Speed of the OParl API lists as data grows, as ratios against a static page measured in the same run.

The meeting list (50 a page, agenda items, locations and files embedded), the agenda item list and one meeting,
with 10, 100 and 400 published meetings of 5 items and a paper each: time per answer against /accessibility/
and the SQL query count, which must stay the same as the archive grows.

Run: .venv/bin/python bench/api.py   (uses a throw-away database, kcsp_bench, on the test PostgreSQL)
"""

import datetime

from benchdb import bench_database
from django.db import connection
from django.test import Client
from pages import measure


def main():
    from django.utils import timezone

    from meetings.models import AgendaItem, Committee, Meeting, Paper

    with bench_database("kcsp_bench"):
        client = Client()
        baseline, _ = measure(client, "/accessibility/")
        print(f"baseline /accessibility/: {baseline:.2f} ms")
        committee = Committee.objects.create(name="Bench committee", slug="bench")
        now = timezone.now()
        made = 0
        for total in (10, 100, 400):
            for n in range(made, total):
                meeting = Meeting.objects.create(
                    committee=committee,
                    starts_at=now - datetime.timedelta(days=n),
                    contact_name="Bench",
                    status="published",
                    agenda_agreed_at=now,
                    published_at=now,
                    venue="Council Chamber, Sessions House, County Road, Maidstone ME14 1XQ",
                )
                for position in range(1, 6):
                    item = AgendaItem.objects.create(meeting=meeting, section="B", position=position, title="Item")
                    Paper.objects.create(item=item, format="written", subject="Paper")
            made = total
            with connection.cursor() as cursor:  # statistics as autovacuum would keep them in service
                cursor.execute("ANALYZE")
            for label, url in (
                ("meeting list", "/api/v1/meeting/"),
                ("agenda item list", "/api/v1/agendaitem/"),
                ("one meeting", f"/api/v1/meeting/{Meeting.objects.first().pk}"),
                ("meeting list, modified_since", "/api/v1/meeting/?modified_since=2020-01-01T00:00:00%2B00:00"),
            ):
                ms, queries = measure(client, url)
                print(f"{total:>4} meetings, {label}: {ms:.2f} ms = {ms / baseline:.2f} x baseline, {queries} queries")


if __name__ == "__main__":
    main()
