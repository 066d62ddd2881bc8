"""Search speed in-process at 1 and 10 years of bench/load.py's data, as ratios against floors measured alongside.

Run: .venv/bin/python bench/search_speed.py [--years 10] [--rounds 15] [--keep] [--db NAME]
(throw-away database kcsp_search_bench by default on the test PostgreSQL; --keep leaves it, and a later --keep run
that finds it loaded measures only its data). Floors, uncached: public, the static /accessibility/ page; signed in,
a minimal page behind sign-in (session, user, the base template, nothing else). Targets (issue 18): search >= 0.3 x
its floor at 10 years, and its p50 at 10 years <= 2 x at 1 year. Queries per page are printed and must be equal.
"""

import argparse
import statistics
import sys
import time
import types

import load
from benchdb import bench_database  # noqa: F401 - sets up Django
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

SEARCHES = [
    ("search common (public)", "/search/?q=partnership+campaign", "public"),
    ("search common (member)", "/search/?q=partnership+campaign", "member"),
    ("search rare (public)", "/search/?q=districts+kestrel", "public"),
    ("search rare (member)", "/search/?q=kestrel", "member"),
    ("search page 5 (member)", "/search/?q=partnership&page=5", "member"),
]
FLOORS = {"public": ("floor: /accessibility/", "/accessibility/"), "member": ("floor: signed in", "/bench-floor/")}


def floor_urls():
    """kcsp.urls plus /bench-floor/: the base template for a signed-in user, nothing else."""
    from django.contrib.auth.decorators import login_required
    from django.shortcuts import render
    from django.urls import include, path

    module = types.ModuleType("bench_search_urls")
    module.urlpatterns = [
        path("bench-floor/", login_required(lambda request: render(request, "base.html", {}))),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules[module.__name__] = module
    return module.__name__


def measure(client, url, rounds):
    response = client.get(url)  # warm caches and templates
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return {"p50": statistics.median(times) * 1000, "p95": times[int(len(times) * 0.95) - 1] * 1000, "q": len(queries)}


def run(clients, rounds):
    """Each search interleaved with its floor, several times over, so noise from other processes hits both alike."""
    results = {}
    for label, url, who in SEARCHES:
        floor_label, floor_url = FLOORS[who]
        floor, page = [], []
        for _ in range(3):
            floor.append(measure(clients[who], floor_url, rounds))
            page.append(measure(clients[who], url, rounds))
        results[label] = {
            "p50": statistics.median(r["p50"] for r in page),
            "p95": max(r["p95"] for r in page),
            "q": page[0]["q"],
            "floor": statistics.median(r["p50"] for r in floor),
        }
        results.setdefault(floor_label, {"p50": results[label]["floor"], "q": floor[0]["q"]})
    return results


def analyze() -> None:
    """Statistics as autovacuum (or the ANALYZE after a restore) gives a real database."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def clients_make():
    from kcsp.models import User

    member = Client()
    member.force_login(User.objects.get(email="member@bench.example"))
    return {"public": Client(), "member": member}


def counts() -> str:
    from meetings.models import AgendaItem, Meeting
    from search.models import SearchDocument

    return f"{Meeting.objects.count()} meetings, {AgendaItem.objects.count()} items, " + (
        f"{SearchDocument.objects.count()} search documents"
    )


def rare_words() -> None:
    """A few rows that the rare searches find, as a real archive has: a name in one paper, one item."""
    from meetings.models import AgendaItem, Paper

    item = AgendaItem.objects.filter(section="B").order_by("-pk").first()
    AgendaItem.objects.filter(pk=item.pk).update(title="Kestrel Road community safety")
    Paper.objects.filter(item=item).update(summary="Districts asked about the kestrel nesting site.")


def report(one, ten, years):
    print(f"{'page':32} {'p50 1y':>7} {'p50 ' + str(years) + 'y':>8} {'p95':>6} {'x floor':>8} {'target':>12} "
          f"{'10y/1y':>7} {'target':>10} {'queries':>9}")  # fmt: skip
    for label, values in ten.items():
        before = (one or {}).get(label)
        ratio = values["floor"] / values["p50"] if "floor" in values else None
        growth = values["p50"] / before["p50"] if before else None
        print(
            f"{label:32} {before['p50'] if before else float('nan'):>7.1f} {values['p50']:>8.1f} "
            f"{values.get('p95', float('nan')):>6.1f} "
            f"{ratio if ratio is not None else float('nan'):>8.2f} "
            f"{'' if ratio is None else ('MET' if ratio >= 0.3 else 'MISSED') + ' >=0.3':>12} "
            f"{growth if growth is not None else float('nan'):>7.2f} "
            f"{'' if growth is None or ratio is None else ('MET' if growth <= 2 else 'MISSED') + ' <=2':>10} "
            f"{(str(before['q']) + '/' if before else '') + str(values['q']):>9}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the database (and reuse it if loaded)")
    parser.add_argument("--db", default="kcsp_search_bench", help="the throw-away database's name")
    args = parser.parse_args()
    load.ARGS_YEARS[0] = args.years
    settings.ROOT_URLCONF = floor_urls()
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0

    from django.test.utils import setup_test_environment

    from kcsp.models import User
    from kcsp.tests.factories import PersonFactory
    from search.indexing import documents_rebuild

    setup_test_environment()
    settings.DATABASES["default"]["TEST"]["NAME"] = args.db
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keep)
    try:
        one = None
        if not User.objects.filter(email="member@bench.example").exists():
            people = [PersonFactory() for _ in range(6)]
            people[0].user = User.objects.create_user(email="plan-officer@bench.example", password="x" * 16)
            people[0].save()
            load.load_year(load.FIRST_YEAR, people)
            rare_words()
            documents_rebuild()
            analyze()
            load.bench_users(people)
            print(f"1 year: {counts()}")
            one = run(clients_make(), args.rounds)
            for year in range(load.FIRST_YEAR + 1, load.FIRST_YEAR + args.years):
                load.load_year(year, people)
            start = time.perf_counter()
            documents_rebuild()
            analyze()
            print(f"documents_rebuild at {args.years} years: {time.perf_counter() - start:.1f} s")
        else:
            documents_rebuild()  # the database may predate a change of what is indexed
            analyze()
        print(f"{args.years} years: {counts()}")
        ten = run(clients_make(), args.rounds)
        report(one, ten, args.years)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
